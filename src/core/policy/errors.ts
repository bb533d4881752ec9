import {LakegovError} from '../errors'
import {ExitCode} from '../exit-codes'
import type {PolicyIssue} from './types'

/** Invalid policy files: carries every issue, so that the command can list them; exit code 3. */
export class PolicyInvalidError extends LakegovError {
  /** `afterReading`: the problems were found against the account (the catalog), which was read but not changed. */
  constructor(
    readonly issues: PolicyIssue[],
    afterReading = false,
  ) {
    super(`The policy files have ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was ${afterReading ? 'changed in AWS' : 'read from or changed in AWS'}.`, {
      exitCode: ExitCode.InvalidPolicy,
      code: 'POLICY_INVALID',
      suggestions: ['Run lakegov grants validate to list them again.'],
    })
  }
}
