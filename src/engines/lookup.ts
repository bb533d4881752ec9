/**
 * The lookup engine: CloudTrail LookupEvents, one region per call, 50 events a page, paced at the
 * documented 2 requests per second per region so that it is never throttled, all regions side by
 * side. It needs no lake, sees the last 90 days of management events only, and filters on the
 * client what its one lookup attribute cannot.
 */
import {assertLookupCanAnswer} from '../core/activity/engine-choice'
import {compareNewestFirst, dedupeByEventId, matchesQuery} from '../core/activity/filter'
import {LOOKUP_PAGE_SIZE, LOOKUP_REQUESTS_PER_SECOND, lookupAttributesOf, type LookupAttributeKey} from '../core/activity/lookup'
import type {ActivityQuery} from '../core/activity/query'
import {projectRecord, projectRecordFields, type CloudTrailRecord} from '../core/activity/record'
import {groupRecords} from '../core/activity/summary'
import type {ActivityAsk, EngineAnswer, ProgressSink} from './types'

/** The calls the lookup engine makes. */
export interface LookupPorts {
  /** One LookupEvents page. */
  lookupPage(request: {region: string; attribute?: {key: LookupAttributeKey; value: string}; startTime: string; endTime: string; maxResults: number; nextToken?: string}): Promise<{records: string[]; nextToken?: string}>
  /** The enabled regions (EC2 DescribeRegions). */
  enabledRegions(): Promise<string[]>
}

/** Options: the clock and sleep are injectable so that tests can check the pacing. */
export interface LookupOptions {
  /** Now, in ms. */
  now: number
  /** Progress lines. */
  progress: ProgressSink
  /** Requests per second per region; the documented 2 by default. */
  requestsPerSecond?: number
  /** Waits; setTimeout by default. */
  sleep?: (ms: number) => Promise<void>
  /** The clock; Date.now by default. */
  clock?: () => number
}

/** Spaces calls at least `interval` ms apart. */
export class Pacer {
  private last = Number.NEGATIVE_INFINITY

  constructor(
    private readonly interval: number,
    private readonly clock: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  async wait(): Promise<void> {
    const due = this.last + this.interval
    const now = this.clock()
    if (now < due) await this.sleep(due - now)
    this.last = Math.max(due, this.clock())
  }
}

/** Runs a query on LookupEvents. */
export async function runLookup(query: ActivityQuery, ask: ActivityAsk, ports: LookupPorts, options: LookupOptions): Promise<EngineAnswer> {
  assertLookupCanAnswer(query, options.now)
  const regions = query.filters.regions === 'all' ? await ports.enabledRegions() : query.filters.regions
  const attributes = lookupAttributesOf(query.filters)
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const clock = options.clock ?? Date.now
  const interval = 1000 / (options.requestsPerSecond ?? LOOKUP_REQUESTS_PER_SECOND)
  options.progress(`lookup: reading ${regions.length} region(s) side by side at ${options.requestsPerSecond ?? LOOKUP_REQUESTS_PER_SECOND} requests/s each${attributes.map((attribute) => (attribute ? `, by ${attribute.key}=${attribute.value}` : '')).join('')}: ${regions.join(', ')}`)
  const counts = {pages: 0, seen: 0}
  const perRegion = await Promise.all(
    regions.map(async (region) => {
      const pacer = new Pacer(interval, clock, sleep)
      const found: CloudTrailRecord[] = []
      for (const attribute of attributes) found.push(...(await lookupAll(query, region, attribute, pacer, ports, counts, options.progress)))
      return found
    }),
  )
  const {pages, seen} = counts
  options.progress(`lookup: ${pages} pages, ${seen} events read`)
  const records = dedupeByEventId(perRegion.flat())
  const stats = {pages, eventsRead: seen, events: records.length}
  if (ask.kind === 'summary') return {engine: 'lookup', regions, groups: groupRecords(ask.by, records), skipped: [], stats}
  // CloudTrailEvent is the whole record: a full ask gets it as it is (but a sink takes the projection).
  const full = ask.full === true && !ask.sink
  const fields = ask.fields
  const limit = ask.sink ? records.length : (ask.limit ?? records.length)
  const events = records.sort(compareNewestFirst).slice(0, limit).map((record) => (full ? record : fields ? projectRecordFields(record, fields) : projectRecord(record)))
  // The pages are held until the de-duplication across regions and attributes: a sink gets them at the end, in one batch.
  if (ask.sink) {
    ask.sink(events)
    return {engine: 'lookup', regions, skipped: [], stats}
  }
  return {engine: 'lookup', regions, events, skipped: [], stats, ...(full ? {fullRecords: true} : {})}
}

/** Every page of one region and attribute, paced; the matching records. */
async function lookupAll(query: ActivityQuery, region: string, attribute: {key: LookupAttributeKey; value: string} | undefined, pacer: Pacer, ports: LookupPorts, counts: {pages: number; seen: number}, progress: ProgressSink): Promise<CloudTrailRecord[]> {
  const found: CloudTrailRecord[] = []
  let nextToken: string | undefined
  do {
    await pacer.wait()
    // EndTime is inclusive in LookupEvents; the client-side filter keeps the window half-open.
    const page = await ports.lookupPage({region, ...(attribute ? {attribute} : {}), startTime: query.window.from, endTime: query.window.to, maxResults: LOOKUP_PAGE_SIZE, ...(nextToken ? {nextToken} : {})})
    counts.pages += 1
    counts.seen += page.records.length
    for (const text of page.records) {
      const record = parseRecord(text)
      if (record && matchesQuery(query, record)) found.push(record)
    }
    if (counts.pages % 10 === 0) progress(`lookup: ${counts.pages} pages, ${counts.seen} events read`)
    nextToken = page.nextToken
  } while (nextToken)
  return found
}

function parseRecord(text: string): CloudTrailRecord | undefined {
  try {
    const value = JSON.parse(text) as unknown
    return typeof value === 'object' && value !== null ? (value as CloudTrailRecord) : undefined
  } catch {
    return undefined
  }
}
