import type {FailNextRule, FaultKind, FaultOptions} from './types'

const KINDS: readonly FaultKind[] = ['throttle', '5xx', 'drop', 'denied']

/** mulberry32: a tiny seeded PRNG; good enough to spread faults, and the same seed replays them. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A fault setting the sandbox refuses; the HTTP route answers it with 400. */
export class FaultOptionsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FaultOptionsError'
  }
}

function rate(value: unknown, field: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new FaultOptionsError(`${field} must be a number from 0 to 1.`)
  return value
}

function nonNegative(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new FaultOptionsError(`${field} must be a number of 0 or more.`)
  return value
}

function rule(value: unknown, index: number): FailNextRule {
  const where = `failNext[${index}]`
  if (typeof value !== 'object' || value === null) throw new FaultOptionsError(`${where} must be an object.`)
  const {service, operation, kind, count} = value as Record<string, unknown>
  if (typeof service !== 'string' || service === '') throw new FaultOptionsError(`${where}.service must be a service name such as glue or s3.`)
  if (operation !== undefined && typeof operation !== 'string') throw new FaultOptionsError(`${where}.operation must be a string.`)
  if (!KINDS.includes(kind as FaultKind)) throw new FaultOptionsError(`${where}.kind must be one of ${KINDS.join(', ')}.`)
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new FaultOptionsError(`${where}.count must be a whole number of 1 or more.`)
  return {service, ...(operation === undefined ? {} : {operation}), kind: kind as FaultKind, count}
}

/** Validates a partial FaultOptions from the command line or JSON; unknown fields are refused. */
export function parseFaultOptions(value: unknown): Partial<FaultOptions> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FaultOptionsError('Faults must be a JSON object.')
  const input = value as Record<string, unknown>
  const known = new Set(['latencyMs', 'throttleRate', 'errorRate', 'seed', 'failNext'])
  const unknown = Object.keys(input).filter((key) => !known.has(key))
  if (unknown.length > 0) throw new FaultOptionsError(`Unknown fault option(s): ${unknown.join(', ')}.`)
  const out: Partial<FaultOptions> = {}
  if (input.latencyMs !== undefined) out.latencyMs = nonNegative(input.latencyMs, 'latencyMs')
  if (input.throttleRate !== undefined) out.throttleRate = rate(input.throttleRate, 'throttleRate')
  if (input.errorRate !== undefined) out.errorRate = rate(input.errorRate, 'errorRate')
  if (input.seed !== undefined) {
    if (typeof input.seed !== 'number' || !Number.isInteger(input.seed)) throw new FaultOptionsError('seed must be an integer.')
    out.seed = input.seed
  }
  if (input.failNext !== undefined) {
    if (!Array.isArray(input.failNext)) throw new FaultOptionsError('failNext must be a list.')
    out.failNext = input.failNext.map(rule)
  }
  return out
}

/**
 * Decides, call by call, whether to fail it. One-shot rules come first and are exact; then the rates,
 * drawn from a seeded PRNG. Every call makes the same three draws whatever the rates, so the faults
 * a call gets depend only on the seed and its position in the sequence.
 */
export class FaultInjector {
  private options: FaultOptions
  private random: () => number

  constructor(initial: Partial<FaultOptions> = {}) {
    this.options = {latencyMs: 0, throttleRate: 0, errorRate: 0, seed: 1, failNext: [], ...parseFaultOptions(initial)}
    this.random = mulberry32(this.options.seed)
  }

  get latencyMs(): number {
    return this.options.latencyMs
  }

  /** The current settings, pending rules included. */
  current(): FaultOptions {
    return {...this.options, failNext: this.options.failNext.map((entry) => ({...entry}))}
  }

  /** Changes the given fields; a new seed restarts the random sequence, new failNext rules replace the pending ones. */
  update(faults: Partial<FaultOptions>): void {
    const parsed = parseFaultOptions(faults)
    this.options = {...this.options, ...parsed}
    if (parsed.seed !== undefined) this.random = mulberry32(parsed.seed)
  }

  /** Drops pending one-shot rules and restarts the random sequence; the rates stay. */
  reset(): void {
    this.options.failNext = []
    this.random = mulberry32(this.options.seed)
  }

  /** The fault for this call, if any. */
  decide(service: string, operation: string): FaultKind | undefined {
    const index = this.options.failNext.findIndex((entry) => entry.service === service && (entry.operation === undefined || entry.operation === operation))
    const throttleDraw = this.random()
    const errorDraw = this.random()
    const kindDraw = this.random()
    if (index >= 0) {
      const entry = this.options.failNext[index]
      entry.count -= 1
      if (entry.count === 0) this.options.failNext.splice(index, 1)
      return entry.kind
    }
    if (throttleDraw < this.options.throttleRate) return 'throttle'
    if (errorDraw < this.options.errorRate) return kindDraw < 0.5 ? '5xx' : 'drop'
    return undefined
  }
}
