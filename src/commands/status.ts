import {Flags} from '@oclif/core'

import {BaseCommand, policiesFlag} from '../base-command'
import {ExitCode, describeExitCodes} from '../core/exit-codes'
import type {BootstrapPlan} from '../core/lake/bootstrap'
import {bootstrapPlanKind} from '../core/reconcile/plans'
import {loadDeclaredReaders} from '../io/declared-readers'
import {loadLakeConfig} from '../io/lake-file'
import {renderStatus} from '../output/bootstrap'
import {clientsForLake, readLake} from '../workflows/bootstrap'

export default class Status extends BaseCommand<typeof Status> {
  static summary = 'Show whether each bootstrap step matches lake.yaml (ok, missing, drifted or blocked).'

  static description = `Reads lake.yaml and the account, as bootstrap does, and reports each step's state with what differs. Changes nothing. With --detailed-exitcode it exits 2 when anything is missing, drifted or blocked, so that a scheduled CI job can catch drift.

${describeExitCodes()}`

  static examples = ['<%= config.bin %> status', '<%= config.bin %> status --detailed-exitcode --json']

  static flags = {
    policies: policiesFlag,
    'detailed-exitcode': Flags.boolean({description: 'Exit 2 when a step is missing, drifted or blocked; 0 when all are ok.'}),
  }

  async run(): Promise<BootstrapPlan> {
    const {config} = await loadLakeConfig(this.flags.policies)
    this.logToStderr(`Reading the account (${config.region})...`)
    const {plan} = await readLake(clientsForLake(this.aws, config, this.flags.region), config, {readers: await loadDeclaredReaders(this.flags.policies, config)})
    if (!this.jsonEnabled()) this.log(renderStatus(plan))
    if (this.flags['detailed-exitcode'] && bootstrapPlanKind.hasDrift(plan)) this.setExitCode(ExitCode.Changes)
    return plan
  }
}
