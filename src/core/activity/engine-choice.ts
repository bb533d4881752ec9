/**
 * Which engine answers a question. lookup (LookupEvents) needs no lake but sees only the last 90
 * days of management events; local reads the lake's objects with an embedded DuckDB, fine up to a
 * couple of gigabytes; athena scans any size, given the CloudTrail table.
 */
import {LakegovError} from '../errors'
import {ExitCode} from '../exit-codes'
import type {ActivityQuery, Engine, EngineChoice} from './query'

/** LookupEvents covers the last 90 days (CloudTrail API reference, LookupEvents). */
export const LOOKUP_MAX_DAYS = 90

/**
 * auto picks local below this many bytes of log objects in the window, athena above it when the
 * table exists. 2 GiB of gzip CloudTrail is about 20 GiB of JSON and 10 million events: DuckDB reads
 * it in a minute or two on a laptop, and downloading more is where Athena starts to pay off.
 */
export const AUTO_LOCAL_MAX_BYTES = 2 * 1024 ** 3

/**
 * S3 object-level and other data-event APIs: LookupEvents never returns data events (CloudTrail user
 * guide, "Logging data events"), so a question about them goes to local or athena.
 */
const DATA_EVENTS: Record<string, ReadonlySet<string>> = {
  's3.amazonaws.com': new Set(['GetObject', 'PutObject', 'DeleteObject', 'DeleteObjects', 'HeadObject', 'CopyObject', 'GetObjectAcl', 'PutObjectAcl', 'GetObjectTagging', 'PutObjectTagging', 'RestoreObject', 'SelectObjectContent', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions']),
  'lambda.amazonaws.com': new Set(['Invoke']),
  'dynamodb.amazonaws.com': new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems']),
}

/** Whether the question is about data events, which LookupEvents cannot answer. */
export function isDataEventQuestion(query: ActivityQuery): boolean {
  const {eventSource, eventName} = query.filters
  if (eventName === undefined) return false
  if (eventSource !== undefined) return DATA_EVENTS[eventSource]?.has(eventName) ?? false
  // GetObject and the like name S3 data events whatever the source; names shared with management APIs are not guessed.
  return DATA_EVENTS['s3.amazonaws.com'].has(eventName) && !['ListObjects'].includes(eventName)
}

/** Refuses what lookup cannot answer: a window beyond 90 days, or data events. Exit 64. */
export function assertLookupCanAnswer(query: ActivityQuery, now: number): void {
  const oldest = now - LOOKUP_MAX_DAYS * 86_400_000
  if (Date.parse(query.window.from) < oldest) {
    throw new LakegovError(`LookupEvents keeps only the last ${LOOKUP_MAX_DAYS} days of events; the window starts at ${query.window.from}.`, {
      exitCode: ExitCode.Usage,
      code: 'LOOKUP_WINDOW',
      suggestions: ['Use --engine local or --engine athena, which read the lake\'s logs for any window, or shorten the window to the last 90 days.'],
    })
  }
  if (isDataEventQuestion(query)) {
    throw new LakegovError(`LookupEvents returns management events only; ${query.filters.eventSource ?? 's3.amazonaws.com'} ${query.filters.eventName} is a data event.`, {
      exitCode: ExitCode.Usage,
      code: 'LOOKUP_DATA_EVENTS',
      suggestions: ['Use --engine local or --engine athena, which read data events from the lake\'s logs (when the trail logs them).'],
    })
  }
}

/** What auto knows when it chooses. */
export interface EngineFacts {
  /** Whether lake.yaml names a bucket (a lake to read). */
  hasLake: boolean
  /** The bytes of the window's log objects, when listed. */
  windowBytes?: number
  /** Whether the CloudTrail table exists. */
  tableExists?: boolean
}

/** The engine and the reason, printed to the user. */
export interface EngineDecision {
  /** The engine. */
  engine: Engine
  /** Why, in one sentence. */
  reason: string
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`
}

/** The engine for --engine (auto decided from the facts). */
export function chooseEngine(choice: EngineChoice, facts: EngineFacts): EngineDecision {
  if (choice !== 'auto') return {engine: choice, reason: `--engine ${choice}`}
  if (!facts.hasLake) return {engine: 'lookup', reason: 'there is no lake (no lake.yaml with a bucket), so CloudTrail LookupEvents answers'}
  const bytes = facts.windowBytes ?? 0
  if (bytes <= AUTO_LOCAL_MAX_BYTES) return {engine: 'local', reason: `the window's log objects total ${gib(bytes)}, under the ${gib(AUTO_LOCAL_MAX_BYTES)} the local engine reads well`}
  if (facts.tableExists) return {engine: 'athena', reason: `the window's log objects total ${gib(bytes)}, over ${gib(AUTO_LOCAL_MAX_BYTES)}, and the CloudTrail table exists`}
  return {engine: 'local', reason: `the window's log objects total ${gib(bytes)}, over ${gib(AUTO_LOCAL_MAX_BYTES)}, but there is no CloudTrail table for Athena (run lakegov table)`}
}

/** Athena's price: $5 per TB scanned, rounded up to the MB, 10 MB minimum per query (Athena pricing). */
export function athenaCostUsd(scannedBytes: number): number {
  const mb = Math.max(10, Math.ceil(scannedBytes / 1024 ** 2))
  return (mb * 1024 ** 2 * 5) / 1024 ** 4
}
