import {
  ANOMALY_RULES,
  SPIKE_THRESHOLD,
  anomaliesReport,
  anomalyFingerprint,
  baselineFold,
  buildProfile,
  detectAnomalies,
  median,
  networkOf,
  robustScore,
  seasonalSeries,
  type AnomalyInput,
  type LakeScope,
} from '../../src/core/activity/anomalies'
import type {ReadEvent} from '../../src/core/activity/reads'
import type {CloudTrailRecord} from '../../src/core/activity/record'
import {renderSarif} from '../../src/output/sarif'

const ANALYST = 'arn:aws:iam::111122223333:role/Analyst'
const STRANGER = 'arn:aws:iam::111122223333:role/Stranger'
const CRAWLER = 'arn:aws:iam::111122223333:role/Crawler'
const SCOPE: LakeScope = {bucket: 'logs', trail: {name: 'lake-trail', arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/lake-trail'}, databases: ['cloudtrail'], expected: [CRAWLER]}
// Baseline: 28 days, 2026-11-02 (a Monday) to 2026-11-30; window: Monday 2026-11-30.
const BASELINE = {from: '2026-11-02T00:00:00Z', to: '2026-11-30T00:00:00Z'}
const WINDOW = {from: '2026-11-30T00:00:00Z', to: '2026-12-01T00:00:00Z'}

let counter = 0
function read(principal: string, time: string, fields: Partial<ReadEvent> = {}): ReadEvent {
  counter++
  return {eventId: `e-${counter}`, time, principal, table: 'cloudtrail.events', engine: 'athena', path: 'lake-formation', sourceIp: '198.51.100.7', denied: false, objectEventIds: [], ...fields}
}

function day(offset: number): string {
  return new Date(Date.parse(BASELINE.from) + offset * 86_400_000).toISOString().slice(0, 10)
}

function isWeekendDay(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
  return weekday === 0 || weekday === 6
}

/** The Analyst reads 5 to 7 times a weekday at 09h-11h UTC from 198.51.100.0/24, 1 to 3 times on weekends. */
function baselineReads(): ReadEvent[] {
  const reads: ReadEvent[] = []
  for (let offset = 0; offset < 28; offset++) {
    const date = day(offset)
    const count = isWeekendDay(date) ? 1 + (offset % 3) : 5 + (offset % 3)
    for (let i = 0; i < count; i++) reads.push(read(ANALYST, `${date}T${String(9 + (i % 3)).padStart(2, '0')}:${String(i).padStart(2, '0')}:00Z`))
  }
  return reads
}

function input(reads: ReadEvent[], events: CloudTrailRecord[] = []): AnomalyInput {
  return {baseline: buildProfile(BASELINE, baselineReads()), window: WINDOW, reads, events, scope: SCOPE}
}

/** A clean window: a usual Monday. */
function cleanWindow(): ReadEvent[] {
  return Array.from({length: 6}, (_, i) => read(ANALYST, `2026-11-30T${String(9 + (i % 3)).padStart(2, '0')}:1${i}:00Z`, {sourceIp: '198.51.100.99'}))
}

const rules = (anomalies: ReturnType<typeof detectAnomalies>) => anomalies.map((anomaly) => anomaly.ruleId)

describe('detectAnomalies: a clean window', () => {
  it('finds nothing', () => {
    expect(detectAnomalies(input(cleanWindow()))).toEqual([])
  })
})

describe('LA001 new reader', () => {
  it('fires for a principal with no baseline reads', () => {
    const anomalies = detectAnomalies(input([...cleanWindow(), read(STRANGER, '2026-11-30T10:00:00Z')]))
    expect(anomalies).toMatchObject([{ruleId: 'LA001', principal: STRANGER, severity: 'high', events: [expect.any(String)]}])
  })
  it('does not fire for an expected role', () => {
    expect(detectAnomalies(input([...cleanWindow(), read(CRAWLER, '2026-11-30T10:00:00Z', {expected: 'crawler-role'})]))).toEqual([])
  })
})

describe('LA002 direct S3 read', () => {
  it('fires for a direct read by anyone but the expected roles', () => {
    const direct = read(ANALYST, '2026-11-30T10:00:00Z', {path: 'direct-s3', engine: 's3'})
    const anomalies = detectAnomalies(input([...cleanWindow(), direct]))
    expect(anomalies).toMatchObject([{ruleId: 'LA002', principal: ANALYST, resource: 's3://logs', events: [direct.eventId]}])
  })
  it('does not fire for the crawler role, nor for a refused GetObject', () => {
    const crawler = read(CRAWLER, '2026-11-30T10:00:00Z', {path: 'direct-s3', engine: 's3', expected: 'crawler-role'})
    const refused = read(ANALYST, '2026-11-30T10:00:00Z', {path: 'direct-s3', engine: 's3', denied: true, errorCode: 'AccessDenied'})
    expect(detectAnomalies(input([...cleanWindow(), crawler, refused]))).toEqual([])
  })
})

describe('baselineFold', () => {
  it('folds reads as they stream by, those kept while waiting for their query too, into the profile buildProfile makes', () => {
    const reads = [
      ...baselineReads(),
      read(STRANGER, '2026-11-07T23:59:59Z', {sourceIp: '203.0.113.9'}),
      read(STRANGER, '2026-11-08T00:00:00Z', {sourceIp: '2001:db8:1:2::7'}),
      read(STRANGER, '2026-11-09T04:00:00Z', {sourceIp: '192.0.2.1', denied: true}),
    ]
    const {profile, stream} = baselineFold(BASELINE)
    // Every other read as the collector hands on one whose query came late: what `waiting` kept of it.
    reads.forEach((each, index) => stream.onRead(index % 2 === 0 ? each : (stream.waiting?.(each) ?? each)))
    expect(profile).toEqual(buildProfile(BASELINE, reads))
    expect(profile.principals.get(STRANGER)).toMatchObject({reads: 2, weekend: true, weekday: false, hours: new Set([23, 0]), networks: new Set(['203.0.113.0/24', '2001:db8:1::/48'])})
    // A waiting read keeps its time only to the hour, and none of what the profile does not read.
    const kept = stream.waiting?.({...reads[0], session: 'AWSLF-00-AT-1', permissions: ['SELECT'], query: {queryExecutionId: 'q'}})
    expect(kept).toEqual({eventId: '', time: reads[0].time.slice(0, 13), principal: ANALYST, table: null, engine: 'athena', path: 'lake-formation', sourceIp: '198.51.100.7', denied: false, objectEventIds: []})
  })
})

describe('LA003 volume spike and the robust score', () => {
  it('fires for 60 reads on a weekday that usually has 5 to 7', () => {
    const spike = Array.from({length: 60}, (_, i) => read(ANALYST, `2026-11-30T10:${String(i).padStart(2, '0')}:00Z`))
    const anomalies = detectAnomalies(input(spike))
    expect(rules(anomalies)).toEqual(['LA003'])
    expect(anomalies[0].events).toHaveLength(60)
  })
  it('does not fire for 7 reads', () => {
    expect(rules(detectAnomalies(input(cleanWindow())))).toEqual([])
  })
  it('judges a weekday against weekdays and a weekend day against weekend days (seasonal data)', () => {
    const profile = buildProfile(BASELINE, baselineReads())
    const principal = profile.principals.get(ANALYST)
    const weekdays = seasonalSeries(profile, principal, '2026-11-30')
    const weekends = seasonalSeries(profile, principal, '2026-11-29')
    expect(weekdays).toHaveLength(20)
    expect(weekends).toHaveLength(8)
    expect(Math.max(...weekends)).toBeLessThanOrEqual(3)
    // 10 reads is within bounds on a weekday (median 6, MAD 1: score 2.7) but a spike on a weekend day.
    expect(robustScore(10, weekdays).score).toBeLessThan(SPIKE_THRESHOLD)
    expect(robustScore(10, weekends).score).toBeGreaterThan(SPIKE_THRESHOLD)
    expect(robustScore(14, weekdays).score).toBeGreaterThan(SPIKE_THRESHOLD)
    // Over every day, weekends pull the median down: the seasonal series is what keeps 10 on a Monday quiet.
    const everyDay = [...weekdays, ...weekends]
    expect(median(everyDay)).toBeLessThan(median(weekdays))
  })
  it('fires on a weekend day at a weekday volume, not on a weekday at the same volume', () => {
    const sunday = Array.from({length: 10}, (_, i) => read(ANALYST, `2026-11-29T10:${String(i).padStart(2, '0')}:00Z`))
    const monday = Array.from({length: 10}, (_, i) => read(ANALYST, `2026-11-30T10:${String(i).padStart(2, '0')}:00Z`))
    const weekendInput = {...input(sunday), window: {from: '2026-11-29T00:00:00Z', to: '2026-11-30T00:00:00Z'}}
    expect(rules(detectAnomalies(weekendInput))).toEqual(['LA003'])
    expect(rules(detectAnomalies(input(monday)))).toEqual([])
  })
  it('computes median, MAD fallbacks and a flat baseline', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 2, 3])).toBe(2.5)
    expect(robustScore(5, [1, 1, 1, 1, 5])).toMatchObject({mad: 0})
    expect(robustScore(5, [1, 1, 1, 1, 5]).score).toBeGreaterThan(0)
    expect(robustScore(20, [0, 0, 0]).score).toBe(Number.POSITIVE_INFINITY)
    expect(robustScore(5, [0, 0, 0]).score).toBe(0)
  })
})

describe('LA004 unusual time', () => {
  it('fires for a read at 03h UTC', () => {
    const anomalies = detectAnomalies(input([...cleanWindow(), read(ANALYST, '2026-11-30T03:00:00Z')]))
    expect(rules(anomalies)).toEqual(['LA004'])
    expect(anomalies[0].evidence).toContain('03h')
  })
  it('does not fire an hour from a usual hour', () => {
    expect(detectAnomalies(input([...cleanWindow(), read(ANALYST, '2026-11-30T12:30:00Z')]))).toEqual([])
  })
  it('fires on a weekend for a principal that only read on weekdays', () => {
    const weekdaysOnly = baselineReads().filter((entry) => !isWeekendDay(entry.time.slice(0, 10)))
    const saturday = read(ANALYST, '2026-11-28T10:00:00Z')
    const anomalies = detectAnomalies({baseline: buildProfile(BASELINE, weekdaysOnly), window: {from: '2026-11-28T00:00:00Z', to: '2026-11-29T00:00:00Z'}, reads: [saturday], events: [], scope: SCOPE})
    expect(rules(anomalies)).toEqual(['LA004'])
  })
})

describe('LA005 new network', () => {
  it('fires for a new /24', () => {
    const anomalies = detectAnomalies(input([...cleanWindow(), read(ANALYST, '2026-11-30T10:00:00Z', {sourceIp: '203.0.113.5'})]))
    expect(anomalies).toMatchObject([{ruleId: 'LA005', resource: '203.0.113.0/24'}])
  })
  it('does not fire for a new address in a known /24, nor for a service name', () => {
    expect(detectAnomalies(input([...cleanWindow(), read(ANALYST, '2026-11-30T10:00:00Z', {sourceIp: '198.51.100.200'}), read(ANALYST, '2026-11-30T10:00:00Z', {sourceIp: 'athena.amazonaws.com'})]))).toEqual([])
  })
  it('takes /24 of IPv4 and /48 of IPv6', () => {
    expect(networkOf('192.0.2.44')).toBe('192.0.2.0/24')
    expect(networkOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48')
    expect(networkOf('2001:0db8:abcd:0012:0000:0000:0000:0001')).toBe('2001:db8:abcd::/48')
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0::/48')
    expect(networkOf('athena.amazonaws.com')).toBeUndefined()
    expect(networkOf('AWS Internal')).toBeUndefined()
    expect(networkOf('77.88.999.69')).toBeUndefined()
  })
})

describe('LA006 denied burst', () => {
  const deniedGda = (minute: number) => read(STRANGER, `2026-11-30T10:${String(minute).padStart(2, '0')}:00Z`, {denied: true, errorCode: 'AccessDeniedException'})
  const deniedGlue = (minute: number): CloudTrailRecord => ({eventID: `g-${minute}`, eventTime: `2026-11-30T10:${String(minute).padStart(2, '0')}:30Z`, eventSource: 'glue.amazonaws.com', eventName: 'GetTable', errorCode: 'AccessDenied', requestParameters: {databaseName: 'cloudtrail', name: 'events'}, userIdentity: {type: 'IAMUser', arn: STRANGER}})

  it('fires for five refusals (GetDataAccess and Glue on the log database) within an hour', () => {
    const anomalies = detectAnomalies(input([...cleanWindow(), deniedGda(1), deniedGda(5), deniedGda(9)], [deniedGlue(10), deniedGlue(20)]))
    expect(anomalies).toMatchObject([{ruleId: 'LA006', principal: STRANGER}])
    expect(anomalies[0].events).toHaveLength(5)
  })
  it('does not fire for four, for refusals spread over hours, or for refusals elsewhere', () => {
    expect(detectAnomalies(input([deniedGda(1), deniedGda(2), deniedGda(3), deniedGda(4)]))).toEqual([])
    const spread = [0, 2, 4, 6, 8].map((hour) => read(STRANGER, `2026-11-30T${String(hour).padStart(2, '0')}:00:00Z`, {denied: true}))
    expect(detectAnomalies(input(spread))).toEqual([])
    const elsewhere = [1, 2, 3, 4, 5].map((minute) => ({...deniedGlue(minute), requestParameters: {databaseName: 'sales'}}))
    expect(detectAnomalies(input([], elsewhere))).toEqual([])
  })
})

describe('LA007 governance change', () => {
  const event = (eventName: string, eventSource: string, requestParameters: object, extra: object = {}): CloudTrailRecord => ({eventID: `${eventName}-1`, eventTime: '2026-11-30T10:00:00Z', eventSource, eventName, requestParameters, userIdentity: {type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ops'}, ...extra})

  it.each([
    ['a grant', event('GrantPermissions', 'lakeformation.amazonaws.com', {permissions: ['SELECT']}), 'medium'],
    ['data lake settings', event('PutDataLakeSettings', 'lakeformation.amazonaws.com', {}), 'high'],
    ['a registration', event('DeregisterResource', 'lakeformation.amazonaws.com', {resourceArn: 'arn:aws:s3:::logs'}), 'high'],
    ['StopLogging on the lake trail', event('StopLogging', 'cloudtrail.amazonaws.com', {name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/lake-trail'}), 'high'],
    ['DeleteTrail by name', event('DeleteTrail', 'cloudtrail.amazonaws.com', {name: 'lake-trail'}), 'high'],
    ['the log bucket policy', event('PutBucketPolicy', 's3.amazonaws.com', {bucketName: 'logs'}), 'high'],
  ])('fires for %s', (_name, record, severity) => {
    expect(detectAnomalies(input(cleanWindow(), [record]))).toMatchObject([{ruleId: 'LA007', severity, events: [record.eventID]}])
  })

  it.each([
    ['another trail', event('StopLogging', 'cloudtrail.amazonaws.com', {name: 'other-trail'})],
    ['another bucket', event('PutBucketPolicy', 's3.amazonaws.com', {bucketName: 'other'})],
    ['a refused change', event('GrantPermissions', 'lakeformation.amazonaws.com', {}, {errorCode: 'AccessDeniedException'})],
    ['a read-only call', event('ListPermissions', 'lakeformation.amazonaws.com', {})],
  ])('does not fire for %s', (_name, record) => {
    expect(detectAnomalies(input(cleanWindow(), [record]))).toEqual([])
  })
})

describe('fingerprints and SARIF', () => {
  it('gives the same anomaly the same fingerprint across runs, and SARIF the same identity', () => {
    const first = detectAnomalies(input([...cleanWindow(), read(STRANGER, '2026-11-30T10:00:00Z')]))
    const second = detectAnomalies(input([...cleanWindow(), read(STRANGER, '2026-11-30T14:00:00Z'), read(STRANGER, '2026-11-30T15:00:00Z')]))
    expect(first[0].fingerprint).toBe(second[0].fingerprint)
    expect(first[0].fingerprint).toBe(anomalyFingerprint('LA001', STRANGER, STRANGER))
    const sarif = renderSarif(first, ANOMALY_RULES, {version: '0.0.0'})
    expect(Object.values(sarif.runs[0].results[0].partialFingerprints)).toEqual([first[0].fingerprint])
  })
  it('gives different anomalies different fingerprints', () => {
    const anomalies = detectAnomalies(input([...cleanWindow(), read(ANALYST, '2026-11-30T10:00:00Z', {sourceIp: '203.0.113.5'}), read(ANALYST, '2026-11-30T10:00:00Z', {sourceIp: '192.0.2.5'})]))
    expect(new Set(anomalies.map((anomaly) => anomaly.fingerprint)).size).toBe(2)
  })
})

describe('anomaliesReport --fail-on', () => {
  it('fails at or above the threshold, as audit findings does', () => {
    const window = [...cleanWindow(), read(ANALYST, '2026-11-30T03:00:00Z')] // one LA004, low
    expect(anomaliesReport(input(window), 'low')).toMatchObject({failing: true, failOn: 'low'})
    expect(anomaliesReport(input(window), 'medium').failing).toBe(false)
    expect(anomaliesReport(input(window)).failing).toBe(false)
    expect(anomaliesReport(input(cleanWindow()), 'low')).toMatchObject({failing: false, anomalies: []})
  })
  it('renders every rule into SARIF, fired or not', () => {
    const sarif = renderSarif(detectAnomalies(input(cleanWindow())), ANOMALY_RULES, {version: '0.0.0'})
    expect(sarif.runs[0].tool.driver.rules.map((entry) => entry.id)).toEqual(['LA001', 'LA002', 'LA003', 'LA004', 'LA005', 'LA006', 'LA007'])
    expect(sarif.runs[0].results).toEqual([])
  })
})
