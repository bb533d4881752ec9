import {Flags} from '@oclif/core'

import {BaseCommand, policiesFlag} from '../../base-command'
import {ExitCode, describeExitCodes} from '../../core/exit-codes'
import type {Plan} from '../../core/plan/plan'
import {grantsPlanKind} from '../../core/reconcile/plans'
import {incompleteViewWarning} from '../../core/visibility'
import {checkOutputFile} from '../../io/output-file'
import {writePlanFile} from '../../io/plan-file'
import {principalLabels, renderPlanMarkdown, renderPlanText} from '../../output/plan'
import {loadLakeConfigIfPresent} from '../../io/lake-file'
import {loadDesiredState} from '../../io/policy-files'
import {planGrants, readAccount} from '../../workflows/grants'

export default class GrantsPlan extends BaseCommand<typeof GrantsPlan> {
  static summary = 'Show what apply would change to make the account match the grants files.'

  static description = `Validates <policies>/grants/*.yaml (exit 3 before any AWS call if they are invalid), reads the grants in scope with paginated ListPermissions, compares both in one canonical form (a table grant listed back as Table plus TableWithColumns, or ALL listed back expanded, compares equal) and prints + grant, - revoke and ~ change lines grouped by principal. Grants in scope that the files do not declare are listed as unmanaged; --prune plans their revocation. Implicit grants of data lake administrators are never changed. Changes nothing.

${describeExitCodes()}`

  static examples = [
    '<%= config.bin %> grants plan',
    '<%= config.bin %> grants plan --prune --out plan.json --detailed-exitcode',
    '<%= config.bin %> grants plan --format markdown > plan.md',
  ]

  static flags = {
    policies: policiesFlag,
    prune: Flags.boolean({description: 'Also revoke grants in scope that the files do not declare.'}),
    out: Flags.file({description: 'Save the plan as JSON, for `lakegov grants apply FILE`.'}),
    'detailed-exitcode': Flags.boolean({description: 'Exit 2 when there are changes or dangerous unmanaged grants (another account, IAM_ALLOWED_PRINCIPALS, an organization), 0 otherwise.'}),
    format: Flags.option({options: ['text', 'markdown'] as const, default: 'text' as const, description: 'Output format (--json for JSON).', exclusive: ['json']})(),
  }

  async run(): Promise<Plan> {
    // Validate before touching AWS: bad files exit 3 with no call made.
    const {state} = await loadDesiredState(this.flags.policies)
    if (this.flags.out) await checkOutputFile(this.flags.out, {flag: '--out', overwrite: true})
    const lake = await loadLakeConfigIfPresent(this.flags.policies)
    this.logToStderr('Reading the grants in the account...')
    const account = await readAccount(this.aws)
    const incomplete = incompleteViewWarning(account.identity.arn, account, 'plan')
    if (incomplete) this.progress(`warning: ${incomplete}`)
    const plan = await planGrants(account, state, {prune: this.flags.prune, lake})
    if (this.flags.out) await writePlanFile(this.flags.out, plan)
    if (!this.jsonEnabled()) {
      const label = principalLabels(state.principals)
      // A pull request comment carries the warning itself: reviewers do not see stderr.
      if (this.flags.format === 'markdown') this.log(`${incomplete ? `> **Warning:** ${incomplete}\n\n` : ''}${renderPlanMarkdown(plan, label)}`)
      else this.log(renderPlanText(plan, label))
      if (this.flags.out) this.logToStderr(`Saved the plan to ${this.flags.out}; apply it with: lakegov grants apply ${this.flags.out}`)
    }
    if (this.flags['detailed-exitcode'] && grantsPlanKind.hasDrift(plan)) this.setExitCode(ExitCode.Changes)
    return plan
  }
}
