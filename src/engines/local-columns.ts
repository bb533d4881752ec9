/**
 * The local engine's columnar cache. Parsing the JSON of every record was most of a warm run: 26,000
 * files of 30 days took DuckDB some 5 to 10 s each time, for the same answer. So once a day folder's
 * objects are cached, the engine writes their records once more, parsed into the table's columns, as
 * one Parquet file per day folder (ObjectCache.columnsEntryOf), and later runs over the same objects
 * read those: the same rows, a few columns of them (issue 14's bench).
 *
 * Decisions:
 * - A copy is keyed by the day folder's whole listing (every key and ETag), so a late delivery, a
 *   rewritten or a removed object makes another copy: an old copy is never read for a new listing.
 * - A copy holds the fields its runs asked for (the view's fields), not every field: reading all of
 *   them cost a cold run about twice the JSON parsing. A run that asks for a field a copy lacks reads
 *   the day's files and writes the copy again with the union of the fields, so the copies converge
 *   on what a team asks.
 * - Whole records (`alarms test`) are raw JSON, which the copies do not hold: those asks read the files.
 * - A stream (an events ask with a sink: who read the logs, anomalies, the report) reads the copies
 *   that cover its fields but writes none. Its time is the sink's work on each row, not the scan: the
 *   reads' 519,000 events of 30 days streamed in about 14 s from copies and 15 s from the JSON, while
 *   writing the copies of their twelve fields first cost 15 to 24 s more and took the process to 500
 *   MB and over (issue 15's goal; 1,000,000 events in 1,200 files, issue 14's bench).
 * - A day whose files DuckDB cannot read gets no copy and is read as JSON, where the engine's
 *   one-by-one check finds and skips the bad file; the next run copies the day.
 */
import {createHash} from 'node:crypto'
import {rmSync} from 'node:fs'

import {RECORD_FIELDS} from '../core/activity/record'
import {duckdbColumnsCopySql, duckdbViewSql} from '../core/activity/sql'
import type {ColumnsCopy, ColumnsEntry, ObjectCache, RunFolder} from '../io/activity-cache'
import {isResourceError, maximumObjectSizeOf, type DuckDb} from './duckdb'
import type {ProgressSink, SkippedObject} from './types'
import type {WindowObject} from './window-objects'

/** A day folder of the window's listing (…/CloudTrail/REGION/YYYY/MM/DD/) and its columnar copy. */
export interface DayFolder {
  /** The folder's key prefix, ending in a slash. */
  prefix: string
  /** Its objects. */
  objects: WindowObject[]
  /** Where its copy of exactly these objects is. */
  entry: ColumnsEntry
  /** What that copy holds, and its file, when there is one. */
  meta?: ColumnsCopy
}

/**
 * The copies' format: the record's fields and their types, which the copies' columns follow. A
 * lakegov whose table shape differs (a field or a struct member more) never reads another's copies.
 */
const COPY_FORMAT = `parquet-1:${createHash('sha256').update(JSON.stringify(RECORD_FIELDS)).digest('hex').slice(0, 16)}`

/** The listing's objects by day folder, each with its copy's metadata when the cache has one. */
export function dayFoldersOf(objects: readonly WindowObject[], bucket: string, cache: ObjectCache): DayFolder[] {
  const byPrefix = new Map<string, WindowObject[]>()
  for (const object of objects) {
    const prefix = object.key.slice(0, object.key.lastIndexOf('/') + 1)
    const list = byPrefix.get(prefix)
    if (list) list.push(object)
    else byPrefix.set(prefix, [object])
  }
  return [...byPrefix].map(([prefix, dayObjects]) => {
    const entry = cache.columnsEntryOf(bucket, prefix, dayObjects, COPY_FORMAT)
    const meta = cache.readColumns(entry)
    return {prefix, objects: dayObjects, entry, ...(meta ? {meta} : {})}
  })
}

/** Whether a day's copy has every one of the fields. */
export function copyCovers(day: DayFolder, fields: readonly string[]): boolean {
  const held = new Set(day.meta?.fields ?? [])
  return day.meta !== undefined && fields.every((field) => held.has(field))
}

/** What writeColumns needs. */
export interface ColumnsContext {
  db: DuckDb
  cache: ObjectCache
  /** The run's folder of links to the cached files. */
  folder: RunFolder
  /** The fields the run's view reads. */
  fields: readonly string[]
  /** The objects skipped while fetching, which each day's copy remembers. */
  skipped: readonly SkippedObject[]
  progress: ProgressSink
}

/**
 * Writes the copies of days read from their files (`files`: each day's cached files), skipping days
 * already in `written`, which it fills with each day's Parquet file. A day DuckDB cannot read is left
 * out (progress says why); running out of memory is thrown, for the caller to run again.
 *
 * On all of DuckDB's threads, whatever the fields: one thread bought no memory. Writing every field's
 * copies (`activity events` over 30 days, 1,000,000 events) took 23 s at 450 to 470 MB on two threads
 * against 30 to 33 s at 475 to 480 MB on one, in 26,000 small files; in 1,200 large files, 14 to 19 s
 * at about 385 MB against 28 s at about 420 MB (issue 14's bench data, runLocal alone).
 */
export async function writeColumns(days: ReadonlyArray<{day: DayFolder; files: string[]}>, context: ColumnsContext, written: Map<DayFolder, string>): Promise<void> {
  let lastReport = Date.now()
  for (const [index, {day, files}] of days.entries()) {
    if (files.length === 0 || written.has(day)) continue
    const fields = [...new Set([...context.fields, ...(day.meta?.fields ?? [])])]
    const temporary = context.cache.columnsTemporary(day.entry)
    const skipped = context.skipped.filter((object) => object.key.startsWith(day.prefix) && !object.key.slice(day.prefix.length).includes('/'))
    let parquet: string
    try {
      await context.db.run(duckdbViewSql({name: 'lakegov_day', files: {glob: context.folder.globBeside(files[0])}, maximumObjectSize: maximumObjectSizeOf(files), fields}))
      await context.db.run(duckdbColumnsCopySql({from: 'lakegov_day', file: temporary, fields}))
      parquet = context.cache.commitColumns(day.entry, {fields, skipped: skipped.map(({key, reason}) => ({key, reason}))})
    } catch (error) {
      // DuckDB could not read a file, or the commit failed (a clear-cache meanwhile, a full disk).
      rmSync(temporary, {force: true})
      if (isResourceError(error)) throw error
      context.progress(`local: no columnar copy of ${day.prefix} (${(error as Error).message.split('\n')[0]}); its files are read as JSON`)
      continue
    }
    written.set(day, parquet)
    if (Date.now() - lastReport > 1000) {
      lastReport = Date.now()
      context.progress(`local: columnar copies: ${index + 1}/${days.length} day folders`)
    }
  }
}
