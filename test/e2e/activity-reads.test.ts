/**
 * `activity reads` against the sandbox: generated logs whose Lake Formation reads and direct reads
 * target the log bucket itself, read on the local and the Athena engine; the rows must match the
 * generator's ground truth, counted here straight from the records (not through src/).
 */
import {gzipSync} from 'node:zlib'

import {CreateDatabaseCommand, CreateTableCommand, GlueClient} from '@aws-sdk/client-glue'
import {CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'

import Ajv from 'ajv'

import {ACTIVITY_READS_SCHEMA} from '../../src/core/activity/output-schema'
import {buildCloudTrailTable} from '../../src/core/catalog/cloudtrail-table'
import type {ReadsOutput} from '../../src/output/activity'
import {type CliResult, type ExampleLakeCli, exampleLakeCli, nowToTheSecond, parseJson} from '../support/cli'
import {type CloudTrailRecord, type GeneratedCloudTrail, generateCloudTrail, uploadGeneratedCloudTrail} from '../support/cloudtrail-fixtures'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

jest.setTimeout(180_000)

const DAY = 86_400_000
const ACCOUNT = '123456789012'
const BUCKET = 'acme-cloudtrail-logs'
const REGIONS = ['us-east-1']

let set: GeneratedCloudTrail
let cli: ExampleLakeCli
let from: string
let to: string

function lakegov(...args: string[]): Promise<CliResult> {
  return cli.run(...args)
}

function inWindow(record: CloudTrailRecord): boolean {
  return String(record.eventTime) >= from && String(record.eventTime) < to && REGIONS.includes(String(record.awsRegion))
}

function session(record: CloudTrailRecord): string {
  return String((record.userIdentity as {arn?: string} | undefined)?.arn ?? '').split('/').at(-1) ?? ''
}

/** The role of a session ARN, else the ARN: what the generator's identities are. */
function roleOf(record: CloudTrailRecord): string {
  const identity = (record.userIdentity ?? {}) as {arn?: string; sessionContext?: {sessionIssuer?: {arn?: string}}}
  return identity.sessionContext?.sessionIssuer?.arn || identity.arn || ''
}

/** Ground truth: granted reads per principal and path. */
function truth(): Array<{principal: string; path: string; count: number}> {
  const counts = new Map<string, number>()
  for (const record of set.records.filter(inWindow)) {
    if (record.errorCode) continue
    let key: string | undefined
    if (record.eventName === 'GetDataAccess') key = `${(record.additionalEventData as {lakeFormationPrincipal: string}).lakeFormationPrincipal}|lake-formation`
    else if (record.eventName === 'GetObject' && !session(record).startsWith('AWSLF-') && (record.requestParameters as {bucketName?: string}).bucketName === BUCKET) key = `${roleOf(record)}|direct-s3`
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts].map(([key, count]) => ({principal: key.split('|')[0], path: key.split('|')[1], count})).sort((a, b) => (`${a.principal}|${a.path}` < `${b.principal}|${b.path}` ? -1 : 1))
}

function totals(out: ReadsOutput): Array<{principal: string; path: string; count: number}> {
  const counts = new Map<string, number>()
  for (const row of out.rows) counts.set(`${row.principal}|${row.path}`, (counts.get(`${row.principal}|${row.path}`) ?? 0) + row.count)
  return [...counts].map(([key, count]) => ({principal: key.split('|')[0], path: key.split('|')[1], count})).sort((a, b) => (`${a.principal}|${a.path}` < `${b.principal}|${b.path}` ? -1 : 1))
}

beforeAll(async () => {
  await resetSandbox()
  const config = sandboxSdkConfig(sandboxEndpoint(), 1)
  const s3 = new S3Client({...config, forcePathStyle: true})
  const glue = new GlueClient(config)
  await s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  await s3.send(new CreateBucketCommand({Bucket: 'athena-results'}))
  const first = new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10)
  set = generateCloudTrail({seed: 15, start: first, days: 2, regions: REGIONS, filesPerDay: 3, eventsPerFile: 20, dataEventRate: 0.4, errorRate: 0.05, dataBucket: BUCKET, table: {database: 'cloudtrail', name: 'cloudtrail_logs'}, includeAwsSamples: false})
  await uploadGeneratedCloudTrail(s3, set.files, {bucket: BUCKET})
  await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'cloudtrail'}}))
  const table = buildCloudTrailTable({database: 'cloudtrail', name: 'cloudtrail_logs', bucket: BUCKET, prefix: 'AWSLogs/', accounts: [ACCOUNT], regions: REGIONS, startDate: first.replaceAll('-', '/')})
  await glue.send(new CreateTableCommand({DatabaseName: 'cloudtrail', TableInput: table as never}))
  cli = exampleLakeCli(sandboxEndpoint())
  from = `${first}T00:00:00Z`
  to = nowToTheSecond()
})

describe('lakegov activity reads', () => {
  it('matches the ground truth on the local and Athena engines, direct reads first', async () => {
    const expected = truth()
    expect(expected.some((row) => row.path === 'direct-s3')).toBe(true)
    expect(expected.some((row) => row.path === 'lake-formation')).toBe(true)
    for (const engine of ['local', 'athena']) {
      const result = await lakegov('activity', 'reads', '--engine', engine, '--from', from, '--to', to, '--region', REGIONS.join(','), '--output-location', 's3://athena-results/q/', '--json')
      if (result.code !== 0) throw new Error(`${engine}: exit ${result.code}\n${result.stdout}\n${result.stderr}`)
      const out = parseJson<ReadsOutput>(result)
      const validate = new Ajv({strict: false}).compile(ACTIVITY_READS_SCHEMA)
      if (!validate(out)) throw new Error(`reads --json does not match its schema: ${JSON.stringify(validate.errors)}`)
      expect(out.engine).toBe(engine)
      expect(totals(out)).toEqual(expected)
      expect(out.banner).toBeNull()
      const firstLf = out.rows.findIndex((row) => row.path === 'lake-formation')
      expect(out.rows.slice(0, firstLf).every((row) => row.path === 'direct-s3')).toBe(true)
      expect(out.rows.filter((row) => row.path === 'lake-formation').every((row) => row.table === 'cloudtrail.cloudtrail_logs')).toBe(true)
    }
  })

  it('says on the lookup engine that direct reads are invisible', async () => {
    const result = await lakegov('activity', 'reads', '--engine', 'lookup', '--from', from, '--to', to, '--region', REGIONS.join(','), '--json')
    if (result.code !== 0) throw new Error(`lookup: exit ${result.code}\n${result.stdout}\n${result.stderr}`)
    const out = parseJson<ReadsOutput>(result)
    expect(out.banner).toContain('lookup')
    expect(out.rows.every((row) => row.path === 'lake-formation')).toBe(true)
    expect(totals(out)).toEqual(truth().filter((row) => row.path === 'lake-formation'))
  })
})

describe('lakegov activity reads --events', () => {
  it('lists the reads one by one, with the Athena query text when GetDataAccess names the query', async () => {
    const s3 = new S3Client({...sandboxSdkConfig(sandboxEndpoint(), 1), forcePathStyle: true})
    const at = new Date(Date.now() - 3_600_000)
    const time = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const queryId = '0f7c2a4e-1b2c-4d5e-8f90-123456789abc'
    const sql = "SELECT eventname FROM cloudtrail.cloudtrail_logs WHERE useridentity.arn LIKE '%root%'"
    const identity = {type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Analyst/dana`, accountId: ACCOUNT, sessionContext: {sessionIssuer: {type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/Analyst`, accountId: ACCOUNT, userName: 'Analyst'}}}
    // Shapes from the CloudTrail and Lake Formation user guides' samples (the generator follows them).
    const records = [
      {eventVersion: '1.09', userIdentity: identity, eventTime: time(at.getTime()), eventSource: 'athena.amazonaws.com', eventName: 'StartQueryExecution', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.7', userAgent: 'aws-cli/2', requestParameters: {queryString: sql, workGroup: 'primary'}, responseElements: {queryExecutionId: queryId}, eventID: 'e2e00000-0000-4000-8000-000000000001', readOnly: false, eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: ACCOUNT, eventCategory: 'Management'},
      {eventVersion: '1.09', userIdentity: {...identity, invokedBy: 'athena.amazonaws.com'}, eventTime: time(at.getTime() + 1000), eventSource: 'lakeformation.amazonaws.com', eventName: 'GetDataAccess', awsRegion: 'us-east-1', sourceIPAddress: 'athena.amazonaws.com', userAgent: 'athena.amazonaws.com', requestParameters: {tableArn: `arn:aws:glue:us-east-1:${ACCOUNT}:table/cloudtrail/cloudtrail_logs`, permissions: ['SELECT'], auditContext: {additionalAuditContext: `{queryId: ${queryId}}`}}, additionalEventData: {requesterService: 'ATHENA', lakeFormationPrincipal: `arn:aws:iam::${ACCOUNT}:role/Analyst`, lakeFormationRoleSessionName: `AWSLF-00-AT-${ACCOUNT}-1234567890`}, eventID: 'e2e00000-0000-4000-8000-000000000002', readOnly: true, eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: ACCOUNT, eventCategory: 'Management'},
    ]
    const stamp = at.toISOString().slice(0, 16).replace(/[-:]/g, '')
    const key = `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/${at.toISOString().slice(0, 10).replaceAll('-', '/')}/${ACCOUNT}_CloudTrail_us-east-1_${stamp}Z_e2equery.json.gz`
    await s3.send(new PutObjectCommand({Bucket: BUCKET, Key: key, Body: gzipSync(JSON.stringify({Records: records}))}))
    try {
      const now = nowToTheSecond()
      const result = await lakegov('activity', 'reads', '--events', '--engine', 'local', '--from', from, '--to', now, '--region', 'us-east-1', '--json')
      if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`)
      const out = parseJson<ReadsOutput>(result)
      const validate = new Ajv({strict: false}).compile(ACTIVITY_READS_SCHEMA)
      if (!validate(out)) throw new Error(`reads --events --json does not match its schema: ${JSON.stringify(validate.errors)}`)
      const events = out.events ?? []
      // One event per granted read: the rows' counts add up to the events.
      expect(events.length).toBe(out.rows.reduce((sum, row) => sum + row.count, 0))
      expect(events.find((event) => event.eventId === 'e2e00000-0000-4000-8000-000000000002')).toMatchObject({path: 'lake-formation', principal: `arn:aws:iam::${ACCOUNT}:role/Analyst`, query: {queryExecutionId: queryId, queryString: sql, workGroup: 'primary'}})
      const firstLf = events.findIndex((event) => event.path === 'lake-formation')
      expect(events.slice(0, firstLf).every((event) => event.path === 'direct-s3' && event.key !== null)).toBe(true)
      const text = await lakegov('activity', 'reads', '--events', '--engine', 'local', '--from', from, '--to', now, '--region', 'us-east-1')
      expect(text.code).toBe(0)
      expect(text.stdout).toContain(sql)
    } finally {
      await s3.send(new DeleteObjectCommand({Bucket: BUCKET, Key: key}))
    }
  })
})
