/**
 * The activity engines at scale (issue 14's and issue 15's performance sections): 30 days of
 * generated CloudTrail logs in the sandbox's S3, one region, then
 * - `activity summary --by service --engine local`, cold (empty cache: list, download, query) and
 *   warm (cache filled), against the way people do it by hand (`aws s3 cp --recursive`, then
 *   `zcat | jq | sort | uniq -c`, with eventIDs de-duplicated as lakegov does) and against DuckDB
 *   reading the same files from local disk (the practical limit of a warm run);
 * - S3 calls against the minimum: the list pages of the window's day prefixes plus one GET per
 *   object (lakegov also lists the account and region folders, and the next day's folder when a
 *   window ends within an hour of midnight: see src/core/activity/prefixes.ts);
 * - Athena partition pruning: a 1-day window over the 30 days, the sandbox's DataScannedInBytes
 *   against the bytes of that day's objects;
 * - `activity anomalies --engine local` over a 29-day baseline and a 1-day window: wall time, peak
 *   memory, and how many engine queries it made (the baseline must be read once, not per rule).
 *
 * Scale: the issue's workload is about 1,000,000 events in about 26,000 objects
 * (BENCH_ACTIVITY_OBJECTS=26000; moto takes the generated objects at some 230 a second, so seeding
 * takes about 2 minutes and the whole run about 20). The default keeps the events and packs them into
 * fewer, larger objects (BENCH_ACTIVITY_OBJECTS, default 1,200), which runs in a few minutes. Every
 * figure is measured on the set generated, and the per-object costs (calls, and time per object) are
 * printed so they can be scaled. BENCH_ACTIVITY_EVENTS sets the events (default 1,000,000). Each
 * local run says whether DuckDB ran out of memory on two threads and went on on one.
 */
import {execFile, execFileSync} from 'node:child_process'
import {promisify} from 'node:util'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {CreateDatabaseCommand, CreateTableCommand, GlueClient} from '@aws-sdk/client-glue'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import {buildCloudTrailTable} from '../src/core/catalog/cloudtrail-table'
import {sandboxEnv} from '../test/support/cli'
import {cloudTrailFiles, uploadGeneratedCloudTrail, writeGeneratedCloudTrail, type CloudTrailGeneratorOptions} from '../test/support/cloudtrail-fixtures'
import {startSandbox, type Sandbox} from '../test/support/sandbox'
import {sandboxSdkConfig} from '../test/support/sandbox/client'
import {timedCli, type TimedRun} from './timed-cli'

if (require.main === module) {
  benchActivity().then(
    (lines) => console.log(lines.join('\n')),
    (error) => {
      console.error(error)
      process.exit(1)
    },
  )
}

const ROOT = path.resolve(__dirname, '..')
const EVENTS = Number(process.env.BENCH_ACTIVITY_EVENTS ?? 1_000_000)
const OBJECTS = Number(process.env.BENCH_ACTIVITY_OBJECTS ?? 1200)
const DAYS = 30
const ACCOUNT = '123456789012'
const BUCKET = 'bench-activity-logs'
const REGION = 'us-east-1'
const START = '2026-10-01'
const PEAK_GOAL_MB = 500
const REPEATS = 3

const LAKE_YAML = `region: ${REGION}
bucket: {name: ${BUCKET}, prefix: AWSLogs/, encryption: {type: AES256}}
registration: {role: lakegov-registration}
database: cloudtrail
athena: {outputLocation: 's3://${BUCKET}-results/q/'}
`

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function generatorOptions(): CloudTrailGeneratorOptions {
  const filesPerDay = Math.max(1, Math.round(OBJECTS / DAYS))
  return {seed: 1414, start: START, days: DAYS, regions: [REGION], filesPerDay, eventsPerFile: Math.max(1, Math.round(EVENTS / (filesPerDay * DAYS))), dataEventRate: 0.3, includeAwsSamples: false, dataBucket: BUCKET, table: {database: 'cloudtrail', name: 'cloudtrail_logs'}}
}

function s3Calls(before: Awaited<ReturnType<Sandbox['stats']>>, after: Awaited<ReturnType<Sandbox['stats']>>): {list: number; get: number} {
  const count = (stats: typeof before, operation: string) => (stats.services.s3 as Record<string, number> | undefined)?.[operation] ?? 0
  return {list: count(after, 'ListObjectsV2') - count(before, 'ListObjectsV2'), get: count(after, 'GetObject') - count(before, 'GetObject')}
}

/** Files and bytes under a folder, recursively. */
function folderSize(folder: string): {files: number; bytes: number} {
  let files = 0
  let bytes = 0
  for (const entry of readdirSync(folder, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile()) continue
    files++
    bytes += statSync(path.join(entry.parentPath, entry.name)).size
  }
  return {files, bytes}
}

/** The largest file's uncompressed size, from the gzip trailers, plus a MiB: the maximum_object_size lakegov uses too. */
function maximumObjectSize(folder: string): number {
  let largest = 16 * 1024 ** 2
  for (const entry of readdirSync(folder, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile()) continue
    const bytes = readFileSync(path.join(entry.parentPath, entry.name))
    largest = Math.max(largest, bytes.readUInt32LE(bytes.length - 4) + 1024 ** 2)
  }
  return largest
}

/**
 * DuckDB over the local files: the same question, the same de-duplication, nothing else. It reads
 * with `records = true`, as lakegov does (duckdbViewSql): left to detect it, DuckDB samples the first
 * 32 files whole before the scan.
 */
function duckdbLocal(folder: string): number {
  const maximum = maximumObjectSize(folder)
  const script = `
const {DuckDBInstance} = require('@duckdb/node-api')
;(async () => {
  const db = await DuckDBInstance.create(':memory:', {threads: '2', memory_limit: '400MB'})
  const c = await db.connect()
  const r = await c.runAndReadAll("SELECT rec->>'$.eventSource' AS s, count(DISTINCT rec->>'$.eventID') AS n FROM (SELECT unnest(Records) AS rec FROM read_json('${folder}/**/*.json.gz', columns = {'Records': 'JSON[]'}, format = 'unstructured', records = true, compression = 'gzip', maximum_object_size = ${maximum})) GROUP BY 1")
  process.stdout.write(String(r.getRows().length))
})()`
  const start = process.hrtime.bigint()
  execFileSync(process.execPath, ['-e', script], {cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit']})
  return Number(process.hrtime.bigint() - start) / 1e6
}

/**
 * `aws s3 cp --recursive`, then zcat | jq | sort | uniq -c, as people do it by hand. Asynchronous: the
 * sandbox's gateway runs in this process, so a synchronous child would wait forever on it.
 */
async function byHand(endpoint: string, prefix: string): Promise<number | undefined> {
  const folder = mkdtempSync(path.join(tmpdir(), 'lakegov-bench-byhand-'))
  const env = {...sandboxEnv(endpoint), AWS_PAGER: ''}
  const start = process.hrtime.bigint()
  try {
    await promisify(execFile)('aws', ['--endpoint-url', endpoint, 's3', 'cp', '--recursive', '--only-show-errors', `s3://${BUCKET}/${prefix}`, folder], {env})
    execFileSync('bash', ['-c', `find ${folder} -name '*.json.gz' -print0 | xargs -0 zcat | jq -r '.Records[] | [.eventID, .eventSource] | @tsv' | sort -u | cut -f2 | sort | uniq -c > /dev/null`], {stdio: 'inherit'})
  } catch {
    return undefined
  } finally {
    rmSync(folder, {recursive: true, force: true})
  }
  return Number(process.hrtime.bigint() - start) / 1e6
}

/** The middle item by a measure (the upper middle of an even count). */
function median<T>(items: readonly T[], measure: (item: T) => number): T {
  return [...items].sort((a, b) => measure(a) - measure(b))[Math.floor(items.length / 2)]
}

/** Milliseconds as seconds, low to high. */
function spread(ms: readonly number[]): string {
  return [...ms].sort((a, b) => a - b).map((value) => `${(value / 1000).toFixed(1)}`).join(', ') + ' s'
}

function eventsPerSecond(events: number, ms: number): string {
  return `${Math.round(events / (ms / 1000)).toLocaleString('en-US')} events/s`
}

function line(label: string, run: TimedRun, events: number, extra = ''): string {
  // runLocal's progress line when DuckDB ran out of memory on several threads and ran again on one.
  const retried = /out of memory on \d+ threads; once more on one/.test(run.stderr) ? '  (out of memory on 2 threads: ran again on one)' : ''
  return `  ${label.padEnd(34)} ${(run.ms / 1000).toFixed(1).padStart(7)} s  peak ${run.maxRssMb.toFixed(0).padStart(4)} MB  ${eventsPerSecond(events, run.ms)}${extra}${retried}`
}

export async function benchActivity(): Promise<string[]> {
  const sandbox = await startSandbox({port: 0})
  const options = generatorOptions()
  try {
    const config = sandboxSdkConfig(sandbox.endpoint)
    const s3 = new S3Client({...config, forcePathStyle: true})
    await s3.send(new CreateBucketCommand({Bucket: BUCKET}))
    await s3.send(new CreateBucketCommand({Bucket: `${BUCKET}-results`}))
    const local = mkdtempSync(path.join(tmpdir(), 'lakegov-bench-activity-'))
    const seedStart = process.hrtime.bigint()
    const written = writeGeneratedCloudTrail(local, cloudTrailFiles(options))
    // The same files, read back from disk rather than generated and compressed a second time.
    const fromDisk = (function* () {
      for (const file of cloudTrailFiles(options)) yield {...file, body: () => readFileSync(path.join(local, ...file.key.split('/')))}
    })()
    await uploadGeneratedCloudTrail(s3, fromDisk, {bucket: BUCKET, concurrency: 16})
    const seedS = Number(process.hrtime.bigint() - seedStart) / 1e9
    const glue = new GlueClient(config)
    await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'cloudtrail'}}))
    const table = buildCloudTrailTable({database: 'cloudtrail', name: 'cloudtrail_logs', bucket: BUCKET, prefix: 'AWSLogs/', accounts: [ACCOUNT], regions: [REGION], startDate: START.replaceAll('-', '/')})
    await glue.send(new CreateTableCommand({DatabaseName: 'cloudtrail', TableInput: table as never}))

    const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-bench-activity-policies-'))
    writeFileSync(path.join(dir, 'lake.yaml'), LAKE_YAML)
    const cache = mkdtempSync(path.join(tmpdir(), 'lakegov-bench-activity-cache-'))
    const env = sandboxEnv(sandbox.endpoint, {XDG_CACHE_HOME: cache})
    const startMs = Date.parse(`${START}T00:00:00Z`)
    // The 30 days, ending an hour before midnight so that no 31st delivery folder is read (none exists anyway).
    const window = ['--from', iso(startMs), '--to', iso(startMs + DAYS * 86_400_000 - 3_600_000), '--region', REGION]
    const summary = ['activity', 'summary', '--by', 'service', '--engine', 'local', '--json', ...window, '--policies', dir]
    const events = EVENTS

    // This machine's timings vary by up to half from run to run (DuckDB alone over the same files:
    // 4.7 s to 9.3 s; a cold run from 86 s to 121 s), so each figure is the median of three. Each cold
    // run starts from a new, empty cache, the last one's is kept for the warm runs, and the S3 calls
    // are the first's. The caches are removed only at the end: a cold run right after removing
    // 26,000 files took 10 to 20 s longer here (this disk is mounted with online discard).
    const colds: TimedRun[] = []
    const coldCaches: string[] = []
    let calls = {list: 0, get: 0}
    for (let round = 0; round < REPEATS; round++) {
      const coldCache = round === REPEATS - 1 ? cache : mkdtempSync(path.join(tmpdir(), 'lakegov-bench-activity-cold-'))
      coldCaches.push(coldCache)
      const before = await sandbox.stats()
      colds.push(await timedCli(summary, sandboxEnv(sandbox.endpoint, {XDG_CACHE_HOME: coldCache}), {cwd: ROOT, okCodes: [0]}))
      if (round === 0) calls = s3Calls(before, await sandbox.stats())
    }
    const cold = median(colds, (run) => run.ms)
    const warms: TimedRun[] = []
    const ducks: number[] = []
    for (let round = 0; round < REPEATS; round++) {
      warms.push(await timedCli(summary, env, {cwd: ROOT, okCodes: [0]}))
      ducks.push(duckdbLocal(local))
    }
    const warm = median(warms, (run) => run.ms)
    const duckMs = median(ducks, (ms) => ms)
    const handMs = await byHand(sandbox.endpoint, 'AWSLogs/')
    // The minimum: one list page per day prefix (each holds < 1,000 objects) plus one GET per object.
    const listMinimum = DAYS
    const minimum = listMinimum + written.files

    // Athena: one day in the middle, ending at 23:00 (one delivery day) and at midnight (two).
    const day = startMs + 15 * 86_400_000
    const dayFolder = path.join(local, 'AWSLogs', ACCOUNT, 'CloudTrail', REGION, ...new Date(day).toISOString().slice(0, 10).split('-'))
    const nextFolder = path.join(local, 'AWSLogs', ACCOUNT, 'CloudTrail', REGION, ...new Date(day + 86_400_000).toISOString().slice(0, 10).split('-'))
    const dayBytes = folderSize(dayFolder).bytes
    const nextBytes = folderSize(nextFolder).bytes
    const athena = async (to: number) => {
      const run = await timedCli(['activity', 'summary', '--by', 'service', '--engine', 'athena', '--from', iso(day), '--to', iso(to), '--region', REGION, '--policies', dir], env, {cwd: ROOT, okCodes: [0]})
      return {run, scanned: Number(/athena: (\d+) bytes scanned, about/.exec(run.stderr)?.[1] ?? Number.NaN)}
    }
    const short = await athena(day + 23 * 3_600_000)
    const full = await athena(day + 86_400_000)

    // Anomalies: the last day against the 29 before it, with the cache warm.
    const anomalies = await timedCli(['activity', 'anomalies', '--engine', 'local', '--from', iso(startMs + 29 * 86_400_000), '--to', iso(startMs + DAYS * 86_400_000 - 3_600_000), '--baseline', '29d', '--region', REGION, '--json', '--policies', dir], env, {cwd: ROOT, okCodes: [0]})
    const questions = (anomalies.stderr.match(/^engine: /gm) ?? []).length
    for (const folder of [local, ...coldCaches, dir]) rmSync(folder, {recursive: true, force: true})

    const goal = (met: boolean) => (met ? 'met' : 'MISSED')
    const peak = Math.max(...colds.map((run) => run.maxRssMb), ...warms.map((run) => run.maxRssMb))
    return [
      `activity: ${events.toLocaleString('en-US')} events in ${written.files} objects (${(written.bytes / 2 ** 20).toFixed(0)} MiB gzip), ${DAYS} days, one region; generated and uploaded in ${seedS.toFixed(0)} s`,
      line('summary --by service, cold', cold, events, `  (${(cold.ms / written.files).toFixed(0)} ms/object; median of ${REPEATS}: ${spread(colds.map((run) => run.ms))})`),
      line('summary --by service, warm', warm, events, `  (median of ${REPEATS}: ${spread(warms.map((run) => run.ms))})`),
      `  ${'duckdb over local files (limit)'.padEnd(34)} ${(duckMs / 1000).toFixed(1).padStart(7)} s              ${eventsPerSecond(events, duckMs)}  (median of ${REPEATS}: ${spread(ducks)})`,
      handMs === undefined ? '  by hand (aws s3 cp + zcat | jq | sort | uniq -c): not measured (aws CLI or jq missing)' : `  ${'by hand: aws s3 cp, zcat | jq | sort'.padEnd(34)} ${(handMs / 1000).toFixed(1).padStart(7)} s              ${eventsPerSecond(events, handMs)}`,
      `  cold vs by hand: ${handMs === undefined ? 'n/a' : `${(handMs / cold.ms).toFixed(2)}x faster (goal >= 2x: ${goal(handMs / cold.ms >= 2)})`}; warm vs duckdb: ${(duckMs / warm.ms).toFixed(2)}x its speed (goal >= 0.5x: ${goal(duckMs / warm.ms >= 0.5)}); peak ${peak.toFixed(0)} MB (goal <= ${PEAK_GOAL_MB}: ${goal(peak <= PEAK_GOAL_MB)})`,
      `  S3 calls, cold: ${calls.list} list + ${calls.get} get = ${calls.list + calls.get} (minimum ${listMinimum} + ${written.files} = ${minimum}, ratio ${((calls.list + calls.get) / minimum).toFixed(3)}x; goal <= 1.1x: ${goal((calls.list + calls.get) / minimum <= 1.1)})`,
      `  athena, 1 day ending 23:00: scanned ${short.scanned} bytes, the day's objects ${dayBytes} (${(short.scanned / dayBytes).toFixed(3)}x; goal <= 1.1x: ${goal(short.scanned / dayBytes <= 1.1)})  ${(short.run.ms / 1000).toFixed(1)} s`,
      `  athena, 1 day ending at midnight: scanned ${full.scanned} bytes = ${(full.scanned / dayBytes).toFixed(3)}x the day's objects; the next delivery day is read too (${nextBytes} bytes), ${(full.scanned / (dayBytes + nextBytes)).toFixed(3)}x both`,
      line('anomalies, 29d baseline + 1 day', anomalies, events, `  ${questions} engine question(s) (goal: the baseline once, the window once = 2: ${goal(questions === 2)}); peak goal <= ${PEAK_GOAL_MB}: ${goal(anomalies.maxRssMb <= PEAK_GOAL_MB)}`),
    ]
  } finally {
    await sandbox.stop()
  }
}
