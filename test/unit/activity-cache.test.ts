/** The local engine's object cache: gzip sizes from the trailer, and the per-run folder of links DuckDB globs. */
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
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
