import {Flags} from '@oclif/core'

import {BaseCommand, policiesFlag} from '../base-command'
import {COMMERCIAL_REGIONS, DEFAULT_START_DATE, DEFAULT_TABLE_NAME, resolveTableOptions, utcDay, type TableOverride} from '../core/catalog/table-options'
import type {TableRun} from '../core/catalog/table-apply'
import type {TablePlan} from '../core/catalog/table-plan'
import {describeExitCodes} from '../core/exit-codes'
import {tablePlanKind} from '../core/reconcile/plans'
import {loadLakeConfig} from '../io/lake-file'
import {renderTableOverrides, renderTablePlan, renderTableRun} from '../output/table'
import {clientsForLake} from '../workflows/bootstrap'
import {readTable, runTable, type TableTarget} from '../workflows/table'

/** What `table --json` prints. */
export interface TableOutput {
  /** The plan that was (or, with --dry-run, would be) carried out. */
  plan: TablePlan
  /** The accounts, regions and start date the table was planned for. */
  target: TableTarget
  /** The flags that differ from lake.yaml's table section: this run only, the next run without them reverts. */
  overrides: TableOverride[]
  /** What the run did; absent with --dry-run or when there was nothing to do. */
  result?: TableRun
}

export default class Table extends BaseCommand<typeof Table> {
  static summary = 'Create or update the CloudTrail table AWS documents for Athena, with partition projection.'

  static description = `Reads the bucket, prefix, database and region, and the table section (name, start, regions, accounts, organizationId), from <policies>/lake.yaml and makes the Glue table AWS documents for querying CloudTrail logs with Athena: every top-level CloudTrail field with its type, the JSON SerDe with CloudTrail's input format, and partition projection (a timestamp partition by day from --start to NOW, plus region and account partitions when there are several), so no crawler and no ALTER TABLE ADD PARTITION are needed. A missing table is created, a different one updated (each difference is printed; properties outside lakegov's own are kept), and a matching one left alone. When the lake is Lake Formation-governed (new tables default to no one), IAM_ALLOWED_PRINCIPALS grants on the table are revoked. The flags override the table section for one run only: the plan says so, and the next run without them goes back to lake.yaml. Flags are checked before any AWS call.

--regions all means these ${COMMERCIAL_REGIONS.length} commercial regions: ${COMMERCIAL_REGIONS.join(', ')}.

${describeExitCodes()}`

  static examples = [
    '<%= config.bin %> table --dry-run',
    '<%= config.bin %> table --start 2024/01/01',
    '<%= config.bin %> table --regions all',
    '<%= config.bin %> table --organization-id o-a1b2c3d4e5 --accounts 111122223333,444455556666 --regions us-east-1,eu-west-1',
  ]

  static flags = {
    policies: policiesFlag,
    name: Flags.string({description: `For this run: the table name, lowercase letters, digits and underscores (default: lake.yaml table.name, else ${DEFAULT_TABLE_NAME}).`}),
    start: Flags.string({description: `For this run: the first day the projection covers, yyyy/MM/dd (default: lake.yaml table.start, else ${DEFAULT_START_DATE}).`}),
    regions: Flags.string({description: 'For this run: comma-separated regions whose logs the table reads, or "all" (default: lake.yaml table.regions, else its region).'}),
    accounts: Flags.string({description: 'For this run: comma-separated 12-digit account ids whose logs the table reads (default: lake.yaml table.accounts, else the caller\'s account).'}),
    'organization-id': Flags.string({description: 'For this run, for an organization trail: the organization id (o-...), which CloudTrail puts before the account in the key.'}),
    'dry-run': Flags.boolean({description: 'Print the plan and change nothing.'}),
  }

  async run(): Promise<TableOutput> {
    const {flags} = this
    const {config} = await loadLakeConfig(flags.policies)
    const given = {name: flags.name, start: flags.start, regions: flags.regions, accounts: flags.accounts, organizationId: flags['organization-id']}
    const {selection, overrides} = resolveTableOptions(given, config, utcDay(new Date()))
    const clients = clientsForLake(this.aws, config, flags.region)
    this.logToStderr(`Reading the catalog (${config.region})...`)
    const view = await readTable(clients, config, selection)
    const {plan, target} = view
    if (!this.jsonEnabled()) this.log(renderTablePlan(plan) + renderTableOverrides(overrides))
    if (flags['dry-run'] || !tablePlanKind.canApply(plan)) return {plan, target, overrides}
    const result = await runTable(view)
    if (!this.jsonEnabled()) this.log(renderTableRun(plan, result))
    this.setExitCode(result.exitCode)
    return {plan, target, overrides, result}
  }
}
