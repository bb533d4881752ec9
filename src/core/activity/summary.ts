/** Summaries: counts per group with their share of the total, and first and last seen. */
import {dedupeByEventId, groupKeyOf} from './filter'
import type {Grouping} from './query'
import type {CloudTrailRecord} from './record'

/** One group as an engine counts it (SQL's GROUP BY, or records in memory). */
export interface GroupCount {
  /** The group's key: a principal's role or user ARN, an event source, a region, a day... */
  key: string
  /** Distinct events (by eventID) in the group. */
  count: number
  /** The earliest eventTime in the group. */
  firstSeen: string
  /** The latest eventTime in the group. */
  lastSeen: string
}

/** One row of `summary`. */
export interface SummaryRow extends GroupCount {
  /** count / the total over every group (not just the --top shown), rounded to 4 decimals. */
  share: number
}

/** A summary: the top rows and the total they are shares of. */
export interface Summary {
  /** Distinct events over every group. */
  total: number
  /** How many groups there are, before --top. */
  groups: number
  /** The top groups, largest first, ties by key. */
  rows: SummaryRow[]
}

/** Sorts, cuts to `top` and adds shares. */
export function summarize(groups: readonly GroupCount[], top: number | undefined): Summary {
  const total = groups.reduce((sum, group) => sum + group.count, 0)
  const sorted = [...groups].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const shown = top === undefined ? sorted : sorted.slice(0, top)
  return {
    total,
    groups: groups.length,
    rows: shown.map((group) => ({key: group.key, count: group.count, share: total === 0 ? 0 : Math.round((group.count / total) * 10_000) / 10_000, firstSeen: group.firstSeen, lastSeen: group.lastSeen})),
  }
}

/** Groups records in memory (for the lookup engine), after de-duplicating by eventID. */
export function groupRecords(by: Grouping, records: Iterable<CloudTrailRecord>): GroupCount[] {
  const groups = new Map<string, GroupCount>()
  for (const record of dedupeByEventId(records)) {
    const key = groupKeyOf(by, record)
    const time = String(record.eventTime ?? '')
    const group = groups.get(key)
    if (!group) groups.set(key, {key, count: 1, firstSeen: time, lastSeen: time})
    else {
      group.count += 1
      if (time < group.firstSeen) group.firstSeen = time
      if (time > group.lastSeen) group.lastSeen = time
    }
  }
  return [...groups.values()]
}
