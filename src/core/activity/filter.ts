/**
 * The query's filters and groupings over records in memory, for the lookup engine (LookupEvents
 * returns records, not SQL rows). sql.ts states the same predicates in SQL for the local and athena
 * engines; the unit tests run both over the same records.
 */
import {matchesPrincipal, principalKeyOf, principalMatcherOf} from './principal'
import type {ActivityQuery, Grouping} from './query'
import type {CloudTrailRecord} from './record'

function field(record: CloudTrailRecord, name: string): string | undefined {
  const value = record[name]
  return value === undefined || value === null ? undefined : String(value)
}

/** Whether a record answers the query: inside the window and matching every filter. */
export function matchesQuery(query: ActivityQuery, record: CloudTrailRecord): boolean {
  // A record without an eventID is not a CloudTrail event; the SQL drops it too (sql.ts).
  if (field(record, 'eventID') === undefined) return false
  const time = field(record, 'eventTime')
  if (time === undefined || time < query.window.from || time >= query.window.to) return false
  const {filters} = query
  if (filters.regions !== 'all' && !filters.regions.includes(field(record, 'awsRegion') ?? '')) return false
  if (filters.eventSource !== undefined && field(record, 'eventSource') !== filters.eventSource) return false
  if (filters.eventName !== undefined && field(record, 'eventName') !== filters.eventName) return false
  if (filters.eventNames !== undefined && !filters.eventNames.includes(field(record, 'eventName') ?? '')) return false
  if (filters.errorsOnly && !field(record, 'errorCode')) return false
  if (filters.readOnly !== undefined && field(record, 'readOnly') !== String(filters.readOnly)) return false
  if (filters.principal !== undefined && !matchesPrincipal(principalMatcherOf(filters.principal), record)) return false
  return true
}

/** The group a record falls in for --by; '' when the record lacks the field (shown as "(none)"). */
export function groupKeyOf(by: Grouping, record: CloudTrailRecord): string {
  const time = field(record, 'eventTime') ?? ''
  switch (by) {
    case 'service':
      return field(record, 'eventSource') ?? ''
    case 'event':
      return field(record, 'eventName') ?? ''
    case 'principal':
      return principalKeyOf(record)
    case 'region':
      return field(record, 'awsRegion') ?? ''
    case 'day':
      return time.slice(0, 10)
    case 'hour':
      return time.slice(0, 13)
    case 'ip':
      return field(record, 'sourceIPAddress') ?? ''
    case 'error':
      return field(record, 'errorCode') ?? ''
    case 'useragent':
      return field(record, 'userAgent') ?? ''
  }
}

/** Keeps the first record of each eventID: CloudTrail can deliver an event twice. Records without one are kept. */
export function dedupeByEventId<T extends CloudTrailRecord>(records: Iterable<T>): T[] {
  const seen = new Set<string>()
  const out: T[] = []
  for (const record of records) {
    const id = field(record, 'eventID')
    if (id !== undefined) {
      if (seen.has(id)) continue
      seen.add(id)
    }
    out.push(record)
  }
  return out
}

/** Newest first; ties broken by eventID, descending, so that every engine prints the same order. */
export function compareNewestFirst(a: CloudTrailRecord, b: CloudTrailRecord): number {
  const ta = field(a, 'eventTime') ?? ''
  const tb = field(b, 'eventTime') ?? ''
  if (ta !== tb) return ta < tb ? 1 : -1
  const ia = field(a, 'eventID') ?? ''
  const ib = field(b, 'eventID') ?? ''
  return ia === ib ? 0 : ia < ib ? 1 : -1
}
