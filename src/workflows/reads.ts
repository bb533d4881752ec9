/**
 * The reads of a window (issue 15), shared by `activity reads` and `activity anomalies`: asks the
 * chosen activity engine for the events a read is made of, and gives the lake's reads context
 * (its log bucket, table and expected roles) that deriveReads joins them with.
 */
import type {ReadsContext} from '../core/activity/reads'
import type {ActivityQuery} from '../core/activity/query'
import type {CloudTrailRecord} from '../core/activity/record'
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

/** The records of a window and the engine that read them. */
export interface ReadRecords {
  /** The records: only the read events, or every event of the window with `all`. */
  records: CloudTrailRecord[]
  /** The engine that answered. */
  engine: string
  /** Why that engine. */
  reason: string
  /** The regions read, sorted. */
  regions: string[]
}

/**
 * The window's read events, in one question for the three read events (LookupEvents, which takes
 * one event name per call and has no data events, makes one call series per management event).
 * With `all`, one question for every event of the window: `activity anomalies` needs the lake's
 * governance calls and errors as well as the reads, and asks for the window once.
 */
export async function readReadRecords(run: QueryRunner, query: ActivityQuery, progress: (line: string) => void, options: {all?: boolean} = {}): Promise<ReadRecords> {
  const names = READ_EVENTS.map(([, eventName]) => eventName)
  const part: ActivityQuery = options.all ? query : {...query, filters: {...query.filters, eventNames: names}}
  progress(`reads: ${options.all ? 'every event' : names.join(', ')} from ${part.window.from} to ${part.window.to}`)
  // Every read event: no LIMIT (a large LIMIT makes DuckDB's top-N preallocate far past the rows there are).
  const answer = await run(part, {kind: 'events'})
  return {records: answer.events ?? [], engine: answer.engine, reason: answer.reason, regions: [...answer.regions].sort()}
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

/** The warning when direct reads cannot be seen, else null. */
export function directReadsBanner(lake: LakeConfig, engine: string, records: readonly CloudTrailRecord[]): string | null {
  if (engine === 'lookup') return 'the lookup engine (LookupEvents) never returns S3 data events: direct reads are invisible here. Use --engine local or athena.'
  if (records.some((record) => record.eventName === 'GetObject')) return null
  return `no S3 GetObject data events on s3://${lake.bucket.name}/${lake.bucket.prefix} in the window: if the trail does not log them, direct reads are invisible (set trail.dataEvents.logReads: true in lake.yaml and run lakegov bootstrap to log them).`
}
