/** What the activity engines take and give; each engine answers the same ActivityQuery. */
import type {Engine, Grouping} from '../core/activity/query'
import type {CloudTrailRecord} from '../core/activity/record'
import type {GroupCount} from '../core/activity/summary'

/**
 * The events (newest first, at most `limit`; every one when `limit` is absent), or the groups of a
 * summary. `full` asks for each event's whole CloudTrail record rather than the table's projection
 * (`alarms test` evaluates patterns on any field); an engine that cannot give whole records (athena)
 * answers with the projection and leaves fullRecords unset.
 *
 * For questions whose answer can be too large to hold (the reads of a 30-day baseline are hundreds
 * of thousands of events), `fields` narrows the projection to those top-level record fields, and
 * `sink` takes every matching event, batch by batch as the engine reads them: the answer's `events`
 * is then absent, the batches come in no particular order, and `limit` and `full` do not apply.
 */
export type ActivityAsk = {kind: 'events'; limit?: number; full?: boolean; fields?: readonly string[]; sink?: EventSink} | {kind: 'summary'; by: Grouping}

/**
 * Takes a batch of projected events. An event can come twice (a local run that meets an unreadable
 * file runs again without it), so a sink de-duplicates by eventID.
 */
export type EventSink = (events: CloudTrailRecord[]) => void

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
