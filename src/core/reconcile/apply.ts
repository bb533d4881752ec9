/**
 * The one apply flow: changes are written in order, through ports, and every change gets one
 * Outcome. A plan's apply function (applyBootstrapPlan, applyGrantsPlan, applyTablePlan) only says
 * which groups of changes go to which port, and whether a failure stops the run.
 */
import {asLakegovError, type Applied, type Change, type Outcome, type OutcomeError, type OutcomeStatus} from './reconcile'
import {ExitCode} from '../exit-codes'

/** What a batch writer reports for one change; a change it does not name was skipped. */
export interface BatchEntry<E extends OutcomeError = OutcomeError> {
  /** applied, failed or skipped. */
  status: OutcomeStatus
  /** For a failure: what went wrong. */
  error?: E
}

type Recorder = (outcome: Outcome, change: Change, attempted: boolean) => void

/** Changes and the port that writes them; build one with `eachGroup` or `batchGroup`. */
export interface ApplyGroup {
  /** The changes, or how to plan them once the groups before this one are applied. */
  changes: Change[] | (() => Promise<Change[]>)
  /** Writes the changes, recording an outcome for each; returns the change whose failure stops the run. */
  run(changes: Change[], record: Recorder, stop: boolean): Promise<Applied['stoppedBy']>
}

/** How the flow treats a failure, and who hears about progress. */
export interface ApplyFlowOptions {
  /** stop: skip every change after the first failure (later changes rely on earlier ones); continue: go on. */
  onFailure: 'stop' | 'continue'
  /** Called after each change that was attempted (applied or failed), for progress on stderr. */
  onOutcome?: (outcome: Outcome, change: Change) => void
}

function skipped(change: Change): Outcome {
  return {action: change.action, key: change.key, status: 'skipped'}
}

/**
 * A group written one change at a time by a port that throws when AWS refuses. `errorCode` names
 * errors that are not LakegovErrors; `tag` is added to each failure's error (for example the
 * grants engine's `{step: 'object'}`).
 */
export function eachGroup<T>(
  changes: Change<T>[] | (() => Promise<Change<T>[]>),
  write: (input: T) => Promise<void>,
  options: {errorCode: string; tag?: {[field: string]: string}},
): ApplyGroup {
  return {
    changes: changes as ApplyGroup['changes'],
    async run(list, record, stop) {
      let stoppedBy: Applied['stoppedBy']
      for (const change of list) {
        if (stoppedBy) {
          record(skipped(change), change, false)
          continue
        }
        try {
          await write(change.input as T)
          record({action: change.action, key: change.key, status: 'applied'}, change, true)
        } catch (thrown) {
          const error = asLakegovError(thrown, options.errorCode)
          const detail = {code: error.code, message: error.message, suggestions: error.suggestions, ...options.tag}
          record({action: change.action, key: change.key, status: 'failed', error: detail}, change, true)
          if (stop) stoppedBy = {key: change.key, exitCode: error.exitCode}
        }
      }
      return stoppedBy
    },
  }
}

/**
 * A group written all at once by a port that batches, retries and reports per change (the grants
 * engine). It does not throw for a refused entry: it reports it as failed.
 */
export function batchGroup<T, E extends OutcomeError>(changes: Change<T>[] | (() => Promise<Change<T>[]>), write: (changes: Change<T>[]) => Promise<Map<string, BatchEntry<E>>>): ApplyGroup {
  return {
    changes: changes as ApplyGroup['changes'],
    async run(list, record, stop) {
      const results = await write(list as Change<T>[])
      let stoppedBy: Applied['stoppedBy']
      for (const change of list) {
        const entry = results.get(change.key) ?? {status: 'skipped' as const}
        record({action: change.action, key: change.key, status: entry.status, ...(entry.error ? {error: entry.error} : {})}, change, entry.status !== 'skipped')
        if (stop && entry.status === 'failed' && !stoppedBy) stoppedBy = {key: change.key, exitCode: ExitCode.ApplyFailed}
      }
      return stoppedBy
    },
  }
}

/**
 * Applies the groups in order and returns one outcome per change, in order. With onFailure 'stop',
 * a failure skips everything after it, and a group whose changes are planned late is then never
 * planned. What was done stays done: the next plan starts from what was actually applied.
 */
export async function applyInOrder(groups: readonly ApplyGroup[], options: ApplyFlowOptions): Promise<Applied> {
  const outcomes: Outcome[] = []
  const record: Recorder = (outcome, change, attempted) => {
    outcomes.push(outcome)
    if (attempted) options.onOutcome?.(outcome, change)
  }
  let stoppedBy: Applied['stoppedBy']
  for (const group of groups) {
    if (stoppedBy && typeof group.changes === 'function') continue
    const changes = typeof group.changes === 'function' ? await group.changes() : group.changes
    if (stoppedBy) {
      for (const change of changes) record(skipped(change), change, false)
      continue
    }
    stoppedBy = await group.run(changes, record, options.onFailure === 'stop')
  }
  return {outcomes, ...(stoppedBy ? {stoppedBy} : {})}
}
