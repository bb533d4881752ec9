import {type ExitCodeValue} from '../exit-codes'
import {applyInOrder, eachGroup} from '../reconcile/apply'
import {bootstrapChanges} from '../reconcile/plans'
import {exitCodeOf, isComplete, type Outcome, type OutcomeError} from '../reconcile/reconcile'
import type {BootstrapChange, BootstrapPlan, StepName} from './bootstrap'

/** How one bootstrap change came out. */
export interface StepOutcome extends Outcome<OutcomeError & {suggestions: string[]}> {
  /** The step it belongs to. */
  step: StepName
  /** The AWS action. */
  action: BootstrapChange['action']
  /** What it does, as the plan said. */
  summary: string
}

/** What bootstrap did. */
export interface BootstrapResult {
  /** One outcome per planned change, in order. */
  outcomes: StepOutcome[]
  /** Steps lakegov could not fix, from the plan. */
  blocked: StepName[]
  /** Whether every change was applied and nothing is blocked. */
  ok: boolean
  /** The exit code the run deserves (exitCodeOf): 0, 4 for an access problem, 6 otherwise. */
  exitCode: ExitCodeValue
}

/** What bootstrap did, and the registration's verification status afterwards. */
export interface BootstrapRun extends BootstrapResult {
  /** VERIFIED, NOT_VERIFIED or VERIFICATION_FAILED, read after the run; undefined when not registered. */
  verificationStatus?: string
}

/**
 * Carries out a plan's changes in step order, stopping at the first failure: later steps rely on
 * earlier ones (a role before its registration). What was done stays done, and the next run plans
 * only what is left, so re-running continues from where this one stopped. `apply` is the port that
 * makes one change (aws/lake.ts dispatches on the change's action).
 */
export async function applyBootstrapPlan(plan: BootstrapPlan, apply: (change: BootstrapChange) => Promise<void>, onProgress?: (outcome: StepOutcome) => void): Promise<BootstrapResult> {
  const changes = bootstrapChanges(plan)
  const stepOf = new Map(changes.map((change) => [change.key, change]))
  const withStep = (outcome: Outcome): StepOutcome => {
    const change = stepOf.get(outcome.key)!
    return {step: change.step, ...outcome, summary: change.input.summary} as StepOutcome
  }
  const applied = await applyInOrder([eachGroup(changes, apply, {errorCode: 'BOOTSTRAP_FAILED'})], {
    onFailure: 'stop',
    ...(onProgress ? {onOutcome: (outcome) => onProgress(withStep(outcome))} : {}),
  })
  const blocked = plan.steps.filter((step) => step.status === 'blocked').map((step) => step.step)
  const result = {...applied, blocked}
  return {outcomes: applied.outcomes.map(withStep), blocked, ok: isComplete(result), exitCode: exitCodeOf(result)}
}
