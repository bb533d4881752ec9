/**
 * The activity sections' figures, folded from the window's records in one pass (each eventID
 * once): calls over time by service with errors, the top services, events and principals with
 * their error share, and calls by region and by source country.
 */
import {groupKeyOf} from '../activity/filter'
import type {TimeWindow} from '../activity/query'
import type {CloudTrailRecord} from '../activity/record'
import {compareText} from '../order'
import {isIpAddress} from './geo'

/** Windows up to this long are drawn per hour; longer ones per day. */
export const HOURLY_UP_TO_MS = 2 * 86_400_000
/** Services drawn in their own colour; the rest are stacked as "other". */
export const TIMELINE_SERVICES = 6
/** Rows in each top list. */
export const TOP_ROWS = 10
/** The name of the stacked remainder. */
export const OTHER = 'other'

/** A group with its error count. */
export interface CountWithErrors {
  /** The key. */
  key: string
  /** Events. */
  count: number
  /** Events with an errorCode. */
  errors: number
  /** errors / count, rounded to 4 decimals. */
  errorShare: number
}

/** Calls over time. */
export interface Timeline {
  /** The bucket size. */
  unit: 'hour' | 'day'
  /** Every bucket of the window, in order (yyyy-MM-ddTHH or yyyy-MM-dd). */
  buckets: string[]
  /** The stacked series: the top services, then "other" when there are more. */
  services: string[]
  /** counts[s][b]: calls of services[s] in buckets[b]. */
  counts: number[][]
  /** Calls that failed, per bucket. */
  errors: number[]
}

/** The activity figures of the window. */
export interface ActivityFigures {
  /** Distinct events. */
  events: number
  /** Distinct principals. */
  principals: number
  /** Events with an errorCode. */
  errors: number
  /** Calls over time. */
  timeline: Timeline
  /** Top services, events and principals. */
  services: CountWithErrors[]
  eventNames: CountWithErrors[]
  principalRows: CountWithErrors[]
  /** Calls per region, largest first. */
  regions: Array<{key: string; count: number}>
  /** Calls per source country, largest first. */
  countries: Array<{key: string; count: number}>
  /** Calls whose source was a service name or `AWS Internal`, left out of the countries. */
  fromServices: number
  /** Calls from an address the database does not place (private or reserved). */
  unplaced: number
}

function bucketsOf(window: TimeWindow, unit: 'hour' | 'day'): string[] {
  const step = unit === 'hour' ? 3_600_000 : 86_400_000
  const width = unit === 'hour' ? 13 : 10
  const from = Date.parse(window.from)
  const start = from - (from % step)
  const out: string[] = []
  for (let time = start; time < Date.parse(window.to); time += step) out.push(new Date(time).toISOString().slice(0, width))
  return out
}

function bump(map: Map<string, {count: number; errors: number}>, key: string, failed: boolean): void {
  const entry = map.get(key) ?? {count: 0, errors: 0}
  entry.count++
  if (failed) entry.errors++
  map.set(key, entry)
}

function largestFirst<T extends {key: string; count: number}>(rows: T[]): T[] {
  return rows.sort((a, b) => b.count - a.count || compareText(a.key, b.key))
}

function topWithErrors(map: Map<string, {count: number; errors: number}>): CountWithErrors[] {
  const rows = [...map].map(([key, {count, errors}]) => ({key: key || '(none)', count, errors, errorShare: Math.round((errors / count) * 10_000) / 10_000}))
  return largestFirst(rows).slice(0, TOP_ROWS)
}

function counted(map: Map<string, number>): Array<{key: string; count: number}> {
  return largestFirst([...map].map(([key, count]) => ({key, count})))
}

type Counts = Map<string, {count: number; errors: number}>

/**
 * The activity figures, folded from records added in any number of batches (the report streams 30
 * days of a busy account through it, and keeps no record): copies of an event count once.
 */
export class ActivityFold {
  private readonly unit: 'hour' | 'day'
  private readonly buckets: string[]
  private readonly index: Map<string, number>
  private readonly seen = new Set<string>()
  private readonly services: Counts = new Map()
  private readonly events: Counts = new Map()
  private readonly principals: Counts = new Map()
  private readonly regions = new Map<string, number>()
  private readonly countries = new Map<string, number>()
  private readonly perService = new Map<string, number[]>()
  private readonly errors: number[]
  private total = 0
  private failures = 0
  private fromServices = 0
  private unplaced = 0

  /** The countryOf lookup places a source address; undefined when it cannot. */
  constructor(
    window: TimeWindow,
    private readonly countryOf: (address: string) => string | undefined,
  ) {
    this.unit = Date.parse(window.to) - Date.parse(window.from) <= HOURLY_UP_TO_MS ? 'hour' : 'day'
    this.buckets = bucketsOf(window, this.unit)
    this.index = new Map(this.buckets.map((bucket, i) => [bucket, i]))
    this.errors = this.buckets.map(() => 0)
  }

  add(records: Iterable<CloudTrailRecord>): void {
    for (const record of records) {
      const eventId = typeof record.eventID === 'string' ? record.eventID : undefined
      if (eventId !== undefined) {
        if (this.seen.has(eventId)) continue
        this.seen.add(eventId)
      }
      this.addOne(record)
    }
  }

  private addOne(record: CloudTrailRecord): void {
    this.total++
    const failed = Boolean(record.errorCode)
    if (failed) this.failures++
    const service = groupKeyOf('service', record)
    bump(this.services, service, failed)
    bump(this.events, groupKeyOf('event', record), failed)
    bump(this.principals, groupKeyOf('principal', record), failed)
    const region = groupKeyOf('region', record) || '(none)'
    this.regions.set(region, (this.regions.get(region) ?? 0) + 1)
    const at = this.index.get(groupKeyOf(this.unit, record))
    if (at !== undefined) {
      const series = this.perService.get(service) ?? this.buckets.map(() => 0)
      series[at]++
      this.perService.set(service, series)
      if (failed) this.errors[at]++
    }
    const source = groupKeyOf('ip', record)
    if (!isIpAddress(source)) this.fromServices++
    else {
      const country = this.countryOf(source)
      if (country === undefined) this.unplaced++
      else this.countries.set(country, (this.countries.get(country) ?? 0) + 1)
    }
  }

  figures(): ActivityFigures {
    return {
      events: this.total,
      principals: this.principals.size,
      errors: this.failures,
      timeline: stackServices(this.buckets, this.unit, this.perService, this.errors),
      services: topWithErrors(this.services),
      eventNames: topWithErrors(this.events),
      principalRows: topWithErrors(this.principals),
      regions: counted(this.regions),
      countries: counted(this.countries),
      fromServices: this.fromServices,
      unplaced: this.unplaced,
    }
  }
}

/** Folds the records (the countryOf lookup places a source address; undefined when it cannot). */
export function foldActivity(records: Iterable<CloudTrailRecord>, window: TimeWindow, countryOf: (address: string) => string | undefined): ActivityFigures {
  const fold = new ActivityFold(window, countryOf)
  fold.add(records)
  return fold.figures()
}

function stackServices(buckets: string[], unit: 'hour' | 'day', perService: Map<string, number[]>, errors: number[]): Timeline {
  const totals = largestFirst([...perService].map(([key, values]) => ({key, count: values.reduce((sum, value) => sum + value, 0), values})))
  const shown = totals.length > TIMELINE_SERVICES + 1 ? totals.slice(0, TIMELINE_SERVICES) : totals
  const rest = totals.slice(shown.length)
  const services = shown.map((entry) => entry.key || '(none)')
  const counts = shown.map((entry) => entry.values)
  if (rest.length > 0) {
    services.push(OTHER)
    counts.push(buckets.map((_, i) => rest.reduce((sum, entry) => sum + entry.values[i], 0)))
  }
  return {unit, buckets, services, counts, errors}
}
