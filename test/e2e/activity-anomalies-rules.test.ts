/**
 * `activity anomalies` rules LA001 and LA003-LA007 against the sandbox, on hand-built days whose
 * ground truth is known by construction: two baseline days in which four roles read the log table
 * at 09:00 UTC from their own networks, then a window day that seeds one anomaly per rule, then a
 * clean day that repeats the baseline's habits and must give no anomaly at all. Records follow the
 * shapes of the CloudTrail and Lake Formation user guides' samples, as the fixture generator does.
 */
import {gzipSync} from 'node:zlib'

import {CreateBucketCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'

import type {AnomaliesRun} from '../../src/workflows/anomalies'
import {type ExampleLakeCli, exampleLakeCli, parseJson} from '../support/cli'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

jest.setTimeout(180_000)

const ACCOUNT = '123456789012'
const BUCKET = 'acme-cloudtrail-logs'
const TABLE_ARN = `arn:aws:glue:us-east-1:${ACCOUNT}:table/cloudtrail/cloudtrail_logs`
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`
/** The baseline habits: each role reads at 09:MM from its own /24. */
const HABITS: Record<string, string> = {Steady: '198.51.100.10', Nightly: '198.51.100.20', Traveller: '198.51.100.30', Regular: '198.51.100.40'}

type Record_ = Record<string, unknown>
let serial = 0

function identity(name: string, session: string): Record_ {
  return {type: 'AssumedRole', principalId: `AROAEXAMPLE${name.toUpperCase()}:${session}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`, accountId: ACCOUNT, sessionContext: {sessionIssuer: {type: 'Role', arn: role(name), accountId: ACCOUNT, userName: name}}}
}

function base(time: string, name: string, source: string, event: string, ip: string, extra: Record_): Record_ {
  serial += 1
  return {eventVersion: '1.09', userIdentity: identity(name, 'session-1'), eventTime: time, eventSource: source, eventName: event, awsRegion: 'us-east-1', sourceIPAddress: ip, userAgent: 'aws-sdk-java/2.20', requestID: `req-${serial}`, eventID: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`, eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: ACCOUNT, eventCategory: 'Management', ...extra}
}

/** A Lake Formation credential vend (a read), granted or refused. */
function read(time: string, name: string, ip: string, denied = false): Record_ {
  return base(time, name, 'lakeformation.amazonaws.com', 'GetDataAccess', ip, {
    readOnly: true,
    requestParameters: {tableArn: TABLE_ARN, permissions: ['SELECT']},
    ...(denied
      ? {errorCode: 'AccessDeniedException', errorMessage: 'Insufficient Lake Formation permission(s) on cloudtrail_logs'}
      : {additionalEventData: {requesterService: 'OTHER', lakeFormationPrincipal: role(name), lakeFormationRoleSessionName: `AWSLF-00-OT-${ACCOUNT}-${String(serial).padStart(10, '0')}`}}),
  })
}

function at(day: string, hour: number, minute: number): string {
  return `${day}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`
}

function habitualDay(day: string, names: string[]): Record_[] {
  return names.flatMap((name) => Array.from({length: 5}, (_, index) => read(at(day, 9, index * 10), name, HABITS[name])))
}

async function upload(s3: S3Client, day: string, records: Record_[]): Promise<void> {
  const key = `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/${day.replaceAll('-', '/')}/${ACCOUNT}_CloudTrail_us-east-1_${day.replaceAll('-', '')}T2355Z_rules.json.gz`
  await s3.send(new PutObjectCommand({Bucket: BUCKET, Key: key, Body: gzipSync(JSON.stringify({Records: records}))}))
}

let cli: ExampleLakeCli
let seeded: {principal: string; ruleId: string}[]

function anomalies(day: string): Promise<AnomaliesRun> {
  const to = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return cli.run('activity', 'anomalies', '--engine', 'local', '--from', `${day}T00:00:00Z`, '--to', to, '--baseline', '2d', '--region', 'us-east-1', '--json').then((result) => {
    if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`)
    return parseJson<AnomaliesRun>(result)
  })
}

beforeAll(async () => {
  await resetSandbox()
  const s3 = new S3Client({...sandboxSdkConfig(sandboxEndpoint(), 1), forcePathStyle: true})
  await s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  const names = Object.keys(HABITS)
  await upload(s3, '2026-11-10', habitualDay('2026-11-10', names))
  await upload(s3, '2026-11-11', habitualDay('2026-11-11', names))
  const window = '2026-11-12'
  const grant = base(at(window, 14, 0), 'LakeAdmin', 'lakeformation.amazonaws.com', 'GrantPermissions', '198.51.100.99', {readOnly: false, requestParameters: {principal: {dataLakePrincipalIdentifier: role('Intruder')}, resource: {table: {databaseName: 'cloudtrail', name: 'cloudtrail_logs'}}, permissions: ['SELECT']}})
  const stop = base(at(window, 14, 5), 'LakeAdmin', 'cloudtrail.amazonaws.com', 'StopLogging', '198.51.100.99', {readOnly: false, requestParameters: {name: 'lake-trail'}})
  await upload(s3, window, [
    ...habitualDay(window, ['Regular']),
    // LA003: 30 reads in a day against 5 a day.
    ...Array.from({length: 30}, (_, index) => read(at(window, 9, index), 'Steady', HABITS.Steady)),
    // LA004: at 03:00, six hours from any baseline hour.
    ...Array.from({length: 3}, (_, index) => read(at(window, 3, index), 'Nightly', HABITS.Nightly)),
    // LA005: from 203.0.113.0/24, never seen.
    ...Array.from({length: 2}, (_, index) => read(at(window, 9, index), 'Traveller', '203.0.113.5')),
    // LA001: a principal that never read before.
    ...Array.from({length: 2}, (_, index) => read(at(window, 10, index), 'Intruder', '198.51.100.50')),
    // LA006: six refusals in 30 minutes.
    ...Array.from({length: 6}, (_, index) => read(at(window, 11, index * 5), 'Prober', '198.51.100.60', true)),
    // LA007: a grant and StopLogging on the lake's trail (lake.yaml: lake-trail).
    grant,
    stop,
  ])
  await upload(s3, '2026-11-13', habitualDay('2026-11-13', names))
  seeded = [
    {ruleId: 'LA001', principal: role('Intruder')},
    {ruleId: 'LA003', principal: role('Steady')},
    {ruleId: 'LA004', principal: role('Nightly')},
    {ruleId: 'LA005', principal: role('Traveller')},
    {ruleId: 'LA006', principal: role('Prober')},
    {ruleId: 'LA007', principal: role('LakeAdmin')},
    {ruleId: 'LA007', principal: role('LakeAdmin')},
  ]
  cli = exampleLakeCli(sandboxEndpoint())
})

describe('lakegov activity anomalies: each rule on seeded anomalies', () => {
  it('finds each seeded anomaly, and nothing else', async () => {
    const out = await anomalies('2026-11-12')
    const found = out.anomalies.map(({ruleId, principal}) => ({ruleId, principal})).sort((a, b) => (`${a.ruleId}${a.principal}` < `${b.ruleId}${b.principal}` ? -1 : 1))
    expect(found).toEqual(seeded)
    const byRule = new Map(out.anomalies.map((anomaly) => [anomaly.ruleId, anomaly]))
    expect(byRule.get('LA003')?.events).toHaveLength(30)
    expect(byRule.get('LA004')?.events).toHaveLength(3)
    expect(byRule.get('LA005')?.resource).toBe('203.0.113.0/24')
    expect(byRule.get('LA006')?.events).toHaveLength(6)
    expect(out.anomalies.filter((anomaly) => anomaly.ruleId === 'LA007').map((anomaly) => anomaly.title).sort()).toEqual([`GrantPermissions on the lake by ${role('LakeAdmin')}`, `StopLogging on the lake by ${role('LakeAdmin')}`])
  })

  it('finds none on a clean window that repeats the baseline\'s habits', async () => {
    const out = await anomalies('2026-11-13')
    expect(out.anomalies).toEqual([])
    expect(out.failing).toBe(false)
  })
})
