import {LakeFormationError} from './errors'

/** Deterministic write contention, off unless asked for. */
export interface ConcurrencyOptions {
  /** Every Nth write to one resource fails with ConcurrentModificationException (N >= 1, counted per resource). */
  everyNth: number
}

/**
 * Decides whether a write goes through. Real Lake Formation answers ConcurrentModificationException
 * when writes to one resource overlap (CloudFormation users hit it with ten or more principals on one
 * table); an in-memory model never overlaps, so the contention is scripted instead: deterministically,
 * per resource, or on demand for the next few writes. Every write the model makes passes here after
 * its input has been checked and before it changes anything, so a refused write changes nothing.
 */
export class WriteGate {
  private readonly counts = new Map<string, number>()
  private forced: string[] = []

  constructor(private readonly concurrency?: ConcurrencyOptions) {
    if (concurrency !== undefined && (!Number.isInteger(concurrency.everyNth) || concurrency.everyNth < 1)) {
      throw new Error(`concurrency.everyNth must be a positive integer, not ${concurrency.everyNth}`)
    }
  }

  /** The next `count` writes, whatever they touch, fail with `code`; they do not count towards everyNth. */
  failNext(count: number, code: string): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, not ${count}`)
    for (let i = 0; i < count; i++) this.forced.push(code)
  }

  /** Throws the LakeFormationError a write to `resourceKey` meets, if any; `description` goes in its message. */
  admit(resourceKey: string, description: string): void {
    const code = this.forced.shift()
    if (code !== undefined) throw new LakeFormationError(code, messageFor(code, description))
    if (this.concurrency === undefined) return
    const count = (this.counts.get(resourceKey) ?? 0) + 1
    this.counts.set(resourceKey, count)
    if (count % this.concurrency.everyNth === 0) throw new LakeFormationError('ConcurrentModificationException', messageFor('ConcurrentModificationException', description))
  }

  /** Forgets the counts and the pending failures. */
  reset(): void {
    this.counts.clear()
    this.forced = []
  }
}

function messageFor(code: string, description: string): string {
  if (code === 'ConcurrentModificationException') return `Concurrent modification of ${description}. Retry the request.`
  return `Injected ${code} on a write to ${description}.`
}
