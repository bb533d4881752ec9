/**
 * The local engine over a cache (runLocal, with DuckDB and an in-memory S3): what a run downloads,
 * what it reads from the columnar copies of day folders, and that the answers stay the ground truth
 * when the copies are used, widened for a new question, or outdated by a late delivery.
 */
import {createHash} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {compareNewestFirst, dedupeByEventId, matchesQuery} from '../../src/core/activity/filter'
import type {ActivityQuery} from '../../src/core/activity/query'
import {projectRecord, type CloudTrailRecord} from '../../src/core/activity/record'
import {groupRecords} from '../../src/core/activity/summary'
import {runLocal} from '../../src/engines/local'
import type {ActivityAsk} from '../../src/engines/types'
import type {WindowObjects} from '../../src/engines/window-objects'
import {ObjectCache} from '../../src/io/activity-cache'
import {generateCloudTrail} from '../support/cloudtrail-fixtures'

jest.setTimeout(120_000)

const BUCKET = 'logs'
const query: ActivityQuery = {window: {from: '2026-11-24T00:00:00Z', to: '2026-11-26T00:00:00Z'}, filters: {regions: 'all', errorsOnly: false}}
const sortByKey = (groups: {key: string}[]) => [...groups].sort((a, b) => (a.key < b.key ? -1 : 1))

let root: string
let store: Map<string, Buffer>
let gets: string[]
let progress: string[]
let delivered: CloudTrailRecord[]

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'lakegov-local-'))
  const set = generateCloudTrail({seed: 9, start: '2026-11-24', days: 2, regions: ['us-east-1', 'eu-west-1'], filesPerDay: 3, eventsPerFile: 30, includeAwsSamples: false, duplicateRate: 0.2})
  store = new Map(set.files.map((file) => [file.key, file.body()]))
  delivered = set.files.flatMap((file) => file.records)
  gets = []
  progress = []
})

afterEach(() => rmSync(root, {recursive: true, force: true}))

/** The store's objects as a listing gives them (ETag: the MD5 of the bytes, as S3's for a single-part upload). */
function listing(): WindowObjects {
  const objects = [...store].map(([key, body]) => ({key, size: body.length, etag: `"${createHash('md5').update(body).digest('hex')}"`})).sort((a, b) => (a.key < b.key ? -1 : 1))
  return {regions: ['eu-west-1', 'us-east-1'], accounts: ['123456789012'], objects, bytes: objects.reduce((sum, object) => sum + object.size, 0), prefixes: 4}
}

async function run(ask: ActivityAsk) {
  const ports = {getObject: async (_bucket: string, key: string) => (gets.push(key), store.get(key)!)}
  progress = []
  return runLocal(query, ask, listing(), ports, {bucket: BUCKET, cache: new ObjectCache(root), concurrency: 4, limits: {memoryLimit: '256MB', threads: 1}, progress: (line) => progress.push(line)})
}

const truthBy = (by: Parameters<typeof groupRecords>[0]) => sortByKey(groupRecords(by, delivered.filter((record) => matchesQuery(query, record))))

describe('the local engine and its columnar copies', () => {
  it('writes a copy of each day folder on the first run, and answers the next from the copies alone', async () => {
    const first = await run({kind: 'summary', by: 'service'})
    expect(sortByKey(first.groups!)).toEqual(truthBy('service'))
    expect(gets).toHaveLength(store.size)
    expect(progress).toContain('local: wrote the columnar copies of 4/4 day folder(s)')

    // The objects evicted: the copies still answer, and nothing is downloaded.
    rmSync(path.join(root, 'objects'), {recursive: true})
    gets = []
    const again = await run({kind: 'summary', by: 'service'})
    expect(sortByKey(again.groups!)).toEqual(truthBy('service'))
    expect(gets).toEqual([])
    expect(again.stats).toMatchObject({downloaded: 0, cached: store.size, columnarDays: 4})
  })

  it('widens a copy for a question that needs more fields, and keeps answering the first question from it', async () => {
    await run({kind: 'summary', by: 'service'})
    const principals = await run({kind: 'summary', by: 'principal'})
    expect(sortByKey(principals.groups!)).toEqual(truthBy('principal'))
    expect(principals.stats.columnarDays).toBe(0)
    expect(progress).toContain('local: wrote the columnar copies of 4/4 day folder(s)')

    rmSync(path.join(root, 'objects'), {recursive: true})
    gets = []
    for (const by of ['service', 'principal'] as const) {
      const answer = await run({kind: 'summary', by})
      expect(sortByKey(answer.groups!)).toEqual(truthBy(by))
      expect(answer.stats.columnarDays).toBe(4)
    }
    const events = await run({kind: 'events', limit: 10})
    expect(events.events).toEqual(dedupeByEventId(delivered.filter((record) => matchesQuery(query, record))).sort(compareNewestFirst).slice(0, 10).map(projectRecord))
    expect(gets.length).toBe(store.size)
  })

  it('reads a day folder again when a late delivery changed its listing, and only that folder', async () => {
    await run({kind: 'summary', by: 'service'})
    const day = [...store.keys()].find((key) => key.includes('/us-east-1/2026/11/25/'))!
    const lateKey = day.replace(/[^/]+$/, '123456789012_CloudTrail_us-east-1_20261125T2355Z_late.json.gz')
    const late: CloudTrailRecord = {...delivered[0], eventID: 'late-1', eventTime: '2026-11-25T23:50:00Z', eventSource: 'late.amazonaws.com', awsRegion: 'us-east-1'}
    const {gzipSync} = await import('node:zlib')
    store.set(lateKey, gzipSync(JSON.stringify({Records: [late]})))
    delivered.push(late)
    gets = []
    const answer = await run({kind: 'summary', by: 'service'})
    expect(sortByKey(answer.groups!)).toEqual(truthBy('service'))
    expect(answer.groups).toContainEqual(expect.objectContaining({key: 'late.amazonaws.com', count: 1}))
    expect(gets).toEqual([lateKey])
    expect(answer.stats.columnarDays).toBe(3)
    expect(progress).toContain('local: wrote the columnar copies of 1/1 day folder(s)')
  })

  it('remembers the objects a copy skipped, and names them on the runs that read the copy', async () => {
    const stray = '123456789012/CloudTrail/us-east-1/2026/11/24/'.replace(/^/, 'AWSLogs/') + 'notes.json.gz'
    store.set(stray, Buffer.from('not gzip at all'))
    const first = await run({kind: 'summary', by: 'region'})
    expect(first.skipped).toEqual([{key: stray, reason: 'not a gzip file'}])
    rmSync(path.join(root, 'objects'), {recursive: true})
    const again = await run({kind: 'summary', by: 'region'})
    expect(again.stats.columnarDays).toBe(4)
    expect(again.skipped).toEqual([{key: stray, reason: 'not a gzip file'}])
    expect(sortByKey(again.groups!)).toEqual(truthBy('region'))
  })

  it('streams from the copies that cover the stream, and writes none for a stream', async () => {
    const fields = ['eventID', 'eventTime', 'eventSource', 'userIdentity']
    const truth = dedupeByEventId(delivered.filter((record) => matchesQuery(query, record))).map((record) => record.eventID).sort()
    const stream = async () => {
      const seen: string[] = []
      const answer = await run({kind: 'events', fields, sink: (batch) => seen.push(...batch.map((record) => record.eventID as string))})
      // A stream may hand an event delivered twice twice (EventSink): its consumer de-duplicates.
      return {answer, seen: [...new Set(seen)].sort()}
    }
    const cold = await stream()
    expect(cold.seen).toEqual(truth)
    expect(cold.answer.stats.columnarDays).toBe(0)
    expect(progress.some((line) => line.includes('columnar copies'))).toBe(false)

    // Nothing was copied: the stream reads the files again, until the copies of the events (every field) cover it.
    expect((await stream()).answer.stats.columnarDays).toBe(0)
    await run({kind: 'events', limit: 5})
    rmSync(path.join(root, 'objects'), {recursive: true})
    gets = []
    const warm = await stream()
    expect(warm.seen).toEqual(truth)
    expect(warm.answer.stats.columnarDays).toBe(4)
    expect(gets).toEqual([])
  })

  it('reads whole records from the files, never from the copies', async () => {
    await run({kind: 'summary', by: 'service'})
    await run({kind: 'events', limit: 5})
    gets = []
    const whole = await run({kind: 'events', limit: 5, full: true})
    expect(whole.fullRecords).toBe(true)
    expect(whole.stats.columnarDays).toBe(0)
    expect(whole.events).toEqual(dedupeByEventId(delivered.filter((record) => matchesQuery(query, record))).sort(compareNewestFirst).slice(0, 5))
    expect(gets).toEqual([])
  })
})
