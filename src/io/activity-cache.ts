/**
 * The local cache of CloudTrail objects the local engine reads. An entry is keyed by bucket, object
 * key and ETag, so a changed object is fetched again and an unchanged one never is. Paths keep the
 * key's layout (…/CloudTrail/REGION/YYYY/MM/DD/), which the DuckDB view reads its partition columns
 * from. The cache lives in $XDG_CACHE_HOME/lakegov, else ~/.cache/lakegov; it is bounded (least
 * recently used entries go first) and `lakegov activity clear-cache` empties it.
 *
 * Beside the objects it keeps columnar copies of whole day folders (ColumnsEntry): the records of a
 * folder's objects, parsed once into the table's columns, as Parquet, keyed by the folder's exact
 * objects (key and ETag). A warm run reads those instead of parsing the JSON again.
 */
import {createHash} from 'node:crypto'
import {closeSync, createReadStream, fstatSync, linkSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {createGunzip, gunzipSync, constants as zlibConstants} from 'node:zlib'

/** The default bound: 10 GiB. */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 ** 3

/** The cache folder: $XDG_CACHE_HOME/lakegov, else ~/.cache/lakegov. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache')
  return path.join(base, 'lakegov')
}

function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._=-]/g, '_')
}

/** Why an object is not a CloudTrail log file, or undefined when it looks like one. */
export function checkCloudTrailHead(bytes: Uint8Array): string | undefined {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return 'not a gzip file'
  let head: string
  try {
    // Inflate only the start: enough to see the {"Records": opening without decompressing it all.
    head = gunzipSync(bytes.subarray(0, 4096), {finishFlush: zlibConstants.Z_SYNC_FLUSH}).subarray(0, 64).toString('utf8')
  } catch (error) {
    return `corrupt gzip (${(error as Error).message})`
  }
  return /^\s*\{\s*"Records"\s*:\s*\[/.test(head) ? undefined : 'not a CloudTrail log file (no Records array)'
}

/**
 * A gzip file's uncompressed size from its trailer (ISIZE, the size modulo 2^32: RFC 1952, 2.3.1),
 * read without decompressing. DuckDB needs a maximum_object_size above it. Synchronous: a warm run
 * reads 26,000 trailers, 0.5 s this way against 1.7 s through the thread pool (issue 14's bench).
 */
export function gzipUncompressedSize(file: string): number {
  const handle = openSync(file, 'r')
  try {
    const {size} = fstatSync(handle)
    if (size < 4) return 0
    const buffer = Buffer.alloc(4)
    readSync(handle, buffer, 0, 4, size - 4)
    const isize = buffer.readUInt32LE(0)
    // Deflate expands at most about 1032 to 1 (zlib's technical details): a larger "size" is no
    // trailer but the cut-off middle of a truncated file, which is found corrupt later; 0 for it.
    return isize > size * 1032 ? 0 : isize
  } finally {
    closeSync(handle)
  }
}

/** Whether a gzip file decompresses to the end; the reason when it does not. */
export async function checkGzipComplete(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const stream = createReadStream(file).pipe(createGunzip())
    stream.on('data', () => undefined)
    stream.on('end', () => resolve(undefined))
    stream.on('error', (error) => resolve(`corrupt gzip (${error.message})`))
  })
}

/** One object's place in the cache. */
export interface CacheEntry {
  /** The data file. */
  file: string
  /** The marker written when the object was found not to be a CloudTrail file, with the reason. */
  skipMarker: string
}

/**
 * A day folder's columnar copy (ObjectCache.columnsEntryOf): a Parquet file of the records of exactly
 * these objects, in the table's columns, and a metadata file beside it, written after it, that says
 * which of the record's fields it holds and which of the objects were skipped, and why.
 */
export interface ColumnsEntry {
  /** The copy's path without its ending: the Parquet file is STEM.FIELDS-HASH.parquet (parquetOf). */
  stem: string
  /** The metadata (ColumnsMeta, JSON). */
  meta: string
  /** The folder of the day's copies: one set of objects each, the latest kept. */
  folder: string
}

/** A copy found in the cache: its metadata and its Parquet file. */
export type ColumnsCopy = ColumnsMeta & {parquet: string}

/**
 * A copy's Parquet file, named by its fields too: two runs that widen the same copy at once each
 * write their own file, so the metadata that ends up in place never names columns its file lacks
 * (at worst it names a file the other run removed, and the copy is written again).
 */
function parquetOf(entry: ColumnsEntry, fields: readonly string[]): string {
  return `${entry.stem}.${createHash('sha256').update([...fields].sort().join('\n')).digest('hex').slice(0, 12)}.parquet`
}

/** What a columnar copy holds. */
export interface ColumnsMeta {
  /** The record's top-level fields it has columns for (CloudTrail names), besides the partitions. */
  fields: string[]
  /** The day's objects that were not read into it (not CloudTrail files, corrupt), with why. */
  skipped: Array<{key: string; reason: string}>
}

function isColumnsMeta(value: unknown): value is ColumnsMeta {
  const meta = value as ColumnsMeta
  return typeof meta === 'object' && meta !== null && Array.isArray(meta.fields) && meta.fields.every((field) => typeof field === 'string') && Array.isArray(meta.skipped) && meta.skipped.every((entry) => typeof entry?.key === 'string' && typeof entry?.reason === 'string')
}

/** Whether a process is running (signal 0 tests without signalling; EPERM means it runs as another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** A folder of links to some cached files (ObjectCache.runFolder). */
export interface RunFolder {
  /** The glob that matches every file in it. */
  glob: string
  /** The glob that matches the files in it beside one of them (one day folder's, in the cache's layout). */
  globBeside(file: string): string
  /** Takes files out of it. */
  drop(files: readonly string[]): Promise<void>
  /** Removes it. */
  release(): Promise<void>
}

/** The cache of CloudTrail objects. */
export class ObjectCache {
  constructor(
    readonly root: string,
    readonly maxBytes: number = DEFAULT_CACHE_MAX_BYTES,
  ) {}

  /** Where an object is cached: objects/BUCKET/KEY-FOLDERS/NAME.ETAG.json.gz. */
  entryOf(bucket: string, key: string, etag: string): CacheEntry {
    const parts = key.split('/').map(safe)
    const name = parts.pop() ?? 'object'
    const stem = name.replace(/\.json\.gz$/, '')
    const file = path.join(this.root, 'objects', safe(bucket), ...parts, `${stem}.${safe(etag.replaceAll('"', '')) || 'noetag'}.json.gz`)
    return {file, skipMarker: `${file}.skipped`}
  }

  /**
   * Which of the entries' files and skip markers exist, as a set of paths: one readdir per folder
   * rather than a failing utimes and read per object (some 3 s of a cold run's main thread at 26,000
   * objects, issue 14's bench). A caller then asks get and skippedReason only about what exists.
   */
  present(entries: readonly CacheEntry[]): Set<string> {
    const paths = new Set<string>()
    for (const folder of new Set(entries.map((entry) => path.dirname(entry.file)))) {
      let names: string[]
      try {
        names = readdirSync(folder)
      } catch {
        continue // no folder yet: nothing of it cached
      }
      for (const name of names) paths.add(path.join(folder, name))
    }
    return paths
  }

  /** The cached file if present (its access time refreshed, for eviction), else undefined. Synchronous, as gzipUncompressedSize. */
  get(entry: CacheEntry): string | undefined {
    try {
      const now = new Date()
      utimesSync(entry.file, now, now)
      return entry.file
    } catch {
      return undefined
    }
  }

  /** The reason an object was skipped before, if it was. Synchronous, as gzipUncompressedSize. */
  skippedReason(entry: CacheEntry): string | undefined {
    try {
      return readFileSync(entry.skipMarker, 'utf8')
    } catch {
      return undefined
    }
  }

  /**
   * Stores an object's bytes; written to a temporary name first so that a crash leaves no half file.
   * Synchronous, and the folder made only when the write finds it missing (the first object of a
   * day, or after a `clear-cache` meanwhile): about 20 s of a cold run's main-thread profile, 26,000
   * objects, was these calls through the thread pool with a mkdir each, and the run took 89 s rather
   * than 96 s this way (issue 14's bench).
   */
  put(entry: CacheEntry, bytes: Uint8Array): string {
    const temporary = `${entry.file}.${process.pid}.partial`
    try {
      writeFileSync(temporary, bytes)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      mkdirSync(path.dirname(entry.file), {recursive: true})
      writeFileSync(temporary, bytes)
    }
    renameSync(temporary, entry.file)
    return entry.file
  }

  /**
   * The columnar copy of a day folder's objects (its listing: every key and ETag under the folder).
   * The name is a hash of the sorted keys and ETags, so one object more (a late delivery), one
   * fewer, or one rewritten is another copy, and the old one is never read for the new listing.
   * `format` names the copy's column types: a lakegov whose table shape differs makes its own copies.
   */
  columnsEntryOf(bucket: string, folder: string, objects: ReadonlyArray<{key: string; etag: string}>, format = ''): ColumnsEntry {
    const hash = createHash('sha256')
    hash.update(`${format}\n`)
    for (const line of objects.map((object) => `${object.key}\t${object.etag}\n`).sort()) hash.update(line)
    const day = path.join(this.root, 'columns', safe(bucket), ...folder.split('/').filter((part) => part !== '').map(safe))
    const name = hash.digest('hex').slice(0, 32)
    return {stem: path.join(day, name), meta: path.join(day, `${name}.json`), folder: day}
  }

  /**
   * What a columnar copy holds, when both its files are there (the Parquet's time refreshed, for
   * eviction); undefined when it is missing, half evicted or unreadable. Synchronous, as get.
   */
  readColumns(entry: ColumnsEntry): ColumnsCopy | undefined {
    try {
      const meta: unknown = JSON.parse(readFileSync(entry.meta, 'utf8'))
      if (!isColumnsMeta(meta)) return undefined
      const parquet = parquetOf(entry, meta.fields)
      const now = new Date()
      utimesSync(parquet, now, now)
      return {fields: meta.fields, skipped: meta.skipped, parquet}
    } catch {
      return undefined
    }
  }

  /** Where a run writes a columnar copy before commitColumns (its folder made). */
  columnsTemporary(entry: ColumnsEntry): string {
    mkdirSync(entry.folder, {recursive: true})
    return `${entry.stem}.${process.pid}.partial`
  }

  /**
   * Puts a copy written at columnsTemporary in place, then its metadata (so metadata never names
   * columns its Parquet lacks), and removes the day's other files (copies of other listings, or of
   * other fields), which no run reads again (a run reading one meanwhile fails and can be run
   * again). Returns the Parquet file.
   */
  commitColumns(entry: ColumnsEntry, meta: ColumnsMeta): string {
    const parquet = parquetOf(entry, meta.fields)
    renameSync(`${entry.stem}.${process.pid}.partial`, parquet)
    writeFileSync(`${entry.meta}.${process.pid}.partial`, JSON.stringify(meta))
    renameSync(`${entry.meta}.${process.pid}.partial`, entry.meta)
    const keep = new Set([path.basename(parquet), path.basename(entry.meta)])
    for (const name of readdirSync(entry.folder)) {
      if (!keep.has(name) && !name.endsWith('.partial')) rmSync(path.join(entry.folder, name), {force: true})
    }
    return parquet
  }

  /** Remembers that an object is not a CloudTrail file, so the next run skips it without downloading it. */
  async markSkipped(entry: CacheEntry, reason: string): Promise<void> {
    await mkdir(path.dirname(entry.file), {recursive: true})
    await writeFile(entry.skipMarker, reason)
    await rm(entry.file, {force: true})
  }

  /** Evicts the least recently used files until the cache fits its bound, never one of `keep`. Returns the bytes freed. */
  async prune(keep: ReadonlySet<string>): Promise<number> {
    const stats = this.stored()
    let total = stats.reduce((sum, entry) => sum + entry.size, 0)
    let freed = 0
    for (const entry of stats.sort((a, b) => a.used - b.used)) {
      if (total <= this.maxBytes) break
      if (keep.has(entry.file)) continue
      await rm(entry.file, {force: true})
      total -= entry.size
      freed += entry.size
    }
    return freed
  }

  /** The cache's size: files and bytes. */
  async size(): Promise<{files: number; bytes: number}> {
    const stats = this.stored()
    return {files: stats.length, bytes: stats.reduce((sum, entry) => sum + entry.size, 0)}
  }

  /**
   * A folder holding exactly these cached files (hard links, else symbolic links), in the cache's
   * layout, for DuckDB to read with one glob: a list of 26,000 paths in the SQL cost DuckDB some 300
   * MB and a glob of the same files none (issue 14's bench). `drop` takes files out of it again,
   * `release` removes it. It lives under the cache root (runs/), on the cache's file system.
   */
  async runFolder(files: readonly string[]): Promise<RunFolder> {
    const objects = path.join(this.root, 'objects')
    await mkdir(path.join(this.root, 'runs'), {recursive: true})
    await this.removeOrphanRuns()
    const folder = await mkdtemp(path.join(this.root, 'runs', `${process.pid}-`))
    const linkOf = (file: string) => path.join(folder, path.relative(objects, file))
    const made = new Set<string>()
    // Synchronous, as gzipUncompressedSize: 26,000 links took 0.4 s so against 1.1 s through the thread pool.
    for (const file of files) {
      const target = linkOf(file)
      if (!made.has(path.dirname(target))) {
        mkdirSync(path.dirname(target), {recursive: true})
        made.add(path.dirname(target))
      }
      try {
        linkSync(file, target)
      } catch {
        symlinkSync(file, target)
      }
    }
    return {
      glob: path.join(folder, '**', '*.json.gz'),
      globBeside: (file) => path.join(path.dirname(linkOf(file)), '*.json.gz'),
      drop: async (dropped) => {
        for (const file of dropped) {
          try {
            unlinkSync(linkOf(file))
          } catch {
            // already gone
          }
        }
      },
      release: async () => rmSync(folder, {recursive: true, force: true}),
    }
  }

  /** Removes the run folders of processes that are gone (a run killed before its release). */
  private async removeOrphanRuns(): Promise<void> {
    for (const name of await readdir(path.join(this.root, 'runs')).catch(() => [] as string[])) {
      const pid = Number(/^(\d+)-/.exec(name)?.[1])
      if (!Number.isSafeInteger(pid) || pid === process.pid || isAlive(pid)) continue
      await rm(path.join(this.root, 'runs', name), {recursive: true, force: true})
    }
  }

  /** Empties the cache: the objects and the columnar copies. */
  async clear(): Promise<void> {
    await rm(path.join(this.root, 'objects'), {recursive: true, force: true})
    await rm(path.join(this.root, 'columns'), {recursive: true, force: true})
  }

  /** Every stored file: the objects and the columnar copies (both count toward the bound). */
  private stored(): Array<{file: string; size: number; used: number}> {
    return fileStats(path.join(this.root, 'columns'), fileStats(path.join(this.root, 'objects')))
  }
}

/**
 * Every file under a folder, with its size and last use (mtime, which ObjectCache.get refreshes); none
 * when the folder is missing. Synchronous, as gzipUncompressedSize: every run prunes, and 26,000
 * stats through the thread pool took 0.6 s of a warm run.
 */
function fileStats(directory: string, into: Array<{file: string; size: number; used: number}> = []): Array<{file: string; size: number; used: number}> {
  let entries
  try {
    // Walked by hand: Dirent.parentPath, which the recursive form needs, is Node 20.12 and later.
    entries = readdirSync(directory, {withFileTypes: true})
  } catch {
    return into
  }
  for (const entry of entries) {
    const file = path.join(directory, entry.name)
    if (entry.isDirectory()) fileStats(file, into)
    else if (entry.isFile()) {
      try {
        const {size, mtimeMs} = statSync(file)
        into.push({file, size, used: mtimeMs})
      } catch {
        // removed meanwhile
      }
    }
  }
  return into
}
