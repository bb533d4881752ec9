/**
 * CloudTrail LookupEvents, which moto lacks (it answers HTTP 500), served from the management events
 * of the CloudTrail log files in the sandbox's S3.
 *
 * Source: the API reference as botocore ships it (cloudtrail/2013-11-01/service-2.json, operation
 * LookupEvents and shapes LookupEventsRequest, LookupAttribute, LookupAttributeKey, Event, Resource,
 * LookupEventsResponse), i.e. https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html:
 * - management events (or Insights events) "that occurred in a Region within the last 90 days";
 *   never data events;
 * - LookupAttributes: "Currently the list can contain only one item"; keys EventId, EventName,
 *   ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId; AttributeValue at most
 *   2000 characters;
 * - StartTime/EndTime inclusive ("after or at", "before or at"); start after end is an error;
 * - MaxResults "1 through 50. The default is 50";
 * - "The events list is sorted by time. The most recent event is listed first";
 * - NextToken "must be passed in with the same parameters that were specified in the original call";
 * - "The rate of lookup requests is limited to two per second, per account, per Region. If this limit
 *   is exceeded, a throttling error occurs."
 * - Errors: InvalidLookupAttributesException, InvalidTimeRangeException, InvalidMaxResultsException,
 *   InvalidNextTokenException, InvalidEventCategoryException.
 *
 * Not documented, and chosen here (the stricter reading where there is one):
 * - The region of a call is its SigV4 scope's region; an event belongs to the region in its awsRegion.
 * - Every parameter of the first call (attributes, times, category, MaxResults) must come back with
 *   its NextToken; anything else is InvalidNextTokenException.
 * - The throttle counts the calls it accepted in the last second (a sliding window).
 * - Username is the IAM user's name, `root` for the root user, the session name for a role session
 *   (what the console's event history shows), the user name of a federated user; absent otherwise.
 * - Resources are the record's `resources`, as {ResourceType: type, ResourceName: ARN}.
 * - Records before eventVersion 1.08 have no managementEvent/eventCategory; they were management events.
 */
import {createHash} from 'node:crypto'

import {nextRequestId} from '../../lakeformation/rest-json'
import type {CannedResponse} from '../fault-responses'
import {isObject, jsonResponse, parseInput} from '../glue/aws-json'
import type {CloudTrailLogStore, TrailRecord} from './log-store'

/** A CloudTrail error; the SDK names the exception after `__type`. */
export class CloudTrailError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message)
    this.name = code
  }
}

function errorResponse(error: CloudTrailError): CannedResponse {
  return {status: error.status, headers: {'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': nextRequestId()}, body: JSON.stringify({__type: error.code, Message: error.message})}
}

const ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const
type AttributeKey = (typeof ATTRIBUTE_KEYS)[number]

const DAY_MS = 86_400_000
/** Event history keeps 90 days. */
export const LOOKUP_HORIZON_MS = 90 * DAY_MS

/** The Event shape of the response. */
export interface LookupEvent {
  EventId: string
  EventName?: string
  ReadOnly?: string
  AccessKeyId?: string
  EventTime: number
  EventSource?: string
  Username?: string
  Resources: {ResourceType?: string; ResourceName?: string}[]
  CloudTrailEvent: string
}

interface Indexed {
  ms: number
  id: string
  event: LookupEvent
}

function isManagement(record: TrailRecord): boolean {
  return record.managementEvent !== false && (record.eventCategory === undefined || record.eventCategory === 'Management')
}

function usernameOf(record: TrailRecord): string | undefined {
  const identity = (record.userIdentity ?? {}) as {type?: string; userName?: string; arn?: string}
  switch (identity.type) {
    case 'IAMUser':
    case 'FederatedUser':
      return identity.userName ?? identity.arn?.split('/').pop()
    case 'Root':
      return identity.userName ?? 'root'
    case 'AssumedRole':
      return identity.arn?.split('/').pop()
    default:
      return identity.userName
  }
}

function eventOf(record: TrailRecord): LookupEvent {
  const identity = (record.userIdentity ?? {}) as {accessKeyId?: string}
  const resources = Array.isArray(record.resources) ? (record.resources as {type?: string; ARN?: string}[]) : []
  const optional = (key: string, value: unknown) => (typeof value === 'string' && value !== '' ? {[key]: value} : {})
  return {
    EventId: String(record.eventID),
    ...optional('EventName', record.eventName),
    ...(record.readOnly === undefined ? {} : {ReadOnly: String(record.readOnly)}),
    ...optional('AccessKeyId', identity.accessKeyId),
    EventTime: Date.parse(String(record.eventTime)) / 1000,
    ...optional('EventSource', record.eventSource),
    ...optional('Username', usernameOf(record)),
    Resources: resources.map((resource) => ({...optional('ResourceType', resource.type), ...optional('ResourceName', resource.ARN)})),
    CloudTrailEvent: JSON.stringify(record),
  }
}

function matches(event: LookupEvent, key: AttributeKey, value: string): boolean {
  switch (key) {
    case 'EventId':
      return event.EventId === value
    case 'EventName':
      return event.EventName === value
    case 'ReadOnly':
      return event.ReadOnly === value
    case 'Username':
      return event.Username === value
    case 'EventSource':
      return event.EventSource === value
    case 'AccessKeyId':
      return event.AccessKeyId === value
    case 'ResourceType':
      return event.Resources.some((resource) => resource.ResourceType === value)
    case 'ResourceName':
      return event.Resources.some((resource) => resource.ResourceName === value)
  }
}

function timeOf(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN
  if (!Number.isFinite(ms)) throw new CloudTrailError('ValidationException', `${field} is not a valid timestamp.`)
  return ms
}

interface Token {
  /** Hash of the parameters the token belongs to. */
  p: string
  /** Last event returned: time (ms) and id. */
  t: number
  i: string
}

/** Requests per second LookupEvents accepts per account and region; AWS's documented 2. */
export const DEFAULT_LOOKUP_EVENTS_PER_SECOND = 2

/** LookupEvents over the log store, with its throttle. */
export class LookupEventsService {
  private perSecond: number
  private readonly accepted = new Map<string, number[]>()
  private index: {source: TrailRecord[]; byRegion: Map<string, Indexed[]>} | undefined

  constructor(
    private readonly store: CloudTrailLogStore,
    private readonly accountId: string,
    perSecond = DEFAULT_LOOKUP_EVENTS_PER_SECOND,
  ) {
    this.perSecond = perSecond
  }

  /** The current rate limit, requests per second per region (0 means unlimited). */
  get rate(): number {
    return this.perSecond
  }

  setRate(perSecond: number): void {
    if (typeof perSecond !== 'number' || !Number.isFinite(perSecond) || perSecond < 0) throw new Error('lookupEventsPerSecond must be a number of 0 (unlimited) or more.')
    this.perSecond = perSecond
    this.accepted.clear()
  }

  reset(): void {
    this.accepted.clear()
    this.index = undefined
  }

  /** Whether a call in this region is over the rate; counts it when it is not. */
  private throttled(region: string, now: number): boolean {
    if (this.perSecond === 0) return false
    const key = `${this.accountId}/${region}`
    const recent = (this.accepted.get(key) ?? []).filter((at) => now - at < 1000)
    if (recent.length >= this.perSecond) {
      this.accepted.set(key, recent)
      return true
    }
    recent.push(now)
    this.accepted.set(key, recent)
    return false
  }

  private async regionEvents(region: string): Promise<Indexed[]> {
    const records = await this.store.records()
    if (this.index?.source !== records) {
      const byRegion = new Map<string, Indexed[]>()
      for (const record of records) {
        if (!isManagement(record) || typeof record.awsRegion !== 'string') continue
        const event = eventOf(record)
        const list = byRegion.get(record.awsRegion) ?? []
        list.push({ms: event.EventTime * 1000, id: event.EventId, event})
        byRegion.set(record.awsRegion, list)
      }
      // Newest first; equal times by eventID, descending, so that pages are stable.
      for (const list of byRegion.values()) list.sort((a, b) => b.ms - a.ms || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      this.index = {source: records, byRegion}
    }
    return this.index.byRegion.get(region) ?? []
  }

  async handle(body: Buffer, region: string, now = Date.now()): Promise<CannedResponse> {
    try {
      if (this.throttled(region, now)) return errorResponse(new CloudTrailError('ThrottlingException', 'Rate exceeded'))
      return jsonResponse(await this.lookup(parseInput(body), region, now))
    } catch (error) {
      if (error instanceof CloudTrailError) return errorResponse(error)
      if (error instanceof Error && error.name === 'GlueError') return errorResponse(new CloudTrailError('SerializationException', error.message))
      throw error
    }
  }

  private async lookup(input: Record<string, unknown>, region: string, now: number) {
    const attributes = input.LookupAttributes ?? []
    if (!Array.isArray(attributes)) throw new CloudTrailError('InvalidLookupAttributesException', 'LookupAttributes must be a list.')
    if (attributes.length > 1) throw new CloudTrailError('InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.')
    let filter: {key: AttributeKey; value: string} | undefined
    if (attributes.length === 1) {
      const attribute: unknown = attributes[0]
      const {AttributeKey: key, AttributeValue: value} = (isObject(attribute) ? attribute : {}) as {AttributeKey?: unknown; AttributeValue?: unknown}
      if (typeof key !== 'string' || !(ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
        throw new CloudTrailError('InvalidLookupAttributesException', `Invalid AttributeKey ${JSON.stringify(key)}: it must be one of ${ATTRIBUTE_KEYS.join(', ')}.`)
      }
      // '_', ' ', ',' and '\n' count as two characters towards the 2000-character limit.
      const length = typeof value === 'string' ? value.length + (value.match(/[_ ,\n]/g)?.length ?? 0) : 0
      if (typeof value !== 'string' || value.length === 0 || length > 2000) throw new CloudTrailError('InvalidLookupAttributesException', 'AttributeValue must be 1 to 2000 characters.')
      filter = {key: key as AttributeKey, value}
    }
    const category = input.EventCategory
    if (category !== undefined && category !== 'insight') throw new CloudTrailError('InvalidEventCategoryException', `Invalid EventCategory ${JSON.stringify(category)}: the only value is insight.`)
    const max = input.MaxResults ?? 50
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 50) throw new CloudTrailError('InvalidMaxResultsException', 'MaxResults must be from 1 to 50.')
    const start = timeOf(input.StartTime, 'StartTime')
    const end = timeOf(input.EndTime, 'EndTime')
    if (start !== undefined && end !== undefined && start > end) throw new CloudTrailError('InvalidTimeRangeException', 'Start time cannot be after end time.')

    const parameters = createHash('sha256')
      .update(JSON.stringify([region, attributes, input.StartTime ?? null, input.EndTime ?? null, category ?? null, input.MaxResults ?? null]))
      .digest('hex')
      .slice(0, 24)
    let after: Token | undefined
    if (input.NextToken !== undefined) {
      try {
        after = JSON.parse(Buffer.from(String(input.NextToken), 'base64url').toString('utf8')) as Token
      } catch {
        after = undefined
      }
      if (!after || after.p !== parameters || typeof after.t !== 'number' || typeof after.i !== 'string') {
        throw new CloudTrailError('InvalidNextTokenException', 'The NextToken is invalid, or was not passed with the same parameters as the call that returned it.')
      }
    }

    // Insights events are not in the log files the sandbox reads: an insight lookup finds none.
    if (category === 'insight') return {Events: []}
    const from = Math.max(start ?? -Infinity, now - LOOKUP_HORIZON_MS)
    const to = Math.min(end ?? Infinity, now)
    const events: LookupEvent[] = []
    let more = false
    for (const entry of await this.regionEvents(region)) {
      if (entry.ms > to) continue
      if (entry.ms < from) break
      if (after && (entry.ms > after.t || (entry.ms === after.t && entry.id >= after.i))) continue
      if (filter && !matches(entry.event, filter.key, filter.value)) continue
      if (events.length === max) {
        more = true
        break
      }
      events.push(entry.event)
    }
    const last = events.at(-1)
    const token = more && last ? Buffer.from(JSON.stringify({p: parameters, t: last.EventTime * 1000, i: last.EventId} satisfies Token)).toString('base64url') : undefined
    return {Events: events, ...(token ? {NextToken: token} : {})}
  }
}
