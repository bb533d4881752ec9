/**
 * The activity query model: a time window, filters and a grouping, as plain data. Every engine
 * (lookup, local, athena) answers the same ActivityQuery, so the parsing and validation of the
 * flags lives here once.
 */
import {LakegovError} from '../errors'
import {ExitCode} from '../exit-codes'

/** The engines that can answer an activity query. */
export const ENGINES = ['lookup', 'local', 'athena'] as const
/** One engine. */
export type Engine = (typeof ENGINES)[number]
/** What --engine accepts. */
export const ENGINE_CHOICES = ['auto', ...ENGINES] as const
/** --engine's value. */
export type EngineChoice = (typeof ENGINE_CHOICES)[number]

/** What `summary --by` groups by. */
export const GROUPINGS = ['service', 'event', 'principal', 'region', 'day', 'hour', 'ip', 'error', 'useragent'] as const
/** One grouping. */
export type Grouping = (typeof GROUPINGS)[number]

/** A half-open time window [from, to), both ISO 8601 UTC with second precision (`2026-12-01T00:00:00Z`). */
export interface TimeWindow {
  /** The first second in the window. */
  from: string
  /** The first second after the window. */
  to: string
}

/** What the events must match; absent fields match everything. */
export interface ActivityFilters {
  /** A role or user name, or an ARN (role, user, assumed-role session); a role matches all its sessions. */
  principal?: string
  /** The full event source, `iam.amazonaws.com`. */
  eventSource?: string
  /** The event name, `AssumeRole`. */
  eventName?: string
  /** Any of these event names (the reads workflow asks for its three read events at once); not a flag. */
  eventNames?: string[]
  /** The regions to read, sorted, or 'all'. */
  regions: string[] | 'all'
  /** Only calls that failed (an errorCode is present). */
  errorsOnly: boolean
  /** Only read-only (true) or only mutating (false) calls. */
  readOnly?: boolean
}

/** One activity question. */
export interface ActivityQuery {
  /** The window. */
  window: TimeWindow
  /** The filters. */
  filters: ActivityFilters
  /**
   * The end of the delivery folders read, ISO: the window's end plus DELIVERY_LAG_MS, bounded by
   * now (deliveryEndOf). Absent, the window's end. Events still count only when inside the window.
   */
  deliveredBy?: string
}

/**
 * How long after the window's end lakegov still looks for its events' files. CloudTrail delivers
 * "within an average of about 5 minutes of an API call", with no guarantee (CloudTrail user guide,
 * "How CloudTrail works"; ACTIVITY-FACTS.md), into the folder of the delivery's UTC day, so events
 * of a day's last minutes sit in the next day's folder. An hour of margin reads that next folder
 * whenever the window ends within an hour of midnight, and never otherwise.
 */
export const DELIVERY_LAG_MS = 3_600_000

/** The end of the delivery folders to read for a window at `now`: its end plus the lag, never past now (nor before the window's end). */
export function deliveryEndOf(window: TimeWindow, now: number): string {
  const to = Date.parse(window.to)
  return isoSecond(Math.min(to + DELIVERY_LAG_MS, Math.max(now, to)))
}

/** The raw flag values the query is built from. */
export interface ActivityFlagValues {
  /** --since: a duration (30d, 12h, 90m, 2w) or an ISO date or time. */
  since?: string
  /** --from, ISO. */
  from?: string
  /** --to, ISO. */
  to?: string
  /** --principal. */
  principal?: string
  /** --event-source. */
  eventSource?: string
  /** --event-name. */
  eventName?: string
  /** --region: R,R or all. */
  region?: string
  /** --errors. */
  errors?: boolean
  /** --read-only: true or false. */
  readOnly?: string
}

const DAY_MS = 86_400_000
const UNIT_MS: Record<string, number> = {m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS}

function usage(message: string, suggestions: string[]): LakegovError {
  return new LakegovError(message, {exitCode: ExitCode.Usage, code: 'USAGE', suggestions})
}

/** An instant as CloudTrail writes eventTime: ISO 8601 UTC, whole seconds. */
export function isoSecond(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function parseInstant(value: string, flag: string): number {
  // A date alone (2026-12-01) is midnight UTC; a time without a zone is read as UTC, as CloudTrail's times are.
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value
  const ms = /^\d{4}-\d{2}-\d{2}(T|$)/.test(text) ? Date.parse(text) : Number.NaN
  if (Number.isNaN(ms)) throw usage(`${flag} ${value} is not an ISO 8601 date or time.`, [`Pass ${flag} like 2026-12-01 or 2026-12-01T09:30:00Z.`])
  return ms
}

/** A duration such as 30d, 12h, 90m or 2w, in milliseconds; undefined when the text is not one. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+)([mhdw])$/.exec(value.trim())
  if (!match) return undefined
  const amount = Number(match[1])
  return amount > 0 ? amount * UNIT_MS[match[2]] : undefined
}

/**
 * The window of --since | --from/--to, at `now`. Without any, the last 24 hours. --since takes a
 * duration back from now, or a date or time to start from. --from without --to ends now; --to
 * without --from starts 24 hours before it.
 */
export function resolveWindow(values: Pick<ActivityFlagValues, 'since' | 'from' | 'to'>, now: number): TimeWindow {
  if (values.since !== undefined && (values.from !== undefined || values.to !== undefined)) {
    throw usage('--since cannot be combined with --from or --to.', ['Pass either --since 30d, or --from ISO [--to ISO].'])
  }
  let from: number
  let to = now
  if (values.since !== undefined) {
    const duration = parseDuration(values.since)
    from = duration === undefined ? parseInstantOrDuration(values.since) : now - duration
  } else {
    if (values.to !== undefined) to = parseInstant(values.to, '--to')
    from = values.from === undefined ? to - DAY_MS : parseInstant(values.from, '--from')
  }
  if (from >= to) throw usage(`The window is empty: it starts at ${isoSecond(from)} and ends at ${isoSecond(to)}.`, ['Pass a --from before --to, or a --since in the past.'])
  return {from: isoSecond(from), to: isoSecond(to)}
}

function parseInstantOrDuration(value: string): number {
  if (/^\d{4}-/.test(value)) return parseInstant(value, '--since')
  throw usage(`--since ${value} is not a duration or a date.`, ['Pass a duration such as 30d, 12h, 90m or 2w, or a date such as 2026-12-01.'])
}

/** The window's length in days (fractional). */
export function windowDays(window: TimeWindow): number {
  return (Date.parse(window.to) - Date.parse(window.from)) / DAY_MS
}

/** --event-source: `iam` means `iam.amazonaws.com`; a full source is kept. */
export function normalizeEventSource(value: string): string {
  const trimmed = value.trim().toLowerCase()
  return trimmed.includes('.') ? trimmed : `${trimmed}.amazonaws.com`
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/

/** --region: `all`, or a comma-separated list of region names. */
export function parseRegions(value: string | undefined): string[] | 'all' {
  if (value === undefined || value.trim() === '' || value.trim() === 'all') return 'all'
  const regions = [...new Set(value.split(',').map((region) => region.trim()).filter((region) => region !== ''))].sort()
  const bad = regions.filter((region) => !REGION.test(region))
  if (bad.length > 0) throw usage(`--region ${bad.join(',')}: not a region name.`, ['Pass region names such as us-east-1,eu-west-1, or all.'])
  return regions
}

/** Builds the query from the flags at `now`; a bad value throws a usage error (exit 64) naming the flag. */
export function buildActivityQuery(values: ActivityFlagValues, now: number): ActivityQuery {
  const window = resolveWindow(values, now)
  let readOnly: boolean | undefined
  if (values.readOnly !== undefined) {
    if (values.readOnly !== 'true' && values.readOnly !== 'false') throw usage(`--read-only ${values.readOnly}: expected true or false.`, ['Pass --read-only true or --read-only false.'])
    readOnly = values.readOnly === 'true'
  }
  const principal = values.principal?.trim()
  const eventName = values.eventName?.trim()
  return {
    window,
    deliveredBy: deliveryEndOf(window, now),
    filters: {
      ...(principal ? {principal} : {}),
      ...(values.eventSource?.trim() ? {eventSource: normalizeEventSource(values.eventSource)} : {}),
      ...(eventName ? {eventName} : {}),
      regions: parseRegions(values.region),
      errorsOnly: values.errors === true,
      ...(readOnly === undefined ? {} : {readOnly}),
    },
  }
}

/** The UTC days (yyyy/MM/dd) the window touches, in order. */
export function windowDaysList(window: TimeWindow): string[] {
  const days: string[] = []
  const last = Date.parse(window.to) - 1000
  for (let day = Math.floor(Date.parse(window.from) / DAY_MS) * DAY_MS; day <= last; day += DAY_MS) {
    days.push(new Date(day).toISOString().slice(0, 10).replaceAll('-', '/'))
  }
  return days
}

/**
 * The delivery days (yyyy/MM/dd folders) that hold the query's events: the window's days, and the
 * next day too when `deliveredBy` reaches into it (see DELIVERY_LAG_MS).
 */
export function deliveryDaysList(query: Pick<ActivityQuery, 'window' | 'deliveredBy'>): string[] {
  const end = query.deliveredBy !== undefined && query.deliveredBy > query.window.to ? query.deliveredBy : query.window.to
  return windowDaysList({from: query.window.from, to: end})
}

/** Parses a size such as 10GB, 500MB, 2TB or 1024 (bytes); undefined when malformed. Units are powers of 1024. */
export function parseSize(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)?$/i.exec(value.trim())
  if (!match) return undefined
  const power = ['B', 'KB', 'MB', 'GB', 'TB'].indexOf((match[2] ?? 'B').toUpperCase())
  return Math.round(Number(match[1]) * 1024 ** power)
}
