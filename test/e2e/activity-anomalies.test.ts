/**
 * `activity anomalies` against the sandbox: three generated days, the last one the window and the
 * two before it the baseline (fixed past dates), read on the local engine. The generator's direct S3 reads of the log
 * bucket (no AWSLF- session, by a role that is neither the registration nor the crawler role) must
 * come out as LA002, with the eventIDs counted here straight from the records (not through src/).
 */

import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import type {AnomaliesRun} from '../../src/workflows/anomalies'
import {type CliResult, type ExampleLakeCli, exampleLakeCli, parseJson} from '../support/cli'
import {type CloudTrailRecord, type GeneratedCloudTrail, generateCloudTrail, uploadGeneratedCloudTrail} from '../support/cloudtrail-fixtures'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

jest.setTimeout(180_000)

const DAY = 86_400_000
const BUCKET = 'acme-cloudtrail-logs'
const REGIONS = ['us-east-1']

let set: GeneratedCloudTrail
let cli: ExampleLakeCli
let from: string
let to: string

function lakegov(...args: string[]): Promise<CliResult> {
  return cli.run('activity', 'anomalies', '--engine', 'local', '--from', from, '--to', to, '--baseline', '2d', '--region', REGIONS.join(','), ...args)
}

function session(record: CloudTrailRecord): string {
  return String((record.userIdentity as {arn?: string} | undefined)?.arn ?? '').split('/').at(-1) ?? ''
}

function roleOf(record: CloudTrailRecord): string {
  const identity = (record.userIdentity ?? {}) as {arn?: string; sessionContext?: {sessionIssuer?: {arn?: string}}}
  return identity.sessionContext?.sessionIssuer?.arn || identity.arn || ''
}

/** Ground truth: the window's successful direct reads of the log bucket, eventIDs per principal. */
function directReads(): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const record of set.records) {
    const time = String(record.eventTime)
    if (time < from || time >= to || !REGIONS.includes(String(record.awsRegion)) || record.errorCode) continue
    if (record.eventName !== 'GetObject' || session(record).startsWith('AWSLF-')) continue
    if ((record.requestParameters as {bucketName?: string}).bucketName !== BUCKET) continue
    out.set(roleOf(record), [...(out.get(roleOf(record)) ?? []), String(record.eventID)])
  }
  return out
}

beforeAll(async () => {
  await resetSandbox()
  const s3 = new S3Client({...sandboxSdkConfig(sandboxEndpoint(), 1), forcePathStyle: true})
  await s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  // Fixed past days, so the generated set (and its direct reads) is the same on every run.
  const first = '2026-11-02'
  set = generateCloudTrail({seed: 17, start: first, days: 3, regions: REGIONS, filesPerDay: 2, eventsPerFile: 20, dataEventRate: 0.4, errorRate: 0.05, dataBucket: BUCKET, table: {database: 'cloudtrail', name: 'cloudtrail_logs'}, includeAwsSamples: false})
  await uploadGeneratedCloudTrail(s3, set.files, {bucket: BUCKET})
  cli = exampleLakeCli(sandboxEndpoint())
  from = new Date(Date.parse(`${first}T00:00:00Z`) + 2 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z')
  to = new Date(Date.parse(from) + DAY).toISOString().replace(/\.\d{3}Z$/, 'Z')
})

describe('lakegov activity anomalies', () => {
  it('flags the direct S3 reads (LA002) with their events, with fingerprints stable across runs', async () => {
    const truth = directReads()
    expect(truth.size).toBeGreaterThan(0)
    const runs: AnomaliesRun[] = []
    for (let run = 0; run < 2; run++) {
      const result = await lakegov('--json')
      if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`)
      runs.push(parseJson<AnomaliesRun>(result))
    }
    const [out, again] = runs
    expect(out.engine).toBe('local')
    expect(out.window).toEqual({from, to})
    expect(out.baseline).toEqual({from: new Date(Date.parse(from) - 2 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z'), to: from})
    expect(out.failing).toBe(false)
    const direct = out.anomalies.filter((anomaly) => anomaly.ruleId === 'LA002')
    expect(new Set(direct.map((anomaly) => anomaly.principal))).toEqual(new Set(truth.keys()))
    for (const anomaly of direct) {
      expect(anomaly.severity).toBe('high')
      expect(anomaly.fix).toContain('s3:GetObject')
      expect([...anomaly.events].sort()).toEqual([...(truth.get(anomaly.principal ?? '') ?? [])].sort())
      expect(anomaly.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(again.anomalies.map((anomaly) => anomaly.fingerprint)).toEqual(out.anomalies.map((anomaly) => anomaly.fingerprint))
  })

  it('exits 7 with --fail-on high, and 0 with --fail-on critical when nothing is critical', async () => {
    const high = await lakegov('--fail-on', 'high')
    expect(high.code).toBe(7)
    expect(high.stdout).toContain('LA002')
    expect(high.stderr).toContain('exit 7')
    const json = parseJson<AnomaliesRun>(await lakegov('--fail-on', 'critical', '--json'))
    expect(json.anomalies.some((anomaly) => anomaly.severity === 'critical')).toBe(false)
    expect(json.failing).toBe(false)
    expect((await lakegov('--fail-on', 'critical')).code).toBe(0)
  })

  it('writes SARIF whose partial fingerprints are the anomalies\' fingerprints', async () => {
    const json = parseJson<AnomaliesRun>(await lakegov('--format', 'json'))
    const result = await lakegov('--format', 'sarif')
    expect(result.code).toBe(0)
    const sarif = JSON.parse(result.stdout) as {version: string; runs: Array<{results: Array<{ruleId: string; partialFingerprints: Record<string, string>}>}>}
    expect(sarif.version).toBe('2.1.0')
    const results = sarif.runs[0].results
    expect(results.map((entry) => entry.ruleId)).toEqual(json.anomalies.map((anomaly) => anomaly.ruleId))
    expect(results.map((entry) => Object.values(entry.partialFingerprints)[0])).toEqual(json.anomalies.map((anomaly) => anomaly.fingerprint))
  })

  it('refuses a --baseline that is not a duration with exit 64', async () => {
    const result = await lakegov('--baseline', 'forever')
    expect(result.code).toBe(64)
    expect(result.stderr).toContain('--baseline')
  })
})
