/**
 * The grants engine's writes: where batch failures are handled. Grant changes go to Lake Formation
 * 20 entries a call, grants before revokes; per-entry failures are read from Failures[], transient
 * ones retried with backoff, and a revoke of what is already gone counts as done. It is a batch
 * writer for the one apply flow (core/reconcile/apply.ts), which records an outcome per change.
 */
import {LakegovError} from '../errors'
import type {GrantChange} from '../plan/diff'
import type {ObjectChange} from '../plan/objects'
import type {Plan} from '../plan/plan'
import type {EntryFailure, GrantEntry, GrantWriter, ObjectWriter} from '../ports'
import {applyInOrder, batchGroup, eachGroup, type BatchEntry} from '../reconcile/apply'
import {grantChangeOf, objectChangeOf} from '../reconcile/plans'
import {asLakegovError, isComplete, type Applied, type Change, type Outcome, type OutcomeError} from '../reconcile/reconcile'

/** Lake Formation takes at most 20 entries per batch call. */
export const BATCH_SIZE = 20

/** Per-entry failures worth another try: they say nothing about the entry itself. */
const TRANSIENT = new Set(['ConcurrentModificationException', 'ThrottlingException', 'InternalServiceException', 'OperationTimeoutException'])

/** "Revoke what is not there": the revoke is already done. */
function isAlreadyRevoked(failure: EntryFailure): boolean {
  return /grantee has no permissions|no permissions revoked/i.test(failure.message)
}

/** Why a grant, revoke or object change failed: with which write it failed. */
export interface GrantOutcomeError extends OutcomeError {
  /** The write that failed: the LF-tag or filter change, or the grant or revoke half of a grant change. */
  step: 'object' | 'grant' | 'revoke'
}

/** How one grant or object change came out. */
export type ChangeOutcome = Outcome<GrantOutcomeError>

/** What apply did. */
export interface ApplyResult {
  /** One outcome per change, in plan order. */
  outcomes: ChangeOutcome[]
  /** Write calls made, retries included. */
  calls: number
  /** Whether every change was applied. */
  ok: boolean
}

/** Knobs for the grants engine; tests shorten the waits. */
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
 * One run of the grants engine over some changes. A call that fails as a whole stops the run: what
 * is left is reported as skipped, and running apply again converges, because the next plan starts
 * from what was actually applied.
 */
class GrantBatches {
  /** Batch calls made, retries included. */
  calls = 0
  private done = 0
  private total = 0
  private stopped: LakegovError | undefined
  private readonly errors = new Map<string, GrantOutcomeError>()
  private readonly completed = new Map<string, number>()

  constructor(
    private readonly writer: GrantWriter,
    private readonly options: ApplyOptions,
  ) {}

  /** Grants first, then revokes, so nobody loses access half way through a change of path. */
  async write(changes: Change<GrantChange>[]): Promise<Map<string, BatchEntry<GrantOutcomeError>>> {
    const {grants, revokes} = entriesOf(changes.map((change) => change.input))
    this.total += grants.length + revokes.length
    await this.run('grant', grants)
    // A revoke for a key whose grant failed would take access away without giving the new path.
    await this.run(
      'revoke',
      revokes.filter((entry) => !this.errors.has(entry.id)),
    )
    const expected = new Map<string, number>()
    for (const entry of [...grants, ...revokes]) expected.set(entry.id, (expected.get(entry.id) ?? 0) + 1)
    return new Map(
      changes.map((change): [string, BatchEntry<GrantOutcomeError>] => {
        const error = this.errors.get(change.key)
        if (error) return [change.key, {status: 'failed', error}]
        return [change.key, {status: this.completed.get(change.key) === expected.get(change.key) ? 'applied' : 'skipped'}]
      }),
    )
  }

  private async run(step: 'grant' | 'revoke', entries: GrantEntry[]): Promise<void> {
    const retries = this.options.retries ?? 4
    const backoffMs = this.options.backoffMs ?? 200
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
    const batchSize = Math.min(this.options.batchSize ?? BATCH_SIZE, BATCH_SIZE)
    let pending = entries
    for (let round = 0; pending.length > 0 && !this.stopped; round++) {
      if (round > 0) await sleep(backoffMs * 2 ** (round - 1))
      const retry: GrantEntry[] = []
      for (const batch of chunk(pending, batchSize)) {
        if (!(await this.send(step, batch, round < retries, retry))) return
        this.options.onProgress?.(this.done, this.total)
      }
      pending = retry
    }
  }

  /** One batch call; false when it failed as a whole and the run stops. */
  private async send(step: 'grant' | 'revoke', batch: GrantEntry[], mayRetry: boolean, retry: GrantEntry[]): Promise<boolean> {
    this.calls++
    let failures: EntryFailure[]
    try {
      failures = step === 'grant' ? await this.writer.batchGrant(batch) : await this.writer.batchRevoke(batch)
    } catch (error) {
      const stopped = asLakegovError(error, 'APPLY_CALL_FAILED')
      this.stopped = stopped
      for (const entry of batch) this.errors.set(entry.id, {code: stopped.code, message: stopped.message, step})
      return false
    }
    const failed = new Map(failures.map((failure) => [failure.id, failure]))
    for (const entry of batch) {
      const failure = failed.get(entry.id)
      if (!failure || (step === 'revoke' && isAlreadyRevoked(failure))) {
        this.completed.set(entry.id, (this.completed.get(entry.id) ?? 0) + 1)
        this.done++
      } else if (TRANSIENT.has(failure.code) && mayRetry) {
        retry.push(entry)
      } else {
        this.errors.set(entry.id, {code: failure.code, message: failure.message, step})
      }
    }
    return true
  }
}

function resultOf(applied: Applied, calls: number): ApplyResult {
  return {outcomes: applied.outcomes as ChangeOutcome[], calls, ok: isComplete(applied)}
}

/**
 * The grant changes through the grants engine, one outcome per change in plan order. Bootstrap and
 * `lakegov table` revoke and grant through this too.
 */
export async function applyChanges(changes: GrantChange[], writer: GrantWriter, options: ApplyOptions = {}): Promise<ApplyResult> {
  const batches = new GrantBatches(writer, options)
  const applied = await applyInOrder([batchGroup(changes.map(grantChangeOf), (list) => batches.write(list))], {onFailure: 'continue'})
  return resultOf(applied, batches.calls)
}

/** The grants engine as a group of the apply flow, for plans that revoke or grant along the way. */
export function grantGroup(changes: Change<GrantChange>[] | (() => Promise<Change<GrantChange>[]>), writer: GrantWriter, options: ApplyOptions = {}) {
  const batches = new GrantBatches(writer, options)
  return {group: batchGroup(changes, (list) => batches.write(list)), calls: () => batches.calls}
}

/** The ports a grants plan is applied through. */
export interface GrantsPorts {
  /** LF-tags, data cells filters and tag assignments. */
  objects: ObjectWriter
  /** Grants and revokes. */
  grants: GrantWriter
}

/**
 * Applies a grants plan. Objects come first, one call each, in plan order (tags before the
 * assignments that use them), because grants name them. A failure is recorded and the rest go on:
 * each object is independent, and the grants that needed a failed one report their own failure.
 * Apply reads only `objects` and `changes`; the rest of the plan is for review.
 */
export async function applyGrantsPlan(plan: Pick<Plan, 'objects' | 'changes'>, ports: GrantsPorts, options: ApplyOptions = {}): Promise<ApplyResult> {
  const grants = grantGroup(plan.changes.map(grantChangeOf), ports.grants, options)
  const objects = eachGroup<ObjectChange>(plan.objects.map(objectChangeOf), (change) => ports.objects.applyObjectChange(change), {errorCode: 'OBJECT_CHANGE_FAILED', tag: {step: 'object'}})
  const applied = await applyInOrder([objects, grants.group], {onFailure: 'continue'})
  return resultOf(applied, grants.calls() + plan.objects.length)
}
