/**
 * The composition of `lakegov activity anomalies` (issue 15): the baseline's reads and the
 * window's events, each read ONCE through the reads workflow (src/workflows/reads.ts), then the
 * pure rules (src/core/activity/anomalies.ts).
 *
 * The baseline ends where the window starts, so a window's own reads never make its baseline.
 * The baseline asks only for the read events; the window asks for every event, because LA006
 * (refusals on the lake) and LA007 (governance changes) look at calls other than reads.
 */
import {anomaliesReport, baselineFold, isAnomalyWindowEvent, type AnomaliesReport, type LakeScope} from '../core/activity/anomalies'
import {deliveryEndOf, isoSecond, type ActivityQuery, type TimeWindow} from '../core/activity/query'
import {READ_FIELDS, ReadsCollector, type ReadEvent, type ReadsContext} from '../core/activity/reads'
import type {CloudTrailRecord} from '../core/activity/record'
import type {Severity} from '../core/audit/findings'
import type {LakeConfig} from '../core/lake/config'
import type {EventSink} from '../engines/types'
import {directReadsBanner, readsContextOf, streamWindowReads, type QueryRunner} from './reads'

/** What the command passes in. */
export interface AnomaliesOptions {
  /** The log database (--database, else lake.yaml's). */
  database: string
  /** The log table (--table). */
  table?: string
  /** --baseline, in ms. */
  baselineMs: number
  /** --fail-on. */
  failOn?: Severity
  /** Progress lines. */
  progress: (line: string) => void
}

/** The report plus how it was read. */
export interface AnomaliesRun extends AnomaliesReport {
  /** The engine that answered. */
  engine: string
  /** The regions read. */
  regions: string[]
  /** Why direct reads may be invisible, else null. */
  banner: string | null
}

/** The baseline window: `baselineMs` long, ending where the window starts. */
export function baselineWindow(window: TimeWindow, baselineMs: number): TimeWindow {
  return {from: isoSecond(Date.parse(window.from) - baselineMs), to: window.from}
}

/** The window as the anomaly rules need it: its reads, and its refusals and governance calls on the lake. */
export interface AnomalyWindow {
  /** The window's reads (deriveReads), denied ones included. */
  reads: ReadEvent[]
  /** The window's events the event rules look at (isAnomalyWindowEvent): refusals and governance changes. */
  events: CloudTrailRecord[]
  /** How many S3 GetObject events the window had. */
  getObjects: number
  /** The engine that answered. */
  engine: string
  /** The regions read, sorted. */
  regions: string[]
}

/** The record fields the window's rules and the report's figures read. */
const WINDOW_FIELDS: readonly string[] = [...READ_FIELDS, 'awsRegion']

/** What the anomaly rules know of the lake. */
export function lakeScopeOf(lake: LakeConfig, database: string, context: ReadsContext): LakeScope {
  return {
    bucket: lake.bucket.name,
    ...(lake.trail ? {trail: {name: lake.trail.name}} : {}),
    databases: [database.toLowerCase()],
    expected: context.expected.map((entry) => entry.arn),
  }
}

/**
 * Every event of the window in one question, streamed (an events ask with a sink): the reads are
 * joined as they come, only the events the rules look at are kept, and `also` (the report's figures)
 * sees every event. No other record is kept, so a 30-day window of a busy account fits in memory.
 */
export async function readAnomalyWindow(run: QueryRunner, query: ActivityQuery, context: ReadsContext, scope: LakeScope, progress: (line: string) => void, also?: EventSink): Promise<AnomalyWindow> {
  progress(`events: every event from ${query.window.from} to ${query.window.to}`)
  const collector = new ReadsCollector(context, {keepObjects: false})
  const events: CloudTrailRecord[] = []
  const answer = await run(query, {
    kind: 'events',
    fields: WINDOW_FIELDS,
    sink: (batch) => {
      collector.add(batch)
      for (const record of batch) if (isAnomalyWindowEvent(record, scope)) events.push(record)
      also?.(batch)
    },
  })
  return {reads: collector.reads(), events, getObjects: collector.getObjects, engine: answer.engine, regions: [...answer.regions].sort()}
}

/**
 * Reads the baseline and the window once each and judges the window. `window`, when given, is the
 * window already read (the report reads it once for all its sections).
 */
export async function runAnomalies(run: QueryRunner, query: ActivityQuery, lake: LakeConfig, options: AnomaliesOptions, window?: AnomalyWindow): Promise<AnomaliesRun> {
  const context = readsContextOf(lake, options.database, options.table)
  const scope = lakeScopeOf(lake, options.database, context)
  const baseline = baselineWindow(query.window, options.baselineMs)
  options.progress(`baseline: ${baseline.from} to ${baseline.to}`)
  // The profile looks at who read when and from where, never at a read's S3 objects; each read is folded in as it is joined.
  const {profile, stream} = baselineFold(baseline)
  const before = await streamWindowReads(run, {window: baseline, filters: query.filters, deliveredBy: deliveryEndOf(baseline, Date.parse(query.deliveredBy ?? query.window.to))}, context, options.progress, stream)
  options.progress(`window: ${query.window.from} to ${query.window.to}`)
  const now = window ?? (await readAnomalyWindow(run, query, context, scope, options.progress))
  const report = anomaliesReport({baseline: profile, window: query.window, reads: now.reads, events: now.events, scope}, options.failOn)
  const regions = [...new Set([...before.regions, ...now.regions])].sort()
  return {...report, engine: now.engine, regions, banner: directReadsBanner(lake, now.engine, now.getObjects)}
}
