/**
 * Issue 14's out-of-memory: 30 days of small CloudTrail files (120 objects, about 3,000 events)
 * made `activity events` on the local engine fail at the then default `--memory-limit 400MB`, because
 * DuckDB held about 7 MiB per input file once its filter pushdown put the window filter onto the
 * Records UNNEST (see src/engines/duckdb.ts). This runs the unfiltered events query, and a 30-day
 * anomalies run, at the default limit and checks the answers against the generator's ground truth:
 * every eventID once, however many times it was delivered.
 */

import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import type {EventsOutput} from '../../src/output/activity'
import {type CliResult, type ExampleLakeCli, exampleLakeCli, nowToTheSecond, parseJson} from '../support/cli'
import {type GeneratedCloudTrail, generateCloudTrail, uploadGeneratedCloudTrail} from '../support/cloudtrail-fixtures'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

jest.setTimeout(300_000)

const DAY = 86_400_000
const BUCKET = 'acme-cloudtrail-logs'
const REGION = 'us-east-1'
const DAYS = 30

let set: GeneratedCloudTrail
let cli: ExampleLakeCli
let from: string
let to: string

function lakegov(...args: string[]): Promise<CliResult> {
  return cli.run(...args)
}

beforeAll(async () => {
  await resetSandbox()
  const s3 = new S3Client({...sandboxSdkConfig(sandboxEndpoint(), 1), forcePathStyle: true})
  await s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  const first = new Date(Date.now() - DAYS * DAY).toISOString().slice(0, 10)
  set = generateCloudTrail({seed: 1414, start: first, days: DAYS, regions: [REGION], filesPerDay: 4, eventsPerFile: 25, includeAwsSamples: false})
  await uploadGeneratedCloudTrail(s3, set.files, {bucket: BUCKET, concurrency: 8})
  cli = exampleLakeCli(sandboxEndpoint())
  from = `${first}T00:00:00Z`
  to = nowToTheSecond()
})

describe('lakegov activity on the local engine over 30 days of small files, at the default memory limit', () => {
  it('events without filters: every event of the window once, newest first', async () => {
    const expected = new Set(set.records.filter((record) => String(record.eventTime) >= from && String(record.eventTime) < to).map((record) => String(record.eventID)))
    expect(set.files.length).toBeGreaterThanOrEqual(DAYS * 4)
    expect(expected.size).toBeGreaterThan(2000)
    const result = await lakegov('activity', 'events', '--engine', 'local', '--limit', '100000', '--from', from, '--to', to, '--region', REGION, '--json')
    expect(result.stderr).not.toMatch(/out of memory/i)
    expect(result.code).toBe(0)
    const ids = parseJson<EventsOutput>(result).events.map((event) => String(event.eventID))
    expect(ids.length).toBe(expected.size)
    expect(new Set(ids)).toEqual(expected)
    const times = parseJson<EventsOutput>(result).events.map((event) => String(event.eventTime))
    expect(times).toEqual([...times].sort().reverse())
  })

  it('anomalies over the last day against a 29-day baseline exit 0', async () => {
    const last = new Date(Date.parse(to) - DAY).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const result = await lakegov('activity', 'anomalies', '--engine', 'local', '--from', last, '--to', to, '--baseline', '29d', '--region', REGION, '--json')
    expect(result.stderr).not.toMatch(/out of memory/i)
    expect(result.code).toBe(0)
    expect(Array.isArray(parseJson<{anomalies: unknown[]}>(result).anomalies)).toBe(true)
  })

  it('out of memory says which limit to raise, as an error of its own rather than a bug', async () => {
    const result = await lakegov('activity', 'events', '--engine', 'local', '--from', from, '--to', to, '--region', REGION, '--json', '--memory-limit', '8MB', '--threads', '2')
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('local: out of memory on 2 threads; once more on one')
    const error = parseJson<{error: {code: string; message: string; suggestions: string[]}}>(result).error
    expect(error.code).toBe('LOCAL_OUT_OF_MEMORY')
    expect(error.message).toMatch(/within DuckDB's limit of 8MB/)
    expect(error.suggestions.join(' ')).toMatch(/--memory-limit/)
    expect(error.suggestions.join(' ')).not.toMatch(/bug/)
  })
})
