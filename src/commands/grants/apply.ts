import {Args, Flags} from '@oclif/core'

import {BaseCommand, policiesFlag} from '../../base-command'
import type {ApplyResult} from '../../core/apply/apply'
import {LakegovError} from '../../core/errors'
import {ExitCode, describeExitCodes} from '../../core/exit-codes'
import type {Plan} from '../../core/plan/plan'
import {grantsPlanKind} from '../../core/reconcile/plans'
import {exitCodeOf} from '../../core/reconcile/reconcile'
import {incompleteViewWarning} from '../../core/visibility'
import {readPlanFile} from '../../io/plan-file'
import {loadLakeConfigIfPresent} from '../../io/lake-file'
import {loadDesiredState} from '../../io/policy-files'
import {confirmApply} from '../../io/prompt'
import {approvalQuestion, principalLabels, renderApplyResult, renderPlanText, summaryLine} from '../../output/plan'
import {applyPlan, checkSafety, checkSavedPlan, planGrants, readAccount} from '../../workflows/grants'

/** What `grants apply --json` prints. */
export interface ApplyOutput {
  /** The plan that was applied. */
  plan: Plan
  /** How each change came out; absent when there was nothing to do. */
  result?: ApplyResult
}

export default class GrantsApply extends BaseCommand<typeof GrantsApply> {
  static summary = 'Make the account match the grants files, or apply a saved plan.'

  static description = `Without an argument, plans (as grants plan does) and applies. With a saved plan, first checks that it was made for this account and region and that the grants in scope have not changed since (exit 5 otherwise). Writes with BatchGrantPermissions and BatchRevokePermissions, 20 entries a call, grants before revokes; reads every Failures[] entry, retries throttling and ConcurrentModificationException with backoff, and treats revoking what is already gone as done. If anything fails it exits 6 and reports what succeeded and what did not; running it again converges. Asks for confirmation on a terminal; elsewhere it needs --auto-approve.

${describeExitCodes()}`

  static examples = ['<%= config.bin %> grants apply', '<%= config.bin %> grants apply plan.json --auto-approve', '<%= config.bin %> grants apply --prune --auto-approve']

  // A missing file is reported by readPlanFile (exit 64 with how to make one), not by oclif's `exists`.
  static args = {plan: Args.file({description: 'A plan saved by grants plan --out.'})}

  static flags = {
    policies: policiesFlag,
    // oclif's flag relations cannot name an argument, so --prune with a saved plan is refused in run().
    prune: Flags.boolean({description: 'Also revoke grants in scope that the files do not declare (not with a saved plan, which already says whether it prunes).'}),
    'auto-approve': Flags.boolean({description: 'Apply without asking (required when not on a terminal).'}),
  }

  async run(): Promise<ApplyOutput> {
    const {args, flags} = this
    if (args.plan && flags.prune) {
      throw new LakegovError('--prune cannot be used with a saved plan: the plan already says whether it prunes.', {
        exitCode: ExitCode.Usage,
        code: 'USAGE',
        suggestions: [`Make the plan with pruning (lakegov grants plan --prune --out ${args.plan}), or apply without a file: lakegov grants apply --prune`],
      })
    }
    // Validate before touching AWS: bad files exit 3 with no call made.
    const desired = args.plan ? undefined : await loadDesiredState(flags.policies)
    const lake = args.plan ? undefined : await loadLakeConfigIfPresent(flags.policies)
    const saved = args.plan ? await readPlanFile(args.plan) : undefined
    this.logToStderr('Reading the grants in the account...')
    const account = await readAccount(this.aws)
    const incomplete = incompleteViewWarning(account.identity.arn, account, 'plan')
    if (incomplete) this.progress(`warning: ${incomplete}`)
    if (saved) await checkSavedPlan(saved, account)
    const plan = saved ?? (await planGrants(account, desired!.state, {prune: flags.prune, lake}))
    const label = principalLabels(desired?.state.principals ?? {})
    checkSafety(plan, account)
    if (!grantsPlanKind.canApply(plan)) {
      if (!this.jsonEnabled()) this.log(summaryLine(plan))
      return {plan}
    }
    if (!this.jsonEnabled()) this.log(renderPlanText(plan, label))
    await confirmApply(approvalQuestion(plan), {autoApprove: flags['auto-approve'], json: this.jsonEnabled()})
    const result = await applyPlan(plan, account, {onProgress: (done, total) => this.logToStderr(`applied ${done}/${total} entries`)})
    if (!this.jsonEnabled()) this.log(renderApplyResult(result))
    this.setExitCode(exitCodeOf(result))
    return {plan, result}
  }
}
