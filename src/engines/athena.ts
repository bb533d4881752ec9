/**
 * The athena engine: the shared SQL against the CloudTrail table `lakegov table` creates, values as
 * ExecutionParameters, polled with backoff, results paged 1000 rows at a time. It reports the bytes
 * scanned and their cost, refuses before starting a scan larger than --max-scan, and Ctrl-C stops the
 * query (a cancelled query is billed for what it scanned: Athena pricing).
 */
import {athenaCostUsd} from '../core/activity/engine-choice'
import {athenaParameter, eventColumns, eventStreamSql, eventsSql, groupCountOfRow, summarySql, type SqlTable} from '../core/activity/sql'
import type {ActivityQuery} from '../core/activity/query'
import {projectRecord} from '../core/activity/record'
import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {ActivityAsk, EngineAnswer, ProgressSink} from './types'

/** The Athena calls the engine makes. */
export interface AthenaPorts {
  /** StartQueryExecution; the query's id. */
  start(request: {sql: string; parameters: string[]; database: string; workGroup: string; outputLocation?: string}): Promise<string>
  /** GetQueryExecution. */
  status(id: string): Promise<{state: string; scannedBytes: number; reason?: string}>
  /** One GetQueryResults page of 1000 rows. */
  resultsPage(id: string, nextToken: string | undefined): Promise<{rows: (string | undefined)[][]; nextToken?: string}>
  /** StopQueryExecution. */
  stop(id: string): Promise<void>
}

/** Options of an Athena run. */
export interface AthenaOptions {
  /** The Glue database. */
  database: string
  /** The table and its partition keys. */
  table: {name: string; partitionKeys: string[]}
  /** The workgroup. */
  workGroup: string
  /** The result location, unless the workgroup sets one. */
  outputLocation?: string
  /** The regions the answer covers, for the report. */
  regions: string[]
  /** Progress lines. */
  progress: ProgressSink
  /** Waits; setTimeout by default (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>
  /** First poll delay and the cap of the backoff, ms. */
  backoff?: {initial: number; max: number}
  /** Registers a Ctrl-C handler; returns its removal. Defaults to process SIGINT. */
  onInterrupt?: (handler: () => void) => () => void
}

function defaultOnInterrupt(handler: () => void): () => void {
  process.once('SIGINT', handler)
  return () => process.removeListener('SIGINT', handler)
}

/** A page of result rows, keyed by the header row's names. */
type RowsSink = (rows: Record<string, string | undefined>[]) => void

/**
 * Runs a statement and returns its rows keyed by the header row's names; with `onRows`, hands each
 * page's rows to it instead and returns none.
 */
export async function runAthenaQuery(sql: string, params: readonly string[], ports: AthenaPorts, options: AthenaOptions, onRows?: RowsSink): Promise<{rows: Record<string, string | undefined>[]; scannedBytes: number; id: string; polls: number; pages: number; rowCount: number}> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const id = await ports.start({sql, parameters: params.map(athenaParameter), database: options.database, workGroup: options.workGroup, ...(options.outputLocation ? {outputLocation: options.outputLocation} : {})})
  options.progress(`athena: query ${id} started in workgroup ${options.workGroup}`)
  let interrupted = false
  const removeHandler = (options.onInterrupt ?? defaultOnInterrupt)(() => {
    interrupted = true
    options.progress(`athena: stopping query ${id}...`)
    void ports.stop(id).catch(() => undefined)
  })
  try {
    let delay = options.backoff?.initial ?? 250
    const maxDelay = options.backoff?.max ?? 5000
    let polls = 0
    let lastState = ''
    let status: {state: string; scannedBytes: number; reason?: string}
    for (;;) {
      status = await ports.status(id)
      polls += 1
      if (status.state !== lastState) {
        options.progress(`athena: ${status.state}, ${status.scannedBytes} bytes scanned`)
        lastState = status.state
      }
      if (status.state === 'SUCCEEDED' || status.state === 'FAILED' || status.state === 'CANCELLED') break
      if (interrupted) {
        await ports.stop(id)
      }
      await sleep(delay)
      delay = Math.min(maxDelay, Math.ceil(delay * 1.5))
    }
    if (status.state === 'CANCELLED' || interrupted) {
      throw new LakegovError(`The Athena query ${id} was cancelled after scanning ${status.scannedBytes} bytes.`, {exitCode: ExitCode.Internal, code: 'ATHENA_CANCELLED', suggestions: ['Run it again; a cancelled query is billed for what it scanned.']})
    }
    if (status.state === 'FAILED') {
      throw new LakegovError(`The Athena query ${id} failed: ${status.reason ?? 'no reason given'}.`, {exitCode: ExitCode.Internal, code: 'ATHENA_FAILED', suggestions: ['Check that the table is the one `lakegov table` creates (run lakegov table to repair it).']})
    }
    const rows: Record<string, string | undefined>[] = []
    let rowCount = 0
    let header: string[] = []
    let nextToken: string | undefined
    let pages = 0
    do {
      const page = await ports.resultsPage(id, nextToken)
      // For a SELECT, the first row of the first page only is the column names (Athena API reference, GetQueryResults).
      const data = pages === 0 ? page.rows.slice(1) : page.rows
      if (pages === 0) header = (page.rows[0] ?? []).map((name) => name ?? '')
      pages += 1
      const keyed = data.map((cells) => Object.fromEntries(header.map((name, index) => [name, cells[index]])))
      rowCount += keyed.length
      if (onRows) onRows(keyed)
      else rows.push(...keyed)
      nextToken = page.nextToken
      if (pages % 10 === 0) options.progress(`athena: ${rowCount} rows read`)
    } while (nextToken)
    return {rows, scannedBytes: status.scannedBytes, id, polls, pages, rowCount}
  } finally {
    removeHandler()
  }
}

/** Answers a query with Athena. */
export async function runAthena(query: ActivityQuery, ask: ActivityAsk, ports: AthenaPorts, options: AthenaOptions): Promise<EngineAnswer> {
  const table: SqlTable = options.table
  const sink = ask.kind === 'events' ? ask.sink : undefined
  const statement = ask.kind === 'summary' ? summarySql(query, ask.by, table) : sink ? eventStreamSql(query, table, ask.fields) : eventsSql(query, ask.limit, table, eventColumns(ask.fields))
  const result = await runAthenaQuery(statement.text, statement.params, ports, options, sink ? (rows) => sink(rows.map((row) => projectRecord(row))) : undefined)
  const cost = athenaCostUsd(result.scannedBytes)
  options.progress(`athena: ${result.scannedBytes} bytes scanned, about $${cost.toFixed(6)} at $5 per TB`)
  const stats = {scannedBytes: result.scannedBytes, costUsd: cost, pages: result.pages, polls: result.polls}
  if (ask.kind === 'summary') return {engine: 'athena', regions: options.regions, groups: result.rows.map(groupCountOfRow), skipped: [], stats}
  if (sink) return {engine: 'athena', regions: options.regions, skipped: [], stats: {...stats, events: result.rowCount}}
  return {engine: 'athena', regions: options.regions, events: result.rows.map((row) => projectRecord(row)), skipped: [], stats}
}
