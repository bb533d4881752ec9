/**
 * `activity reads` against the sandbox: generated logs whose Lake Formation reads and direct reads
 * target the log bucket itself, read on the local and the Athena engine; the rows must match the
 * generator's ground truth, counted here straight from the records (not through src/).
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {CreateDatabaseCommand, CreateTableCommand, GlueClient} from '@aws-sdk/client-glue'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import Ajv from 'ajv'

import {ACTIVITY_READS_SCHEMA} from '../../src/core/activity/output-schema'
import {buildCloudTrailTable} from '../../src/core/catalog/cloudtrail-table'
import type {ReadsOutput} from '../../src/output/activity'
import {parseJson, runCli, sandboxEnv, type CliResult} from '../support/cli'
import {type CloudTrailRecord, type GeneratedCloudTrail, generateCloudTrail, uploadGeneratedCloudTrail} from '../support/cloudtrail-fixtures'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

jest.setTimeout(180_000)

const ROOT = path.resolve(__dirname, '..', '..')
const DAY = 86_400_000
const ACCOUNT = '123456789012'
const BUCKET = 'acme-cloudtrail-logs'
const REGIONS = ['us-east-1']

let set: GeneratedCloudTrail
let policies: string
let env: NodeJS.ProcessEnv
let from: string
let to: string

function lakegov(...args: string[]): Promise<CliResult> {
  return runCli([...args, '--policies', policies], env, ROOT)
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
  policies = mkdtempSync(path.join(tmpdir(), 'lakegov-reads-'))
  writeFileSync(path.join(policies, 'lake.yaml'), readFileSync(path.join(ROOT, 'policies', 'lake.yaml'), 'utf8').replace(/^# yaml-language-server.*\n/, ''))
  env = sandboxEnv(sandboxEndpoint(), {XDG_CACHE_HOME: mkdtempSync(path.join(tmpdir(), 'lakegov-cache-'))})
  from = `${first}T00:00:00Z`
  to = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
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
