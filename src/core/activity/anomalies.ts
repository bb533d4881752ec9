/**
 * `activity anomalies`, pure: compare a window's reads and lake events with a baseline.
 *
 * Performance design (issue 15): the baseline is read ONCE into a BaselineProfile (baselineFold
 * folds each read as the join hands it on, and keeps neither events nor reads), and every rule runs
 * over that profile and the window's events. No rule looks at the baseline's events again.
 *
 * Rules (ids LA001 and up; never reused):
 * - LA001 new-reader: a principal read the log tables in the window and never in the baseline.
 * - LA002 direct-s3-read: a direct S3 read of the log objects by anyone but the expected roles.
 * - LA003 volume-spike: a principal's reads on a window day against its daily counts in the
 *   baseline, by the modified z-score of Iglewicz and Hoaglin, 0.6745 × (x − median) / MAD, with
 *   the threshold SPIKE_THRESHOLD = 3.5 (their recommended cut-off). Days with no reads count as 0.
 *   Seasonality: the window day is compared with baseline days of the same kind (weekday with
 *   weekdays, Saturday/Sunday with weekends) when the baseline has at least MIN_SEASON_DAYS of that
 *   kind, else with every baseline day. When MAD is 0 (most days alike) the mean absolute
 *   deviation stands in (× 1.2533, its consistency constant); when that is 0 too, any count above
 *   the median by at least SPIKE_MIN_EXCESS fires. A spike needs at least SPIKE_MIN_COUNT reads.
 * - LA004 unusual-time: reads at an hour (UTC) more than one hour from any hour the principal read
 *   at in the baseline, or on a kind of day (weekday/weekend) it never read on; only for principals
 *   with at least MIN_HISTORY baseline reads.
 * - LA005 new-network: reads from a network the principal never read from in the baseline: the
 *   /24 of an IPv4 address, the /48 of an IPv6 address (a site's usual allocation; a new address
 *   inside a known network is not flagged, as DHCP and NAT pools churn). Service names
 *   (athena.amazonaws.com) are not networks and are skipped. Only principals with baseline reads
 *   (LA001 covers the others).
 * - LA006 denied-burst: at least DENIED_BURST_COUNT refused GetDataAccess calls, or AccessDenied*
 *   errors on lake events, by one principal within DENIED_BURST_MINUTES.
 * - LA007 governance-change: a successful change to the lake's governance: Lake Formation grants
 *   and revokes, data lake settings, registration, LF-tags and data cells filters; StopLogging,
 *   DeleteTrail, UpdateTrail or PutEventSelectors on the lake's trail; the log bucket's policy.
 *
 * Fingerprints: sha256 of the rule id, the finding's resource and its principal, the same formula
 * SARIF's partialFingerprints use (src/output/sarif.ts), so one anomaly is one alert across runs.
 * The resource names what makes the anomaly itself: the principal's new network, the window day of
 * a spike, the eventID of a governance change.
 */
import {createHash} from 'node:crypto'

import {meetsThreshold, type Finding, type Rule, type Severity} from '../audit/findings'
import {principalKeyOf} from './principal'
import type {TimeWindow} from './query'
import {interner, type ReadEvent, type ReadStream} from './reads'
import type {CloudTrailRecord} from './record'

/** The modified z-score above which a day's reads are a spike (Iglewicz & Hoaglin, 1993). */
export const SPIKE_THRESHOLD = 3.5
/** A spike needs at least this many reads on the day. */
export const SPIKE_MIN_COUNT = 10
/** With no spread at all in the baseline, a day this far above the median is a spike. */
export const SPIKE_MIN_EXCESS = 10
/** Same-kind days (weekday/weekend) the baseline needs before the spike rule compares like with like. */
export const MIN_SEASON_DAYS = 4
/** Baseline reads a principal needs before its hours and weekdays are judged. */
export const MIN_HISTORY = 5
/** Refusals by one principal within DENIED_BURST_MINUTES that make a burst. */
export const DENIED_BURST_COUNT = 5
/** The burst's span. */
export const DENIED_BURST_MINUTES = 60

function rule(id: string, name: string, severity: Severity, title: string, help: string, fix: string): Rule {
  return {id, name, severity, title, help, fix}
}

/** The anomaly rules, for SARIF and the docs. */
export const ANOMALY_RULES: readonly Rule[] = [
  rule('LA001', 'NewReader', 'high', 'A principal read the log tables for the first time', 'The principal read the log tables in the window and never in the baseline.', 'Check who uses the principal and why; revoke its grant if the read was not intended.'),
  rule('LA002', 'DirectS3Read', 'high', 'The log objects were read from S3 directly', 'A `GetObject` on the log bucket outside a Lake Formation (`AWSLF-`) session bypasses Lake Formation: no column or row filter applied.', 'Remove the s3:GetObject permission on the log prefix from the principal (IAM or bucket policy); read through Lake Formation.'),
  rule('LA003', 'VolumeSpike', 'medium', 'A principal read far more than usual', `The day's reads against the baseline's daily counts (same kind of day when possible), by the modified z-score 0.6745 × (x − median) / MAD, above ${SPIKE_THRESHOLD}.`, 'Check what the principal ran (activity reads --events); an export or a runaway job looks like this.'),
  rule('LA004', 'UnusualTime', 'low', 'A principal read at an unusual hour or day', 'The reads fall more than an hour from any hour (UTC) of the baseline, or on a kind of day (weekday/weekend) the principal never read on.', 'Confirm the reads with the principal\'s owner.'),
  rule('LA005', 'NewNetwork', 'medium', 'A principal read from a new network', 'The reads came from a /24 (IPv4) or /48 (IPv6) network the principal never read from in the baseline.', 'Confirm the network; restrict the principal with aws:SourceIp or aws:SourceVpce conditions if it should not read from there.'),
  rule('LA006', 'DeniedBurst', 'medium', 'A burst of refused calls on the lake', `At least ${DENIED_BURST_COUNT} refused GetDataAccess calls or AccessDenied errors on the lake by one principal within ${DENIED_BURST_MINUTES} minutes.`, 'Find out what the principal is trying to reach; probing looks like this.'),
  rule('LA007', 'GovernanceChange', 'medium', 'The lake\'s governance changed', 'A grant, revoke, data lake setting, registration, LF-tag, data cells filter, the trail\'s logging or the log bucket\'s policy changed.', 'Check the change against the policy files (grants plan shows drift); revert it if it was not intended.'),
]

/** One anomaly: a finding with the events behind it and its fingerprint. */
export interface Anomaly extends Finding {
  /** The eventIDs behind it, sorted. */
  events: string[]
  /** Stable across runs: sha256(ruleId, resource, principal). */
  fingerprint: string
}

/** A principal's reads in the baseline, folded. */
export interface PrincipalProfile {
  /** Granted reads. */
  reads: number
  /** Reads per UTC day (YYYY-MM-DD). */
  daily: Map<string, number>
  /** UTC hours (0-23) read at. */
  hours: Set<number>
  /** Whether it read on weekdays / weekends. */
  weekday: boolean
  weekend: boolean
  /** Networks read from. */
  networks: Set<string>
}

/** The baseline, folded once. */
export interface BaselineProfile {
  /** The baseline window. */
  window: TimeWindow
  /** Every UTC day of the window. */
  days: string[]
  /** By principal. */
  principals: Map<string, PrincipalProfile>
}

const DAY_MS = 86_400_000

function daysOf(window: TimeWindow): string[] {
  const days: string[] = []
  for (let day = Math.floor(Date.parse(window.from) / DAY_MS) * DAY_MS; day < Date.parse(window.to); day += DAY_MS) days.push(new Date(day).toISOString().slice(0, 10))
  return days
}

function isWeekend(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay()
  return weekday === 0 || weekday === 6
}

/** The network of an address: the /24 of IPv4, the /48 of IPv6; undefined for a service name or other text. */
export function networkOf(address: string): string | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address)
  if (v4) return v4.slice(1, 5).every((part) => Number(part) <= 255) ? `${v4[1]}.${v4[2]}.${v4[3]}.0/24` : undefined
  if (!address.includes(':') || !/^[0-9a-fA-F:.]+$/.test(address)) return undefined
  const [head, tail] = address.toLowerCase().split('::')
  if (address.split('::').length > 2) return undefined
  const headParts = head ? head.split(':') : []
  const tailParts = tail === undefined ? [] : tail ? tail.split(':') : []
  const groups = tail === undefined ? headParts : [...headParts, ...Array<string>(Math.max(0, 8 - headParts.length - tailParts.length)).fill('0'), ...tailParts]
  if (groups.length < 3 || groups.slice(0, 3).some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return undefined
  return `${groups.slice(0, 3).map((group) => Number.parseInt(group, 16).toString(16)).join(':')}::/48`
}

/** An empty profile of the baseline window; fold reads into it with addToProfile. */
export function emptyProfile(window: TimeWindow): BaselineProfile {
  return {window, days: daysOf(window), principals: new Map()}
}

/** Folds one baseline read into the profile (denied reads are not reads; LA006 judges them in the window alone). */
export function addToProfile(profile: BaselineProfile, read: ReadEvent): void {
  if (read.denied) return
  let principal = profile.principals.get(read.principal)
  if (!principal) {
    principal = {reads: 0, daily: new Map(), hours: new Set(), weekday: false, weekend: false, networks: new Set()}
    profile.principals.set(read.principal, principal)
  }
  principal.reads++
  const day = read.time.slice(0, 10)
  principal.daily.set(day, (principal.daily.get(day) ?? 0) + 1)
  principal.hours.add(Number(read.time.slice(11, 13)))
  if (isWeekend(day)) principal.weekend = true
  else principal.weekday = true
  const network = networkOf(read.sourceIp)
  if (network) principal.networks.add(network)
}

/**
 * An empty profile of the baseline window and the stream that folds reads into it as they are
 * joined (ReadsCollector's ReadStream), so that no baseline read is kept. A Lake Formation read
 * waiting for its Athena query keeps only what addToProfile reads: its principal, source IP and
 * whether it was refused, and its time cut to the hour, one copy per hour (a busy 29-day baseline
 * had 147,000 of them waiting for queries that were not in it).
 */
export function baselineFold(window: TimeWindow): {profile: BaselineProfile; stream: ReadStream} {
  const profile = emptyProfile(window)
  const hour = interner()
  return {
    profile,
    stream: {
      onRead: (read) => addToProfile(profile, read),
      waiting: (read) => ({eventId: '', time: hour(read.time.slice(0, 13)), principal: read.principal, table: null, engine: read.engine, path: read.path, sourceIp: read.sourceIp, denied: read.denied, objectEventIds: read.objectEventIds}),
    },
  }
}

/** The profile of the baseline's reads, in one pass. */
export function buildProfile(window: TimeWindow, reads: Iterable<ReadEvent>): BaselineProfile {
  const profile = emptyProfile(window)
  for (const read of reads) addToProfile(profile, read)
  return profile
}

/** The median of numbers (0 for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** The robust score of x against a series: the modified z-score, with the fallbacks described above; Infinity when the series has no spread and x exceeds its median by SPIKE_MIN_EXCESS. */
export function robustScore(x: number, series: readonly number[]): {score: number; median: number; mad: number} {
  const center = median(series)
  const mad = median(series.map((value) => Math.abs(value - center)))
  if (mad > 0) return {score: (0.6745 * (x - center)) / mad, median: center, mad}
  const meanAd = series.length === 0 ? 0 : series.reduce((sum, value) => sum + Math.abs(value - center), 0) / series.length
  if (meanAd > 0) return {score: (x - center) / (1.2533 * meanAd), median: center, mad}
  return {score: x - center >= SPIKE_MIN_EXCESS ? Number.POSITIVE_INFINITY : 0, median: center, mad}
}

/** The daily series a window day is judged against: same-kind baseline days when there are enough. */
export function seasonalSeries(profile: BaselineProfile, principal: PrincipalProfile | undefined, day: string): number[] {
  const weekend = isWeekend(day)
  const sameKind = profile.days.filter((candidate) => isWeekend(candidate) === weekend)
  const days = sameKind.length >= MIN_SEASON_DAYS ? sameKind : profile.days
  return days.map((candidate) => principal?.daily.get(candidate) ?? 0)
}

/** What the lake is, for the governance and denial rules. */
export interface LakeScope {
  /** The log bucket. */
  bucket: string
  /** The lake's trail: its name and ARN. */
  trail?: {name: string; arn?: string}
  /** The log databases, lowercase. */
  databases: readonly string[]
  /** The expected readers' ARNs. */
  expected: readonly string[]
}

/** What anomalies need of the window. */
export interface AnomalyInput {
  /** The baseline, profiled. */
  baseline: BaselineProfile
  /** The window. */
  window: TimeWindow
  /** The window's reads (deriveReads), denied ones included. */
  reads: readonly ReadEvent[]
  /** The window's other lake events: governance calls and errors on the lake. */
  events: readonly CloudTrailRecord[]
  /** The lake. */
  scope: LakeScope
}

/** sha256 of the rule id, resource and principal, as SARIF's partialFingerprints. */
export function anomalyFingerprint(ruleId: string, resource: string, principal: string | undefined): string {
  return createHash('sha256').update([ruleId, resource, principal ?? ''].join('\u0000')).digest('hex')
}

const RULES_BY_ID = new Map(ANOMALY_RULES.map((entry) => [entry.id, entry]))

function anomaly(ruleId: string, fields: {severity?: Severity; title: string; resource: string; principal?: string; evidence: string; events: string[]; fix?: string}): Anomaly {
  const definition = RULES_BY_ID.get(ruleId)
  if (!definition) throw new Error(`Unknown anomaly rule ${ruleId}`)
  return {
    ruleId,
    severity: fields.severity ?? definition.severity,
    title: fields.title,
    resource: fields.resource,
    ...(fields.principal ? {principal: fields.principal} : {}),
    evidence: fields.evidence,
    fix: fields.fix ?? definition.fix,
    events: [...new Set(fields.events)].sort(),
    fingerprint: anomalyFingerprint(ruleId, fields.resource, fields.principal),
  }
}

function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const name = key(item)
    const list = groups.get(name)
    if (list) list.push(item)
    else groups.set(name, [item])
  }
  return groups
}

function tablesOf(reads: readonly ReadEvent[]): string {
  return [...new Set(reads.map((read) => read.table ?? '(no table)'))].sort().join(', ')
}

function newReaders(input: AnomalyInput, granted: readonly ReadEvent[]): Anomaly[] {
  const out: Anomaly[] = []
  for (const [principal, reads] of groupBy(granted, (read) => read.principal)) {
    if (input.baseline.principals.has(principal) || reads.some((read) => read.expected)) continue
    out.push(anomaly('LA001', {
      title: `${principal} read the log tables for the first time`,
      resource: principal,
      principal,
      evidence: `${reads.length} read(s) of ${tablesOf(reads)} between ${reads[0].time} and ${reads.at(-1)?.time}; none in the baseline ${input.baseline.window.from} to ${input.baseline.window.to}.`,
      events: reads.map((read) => read.eventId),
    }))
  }
  return out
}

function directReads(input: AnomalyInput, granted: readonly ReadEvent[]): Anomaly[] {
  const out: Anomaly[] = []
  const direct = granted.filter((read) => read.path === 'direct-s3' && !read.expected && !input.scope.expected.includes(read.principal))
  for (const [principal, reads] of groupBy(direct, (read) => read.principal)) {
    const resource = `s3://${input.scope.bucket}`
    out.push(anomaly('LA002', {
      title: `${principal} read the log objects directly from S3`,
      resource,
      principal,
      evidence: `${reads.length} GetObject call(s) outside Lake Formation (tables: ${tablesOf(reads)}), first ${reads[0].time}, last ${reads.at(-1)?.time}, from ${[...new Set(reads.map((read) => read.sourceIp))].sort().join(', ')}.`,
      events: reads.map((read) => read.eventId),
    }))
  }
  return out
}

function spikes(input: AnomalyInput, granted: readonly ReadEvent[]): Anomaly[] {
  const out: Anomaly[] = []
  for (const [principal, reads] of groupBy(granted, (read) => read.principal)) {
    const profile = input.baseline.principals.get(principal)
    for (const [day, dayReads] of groupBy(reads, (read) => read.time.slice(0, 10))) {
      if (dayReads.length < SPIKE_MIN_COUNT) continue
      const series = seasonalSeries(input.baseline, profile, day)
      const {score, median: center, mad} = robustScore(dayReads.length, series)
      if (score <= SPIKE_THRESHOLD) continue
      out.push(anomaly('LA003', {
        severity: score > 2 * SPIKE_THRESHOLD ? 'high' : 'medium',
        title: `${principal} read ${dayReads.length} times on ${day}`,
        resource: `${principal}@${day}`,
        principal,
        evidence: `${dayReads.length} reads on ${day} against a baseline median of ${center} a day (MAD ${mad}, ${series.length} ${isWeekend(day) ? 'weekend' : 'weekday'} or all days): robust score ${Number.isFinite(score) ? score.toFixed(1) : 'unbounded'} > ${SPIKE_THRESHOLD}.`,
        events: dayReads.map((read) => read.eventId),
      }))
    }
  }
  return out
}

function hourDistance(a: number, b: number): number {
  const distance = Math.abs(a - b)
  return Math.min(distance, 24 - distance)
}

function unusualTimes(input: AnomalyInput, granted: readonly ReadEvent[]): Anomaly[] {
  const out: Anomaly[] = []
  for (const [principal, reads] of groupBy(granted, (read) => read.principal)) {
    const profile = input.baseline.principals.get(principal)
    if (!profile || profile.reads < MIN_HISTORY) continue
    const odd = reads.filter((read) => {
      const hour = Number(read.time.slice(11, 13))
      const weekend = isWeekend(read.time.slice(0, 10))
      const usualHour = [...profile.hours].some((known) => hourDistance(known, hour) <= 1)
      const usualDay = weekend ? profile.weekend : profile.weekday
      return !usualHour || !usualDay
    })
    for (const [day, dayReads] of groupBy(odd, (read) => read.time.slice(0, 10))) {
      const hours = [...new Set(dayReads.map((read) => read.time.slice(11, 13)))].sort()
      out.push(anomaly('LA004', {
        title: `${principal} read at an unusual time on ${day}`,
        resource: `${principal}@${day}`,
        principal,
        evidence: `${dayReads.length} read(s) on ${day} (${isWeekend(day) ? 'weekend' : 'weekday'}) at ${hours.map((hour) => `${hour}h`).join(', ')} UTC; the baseline's hours: ${[...profile.hours].sort((a, b) => a - b).join(', ')}; weekdays: ${profile.weekday ? 'yes' : 'no'}, weekends: ${profile.weekend ? 'yes' : 'no'}.`,
        events: dayReads.map((read) => read.eventId),
      }))
    }
  }
  return out
}

function newNetworks(input: AnomalyInput, granted: readonly ReadEvent[]): Anomaly[] {
  const out: Anomaly[] = []
  for (const [principal, reads] of groupBy(granted, (read) => read.principal)) {
    const profile = input.baseline.principals.get(principal)
    if (!profile) continue
    const byNetwork = groupBy(reads.filter((read) => networkOf(read.sourceIp) !== undefined), (read) => networkOf(read.sourceIp) ?? '')
    for (const [network, networkReads] of byNetwork) {
      if (profile.networks.has(network)) continue
      out.push(anomaly('LA005', {
        title: `${principal} read from the new network ${network}`,
        resource: network,
        principal,
        evidence: `${networkReads.length} read(s) from ${[...new Set(networkReads.map((read) => read.sourceIp))].sort().join(', ')}; the baseline's networks: ${[...profile.networks].sort().join(', ') || 'none'}.`,
        events: networkReads.map((read) => read.eventId),
      }))
    }
  }
  return out
}

function isLakeEvent(record: CloudTrailRecord, scope: LakeScope): boolean {
  const source = record.eventSource
  if (source === 'lakeformation.amazonaws.com') return true
  const parameters = typeof record.requestParameters === 'object' && record.requestParameters !== null ? (record.requestParameters as Record<string, unknown>) : {}
  if (source === 's3.amazonaws.com') return parameters.bucketName === scope.bucket
  if (source === 'glue.amazonaws.com') return typeof parameters.databaseName === 'string' && scope.databases.includes(parameters.databaseName.toLowerCase())
  return false
}

interface Denial {
  eventId: string
  time: string
  principal: string
  what: string
}

function deniedBursts(input: AnomalyInput): Anomaly[] {
  const denials: Denial[] = input.reads.filter((read) => read.denied && read.path === 'lake-formation').map((read) => ({eventId: read.eventId, time: read.time, principal: read.principal, what: 'GetDataAccess'}))
  const seen = new Set(denials.map((denial) => denial.eventId))
  for (const record of input.events) {
    const code = typeof record.errorCode === 'string' ? record.errorCode : ''
    const eventId = typeof record.eventID === 'string' ? record.eventID : ''
    if (!/^AccessDenied/.test(code) || seen.has(eventId) || !isLakeEvent(record, input.scope)) continue
    seen.add(eventId)
    denials.push({eventId, time: String(record.eventTime ?? ''), principal: principalKeyOf(record), what: String(record.eventName ?? '')})
  }
  const out: Anomaly[] = []
  const span = DENIED_BURST_MINUTES * 60_000
  for (const [principal, list] of groupBy(denials, (denial) => denial.principal)) {
    list.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
    // The first window of DENIED_BURST_MINUTES holding enough refusals, and every refusal until the gap to the next exceeds the span.
    let start = 0
    for (let end = 0; end < list.length; end++) {
      while (Date.parse(list[end].time) - Date.parse(list[start].time) > span) start++
      if (end - start + 1 < DENIED_BURST_COUNT) continue
      let last = end
      while (last + 1 < list.length && Date.parse(list[last + 1].time) - Date.parse(list[last].time) <= span) last++
      const burst = list.slice(start, last + 1)
      out.push(anomaly('LA006', {
        severity: burst.length >= 4 * DENIED_BURST_COUNT ? 'high' : 'medium',
        title: `${principal} was refused ${burst.length} times on the lake`,
        resource: `${principal}@${burst[0].time.slice(0, 13)}`,
        principal,
        evidence: `${burst.length} refused call(s) (${[...new Set(burst.map((denial) => denial.what))].sort().join(', ')}) from ${burst[0].time} to ${burst.at(-1)?.time}.`,
        events: burst.map((denial) => denial.eventId),
      }))
      start = last + 1
      end = last
    }
  }
  return out
}

const LF_CHANGES: ReadonlyMap<string, Severity> = new Map([
  ['GrantPermissions', 'medium'], ['BatchGrantPermissions', 'medium'], ['RevokePermissions', 'medium'], ['BatchRevokePermissions', 'medium'],
  ['PutDataLakeSettings', 'high'], ['RegisterResource', 'high'], ['DeregisterResource', 'high'], ['UpdateResource', 'high'],
  ['CreateLFTag', 'low'], ['UpdateLFTag', 'medium'], ['DeleteLFTag', 'medium'], ['AddLFTagsToResource', 'medium'], ['RemoveLFTagsFromResource', 'medium'],
  ['CreateDataCellsFilter', 'medium'], ['UpdateDataCellsFilter', 'medium'], ['DeleteDataCellsFilter', 'medium'],
])
const TRAIL_CHANGES: ReadonlyMap<string, Severity> = new Map([['StopLogging', 'high'], ['DeleteTrail', 'high'], ['UpdateTrail', 'medium'], ['PutEventSelectors', 'medium']])
const BUCKET_CHANGES: ReadonlyMap<string, Severity> = new Map([['PutBucketPolicy', 'high'], ['DeleteBucketPolicy', 'high']])

function governanceSeverity(record: CloudTrailRecord, scope: LakeScope): Severity | undefined {
  const name = String(record.eventName ?? '')
  const parameters = typeof record.requestParameters === 'object' && record.requestParameters !== null ? (record.requestParameters as Record<string, unknown>) : {}
  switch (record.eventSource) {
    case 'lakeformation.amazonaws.com':
      return LF_CHANGES.get(name)
    case 'cloudtrail.amazonaws.com': {
      const trail = typeof parameters.name === 'string' ? parameters.name : typeof parameters.trailName === 'string' ? parameters.trailName : undefined
      const ours = scope.trail !== undefined && trail !== undefined && (trail === scope.trail.name || trail === scope.trail.arn || trail.endsWith(`:trail/${scope.trail.name}`))
      return ours ? TRAIL_CHANGES.get(name) : undefined
    }
    case 's3.amazonaws.com':
      return parameters.bucketName === scope.bucket ? BUCKET_CHANGES.get(name) : undefined
    default:
      return undefined
  }
}

/**
 * Whether the rules over the window's events (LA006, LA007) can use this record: a refusal on the
 * lake, or a governance change. A caller streaming the window keeps only these (and the reads).
 */
export function isAnomalyWindowEvent(record: CloudTrailRecord, scope: LakeScope): boolean {
  const code = typeof record.errorCode === 'string' ? record.errorCode : ''
  if (code) return /^AccessDenied/.test(code) && isLakeEvent(record, scope)
  return governanceSeverity(record, scope) !== undefined
}

function governanceChanges(input: AnomalyInput): Anomaly[] {
  const out: Anomaly[] = []
  const seen = new Set<string>()
  for (const record of input.events) {
    const eventId = typeof record.eventID === 'string' ? record.eventID : ''
    if (!eventId || seen.has(eventId) || record.errorCode) continue
    const severity = governanceSeverity(record, input.scope)
    if (!severity) continue
    seen.add(eventId)
    const principal = principalKeyOf(record)
    out.push(anomaly('LA007', {
      severity,
      title: `${String(record.eventName)} on the lake by ${principal}`,
      resource: `${String(record.eventSource)}:${String(record.eventName)}:${eventId}`,
      principal,
      evidence: `${String(record.eventName)} at ${String(record.eventTime)}: ${JSON.stringify(record.requestParameters ?? {})}`.slice(0, 600),
      events: [eventId],
    }))
  }
  return out
}

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low']

/** Every rule over the profile and the window: findings most severe first, then by rule and resource. */
export function detectAnomalies(input: AnomalyInput): Anomaly[] {
  const granted = input.reads.filter((read) => !read.denied && read.time >= input.window.from && read.time < input.window.to)
  const all = [
    ...newReaders(input, granted),
    ...directReads(input, granted),
    ...spikes(input, granted),
    ...unusualTimes(input, granted),
    ...newNetworks(input, granted),
    ...deniedBursts(input),
    ...governanceChanges(input),
  ]
  return all.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0) || ((a.principal ?? '') < (b.principal ?? '') ? -1 : 1))
}

/** `activity anomalies --json`. */
export interface AnomaliesReport {
  /** The window judged. */
  window: TimeWindow
  /** The baseline it was judged against. */
  baseline: TimeWindow
  /** The anomalies, most severe first. */
  anomalies: Anomaly[]
  /** --fail-on, when given. */
  failOn?: Severity
  /** Whether any anomaly is at or above --fail-on: the command then exits 7 (ExitCode.Findings), as `audit findings` does. */
  failing: boolean
}

/** The report, with --fail-on judged by the audit's own severity comparison (meetsThreshold). */
export function anomaliesReport(input: AnomalyInput, failOn?: Severity): AnomaliesReport {
  const anomalies = detectAnomalies(input)
  return {window: input.window, baseline: input.baseline.window, anomalies, ...(failOn ? {failOn} : {}), failing: failOn !== undefined && anomalies.some((entry) => meetsThreshold(entry.severity, failOn))}
}
