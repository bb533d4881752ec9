import {LakegovError} from '../errors'
import {ExitCode, type ExitCodeValue} from '../exit-codes'
import type {BootstrapChange, BootstrapPlan, StepName} from './bootstrap'

/** How one bootstrap change came out. */
export interface StepOutcome {
  /** The step it belongs to. */
  step: StepName
  /** The AWS action. */
  action: BootstrapChange['action']
  /** What it does, as the plan said. */
  summary: string
  /** applied; failed (with the error); skipped, because an earlier change failed. */
  status: 'applied' | 'failed' | 'skipped'
  /** For a failure: what went wrong and how to fix it. */
  error?: {code: string; message: string; suggestions: string[]}
}

/** What bootstrap did. */
export interface BootstrapResult {
  /** One outcome per planned change, in order. */
  outcomes: StepOutcome[]
  /** Steps lakegov could not fix, from the plan. */
  blocked: StepName[]
  /** Whether every change was applied and nothing is blocked. */
  ok: boolean
  /** The exit code the run deserves: 0, 4 for an access problem, 6 otherwise. */
  exitCode: ExitCodeValue
}

/**
 * Carries out a plan's changes in step order, stopping at the first failure: later steps rely on
 * earlier ones (a role before its registration). What was done stays done, and the next run plans
 * only what is left, so re-running continues from where this one stopped.
 */
export async function applyBootstrapPlan(plan: BootstrapPlan, apply: (change: BootstrapChange) => Promise<void>, onProgress?: (outcome: StepOutcome) => void): Promise<BootstrapResult> {
  const outcomes: StepOutcome[] = []
  let failure: LakegovError | undefined
  for (const step of plan.steps) {
    for (const change of step.changes) {
      const base = {step: step.step, action: change.action, summary: change.summary}
      if (failure) {
        outcomes.push({...base, status: 'skipped'})
        continue
      }
      try {
        await apply(change)
        outcomes.push({...base, status: 'applied'})
      } catch (error) {
        failure = error instanceof LakegovError ? error : new LakegovError(String(error), {exitCode: ExitCode.Internal, code: 'BOOTSTRAP_FAILED'})
        outcomes.push({...base, status: 'failed', error: {code: failure.code, message: failure.message, suggestions: failure.suggestions}})
      }
      onProgress?.(outcomes.at(-1)!)
    }
  }
  const blocked = plan.steps.filter((step) => step.status === 'blocked').map((step) => step.step)
  const exitCode = failure ? (failure.exitCode === ExitCode.AwsAccess ? ExitCode.AwsAccess : ExitCode.ApplyFailed) : blocked.length > 0 ? ExitCode.ApplyFailed : ExitCode.Ok
  return {outcomes, blocked, ok: exitCode === ExitCode.Ok, exitCode}
}
