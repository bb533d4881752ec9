/**
 * `alarms test --since`: the patterns against the lake's events of a window, read through the
 * activity engine. The bucket holds a generated fixture set plus one planted file (AWS's own
 * "IAM user, successful sign-in without MFA" record, moved into the window); the expected matches
 * are computed from the generator's ground truth with plain predicates, not with lakegov's evaluator.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {gzipSync} from 'node:zlib'

import {CreateDatabaseCommand, CreateTableCommand, GlueClient} from '@aws-sdk/client-glue'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import {buildCloudTrailTable} from '../../src/core/catalog/cloudtrail-table'
import {type CliResult, parseJson, runCli, sandboxEnvWithCache} from '../support/cli'
import {AWS_SAMPLE_RECORDS, type CloudTrailRecord, type GeneratedCloudTrail, type GeneratedLogFile, generateCloudTrail, isManagementEvent, uploadGeneratedCloudTrail} from '../support/cloudtrail-fixtures'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

jest.setTimeout(180_000)

const ROOT = path.resolve(__dirname, '..', '..')
const DAY = 86_400_000
const BUCKET = 'acme-cloudtrail-logs'

interface AlarmsTestOutput {
  events: number
  files: string[]
  lake?: {engine: string; window: {from: string; to: string}; regions: string[]; fullRecords: boolean; truncated: boolean}
  patterns: Array<{name: string; pattern: string; matches: string[]; warnings: string[]}>
}

let set: GeneratedCloudTrail
let planted: CloudTrailRecord
let first: string
let policies: string
let env: NodeJS.ProcessEnv

function lakegov(...args: string[]): Promise<CliResult> {
  return runCli([...args, '--policies', policies], env, ROOT)
}

/** Every event the window [first day, now) holds, in time order (eventTime, then eventID), as the engines' answer reversed. */
function truth(filter: (record: CloudTrailRecord) => boolean): string[] {
  const from = `${first}T00:00:00Z`
  return [...set.records, planted]
    .filter((record) => String(record.eventTime) >= from && filter(record))
    .sort((a, b) => (String(a.eventTime) === String(b.eventTime) ? (String(a.eventID) < String(b.eventID) ? -1 : 1) : String(a.eventTime) < String(b.eventTime) ? -1 : 1))
    .map((record) => String(record.eventID))
}

type Identity = {type?: string; invokedBy?: string}
const identityOf = (record: CloudTrailRecord) => (record.userIdentity ?? {}) as Identity
/** CloudWatch.1 by hand: a root call, not by a service, not a service event. */
const isRootCall = (record: CloudTrailRecord) => identityOf(record).type === 'Root' && !('invokedBy' in identityOf(record)) && record.eventType !== 'AwsServiceEvent'
/** CloudWatch.3 by hand: an IAM user's successful console sign-in without MFA. */
const isSignInWithoutMfa = (record: CloudTrailRecord) =>
  record.eventName === 'ConsoleLogin' &&
  typeof (record.additionalEventData as {MFAUsed?: unknown} | undefined)?.MFAUsed === 'string' &&
  (record.additionalEventData as {MFAUsed: string}).MFAUsed !== 'Yes' &&
  identityOf(record).type === 'IAMUser' &&
  (record.responseElements as {ConsoleLogin?: string} | null)?.ConsoleLogin === 'Success'

/** A log file of one account, region and delivery time, as a trail writes it. */
function logFile(account: string, region: string, deliveredMs: number, records: CloudTrailRecord[]): GeneratedLogFile {
  const at = new Date(deliveredMs).toISOString()
  const key = `AWSLogs/${account}/CloudTrail/${region}/${at.slice(0, 10).replaceAll('-', '/')}/${account}_CloudTrail_${region}_${at.slice(0, 16).replaceAll(/[-:]/g, '')}Z_PlantedAlarms001.json.gz`
  return {key, account, region, deliveredAt: at, records, redelivered: 0, body: () => gzipSync(JSON.stringify({Records: records}))}
}

beforeAll(async () => {
  await resetSandbox()
  const config = sandboxSdkConfig(sandboxEndpoint(), 1)
  const s3 = new S3Client({...config, forcePathStyle: true})
  await s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  await s3.send(new CreateBucketCommand({Bucket: 'athena-results'}))
  first = new Date(Date.now() - 3 * DAY).toISOString().slice(0, 10)
  set = generateCloudTrail({seed: 16, start: first, days: 3, regions: ['us-east-1', 'eu-west-1'], filesPerDay: 3, eventsPerFile: 15})
  const signIn = AWS_SAMPLE_RECORDS.consoleLoginWithoutMfa.record
  const at = Date.parse(`${first}T12:00:00Z`)
  planted = {...signIn, eventTime: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'), eventID: '0a1b2c3d-0000-4000-8000-a1a2a3a4a5a6'}
  await uploadGeneratedCloudTrail(s3, [...set.files, logFile('111122223333', String(signIn.awsRegion), at + 5 * 60_000, [planted])], {bucket: BUCKET})

  const glue = new GlueClient(config)
  await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'cloudtrail'}}))
  const table = buildCloudTrailTable({database: 'cloudtrail', name: 'cloudtrail_logs', bucket: BUCKET, prefix: 'AWSLogs/', accounts: ['123456789012'], regions: ['us-east-1', 'eu-west-1'], startDate: first.replaceAll('-', '/')})
  await glue.send(new CreateTableCommand({DatabaseName: 'cloudtrail', TableInput: table as never}))

  policies = mkdtempSync(path.join(tmpdir(), 'lakegov-alarms-lake-'))
  writeFileSync(
    path.join(policies, 'lake.yaml'),
    `region: us-east-1
bucket:
  name: ${BUCKET}
registration:
  role: reg
database: cloudtrail
alarms:
  sets: [cis]
  custom:
    - {name: data-events, pattern: '{ $.managementEvent IS FALSE }'}
    - {name: no-request-parameters, pattern: '{ $.requestParameters IS NULL }'}
`,
  )
  env = sandboxEnvWithCache(sandboxEndpoint())
})

describe('lakegov alarms test --since (e2e)', () => {
  it('--engine local: every pattern against the whole records of the window, with the matches the ground truth gives', async () => {
    const result = await lakegov('alarms', 'test', '--since', first, '--engine', 'local', '--json')
    expect(result.code).toBe(2)
    const output = parseJson<AlarmsTestOutput>(result)
    expect(output.lake).toMatchObject({engine: 'local', window: {from: `${first}T00:00:00Z`}, fullRecords: true, truncated: false})
    expect(output.files).toEqual([])
    expect(output.events).toBe(truth(() => true).length)
    const byName = new Map(output.patterns.map((pattern) => [pattern.name, pattern]))
    const root = truth(isRootCall)
    expect(root.length).toBeGreaterThan(0)
    expect(byName.get('CloudWatch.1')?.matches).toEqual(root)
    const signIns = truth(isSignInWithoutMfa)
    expect(signIns).toContain(planted.eventID)
    expect(byName.get('CloudWatch.3')?.matches).toEqual(signIns)
    // Fields the CloudTrail table does not hold (managementEvent), and null values, are there: the records are whole.
    const dataEvents = truth((record) => record.managementEvent === false)
    expect(dataEvents.length).toBeGreaterThan(0)
    expect(byName.get('data-events')?.matches).toEqual(dataEvents)
    const noParameters = truth((record) => record.requestParameters === null)
    expect(noParameters).toContain(planted.eventID)
    expect(byName.get('no-request-parameters')?.matches).toEqual(noParameters)
    expect(result.stderr).toContain('engine: local, because')
    expect(result.stderr).toMatch(/alarms: \d+ events read from the lake \(local engine\)/)
  })

  it('prints the matches and says where the events came from', async () => {
    const result = await lakegov('alarms', 'test', '--since', first, '--engine', 'local')
    expect(result.code).toBe(2)
    expect(result.stdout).toContain(`  matches: ${truth(isSignInWithoutMfa).join(', ')}\n`)
    expect(result.stdout).toMatch(new RegExp(`16 patterns against ${truth(() => true).length} events from the lake \\(${first}T00:00:00Z to \\S+Z, local engine\\): \\d+ with warnings\\.\\n$`))
  })

  it('--engine lookup: whole records too (CloudTrailEvent), of management events only, as LookupEvents keeps no data events', async () => {
    const result = await lakegov('alarms', 'test', '--since', first, '--engine', 'lookup', '--json')
    expect(result.code).toBe(2)
    const output = parseJson<AlarmsTestOutput>(result)
    expect(output.lake).toMatchObject({engine: 'lookup', fullRecords: true})
    expect(output.events).toBe(truth(isManagementEvent).length)
    const byName = new Map(output.patterns.map((pattern) => [pattern.name, pattern]))
    expect(byName.get('CloudWatch.1')?.matches).toEqual(truth(isRootCall))
    expect(byName.get('CloudWatch.3')?.matches).toEqual(truth(isSignInWithoutMfa))
    expect(byName.get('no-request-parameters')?.matches).toEqual(truth((record) => record.requestParameters === null && isManagementEvent(record)))
    expect(byName.get('data-events')?.matches).toEqual([])
  })

  it('--engine athena: the table\'s columns only, said on stderr and in --json; fields the table lacks match nothing', async () => {
    const result = await lakegov('alarms', 'test', '--since', first, '--engine', 'athena', '--output-location', 's3://athena-results/q/', '--json')
    expect(result.code).toBe(2)
    const output = parseJson<AlarmsTestOutput>(result)
    expect(output.lake).toMatchObject({engine: 'athena', fullRecords: false})
    expect(result.stderr).toContain('the athena engine gives the CloudTrail table\'s columns, not whole records')
    const byName = new Map(output.patterns.map((pattern) => [pattern.name, pattern]))
    // The table reads the generator's account only (not the planted file's), and holds no managementEvent.
    expect(byName.get('CloudWatch.1')?.matches).toEqual(truth(isRootCall))
    expect(byName.get('data-events')?.matches).toEqual([])
  })

  it('--since with --events, or with --fire, is a usage error (exit 64)', async () => {
    for (const other of [['--events', tmpdir()], ['--fire']]) {
      const result = await lakegov('alarms', 'test', '--since', '24h', ...other)
      expect({other, code: result.code}).toEqual({other, code: 64})
      expect(result.stderr).toMatch(/cannot also be provided when using --since/)
    }
    const engine = await lakegov('alarms', 'test', '--engine', 'local', '--events', tmpdir())
    expect(engine.code).toBe(64)
  })
})
