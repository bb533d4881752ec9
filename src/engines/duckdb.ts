/**
 * The embedded DuckDB, loaded on first use: @duckdb/node-api is a native module of tens of megabytes,
 * and no command but the local engine may pay for loading it.
 */
import {tmpdir} from 'node:os'
import path from 'node:path'

import type {DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'

import {DUCKDB_MACROS} from '../core/activity/sql'
import {gzipUncompressedSize} from '../io/activity-cache'

/** DuckDB's limits for a run. */
export interface DuckDbLimits {
  /** memory_limit, such as 512MB. */
  memoryLimit: string
  /** threads. */
  threads: number
}

/**
 * Where DuckDB spills what does not fit its memory limit. An in-memory database has no spill folder
 * unless given one, and then fails with out-of-memory instead: 90 days of 90,000 whole events (the
 * events query sorts and de-duplicates all of them) failed at 400MB without it and ran with it.
 * DuckDB creates the folder and removes its files when the database closes.
 */
function spillDirectory(): string {
  return path.join(tmpdir(), `lakegov-duckdb-spill-${process.pid}`)
}

/**
 * DuckDB reads each file as one JSON object, and its default maximum_object_size (16 MiB) fails on
 * large CloudTrail files (up to 50 MB of gzip). Its read buffer is twice the maximum, so rather than
 * one large fixed value the maximum follows the largest file of the run, read from the gzip trailers,
 * with a floor of 2 MiB (16 MiB, DuckDB's default, was a 32 MiB buffer for files of some kilobytes).
 */
export function maximumObjectSizeOf(files: readonly string[]): number {
  let largest = 0
  for (const file of files) largest = Math.max(largest, gzipUncompressedSize(file))
  return Math.max(2 * 1024 ** 2, largest + 1024 ** 2)
}

/** Whether DuckDB failed for want of memory (the machine's problem, not a file's). */
export function isResourceError(error: unknown): boolean {
  return /out of memory|memory limit|could not allocate|failed to allocate/i.test((error as Error).message)
}

/**
 * Settings that keep a run's memory down, at no cost to its answers or its time (issue 14's bench,
 * 519,000 events of 30 days streamed to a sink from the columnar copies of local-columns.ts):
 * - streaming_buffer_size 64KB: how much of a streamed result DuckDB computes ahead of its reader.
 *   Reading Parquet, DuckDB outran the sink that parses each row, and the process peaked at 486 MB
 *   with the default against 357 MB with this, in the same 6 s.
 * - preserve_insertion_order false: rows of a query without ORDER BY may come in any order, so the
 *   threads need not hold rows back to keep the read order. Every statement that needs an order says
 *   so (the events query), and a sink takes its batches in no particular order (EventSink). DuckDB
 *   also wrote the 30 days' copies in 8.7 s with it, against 19.8 s.
 * - enable_external_file_cache false: each file is read once per run, so keeping its blocks in the
 *   buffer pool only takes memory.
 * - disable_parquet_prefetching true: the copies are local files; reading ahead buys nothing.
 */
const LOW_MEMORY_SETTINGS: readonly string[] = ["SET streaming_buffer_size = '64KB'", 'SET preserve_insertion_order = false', 'SET enable_external_file_cache = false', 'SET disable_parquet_prefetching = true']

/** A connection with the Trino shims defined. */
export class DuckDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(limits: DuckDbLimits): Promise<DuckDb> {
    const duckdb = require('@duckdb/node-api') as typeof import('@duckdb/node-api')
    const instance = await duckdb.DuckDBInstance.create(':memory:', {memory_limit: limits.memoryLimit, threads: String(limits.threads), enable_external_access: 'true', temp_directory: spillDirectory()})
    const connection = await instance.connect()
    // As statements: the parquet setting is refused at start-up, before its (built-in) extension loads.
    for (const statement of [...LOW_MEMORY_SETTINGS, ...DUCKDB_MACROS]) await connection.run(statement)
    return new DuckDb(instance, connection)
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql)
  }

  /**
   * Runs a statement with string parameters and returns its rows as JSON-friendly objects. The result
   * is streamed chunk by chunk: a materialized result of 30,000 whole events (the structs as JSON text)
   * held about 250 MiB inside DuckDB, under its memory limit, on top of what the query itself needs.
   */
  async query(sql: string, params: readonly string[]): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = []
    await this.queryEach(sql, params, (chunk) => rows.push(...chunk))
    return rows
  }

  /** Runs a statement like query, handing each chunk of rows (some 2,048) to `onRows` and keeping none. */
  async queryEach(sql: string, params: readonly string[], onRows: (rows: Record<string, unknown>[]) => void): Promise<void> {
    const prepared = await this.connection.prepare(sql)
    params.forEach((value, index) => prepared.bindVarchar(index + 1, value))
    const result = await prepared.stream()
    for await (const chunk of result.yieldRowObjectJson()) onRows(chunk as Record<string, unknown>[])
  }

  close(): void {
    this.connection.closeSync()
    this.instance.closeSync()
  }
}
