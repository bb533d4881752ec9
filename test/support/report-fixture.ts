/**
 * The report's sandbox fixture (issues 17 and 18): three generated days of CloudTrail in two
 * regions, plus one log file of records whose source addresses have a known country (8.8.8.8 is
 * Google's, US; 81.2.69.160 is in a GB range), one `AWS Internal` source, and hostile text in a
 * principal's name and an event name. The ground truth is counted here from the records, not
 * through src/.
 */
import {gzipSync} from 'node:zlib'

import {CreateBucketCommand, PutObjectCommand, type S3Client} from '@aws-sdk/client-s3'

import {generateCloudTrail, uploadGeneratedCloudTrail, type CloudTrailRecord} from './cloudtrail-fixtures'

export const REPORT_BUCKET = 'acme-cloudtrail-logs'
export const REPORT_ACCOUNT = '123456789012'
export const REPORT_FROM = '2026-11-02T00:00:00Z'
export const REPORT_TO = '2026-11-05T00:00:00Z'
/** Hostile text the report must show as text, never run. */
export const HOSTILE_PRINCIPAL = `arn:aws:iam::${REPORT_ACCOUNT}:user/<img src=x onerror=alert(1)>`
export const HOSTILE_EVENT = '<script>alert("xss")</script>'
/** The sources of the extra file, with the country each must be placed in. */
export const KNOWN_SOURCES: ReadonlyArray<[string, string | null, number]> = [
  ['8.8.8.8', 'US', 6],
  ['81.2.69.160', 'GB', 4],
  ['AWS Internal', null, 2],
]

function extraRecords(): CloudTrailRecord[] {
  const records: CloudTrailRecord[] = []
  let index = 0
  for (const [source, , count] of KNOWN_SOURCES) {
    for (let i = 0; i < count; i++, index++) {
      records.push({
        eventVersion: '1.09',
        userIdentity: {type: 'IAMUser', principalId: 'AIDAHOSTILE', arn: HOSTILE_PRINCIPAL, accountId: REPORT_ACCOUNT, userName: '<img src=x onerror=alert(1)>'},
        eventTime: `2026-11-03T12:${String(index).padStart(2, '0')}:00Z`,
        eventSource: 'glue.amazonaws.com',
        eventName: HOSTILE_EVENT,
        awsRegion: 'us-east-1',
        sourceIPAddress: source,
        userAgent: '<script>alert(document.cookie)</script>',
        requestParameters: {databaseName: 'cloudtrail'},
        responseElements: null,
        requestID: `20000000-0000-4000-8000-0000000000${String(index).padStart(2, '0')}`,
        eventID: `30000000-0000-4000-8000-0000000000${String(index).padStart(2, '0')}`,
        readOnly: true,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: REPORT_ACCOUNT,
        eventCategory: 'Management',
      })
    }
  }
  return records
}

/** Seeds the bucket (which it creates) and returns every record in it, each eventID once. */
export async function seedReportFixture(s3: S3Client): Promise<CloudTrailRecord[]> {
  await s3.send(new CreateBucketCommand({Bucket: REPORT_BUCKET}))
  const set = generateCloudTrail({seed: 17, start: '2026-11-02', days: 3, regions: ['us-east-1', 'eu-west-1'], filesPerDay: 2, eventsPerFile: 20, dataEventRate: 0.4, errorRate: 0.05, dataBucket: REPORT_BUCKET, table: {database: 'cloudtrail', name: 'cloudtrail_logs'}, includeAwsSamples: false})
  await uploadGeneratedCloudTrail(s3, set.files, {bucket: REPORT_BUCKET})
  const extra = extraRecords()
  const key = `AWSLogs/${REPORT_ACCOUNT}/CloudTrail/us-east-1/2026/11/03/${REPORT_ACCOUNT}_CloudTrail_us-east-1_20261103T1210Z_reportfixture.json.gz`
  await s3.send(new PutObjectCommand({Bucket: REPORT_BUCKET, Key: key, Body: gzipSync(JSON.stringify({Records: extra})), ContentType: 'application/json'}))
  const seen = new Map<string, CloudTrailRecord>()
  for (const record of [...set.records, ...extra]) {
    const time = String(record.eventTime)
    if (time >= REPORT_FROM && time < REPORT_TO && !seen.has(String(record.eventID))) seen.set(String(record.eventID), record)
  }
  return [...seen.values()]
}

function countBy(records: readonly CloudTrailRecord[], key: (record: CloudTrailRecord) => string): Map<string, number> {
  const out = new Map<string, number>()
  for (const record of records) out.set(key(record), (out.get(key(record)) ?? 0) + 1)
  return out
}

/** Largest first, ties by name: the order the report documents for its top lists. */
function ranked(counts: Map<string, number>): string[] {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([key]) => key)
}

/** The bars each chart must draw for the records, per the report's documented rules (top 10; the timeline stacks the top 6 services and "other", per day for a window over two days). */
export function expectedBarMarks(records: readonly CloudTrailRecord[]): Record<string, number> {
  const service = (record: CloudTrailRecord) => String(record.eventSource)
  const services = ranked(countBy(records, service))
  const shown = new Set(services.length > 7 ? services.slice(0, 6) : services)
  const stack = countBy(records, (record) => `${String(record.eventTime).slice(0, 10)} ${shown.has(service(record)) ? service(record) : 'other'}`)
  const top = (key: (record: CloudTrailRecord) => string): number => {
    const kept = new Set(ranked(countBy(records, key)).slice(0, 10))
    const pairs = countBy(records.filter((record) => kept.has(key(record))), (record) => `${key(record)} ${record.errorCode ? 'failed' : 'ok'}`)
    return pairs.size
  }
  const principal = (record: CloudTrailRecord) => {
    // `summary --by principal`: a session's role, else the ARN, else the service that called.
    const identity = record.userIdentity as {arn?: string; invokedBy?: string; principalId?: string; type?: string; sessionContext?: {sessionIssuer?: {arn?: string}}}
    return identity.sessionContext?.sessionIssuer?.arn || identity.arn || identity.invokedBy || identity.principalId || identity.type || ''
  }
  return {
    'calls-over-time': stack.size,
    'top-services': top(service),
    'top-events': top((record) => String(record.eventName)),
    'top-principals': top(principal),
    regions: countBy(records, (record) => String(record.awsRegion)).size,
    countries: new Set(KNOWN_SOURCES.filter(([, country]) => country !== null).map(([, country]) => country)).size,
  }
}
