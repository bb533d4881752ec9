/** What the activity engines take and give; each engine answers the same ActivityQuery. */
import type {Engine, Grouping} from '../core/activity/query'
import type {CloudTrailRecord} from '../core/activity/record'
import type {GroupCount} from '../core/activity/summary'

/** The events, or the groups of a summary. */
/** The events (newest first, at most `limit`; every one when `limit` is absent), or the groups of a summary. */
export type ActivityAsk = {kind: 'events'; limit?: number} | {kind: 'summary'; by: Grouping}

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
  /** The groups (summary asks). */
  groups?: GroupCount[]
  /** Objects skipped (local). */
  skipped: SkippedObject[]
  /** Figures of the run: pages, files, bytes, scanned bytes, cost... */
  stats: Record<string, number>
}

/** Progress lines, for stderr. */
export type ProgressSink = (line: string) => void
