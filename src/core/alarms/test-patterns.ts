import {matchesEvent, parseFilterPattern} from './filter-pattern'
import {lintPattern} from './lint'
import type {NamedPattern} from './types'
import type {Engine, TimeWindow} from '../activity/query'

/** One CloudTrail record of the corpus. */
export interface CorpusEvent {
  /** The record's eventID, or FILE#INDEX for a record without one. */
  id: string
  /** The parsed record. */
  record: unknown
}

/** Where the events of `alarms test --since` came from (`lake` in its --json). */
export interface LakeEventsSource {
  /** The engine that read them. */
  engine: Engine
  /** Why that engine. */
  reason: string
  /** The window. */
  window: TimeWindow
  /** The regions read. */
  regions: string[]
  /** False when the engine gave the CloudTrail table's columns, not whole records (athena): patterns on other fields cannot match. */
  fullRecords: boolean
  /** True when the window held more than LAKE_EVENTS_LIMIT (src/workflows/alarms.ts) events: only the newest were tested. */
  truncated: boolean
}

/** What `alarms test` found for one pattern. */
export interface PatternResult {
  /** The control id, lake rule or custom alarm name. */
  name: string
  /** The pattern. */
  pattern: string
  /** The ids of the events it matches, in corpus order. */
  matches: string[]
  /** Why the pattern deserves a second look; empty when it does not. */
  warnings: string[]
}

/** The whole run, as `alarms test --json` prints it. */
export interface PatternTestReport {
  /** How many distinct events the corpus holds. */
  events: number
  /** One entry per pattern, in catalog order. */
  patterns: PatternResult[]
}

/** Where the events came from. */
export interface PatternTestSource {
  /** The CloudTrail files read (none when the events came from the lake). */
  files: string[]
  /** With --since, --from, --to or an --engine: the lake's events, read through the activity engine. */
  lake?: LakeEventsSource
}

/** What `alarms test --json` prints. */
export type AlarmsTestResult = PatternTestReport & PatternTestSource

/**
 * Evaluates each pattern against every event. Warns about a pattern that matches nothing, one that
 * matches more than half of the events (a filter that broad alarms all the time), and the static
 * warnings of lintPattern. Patterns are parsed here again; a custom one that fails was already
 * refused when lake.yaml was read, so a failure here is a bug.
 */
export function testPatterns(patterns: NamedPattern[], events: CorpusEvent[]): PatternTestReport {
  const results = patterns.map((named): PatternResult => {
    const parsed = parseFilterPattern(named.pattern)
    const matches = events.filter((event) => matchesEvent(parsed, event.record)).map((event) => event.id)
    const warnings = lintPattern(parsed)
    if (events.length > 0 && matches.length === 0) warnings.push(`matches none of the ${events.length} events`)
    if (matches.length * 2 > events.length) warnings.push(`matches ${matches.length} of the ${events.length} events, more than half: an alarm on it would fire all the time`)
    return {name: named.name, pattern: named.pattern, matches, warnings}
  })
  return {events: events.length, patterns: results}
}

/** Events with the same eventID are one event delivered twice (CloudTrail can deliver an event more than once); keeps the first. */
export function distinctEvents(events: CorpusEvent[]): CorpusEvent[] {
  const seen = new Set<string>()
  return events.filter((event) => (seen.has(event.id) ? false : (seen.add(event.id), true)))
}
