/**
 * The reads of a window (issue 15), shared by `activity reads` and `activity anomalies`: asks the
 * chosen activity engine for the events a read is made of, and gives the lake's reads context
 * (its log bucket, table and expected roles) that deriveReads joins them with.
 */
import {READ_FIELDS, ReadsCollector, type ReadEvent, type ReadStream, type ReadsContext} from '../core/activity/reads'
import type {ActivityQuery} from '../core/activity/query'
import {logTableOf} from '../core/catalog/table-options'
import {locationUrlOf, type LakeConfig} from '../core/lake/config'
import type {ActivityAsk} from '../engines/types'
import type {ActivityRun} from './activity'

/** The CloudTrail events a read is made of: Lake Formation's credential vends, the S3 reads, and Athena's queries. */
export const READ_EVENTS: ReadonlyArray<[string, string]> = [
  ['lakeformation.amazonaws.com', 'GetDataAccess'],
  ['s3.amazonaws.com', 'GetObject'],
  ['athena.amazonaws.com', 'StartQueryExecution'],
]

/** Runs one query on the chosen engine (ActivityCommand.runQuery). */
export type QueryRunner = (query: ActivityQuery, ask: ActivityAsk) => Promise<ActivityRun>

/** The reads of a window, joined, and how they were read. */
export interface WindowReads {
  /** The reads (deriveReads), denied ones included. */
  reads: ReadEvent[]
  /** How many S3 GetObject events the window had (none: direct reads may be invisible). */
  getObjects: number
  /** The engine that answered. */
  engine: string
  /** Why that engine. */
  reason: string
  /** The regions read, sorted. */
  regions: string[]
}

/**
 * The window's reads, joined as the events arrive: one question for the three read events, narrowed
 * to the fields the join reads (READ_FIELDS), handed to a ReadsCollector batch by batch. No record
 * is kept, so a 30-day window of hundreds of thousands of read events fits in memory.
 */
export async function readWindowReads(run: QueryRunner, query: ActivityQuery, context: ReadsContext, progress: (line: string) => void): Promise<WindowReads> {
  const collector = new ReadsCollector(context)
  const answer = await askForReads(run, query, collector, progress)
  return {reads: collector.reads(), ...answer}
}

/**
 * The window's reads handed to `stream` as they are joined (ReadStream), none kept, and without
 * their S3 objects: the anomalies baseline folds them straight into its profile.
 */
export async function streamWindowReads(run: QueryRunner, query: ActivityQuery, context: ReadsContext, progress: (line: string) => void, stream: ReadStream): Promise<Omit<WindowReads, 'reads'>> {
  const collector = new ReadsCollector(context, {keepObjects: false, stream})
  const answer = await askForReads(run, query, collector, progress)
  collector.finish()
  return answer
}

/** One question for the three read events, each batch handed to the collector. */
async function askForReads(run: QueryRunner, query: ActivityQuery, collector: ReadsCollector, progress: (line: string) => void): Promise<Omit<WindowReads, 'reads'>> {
  const names = READ_EVENTS.map(([, eventName]) => eventName)
  progress(`reads: ${names.join(', ')} from ${query.window.from} to ${query.window.to}`)
  const answer = await run({...query, filters: {...query.filters, eventNames: names}}, {kind: 'events', fields: READ_FIELDS, sink: (events) => collector.add(events)})
  return {getObjects: collector.getObjects, engine: answer.engine, reason: answer.reason, regions: [...answer.regions].sort()}
}

/** The lake's reads context: its log bucket and prefix, the log table, and the expected readers. */
export function readsContextOf(lake: LakeConfig, database: string, table: string | undefined): ReadsContext {
  const expected = [...('role' in lake.registration ? [{arn: lake.registration.role, reason: 'registration-role'}] : []), ...(lake.crawler ? [{arn: lake.crawler.role, reason: 'crawler-role'}] : [])]
  return {
    bucket: lake.bucket.name,
    prefix: lake.bucket.prefix,
    tables: [{database: database.toLowerCase(), table: logTableOf(table, lake).toLowerCase(), location: locationUrlOf(lake.bucket)}],
    expected,
  }
}

/** The warning when direct reads cannot be seen (the engine gives no data events, or the window had no GetObject), else null. */
export function directReadsBanner(lake: LakeConfig, engine: string, getObjects: number): string | null {
  if (engine === 'lookup') return 'the lookup engine (LookupEvents) never returns S3 data events: direct reads are invisible here. Use --engine local or athena.'
  if (getObjects > 0) return null
  return `no S3 GetObject data events on s3://${lake.bucket.name}/${lake.bucket.prefix} in the window: if the trail does not log them, direct reads are invisible (set trail.dataEvents.logReads: true in lake.yaml and run lakegov bootstrap to log them).`
}
