/**
 * The embedded DuckDB, loaded on first use: @duckdb/node-api is a native module of tens of megabytes,
 * and no command but the local engine may pay for loading it.
 */
import type {DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'

import {DUCKDB_MACROS} from '../core/activity/sql'

/** DuckDB's limits for a run. */
export interface DuckDbLimits {
  /** memory_limit, such as 512MB. */
  memoryLimit: string
  /** threads. */
  threads: number
}

/**
 * Issue 14's out-of-memory, measured (duckdb_memory() polled during the query, DuckDB 1.5.6): with the
 * optimizer's filter pushdown, the window filter (eventid IS NOT NULL AND eventtime ...) runs directly
 * on the UNNEST of each file's Records, and the events query (GROUP BY eventid, any_value of every
 * column, nested structs included) then held about 7 MiB of the ALLOCATOR tag per input file,
 * whatever the file's size, maximum_object_size or threads: 120 small files (3,000 events, 30 days)
 * peaked at 920 MiB and failed at memory_limit 400MB; the same events in 30 files peaked at 220 MiB.
 * A narrow aggregate (eventid, eventtime) or no filter stayed near 110 MiB. With filter_pushdown
 * disabled the filter runs above the view's projection: the same query peaks at 113 MiB, 30 days of
 * 1,440 files (36,000 events) at about 300 MiB, 90 days of 2,160 files at about 390 MiB, with the
 * same rows; summaries also got cheaper (250 to 140 MiB on 1,440 files). The local engine hands
 * DuckDB only the window's files, so the file pruning pushdown would give is not needed here.
 */
const DISABLE_FILTER_PUSHDOWN = "SET disabled_optimizers = 'filter_pushdown'"

/** A connection with the Trino shims defined. */
export class DuckDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(limits: DuckDbLimits): Promise<DuckDb> {
    const duckdb = require('@duckdb/node-api') as typeof import('@duckdb/node-api')
    const instance = await duckdb.DuckDBInstance.create(':memory:', {memory_limit: limits.memoryLimit, threads: String(limits.threads), enable_external_access: 'true'})
    const connection = await instance.connect()
    await connection.run(DISABLE_FILTER_PUSHDOWN)
    for (const macro of DUCKDB_MACROS) await connection.run(macro)
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
    const prepared = await this.connection.prepare(sql)
    params.forEach((value, index) => prepared.bindVarchar(index + 1, value))
    const result = await prepared.stream()
    const rows: Record<string, unknown>[] = []
    for await (const chunk of result.yieldRowObjectJson()) for (const row of chunk) rows.push(row as Record<string, unknown>)
    return rows
  }

  close(): void {
    this.connection.closeSync()
    this.instance.closeSync()
  }
}
