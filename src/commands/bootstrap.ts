import {Flags} from '@oclif/core'

import {BaseCommand, policiesFlag} from '../base-command'
import {ExitCode, describeExitCodes} from '../core/exit-codes'
import type {BootstrapRun} from '../core/lake/apply'
import type {BootstrapPlan} from '../core/lake/bootstrap'
import {bootstrapPlanKind} from '../core/reconcile/plans'
import {loadDeclaredReaders} from '../io/declared-readers'
import {loadLakeConfig} from '../io/lake-file'
import {renderBootstrapPlan, renderBootstrapRun} from '../output/bootstrap'
import {clientsForLake, readLake, runBootstrap} from '../workflows/bootstrap'

/** What `bootstrap --json` prints. */
export interface BootstrapOutput {
  /** The plan that was (or, with --dry-run, would be) applied. */
  plan: BootstrapPlan
  /** What the run did; absent with --dry-run or when there was nothing to do. */
  result?: BootstrapRun
}

export default class Bootstrap extends BaseCommand<typeof Bootstrap> {
  static summary = 'Build or repair the CloudTrail log lake that lake.yaml describes.'

  static description = `Reads <policies>/lake.yaml (exit 3 before any AWS call if it is invalid), reads the account, and plans each step: the bucket (created or adopted; Block Public Access, default encryption, versioning, a TLS-only policy that lets the trail write, merged with the statements already there; optional retention), the registration role (least privilege on the bucket and prefix), the KMS key policy (statements added when lakegov may change the key, otherwise reported), the data lake settings (admins added, default permissions emptied, every other field kept), the registration, the Glue database (IAM_ALLOWED_PRINCIPALS revoked), and the trail. Then it applies the changes in that order. It never deletes a bucket, object, trail or role, and never removes an admin without --exact-admins. A second run reports nothing to do; after a failure, a re-run continues from where it stopped.

${describeExitCodes()}`

  static examples = ['<%= config.bin %> bootstrap --dry-run', '<%= config.bin %> bootstrap', '<%= config.bin %> bootstrap --policies infra/lake --exact-admins']

  static flags = {
    policies: policiesFlag,
    'dry-run': Flags.boolean({description: 'Print the plan and change nothing.'}),
    'exact-admins': Flags.boolean({description: 'Make the admin lists exactly those in lake.yaml, removing the others.'}),
    'detailed-exitcode': Flags.boolean({description: 'With --dry-run: exit 2 when there are changes, 0 when there are none.', dependsOn: ['dry-run']}),
  }

  async run(): Promise<BootstrapOutput> {
    const {flags} = this
    const {config} = await loadLakeConfig(flags.policies)
    const clients = clientsForLake(this.aws, config, flags.region)
    this.logToStderr(`Reading the account (${config.region})...`)
    // The admin safety checks run for --dry-run too, so that the dry run refuses what the real run would.
    const view = await readLake(clients, config, {exactAdmins: flags['exact-admins'], forApply: true, readers: await loadDeclaredReaders(flags.policies, config)})
    const {plan} = view
    if (!this.jsonEnabled()) this.log(renderBootstrapPlan(plan))
    if (flags['dry-run']) {
      if (flags['detailed-exitcode'] && bootstrapPlanKind.hasChanges(plan)) this.setExitCode(ExitCode.Changes)
      return {plan}
    }
    if (!bootstrapPlanKind.canApply(plan)) return {plan}
    const result = await runBootstrap(view, config, (outcome) => this.progress(`${outcome.status.padEnd(8)} ${outcome.step}: ${outcome.summary}`))
    if (!this.jsonEnabled()) this.log(renderBootstrapRun(result))
    this.setExitCode(result.exitCode)
    return {plan, result}
  }
}
