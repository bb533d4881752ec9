import {LakegovError} from '../errors'
import type {GrantChange} from '../plan/diff'
import {objectKey, type ObjectChange} from '../plan/objects'
import type {EntryFailure, GrantEntry, GrantWriter, ObjectWriter} from '../ports'

/** Lake Formation takes at most 20 entries per batch call. */
export const BATCH_SIZE = 20

/** Per-entry failures worth another try: they say nothing about the entry itself. */
const TRANSIENT = new Set(['ConcurrentModificationException', 'ThrottlingException', 'InternalServiceException', 'OperationTimeoutException'])

/** "Revoke what is not there": the revoke is already done. */
function isAlreadyRevoked(failure: EntryFailure): boolean {
  return /grantee has no permissions|no permissions revoked/i.test(failure.message)
}

/** How one change came out. */
export interface ChangeOutcome {
  /** The change's grant key. */
  key: string
  /** applied; failed (with the error); or skipped, when an earlier failure stopped the run first. */
  status: 'applied' | 'failed' | 'skipped'
  /** For failures: what Lake Formation said. */
  error?: {code: string; message: string; step: 'object' | 'grant' | 'revoke'}
}

/** What apply did. */
export interface ApplyResult {
  /** One outcome per change, in plan order. */
  outcomes: ChangeOutcome[]
  /** Batch calls made, retries included. */
  calls: number
  /** Whether every change was applied. */
  ok: boolean
}

/** Knobs for applyPlan; tests shorten the waits. */
export interface ApplyOptions {
  /** Entries per call; at most 20. */
  batchSize?: number
  /** Extra rounds for entries that failed transiently. */
  retries?: number
  /** Waits between rounds (exponential backoff from this base, in ms). */
  backoffMs?: number
  /** The wait itself, injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>
  /** Called after each batch call, for progress on stderr. */
  onProgress?: (done: number, total: number) => void
}

/** The entries a change needs: a grant entry for what it adds, a revoke entry for what it removes. */
export function entriesOf(changes: GrantChange[]): {grants: GrantEntry[]; revokes: GrantEntry[]} {
  const grants: GrantEntry[] = []
  const revokes: GrantEntry[] = []
  for (const change of changes) {
    const base = {id: change.key, principal: change.principal, resource: change.resource}
    if (change.add.permissions.length + change.add.grantable.length > 0) grants.push({...base, ...change.add})
    // Plans saved before `revoke` existed carry only `remove`.
    const revoke = change.revoke ?? change.remove
    if (revoke.permissions.length + revoke.grantable.length > 0) revokes.push({...base, ...revoke})
  }
  return {grants, revokes}
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}

/**
 * Applies a plan's changes: every grant first, then every revoke, so nobody loses access half way
 * through a change of path. Entries go out 20 per call; per-entry failures are read from Failures[],
 * transient ones retried with backoff, and a revoke of what is already gone counts as done. A call
 * that fails as a whole stops the run: what is left is reported as skipped, and running apply again
 * converges, because the next plan starts from what was actually applied.
 */
export async function applyChanges(changes: GrantChange[], writer: GrantWriter, options: ApplyOptions = {}): Promise<ApplyResult> {
  const batchSize = Math.min(options.batchSize ?? BATCH_SIZE, BATCH_SIZE)
  const retries = options.retries ?? 4
  const backoffMs = options.backoffMs ?? 200
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const {grants, revokes} = entriesOf(changes)
  const total = grants.length + revokes.length
  const errors = new Map<string, NonNullable<ChangeOutcome['error']>>()
  const completed = new Map<string, number>()
  let calls = 0
  let done = 0
  let stopped: LakegovError | undefined

  const run = async (step: 'grant' | 'revoke', entries: GrantEntry[]) => {
    let pending = entries
    for (let round = 0; pending.length > 0 && !stopped; round++) {
      if (round > 0) await sleep(backoffMs * 2 ** (round - 1))
      const retry: GrantEntry[] = []
      for (const batch of chunk(pending, batchSize)) {
        calls++
        let failures: EntryFailure[]
        try {
          failures = step === 'grant' ? await writer.batchGrant(batch) : await writer.batchRevoke(batch)
        } catch (error) {
          stopped = error instanceof LakegovError ? error : new LakegovError(String(error), {exitCode: 1, code: 'APPLY_CALL_FAILED'})
          for (const entry of batch) errors.set(entry.id, {code: stopped.code, message: stopped.message, step})
          return
        }
        const failed = new Map(failures.map((failure) => [failure.id, failure]))
        for (const entry of batch) {
          const failure = failed.get(entry.id)
          if (!failure || (step === 'revoke' && isAlreadyRevoked(failure))) {
            completed.set(entry.id, (completed.get(entry.id) ?? 0) + 1)
            done++
          } else if (TRANSIENT.has(failure.code) && round < retries) {
            retry.push(entry)
          } else {
            errors.set(entry.id, {code: failure.code, message: failure.message, step})
          }
        }
        options.onProgress?.(done, total)
      }
      pending = retry
    }
  }

  await run('grant', grants)
  // A revoke for a key whose grant failed would take access away without giving the new path.
  await run(
    'revoke',
    revokes.filter((entry) => !errors.has(entry.id)),
  )

  const expected = new Map<string, number>()
  for (const entry of [...grants, ...revokes]) expected.set(entry.id, (expected.get(entry.id) ?? 0) + 1)
  const outcomes = changes.map((change): ChangeOutcome => {
    const error = errors.get(change.key)
    if (error) return {key: change.key, status: 'failed', error}
    return {key: change.key, status: completed.get(change.key) === expected.get(change.key) ? 'applied' : 'skipped'}
  })
  return {outcomes, calls, ok: outcomes.every((outcome) => outcome.status === 'applied')}
}

/**
 * Makes the LF-tag, data cells filter and assignment changes, one call each, in plan order (tags
 * before the assignments that use them). A failure is recorded and the rest go on: each object is
 * independent, and the grants that needed a failed one will report their own failure.
 */
export async function applyObjects(objects: ObjectChange[], writer: ObjectWriter): Promise<ChangeOutcome[]> {
  const outcomes: ChangeOutcome[] = []
  for (const change of objects) {
    try {
      await writer.applyObjectChange(change)
      outcomes.push({key: objectKey(change), status: 'applied'})
    } catch (error) {
      const known = error instanceof LakegovError ? error : new LakegovError(String(error), {exitCode: 1, code: 'OBJECT_CHANGE_FAILED'})
      outcomes.push({key: objectKey(change), status: 'failed', error: {code: known.code, message: known.message, step: 'object'}})
    }
  }
  return outcomes
}
