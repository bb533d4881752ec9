/** What the activity engines take and give; each engine answers the same ActivityQuery. */
import type {Engine, Grouping} from '../core/activity/query'
import type {CloudTrailRecord} from '../core/activity/record'
import type {GroupCount} from '../core/activity/summary'

/**
 * The events (newest first, at most `limit`; every one when `limit` is absent), or the groups of a
 * summary. `full` asks for each event's whole CloudTrail record rather than the table's projection
 * (`alarms test` evaluates patterns on any field); an engine that cannot give whole records (athena)
 * answers with the projection and leaves fullRecords unset.
 */
export type ActivityAsk = {kind: 'events'; limit?: number; full?: boolean} | {kind: 'summary'; by: Grouping}

/** An object that was skipped: not a CloudTrail log file, or corrupt. */
export interface SkippedObject {
  /** The S3 key. */
  key: string
  /** Why. */
  reason: string
}

/** What an engine found. */
export interface EngineAnswer {
  /** The engine. */
  engine: Engine
  /** The regions read. */
  regions: string[]
  /** The events, newest first, projected (events asks). */
  events?: CloudTrailRecord[]
  /** True when `events` are the whole records, as CloudTrail wrote them (a `full` ask the engine could answer). */
  fullRecords?: boolean
  /** The groups (summary asks). */
  groups?: GroupCount[]
  /** Objects skipped (local). */
  skipped: SkippedObject[]
  /** Figures of the run: pages, files, bytes, scanned bytes, cost... */
  stats: Record<string, number>
}

/** Progress lines, for stderr. */
export type ProgressSink = (line: string) => void
