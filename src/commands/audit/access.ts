import {Flags} from '@oclif/core'

import {BaseCommand, policiesFlag} from '../../base-command'
import {accessRowsByTable, computeAccess} from '../../core/audit/access'
import {resolveAccessQuery} from '../../core/audit/query'
import {describeExitCodes} from '../../core/exit-codes'
import {writeChunks} from '../../io/stdout'
import {renderAccessCsvChunks, renderAccessJsonChunks, renderAccessMarkdown, renderAccessTable, type AccessReport} from '../../output/audit'
import {loadAuditInputs, readAudit} from '../../workflows/audit'

export default class AuditAccess extends BaseCommand<typeof AuditAccess> {
  static summary = 'List who can read the log tables, which columns and rows, and through which path.'

  static description = `For each table of the log database, lists every principal that can read it and the path that gives the access: table, column and table wildcard grants, LF-tag expression grants (resolved against the tags on the database, table and columns), data cells filters (row filter and columns), data lake admins and read-only admins, grant-option holders, cross-account, organization and OU grants, IAM_ALLOWED_PRINCIPALS (shown first, as a banner: IAM decides, not Lake Formation), and the S3 bypass: principals whose IAM policies or the bucket policy allow s3:GetObject on the log prefix.

Reads lake.yaml for the bucket, prefix and database, and the account. Run it as a data lake admin or read-only admin: Lake Formation only lists the grants the caller may see. Changes nothing.

${describeExitCodes()}`

  static examples = [
    '<%= config.bin %> audit access',
    '<%= config.bin %> audit access --table management_events --format markdown',
    '<%= config.bin %> audit access --principal arn:aws:iam::123456789012:role/Analyst --json',
    '<%= config.bin %> audit access --format csv > access.csv',
  ]

  static flags = {
    policies: policiesFlag,
    database: Flags.string({description: 'The log database (default: database in lake.yaml).'}),
    table: Flags.string({description: 'Only this table.'}),
    principal: Flags.string({description: 'Only what this principal can read: its own rows, its account\'s, IAM_ALLOWED_PRINCIPALS and anyone\'s. An ARN, an account id, or a principal\'s name from the grants files.'}),
    format: Flags.option({options: ['table', 'csv', 'markdown'] as const, default: 'table' as const, description: 'Output format (--json for JSON).', exclusive: ['json']})(),
  }

  async run(): Promise<AccessReport | undefined> {
    const inputs = await loadAuditInputs(this.flags.policies)
    this.logToStderr(`Reading the account (${inputs.config.region})...`)
    const view = await readAudit(this.aws, inputs, {database: this.flags.database, flagRegion: this.flags.region})
    for (const warning of view.warnings) this.logToStderr(`warning: ${warning}`)
    const query = resolveAccessQuery(
      {database: view.database, tables: view.state.tables, declaredPrincipals: inputs.desired?.principals ?? {}},
      {table: this.flags.table, principal: this.flags.principal},
    )
    const header = {account: view.account, region: view.region, database: view.database, tables: view.state.tables.length, warnings: view.warnings}
    // JSON and CSV stream the rows out table by table, never holding the whole report; oclif prints
    // a --json result only when run returns one, so these return none.
    if (this.jsonEnabled()) {
      await writeChunks(renderAccessJsonChunks(header, accessRowsByTable(view.state, query)))
      return undefined
    }
    if (this.flags.format === 'csv') {
      await writeChunks(renderAccessCsvChunks(accessRowsByTable(view.state, query)))
      return undefined
    }
    const report: AccessReport = {...header, rows: computeAccess(view.state, query), warnings: view.warnings}
    this.log(this.flags.format === 'markdown' ? renderAccessMarkdown(report) : renderAccessTable(report))
    return report
  }
}
