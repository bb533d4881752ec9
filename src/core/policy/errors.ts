import {LakegovError} from '../errors'
import {ExitCode} from '../exit-codes'
import type {PolicyIssue} from './types'

/** Which kind of file the issues are in; each has its own way to check it again. */
export type PolicyFileKind = 'grants' | 'lake'

const RECHECK: Record<PolicyFileKind, string> = {
  grants: 'Run lakegov grants validate to list them again (it makes no AWS call).',
  lake: 'Fix lake.yaml at the lines listed; its schema is policies/schema/lake.schema.json, which editors check as you type. Every command that reads lake.yaml checks it again before any AWS call.',
}

/** Invalid policy files: carries every issue, so that the command can list them; exit code 3. */
export class PolicyInvalidError extends LakegovError {
  /** `afterReading`: the problems were found against the account (the catalog), which was read but not changed. */
  constructor(
    readonly issues: PolicyIssue[],
    kind: PolicyFileKind = 'grants',
    afterReading = false,
  ) {
    super(`The ${kind === 'lake' ? 'lake file has' : 'policy files have'} ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was ${afterReading ? 'changed in AWS' : 'read from or changed in AWS'}.`, {
      exitCode: ExitCode.InvalidPolicy,
      code: 'POLICY_INVALID',
      suggestions: [RECHECK[kind]],
    })
  }
}
