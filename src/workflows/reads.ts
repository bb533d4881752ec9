/**
 * The reads of a window (issue 15), shared by `activity reads` and `activity anomalies`: asks the
 * chosen activity engine for the events a read is made of, and gives the lake's reads context
 * (its log bucket, table and expected roles) that deriveReads joins them with.
 */
import {READ_FIELDS, ReadsCollector, type ReadEvent, type ReadsContext} from '../core/activity/reads'
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
 * is kept, so a 30-day baseline of hundreds of thousands of read events fits in memory. Without
 * `keepObjects`, the Lake Formation reads' S3 objects are not kept either (ReadsCollector).
 */
export async function readWindowReads(run: QueryRunner, query: ActivityQuery, context: ReadsContext, progress: (line: string) => void, options: {keepObjects?: boolean} = {}): Promise<WindowReads> {
  const names = READ_EVENTS.map(([, eventName]) => eventName)
  progress(`reads: ${names.join(', ')} from ${query.window.from} to ${query.window.to}`)
  const collector = new ReadsCollector(context, options)
  const answer = await run({...query, filters: {...query.filters, eventNames: names}}, {kind: 'events', fields: READ_FIELDS, sink: (events) => collector.add(events)})
  return {reads: collector.reads(), getObjects: collector.getObjects, engine: answer.engine, reason: answer.reason, regions: [...answer.regions].sort()}
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
