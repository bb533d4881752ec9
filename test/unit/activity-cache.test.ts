/** The local engine's object cache: gzip sizes from the trailer, and the per-run folder of links DuckDB globs. */
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'

import {ObjectCache, gzipUncompressedSize} from '../../src/io/activity-cache'

let root: string

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'lakegov-cache-test-'))
})

afterEach(() => rmSync(root, {recursive: true, force: true}))

describe('gzipUncompressedSize', () => {
  it('reads the size from a complete gzip trailer', () => {
    const text = JSON.stringify({Records: Array.from({length: 50}, (_, index) => ({eventID: `e${index}`}))})
    const file = path.join(root, 'whole.json.gz')
    writeFileSync(file, gzipSync(text))
    expect(gzipUncompressedSize(file)).toBe(Buffer.byteLength(text))
  })

  it('gives 0 for a "trailer" deflate could not have written (a truncated file ends mid-stream)', () => {
    const whole = gzipSync('x'.repeat(10_000))
    const cut = Buffer.concat([whole.subarray(0, 20), Buffer.from([0xff, 0xff, 0xff, 0x7f])])
    const file = path.join(root, 'cut.json.gz')
    writeFileSync(file, cut)
    expect(gzipUncompressedSize(file)).toBe(0)
  })
})

describe('ObjectCache.put', () => {
  it('stores the bytes under the entry, and again after the folder went (a clear-cache meanwhile)', async () => {
    const cache = new ObjectCache(root)
    const entry = cache.entryOf('logs', 'AWSLogs/1/CloudTrail/us-east-1/2026/11/01/a.json.gz', '"e1"')
    expect(cache.put(entry, gzipSync('one'))).toBe(entry.file)
    expect(gunzipSync(readFileSync(entry.file)).toString()).toBe('one')
    expect(cache.get(entry)).toBe(entry.file)
    // Another process's clear-cache removes the folder under this cache's feet.
    await new ObjectCache(root).clear()
    expect(cache.get(entry)).toBeUndefined()
    const again = cache.put(entry, gzipSync('two'))
    expect(gunzipSync(readFileSync(again)).toString()).toBe('two')
    expect(existsSync(`${entry.file}.${process.pid}.partial`)).toBe(false)
  })
})

describe('ObjectCache.runFolder', () => {
  it('links exactly the given files in the cache layout, drops files on request, and is removed on release', async () => {
    const cache = new ObjectCache(root)
    const keys = ['AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/01/a.json.gz', 'AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/02/b.json.gz', 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/01/c.json.gz']
    const files = keys.map((key, index) => cache.put(cache.entryOf('logs', key, `"etag${index}"`), gzipSync(`{"Records":[{"eventID":"${index}"}]}`)))
    const folder = await cache.runFolder(files.slice(0, 2))
    const base = folder.glob.slice(0, -path.join('**', '*.json.gz').length - 1)
    const linked = (file: string) => path.join(base, path.relative(path.join(root, 'objects'), file))
    expect(folder.glob.startsWith(path.join(root, 'runs'))).toBe(true)
    expect(linked(files[0])).toContain(path.join('CloudTrail', 'us-east-1', '2026', '11', '01'))
    expect(readFileSync(linked(files[0]))).toEqual(readFileSync(files[0]))
    expect(existsSync(linked(files[1]))).toBe(true)
    expect(existsSync(linked(files[2]))).toBe(false)
    await folder.drop([files[0]])
    expect(existsSync(linked(files[0]))).toBe(false)
    expect(existsSync(files[0])).toBe(true)
    await folder.release()
    expect(existsSync(linked(files[1]))).toBe(false)
    expect(existsSync(files[1])).toBe(true)
  })

  it("removes the folders of runs whose process is gone, and keeps a live one's", async () => {
    const cache = new ObjectCache(root)
    const file = cache.put(cache.entryOf('logs', 'AWSLogs/1/CloudTrail/us-east-1/2026/11/01/a.json.gz', '"e"'), gzipSync('{"Records":[]}'))
    // A pid above the kernel's maximum (4194304) belongs to no process.
    const orphan = path.join(root, 'runs', '4999999-abc')
    const live = path.join(root, 'runs', `${process.ppid}-def`)
    for (const folder of [orphan, live]) mkdirSync(folder, {recursive: true})
    const folder = await cache.runFolder([file])
    expect(existsSync(orphan)).toBe(false)
    expect(existsSync(live)).toBe(true)
    await folder.release()
  })
})

describe('ObjectCache columnar copies', () => {
  const day = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/01/'
  const objects = [
    {key: `${day}a.json.gz`, etag: '"e1"'},
    {key: `${day}b.json.gz`, etag: '"e2"'},
  ]
  const write = (cache: ObjectCache, entry: ReturnType<ObjectCache['columnsEntryOf']>, fields: string[], body = 'parquet') => {
    writeFileSync(cache.columnsTemporary(entry), body)
    cache.commitColumns(entry, {fields, skipped: [{key: `${day}notes.json.gz`, reason: 'not a gzip file'}]})
  }

  it('keys a copy by the whole listing of its day and its format: the order does not matter, a new, changed or missing object does', () => {
    const cache = new ObjectCache(root)
    const entry = cache.columnsEntryOf('logs', day, objects)
    expect(cache.columnsEntryOf('logs', day, [...objects].reverse()).meta).toBe(entry.meta)
    expect(entry.meta.startsWith(path.join(root, 'columns', 'logs', 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1', '2026', '11', '01'))).toBe(true)
    const others = [
      cache.columnsEntryOf('logs', day, [...objects, {key: `${day}c.json.gz`, etag: '"e3"'}]),
      cache.columnsEntryOf('logs', day, [objects[0], {...objects[1], etag: '"changed"'}]),
      cache.columnsEntryOf('logs', day, [objects[0]]),
      cache.columnsEntryOf('other-bucket', day, objects),
      // Another format of copy (a lakegov whose table shape differs).
      cache.columnsEntryOf('logs', day, objects, 'parquet-2'),
    ]
    expect(new Set([entry.meta, ...others.map((other) => other.meta)]).size).toBe(6)
  })

  it('reads a copy back only when both its files are there and its metadata is whole', () => {
    const cache = new ObjectCache(root)
    const entry = cache.columnsEntryOf('logs', day, objects)
    expect(cache.readColumns(entry)).toBeUndefined()
    write(cache, entry, ['eventID', 'eventTime'])
    const copy = cache.readColumns(entry)
    expect(copy).toEqual({fields: ['eventID', 'eventTime'], skipped: [{key: `${day}notes.json.gz`, reason: 'not a gzip file'}], parquet: expect.stringMatching(/\.parquet$/)})
    expect(readFileSync(copy!.parquet, 'utf8')).toBe('parquet')
    expect(existsSync(`${entry.stem}.${process.pid}.partial`)).toBe(false)
    // Evicted Parquet, metadata left: no copy.
    rmSync(copy!.parquet)
    expect(cache.readColumns(entry)).toBeUndefined()
    write(cache, entry, ['eventID'])
    writeFileSync(entry.meta, '{"fields": "eventID"}')
    expect(cache.readColumns(entry)).toBeUndefined()
    writeFileSync(entry.meta, '{"fields": [')
    expect(cache.readColumns(entry)).toBeUndefined()
  })

  it("keeps one copy per day: committing a listing's copy removes the other listings' copies", () => {
    const cache = new ObjectCache(root)
    const old = cache.columnsEntryOf('logs', day, objects.slice(0, 1))
    write(cache, old, ['eventID'])
    const otherDay = cache.columnsEntryOf('logs', day.replace('/01/', '/02/'), objects.slice(0, 1))
    write(cache, otherDay, ['eventID'])
    const current = cache.columnsEntryOf('logs', day, objects)
    write(cache, current, ['eventID'])
    expect(existsSync(old.meta)).toBe(false)
    expect(readdirSync(current.folder).sort()).toEqual([path.basename(cache.readColumns(current)!.parquet), path.basename(current.meta)].sort())
    expect(cache.readColumns(current)).toBeDefined()
    expect(cache.readColumns(otherDay)).toBeDefined()
  })

  it('never pairs metadata with a file of other fields: two runs widening one copy at once', () => {
    const cache = new ObjectCache(root)
    const entry = cache.columnsEntryOf('logs', day, objects)
    // Run A writes fields F+G, run B fields F+H; A's metadata lands last, after B removed A's file.
    writeFileSync(cache.columnsTemporary(entry), 'A')
    const fileA = cache.commitColumns(entry, {fields: ['eventID', 'userIdentity'], skipped: []})
    writeFileSync(cache.columnsTemporary(entry), 'B')
    const fileB = cache.commitColumns(entry, {fields: ['eventID', 'sourceIPAddress'], skipped: []})
    expect(fileA).not.toBe(fileB)
    expect(existsSync(fileA)).toBe(false)
    writeFileSync(entry.meta, JSON.stringify({fields: ['eventID', 'userIdentity'], skipped: []}))
    // A's metadata names A's file, which is gone: no copy (written again), never B's file read as A's.
    expect(cache.readColumns(entry)).toBeUndefined()
  })

  it('counts the copies in the size, evicts them by last use, and clear removes them', async () => {
    const cache = new ObjectCache(root, 30)
    const entry = cache.columnsEntryOf('logs', day, objects)
    write(cache, entry, ['eventID'], 'x'.repeat(100))
    const size = await cache.size()
    expect(size.files).toBe(2)
    expect(size.bytes).toBe(100 + readFileSync(entry.meta).length)
    expect(await cache.prune(new Set())).toBeGreaterThanOrEqual(100)
    expect(cache.readColumns(entry)).toBeUndefined()
    write(cache, entry, ['eventID'])
    await cache.clear()
    expect(existsSync(path.join(root, 'columns'))).toBe(false)
  })
})

describe('ObjectCache.present', () => {
  it('names the cached files and skip markers among the entries, reading each folder once, and none of a missing folder', async () => {
    const cache = new ObjectCache(root)
    const day = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/01/'
    const cached = cache.entryOf('logs', `${day}a.json.gz`, '"e1"')
    const skipped = cache.entryOf('logs', `${day}b.json.gz`, '"e2"')
    const absent = cache.entryOf('logs', `${day}c.json.gz`, '"e3"')
    const elsewhere = cache.entryOf('logs', 'AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/01/d.json.gz', '"e4"')
    cache.put(cached, gzipSync('{"Records":[]}'))
    await cache.markSkipped(skipped, 'not a gzip file')
    const present = cache.present([cached, skipped, absent, elsewhere])
    expect([cached.file, cached.skipMarker, skipped.file, skipped.skipMarker, absent.file, elsewhere.file].map((file) => present.has(file))).toEqual([true, false, false, true, false, false])
  })
})
