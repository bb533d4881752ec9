/**
 * One reconcile shape for every plan lakegov applies: grants (core/plan), bootstrap (core/lake) and
 * the CloudTrail table (core/catalog). Each reconciliation follows the same flow:
 *
 *   observe (aws, through ports) -> plan (pure, per domain) -> apply (core/reconcile/apply.ts,
 *   in order, through ports, one Outcome per Change) -> exit code (exitCodeOf) -> render (output/)
 *
 * Where things are:
 * - this file: the vocabulary every plan maps onto (Change, Outcome), `summarize` and `exitCodeOf`.
 * - plans.ts: for each plan type, its PlanKind: `hasChanges`, `hasDrift`, `canApply` (terraform's
 *   `Plan.CanApply()`) and `changes`, the plan as Changes in apply order. "Is there anything to do?"
 *   is answered there and nowhere else.
 * - apply.ts: `applyInOrder`, the one apply flow. Stop at the first failure (bootstrap, table) or
 *   record it and go on (LF-tags and filters) is its `onFailure` parameter. The grants engine's
 *   batching (20 entries a call, retries, "already revoked") is a batch writer for it, in
 *   core/apply/apply.ts.
 * - The planners stay with their domain: a bootstrap step is planned in core/lake/bootstrap.ts (one
 *   `planX` function per entry of STEPS), grants in core/plan/plan.ts, the table in
 *   core/catalog/table-plan.ts. The per-plan apply functions are `applyBootstrapPlan`
 *   (core/lake/apply.ts), `applyGrantsPlan` (core/apply/apply.ts) and `applyTablePlan`
 *   (core/catalog/table-apply.ts).
 *
 * A Change keeps what apply reads (`input`) apart from what is only shown (`before`, `after`,
 * `summary`), as terraform's plans keep display-only fields apart from the changes apply reads.
 */
import {LakegovError} from '../errors'
import {ExitCode, type ExitCodeValue} from '../exit-codes'

/** One planned change, in the vocabulary every plan shares. */
export interface Change<T = unknown> {
  /** What the write does: grant, revoke, create, PutBucketPolicy, ... */
  action: string
  /** Which thing changes: unique within a plan and stable across runs. */
  key: string
  /** What the port is given: the only field apply reads. */
  input: T
  /** For display only: the state now, when the plan shows it. */
  before?: unknown
  /** For display only: the state after, when the plan shows it. */
  after?: unknown
  /** For display only: one line for people. */
  summary?: string
}

/** applied; failed (with the error); skipped, because an earlier failure stopped the run first. */
export type OutcomeStatus = 'applied' | 'failed' | 'skipped'

/** Why a change failed. */
export interface OutcomeError {
  /** A stable machine-readable code (AWS_ACCESS_DENIED, ConcurrentModificationException, ...). */
  code: string
  /** What AWS or lakegov said. */
  message: string
  /** How to fix it, when known. */
  suggestions?: string[]
}

/** How one change came out. */
export interface Outcome<E extends OutcomeError = OutcomeError> {
  /** The change's action. */
  action: string
  /** The change's key. */
  key: string
  /** applied, failed or skipped. */
  status: OutcomeStatus
  /** For a failure: what went wrong. */
  error?: E
}

/** What an apply did, as the exit code needs it. */
export interface Applied {
  /** One outcome per change, in apply order. */
  outcomes: Outcome[]
  /** Set when a failure stopped the run (onFailure 'stop'): the failed change and its exit code. */
  stoppedBy?: {key: string; exitCode: ExitCodeValue}
  /** What the plan could not fix and a person must (bootstrap's blocked steps). */
  blocked?: string[]
}

/** Counts by status, for the summary line. */
export interface OutcomeCounts {
  /** Changes applied. */
  applied: number
  /** Changes that failed. */
  failed: number
  /** Changes not attempted. */
  skipped: number
}

/** Counts the outcomes by status. */
export function summarize(outcomes: readonly Outcome[]): OutcomeCounts {
  const count = (status: OutcomeStatus) => outcomes.filter((outcome) => outcome.status === status).length
  return {applied: count('applied'), failed: count('failed'), skipped: count('skipped')}
}

/** Whether every change was applied and nothing is blocked. */
export function isComplete(result: Applied): boolean {
  return result.outcomes.every((outcome) => outcome.status === 'applied') && (result.blocked ?? []).length === 0
}

/**
 * The exit code an apply deserves: 0 when complete; 4 when an access problem stopped the run
 * (nothing after it could work until the permission is there); 6 for anything else left undone.
 */
export function exitCodeOf(result: Applied): ExitCodeValue {
  if (isComplete(result)) return ExitCode.Ok
  return result.stoppedBy?.exitCode === ExitCode.AwsAccess ? ExitCode.AwsAccess : ExitCode.ApplyFailed
}

/** Any error a port throws, as a LakegovError: unknown ones get `fallbackCode` and exit 1. */
export function asLakegovError(error: unknown, fallbackCode: string): LakegovError {
  return error instanceof LakegovError ? error : new LakegovError(String(error), {exitCode: ExitCode.Internal, code: fallbackCode})
}
