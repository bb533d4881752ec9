/**
 * The composition of `lakegov activity anomalies` (issue 15): the baseline's reads and the
 * window's events, each read ONCE through the reads workflow (src/workflows/reads.ts), then the
 * pure rules (src/core/activity/anomalies.ts).
 *
 * The baseline ends where the window starts, so a window's own reads never make its baseline.
 * The baseline asks only for the read events; the window asks for every event, because LA006
 * (refusals on the lake) and LA007 (governance changes) look at calls other than reads.
 */
import {anomaliesReport, buildProfile, type AnomaliesReport, type LakeScope} from '../core/activity/anomalies'
import {deliveryEndOf, isoSecond, type ActivityQuery, type TimeWindow} from '../core/activity/query'
import {deriveReads} from '../core/activity/reads'
import type {Severity} from '../core/audit/findings'
import type {LakeConfig} from '../core/lake/config'
import {directReadsBanner, getObjectsIn, readWindowRecords, readWindowReads, readsContextOf, type QueryRunner} from './reads'

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

/** Reads the baseline and the window once each and judges the window. */
export async function runAnomalies(run: QueryRunner, query: ActivityQuery, lake: LakeConfig, options: AnomaliesOptions): Promise<AnomaliesRun> {
  const context = readsContextOf(lake, options.database, options.table)
  const baseline = baselineWindow(query.window, options.baselineMs)
  options.progress(`baseline: ${baseline.from} to ${baseline.to}`)
  // The profile looks at who read when and from where, never at a read's S3 objects.
  const before = await readWindowReads(run, {window: baseline, filters: query.filters, deliveredBy: deliveryEndOf(baseline, Date.parse(query.deliveredBy ?? query.window.to))}, context, options.progress, {keepObjects: false})
  const profile = buildProfile(baseline, before.reads)
  options.progress(`window: ${query.window.from} to ${query.window.to}`)
  const now = await readWindowRecords(run, query, options.progress)
  const scope: LakeScope = {
    bucket: lake.bucket.name,
    ...(lake.trail ? {trail: {name: lake.trail.name}} : {}),
    databases: [options.database.toLowerCase()],
    expected: context.expected.map((entry) => entry.arn),
  }
  const report = anomaliesReport({baseline: profile, window: query.window, reads: deriveReads(now.records, context), events: now.records, scope}, options.failOn)
  const regions = [...new Set([...before.regions, ...now.regions])].sort()
  return {...report, engine: now.engine, regions, banner: directReadsBanner(lake, now.engine, getObjectsIn(now.records))}
}
