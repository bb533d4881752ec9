import type {SourceRef} from './source-map'
import type {PolicyIssue} from './types'

/** A parsed YAML mapping. */
export type Json = Record<string, unknown>

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

/** Collects problems and keeps the first declaration of each named thing. */
export class Collector {
  readonly issues: PolicyIssue[] = []

  add(ref: SourceRef, message: string, hint?: string): void {
    this.issues.push({...ref, message, ...(hint ? {hint} : {})})
  }

  /** Records a named declaration, or reports a duplicate naming both places. */
  declare<T extends {source: SourceRef}>(seen: Map<string, T>, key: string, value: T, what: string, same?: (a: T, b: T) => boolean): void {
    const first = seen.get(key)
    if (!first) {
      seen.set(key, value)
      return
    }
    if (same?.(first, value)) return
    this.add(value.source, `${what} is declared twice`, `first declared at ${first.source.file}:${first.source.line} (${first.source.field})`)
  }
}
