/**
 * LookupEvents planning. The API takes one lookup attribute per call (CloudTrail API reference,
 * LookupEvents: "LookupAttributes ... Currently the list can contain only one item"), so lakegov
 * sends the most selective one the query has and filters the rest on the client.
 */
import type {ActivityFilters} from './query'

/** The LookupEvents attribute keys lakegov uses. */
export type LookupAttributeKey = 'EventName' | 'EventSource' | 'ReadOnly'

/** LookupEvents' largest page (MaxResults 1 to 50). */
export const LOOKUP_PAGE_SIZE = 50
/** LookupEvents' documented rate: 2 requests per second per account per region. */
export const LOOKUP_REQUESTS_PER_SECOND = 2

/**
 * The attribute to send: an event name (a handful of events), else an event source (one service),
 * else ReadOnly. Never Username: for a role session CloudTrail's Username is the session name, not
 * the role, so a role's sessions would be missed; the principal is filtered on the client.
 */
/**
 * The attributes of the calls a query needs: one EventName call per name of `eventNames` (an
 * attribute takes one value), leaving out S3 data events, which LookupEvents never returns; else
 * the one attribute of lookupAttributeOf (undefined: no attribute).
 */
export function lookupAttributesOf(filters: ActivityFilters): ({key: LookupAttributeKey; value: string} | undefined)[] {
  if (filters.eventNames === undefined) return [lookupAttributeOf(filters)]
  return filters.eventNames.filter((name) => !S3_DATA_EVENT_NAMES.has(name)).map((value) => ({key: 'EventName' as const, value}))
}

const S3_DATA_EVENT_NAMES: ReadonlySet<string> = new Set(['GetObject', 'PutObject', 'DeleteObject', 'HeadObject', 'CopyObject'])

export function lookupAttributeOf(filters: ActivityFilters): {key: LookupAttributeKey; value: string} | undefined {
  if (filters.eventName !== undefined) return {key: 'EventName', value: filters.eventName}
  if (filters.eventSource !== undefined) return {key: 'EventSource', value: filters.eventSource}
  if (filters.readOnly !== undefined) return {key: 'ReadOnly', value: String(filters.readOnly)}
  return undefined
}
