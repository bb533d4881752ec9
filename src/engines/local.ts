/**
 * The local engine: downloads the window's log objects into the cache (several at once; a cached
 * object is never fetched again), then runs the shared SQL over them with an embedded DuckDB. Objects
 * that are not CloudTrail log files, or are corrupt, are skipped and reported with their key.
 */
import {mapLimited} from '../core/map-limited'
import {RECORD_JSON_COLUMN, ROW_JSON_COLUMN, duckdbColumnsViewSql, duckdbJsonRowsSql, duckdbViewSql, eventColumns, eventStreamSql, eventsSql, groupCountOfRow, recordsSql, summarySql, viewFieldsOf, type SqlStatement, type SqlTable} from '../core/activity/sql'
import type {ActivityQuery} from '../core/activity/query'
import {projectRecord} from '../core/activity/record'
import {checkCloudTrailHead, checkGzipComplete, type ObjectCache, type RunFolder} from '../io/activity-cache'
import {collectGarbage} from '../io/collect-garbage'
import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {DuckDb, isResourceError, maximumObjectSizeOf, type DuckDbLimits} from './duckdb'
import {copyCovers, dayFoldersOf, writeColumns, type DayFolder} from './local-columns'
import type {ActivityAsk, EngineAnswer, EventSink, ProgressSink, SkippedObject} from './types'
import type {WindowObject, WindowObjects} from './window-objects'

/** The view the shared SQL reads, named like the table `lakegov table` creates. */
export const LOCAL_VIEW = 'cloudtrail_logs'

/** The columns the view has, as the table's partitions: the SQL constrains them as it does on Athena. */
const LOCAL_TABLE: SqlTable = {name: LOCAL_VIEW, partitionKeys: ['timestamp']}

/** What the local engine needs. */
export interface LocalPorts {
  /** An object's bytes. */
  getObject(bucket: string, key: string): Promise<Uint8Array>
}

/** Options of a local run. */
export interface LocalOptions {
  /** The bucket. */
  bucket: string
  /** The cache. */
  cache: ObjectCache
  /** Downloads in flight. */
  concurrency: number
  /** DuckDB's limits. */
  limits: DuckDbLimits
  /** Progress lines. */
  progress: ProgressSink
}

/**
 * Runs the query; when it runs out of memory on several threads, once more on one, which needs
 * about half the buffers (30 days in 26,000 small files ran out at 300MB on two threads now and
 * then). A sink may get some events twice (EventSink).
 */
async function retryOnOneThread<T>(db: DuckDb, attempt: () => Promise<T>, options: LocalOptions): Promise<T> {
  try {
    return await attempt()
  } catch (error) {
    if (!(error instanceof LakegovError) || error.code !== 'LOCAL_OUT_OF_MEMORY' || options.limits.threads <= 1) throw error
    options.progress(`local: out of memory on ${options.limits.threads} threads; once more on one`)
    await db.run('SET threads = 1')
    return attempt()
  }
}

/** DuckDB out of memory, said as what to change rather than as a bug. */
function outOfMemory(error: unknown, limits: DuckDbLimits, files: number, bytes: number): LakegovError {
  return new LakegovError(`The local engine ran out of memory querying ${files} files (${mib(bytes)} of gzip) within DuckDB's limit of ${limits.memoryLimit}: ${(error as Error).message.split('\n')[0]}`, {
    exitCode: ExitCode.Internal,
    code: 'LOCAL_OUT_OF_MEMORY',
    suggestions: ['Raise --memory-limit (DuckDB\'s share; lakegov itself needs some 200 MB more), narrow the window (--since, --from/--to, --region), or use --engine athena.'],
  })
}

function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`
}

/** The objects fetched: the files to read, each object key's file, and the objects skipped. */
interface FetchedObjects {
  files: string[]
  skipped: SkippedObject[]
  objectFiles: Map<string, string>
}

/** Fetches (or finds in the cache) every object; returns the files to read and the objects skipped. */
async function fetchObjects(objects: readonly WindowObject[], ports: LocalPorts, options: LocalOptions, stats: Record<string, number>): Promise<FetchedObjects> {
  const skipped: SkippedObject[] = []
  const objectFiles = new Map<string, string>()
  let done = 0
  let lastReport = Date.now()
  const entries = objects.map((object) => options.cache.entryOf(options.bucket, object.key, object.etag))
  const present = options.cache.present(entries)
  const files = await mapLimited(objects, options.concurrency, async (object, index) => {
    const entry = entries[index]
    let file = present.has(entry.file) ? options.cache.get(entry) : undefined
    if (file) stats.cached += 1
    else {
      const reason = present.has(entry.skipMarker) ? options.cache.skippedReason(entry) : undefined
      if (reason !== undefined) skipped.push({key: object.key, reason})
      else {
        const bytes = await ports.getObject(options.bucket, object.key)
        stats.downloaded += 1
        stats.downloadedBytes += bytes.length
        const problem = checkCloudTrailHead(bytes)
        if (problem) {
          skipped.push({key: object.key, reason: problem})
          await options.cache.markSkipped(entry, problem)
        } else file = options.cache.put(entry, bytes)
      }
    }
    done += 1
    if (Date.now() - lastReport > 1000) {
      lastReport = Date.now()
      options.progress(`local: ${done}/${objects.length} files, ${stats.downloaded} downloaded (${mib(stats.downloadedBytes)}), ${stats.cached} from the cache`)
    }
    if (file) objectFiles.set(object.key, file)
    return file
  })
  return {files: files.filter((file): file is string => file !== undefined), skipped, objectFiles}
}

/**
 * Finds the files DuckDB cannot read (a gzip corrupt past its start, JSON that is not an object),
 * one by one: only after a query over all of them failed.
 */
async function unreadableFiles(db: DuckDb, files: readonly string[], view: ViewShape): Promise<Map<string, string>> {
  const bad = new Map<string, string>()
  for (const file of files) {
    const gzip = await checkGzipComplete(file)
    if (gzip) {
      bad.set(file, gzip)
      continue
    }
    try {
      // Each file's own size: a truncated gzip's trailer is any four bytes (3.4 GiB once), which would be every probe's buffer.
      await db.run(duckdbViewSql({name: 'lakegov_probe', files: [file], maximumObjectSize: maximumObjectSizeOf([file]), ...view}))
      await db.query('SELECT count(*) AS n FROM lakegov_probe', [])
    } catch (error) {
      // Memory is the machine's problem, not the file's: never blame (and skip) a file for it.
      if (isResourceError(error)) throw error
      bad.set(file, `unreadable (${(error as Error).message.split('\n')[0]})`)
    }
  }
  return bad
}

/**
 * Runs the statement, handing each chunk of rows to the sink as projected records; the number handed
 * on. A run that fails part-way may have handed on some before the rerun without the bad files (EventSink).
 */
async function sinkRows(db: DuckDb, statement: SqlStatement, sink: EventSink): Promise<number> {
  let count = 0
  const json = duckdbJsonRowsSql(statement)
  await db.queryEach(json.text, json.params, (rows) => {
    count += rows.length
    sink(rows.map((row) => projectRecord(JSON.parse(String(row[ROW_JSON_COLUMN])) as Record<string, unknown>)))
  })
  return count
}

/** Marks the unreadable files skipped in the cache (so that no later run reads them); the skipped objects. */
async function skipUnreadable(bad: ReadonlyMap<string, string>, objectFiles: ReadonlyMap<string, string>, window: WindowObjects, options: LocalOptions): Promise<SkippedObject[]> {
  const fileKeys = new Map([...objectFiles].map(([key, file]) => [file, key]))
  const skipped: SkippedObject[] = []
  for (const [file, reason] of bad) {
    const key = fileKeys.get(file)
    skipped.push({key: key ?? file, reason})
    const object = window.objects.find((candidate) => candidate.key === key)
    if (object) await options.cache.markSkipped(options.cache.entryOf(options.bucket, object.key, object.etag), reason)
  }
  return skipped
}

/** What a statement's DuckDB view gives: whole records or not, and the fields the statement names. */
interface ViewShape {
  wholeRecords: boolean
  fields: readonly string[]
}

/**
 * The statement of an ask (a summary, a sink's stream, whole records, or the events) and its view's
 * shape: only the fields the statement reads, since parsing the rest into the struct was most of
 * DuckDB's time (duckdbViewSql).
 */
function statementOf(query: ActivityQuery, ask: ActivityAsk): {statement: SqlStatement; view: ViewShape} {
  const shaped = (statement: SqlStatement, wholeRecords = false) => ({statement, view: {wholeRecords, fields: viewFieldsOf(statement.text)}})
  if (ask.kind === 'summary') return shaped(summarySql(query, ask.by, LOCAL_TABLE))
  if (ask.sink) return shaped(eventStreamSql(query, LOCAL_TABLE, ask.fields))
  // Whole records are not handed to a sink (above): a sink's asks are the large ones, and take the projection.
  if (ask.full) return shaped(recordsSql(query, ask.limit, LOCAL_TABLE), true)
  return shaped(eventsSql(query, ask.limit, LOCAL_TABLE, eventColumns(ask.fields)))
}

/**
 * What a run reads: the days whose columnar copies answer its fields, and the objects it reads as
 * JSON (every object for whole records, which the copies do not hold: local-columns.ts).
 */
interface LocalSources {
  copied: DayFolder[]
  pending: DayFolder[]
  objects: WindowObject[]
}

function sourcesOf(window: WindowObjects, view: ViewShape, options: LocalOptions): LocalSources {
  if (view.wholeRecords) return {copied: [], pending: [], objects: window.objects}
  const days = dayFoldersOf(window.objects, options.bucket, options.cache)
  const copied = days.filter((day) => copyCovers(day, view.fields))
  const pending = days.filter((day) => !copyCovers(day, view.fields))
  return {copied, pending, objects: pending.flatMap((day) => day.objects)}
}

/** The view's statements: the JSON files through the run folder, and (unless whole records) the columnar copies. */
function viewStatements(view: ViewShape, parquet: readonly string[], json: {glob: string} | readonly string[] | undefined, maximumObjectSize: number): string[] {
  if (view.wholeRecords) return json === undefined ? [] : [duckdbViewSql({name: LOCAL_VIEW, files: json, maximumObjectSize, ...view})]
  const jsonView = json !== undefined && ('glob' in json || json.length > 0)
  return [
    ...(jsonView ? [duckdbViewSql({name: 'lakegov_json', files: json, maximumObjectSize, ...view})] : []),
    duckdbColumnsViewSql({name: LOCAL_VIEW, parquet, views: jsonView ? ['lakegov_json'] : [], fields: view.fields}),
  ]
}

/** Runs a query over the window's objects. */
export async function runLocal(query: ActivityQuery, ask: ActivityAsk, window: WindowObjects, ports: LocalPorts, options: LocalOptions): Promise<EngineAnswer> {
  const stats: Record<string, number> = {objects: window.objects.length, bytes: window.bytes, prefixes: window.prefixes, downloaded: 0, downloadedBytes: 0, cached: 0}
  options.progress(`local: ${window.objects.length} files (${mib(window.bytes)}) in ${window.regions.length} region(s): ${window.regions.join(', ') || 'none'}`)
  const {statement, view} = statementOf(query, ask)
  const sources = sourcesOf(window, view, options)
  const fetched = await fetchObjects(sources.objects, ports, options, stats)
  // The downloads' garbage, collected before DuckDB takes its share of memory (collect-garbage.ts).
  if (stats.downloaded > 0) collectGarbage()
  stats.cached += window.objects.length - sources.objects.length
  stats.columnarDays = sources.copied.length
  stats.files = fetched.files.length
  options.progress(`local: ${window.objects.length} files, ${stats.downloaded} downloaded (${mib(stats.downloadedBytes)}), ${stats.cached} from the cache${sources.copied.length > 0 ? ` (${sources.copied.length} day folder(s) as columns)` : ''}`)
  const skipped = [...sources.copied.flatMap((day) => day.meta?.skipped ?? []), ...fetched.skipped]
  const answer = answerOf(ask, window, skipped, stats)
  if (fetched.files.length === 0 && sources.copied.length === 0) return answer([], 0)
  const db = await DuckDb.open(options.limits)
  const folder = fetched.files.length > 0 ? await options.cache.runFolder(fetched.files) : undefined
  try {
    return await queryLocal({db, statement, view, ask, window, options, answer}, sources, fetched, folder)
  } finally {
    db.close()
    await folder?.release()
  }
}

/** What queryLocal works with. */
interface LocalRun {
  db: DuckDb
  statement: SqlStatement
  view: ViewShape
  ask: ActivityAsk
  window: WindowObjects
  options: LocalOptions
  answer: (rows: Record<string, unknown>[], sunk: number, more?: SkippedObject[]) => EngineAnswer
}

/**
 * Writes the columnar copies of the days read from files (unless the ask is a stream), then runs the
 * statement over the copies and the rest; when DuckDB fails on the files, finds the unreadable ones,
 * skips them and runs again.
 */
async function queryLocal(run: LocalRun, sources: LocalSources, fetched: FetchedObjects, folder: RunFolder | undefined): Promise<EngineAnswer> {
  const {db, statement, view, ask, window, options} = run
  const sink = ask.kind === 'events' ? ask.sink : undefined
  const written = new Map<DayFolder, string>()
  const filesOf = (day: DayFolder) => day.objects.flatMap((object) => fetched.objectFiles.get(object.key) ?? [])
  // A stream reads copies that cover it, but writes none (local-columns.ts).
  if (folder && sources.pending.length > 0 && !sink) {
    const days = sources.pending.map((day) => ({day, files: filesOf(day)}))
    await retryOnOneThread(db, () => mapOutOfMemory(() => writeColumns(days, {db, cache: options.cache, folder, fields: view.fields, skipped: fetched.skipped, progress: options.progress}, written), options, fetched.files.length, window.bytes), options)
    options.progress(`local: wrote the columnar copies of ${written.size}/${sources.pending.length} day folder(s)`)
  }
  const parquet = [...sources.copied.flatMap((day) => day.meta?.parquet ?? []), ...written.values()]
  let files = view.wholeRecords ? fetched.files : sources.pending.filter((day) => !written.has(day)).flatMap(filesOf)
  const json = () => (view.wholeRecords ? (folder ? {glob: folder.glob} : undefined) : [...new Set(files.map((file) => folder?.globBeside(file) ?? file))])
  // From the gzip trailers of every file: read again only when the files change, not on each attempt.
  let maximumObjectSize = files.length > 0 ? maximumObjectSizeOf(files) : 0
  let sunk = 0
  const attempt = async () => {
    for (const sql of viewStatements(view, parquet, files.length > 0 ? json() : undefined, maximumObjectSize)) await db.run(sql)
    if (!sink) return db.query(statement.text, statement.params)
    sunk = await sinkRows(db, statement, sink)
    return []
  }
  const again = () => retryOnOneThread(db, () => mapOutOfMemory(attempt, options, fetched.files.length, window.bytes), options)
  try {
    return run.answer(await again(), sunk)
  } catch (error) {
    if (error instanceof LakegovError || files.length === 0) throw error
    options.progress(`local: the query failed (${(error as Error).message.split('\n')[0]}); checking the files one by one`)
    const bad = await unreadableFiles(db, files, view)
    if (bad.size === 0) throw error
    const skipped = await skipUnreadable(bad, fetched.objectFiles, window, options)
    files = files.filter((file) => !bad.has(file))
    maximumObjectSize = files.length > 0 ? maximumObjectSizeOf(files) : 0
    await folder?.drop([...bad.keys()])
    if (files.length === 0 && parquet.length === 0) return run.answer([], 0, skipped)
    return run.answer(await again(), sunk, skipped)
  }
}

/** Runs DuckDB work, its out-of-memory failures said as what to change (outOfMemory). */
async function mapOutOfMemory<T>(work: () => Promise<T>, options: LocalOptions, files: number, bytes: number): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw isResourceError(error) ? outOfMemory(error, options.limits, files, bytes) : error
  }
}

/** The engine's answer from the statement's rows (or the events handed to a sink), with the skipped objects. */
function answerOf(ask: ActivityAsk, window: WindowObjects, skipped: SkippedObject[], stats: Record<string, number>) {
  return (rows: Record<string, unknown>[], sunk: number, more: SkippedObject[] = []): EngineAnswer => {
    const all = [...skipped, ...more]
    if (ask.kind === 'summary') {
      const groups = rows.map(groupCountOfRow)
      stats.events = groups.reduce((sum, group) => sum + group.count, 0)
      return {engine: 'local', regions: window.regions, groups, skipped: all, stats}
    }
    stats.events = sunk
    if (ask.sink) return {engine: 'local', regions: window.regions, skipped: all, stats}
    const events = rows.map(ask.full ? wholeRecordOfRow : recordOfRow)
    stats.events = events.length
    return {engine: 'local', regions: window.regions, events, skipped: all, stats, ...(ask.full ? {fullRecords: true} : {})}
  }
}

/** A SQL row of the events query (structs as JSON text) as the projected record. */
export function recordOfRow(row: Record<string, unknown>): Record<string, unknown> {
  return projectRecord(row)
}

/** A row of the records query as the whole record (RECORD_JSON_COLUMN is one record's JSON text). */
function wholeRecordOfRow(row: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(String(row[RECORD_JSON_COLUMN])) as Record<string, unknown>
}
