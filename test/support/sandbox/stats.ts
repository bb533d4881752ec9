import type {FaultKind, SandboxStats} from './types'

const FAULT_FIELD: Record<FaultKind, keyof SandboxStats['faults']> = {throttle: 'throttle', '5xx': 'error5xx', drop: 'dropped', denied: 'denied'}

function sortedRecord<T>(record: Record<string, T>, map: (value: T) => unknown = (value) => value): Record<string, never> {
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, map(record[key])])) as Record<string, never>
}

/** Counts calls per service and operation, and injected faults per kind. */
export class CallStats {
  private total = 0
  private services: Record<string, Record<string, number>> = {}
  private faults = {throttle: 0, error5xx: 0, dropped: 0, denied: 0}

  countCall(service: string, operation: string): void {
    this.total += 1
    const operations = (this.services[service] ??= {})
    operations[operation] = (operations[operation] ?? 0) + 1
  }

  countFault(kind: FaultKind): void {
    this.faults[FAULT_FIELD[kind]] += 1
  }

  /** A copy with keys sorted, so that printing it is deterministic. */
  snapshot(): SandboxStats {
    return {
      total: this.total,
      services: sortedRecord(this.services, (operations) => sortedRecord(operations)),
      faults: {...this.faults},
    }
  }

  reset(): void {
    this.total = 0
    this.services = {}
    this.faults = {throttle: 0, error5xx: 0, dropped: 0, denied: 0}
  }
}
