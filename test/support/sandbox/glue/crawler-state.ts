import type {CrawlCounts} from './crawl'
import {type JsonObject, epochSeconds} from './aws-json'

/** LastCrawl.Status values. */
export type CrawlStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELLED'

/** A crawl in progress. */
export interface CrawlRun {
  /** RUNNING until the work and the phase are done (or StopCrawler), then STOPPING. */
  state: 'RUNNING' | 'STOPPING'
  /** When StartCrawler was called. */
  startedAt: Date
  /** LastCrawl.MessagePrefix: the crawl's id. */
  crawlId: string
  /** Set by StopCrawler and by a sandbox reset: the work must write nothing more. */
  cancelled: boolean
  /** What the work has written so far. */
  counts: CrawlCounts
}

/** LastCrawl as GetCrawler returns it. */
export interface LastCrawl {
  /** SUCCEEDED, FAILED or CANCELLED. */
  Status: CrawlStatus
  /** Why a crawl failed, in AWS's words; absent otherwise. */
  ErrorMessage?: string
  /** The CloudWatch Logs group crawlers log to. */
  LogGroup: string
  /** The log stream: the crawler's name. */
  LogStream: string
  /** The crawl's id, which prefixes its log lines. */
  MessagePrefix: string
  /** When the crawl started. */
  StartTime: Date
}

/** What the gateway keeps about a crawler beyond what moto keeps. */
export interface CrawlerExtras {
  /** LakeFormationConfiguration as last given; moto drops it. */
  lakeFormationConfiguration?: JsonObject
  /** The original CreationTime (epoch seconds): UpdateCrawler re-creates the crawler in moto. */
  creationTime?: number
  /** LastUpdated after an UpdateCrawler (epoch seconds). */
  lastUpdated?: number
  /** Version, bumped by every UpdateCrawler. */
  version: number
  /** The crawl in progress. */
  run?: CrawlRun
  /** The last finished crawl. */
  lastCrawl?: LastCrawl
  /** The counts of the last finished crawl. */
  lastCounts: CrawlCounts
  /** Run times of the finished crawls, in seconds. */
  runtimes: number[]
}

export function newExtras(): CrawlerExtras {
  return {version: 1, lastCounts: {created: 0, updated: 0, deleted: 0}, runtimes: []}
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** Adds what moto does not know to one crawler of a GetCrawler, GetCrawlers or BatchGetCrawlers answer. */
export function decorateCrawler(crawler: JsonObject, extras: CrawlerExtras | undefined, now: Date): JsonObject {
  const decorated: JsonObject = {...crawler}
  // moto only ever sees crawlers that never ran: StartCrawler and StopCrawler are served here.
  delete decorated.LastCrawl
  decorated.State = extras?.run?.state ?? 'READY'
  decorated.CrawlElapsedTime = extras?.run ? now.getTime() - extras.run.startedAt.getTime() : 0
  if (extras === undefined) return decorated
  if (extras.lakeFormationConfiguration) decorated.LakeFormationConfiguration = extras.lakeFormationConfiguration
  if (extras.creationTime !== undefined) decorated.CreationTime = extras.creationTime
  if (extras.lastUpdated !== undefined) decorated.LastUpdated = extras.lastUpdated
  decorated.Version = extras.version
  if (extras.lastCrawl) decorated.LastCrawl = {...extras.lastCrawl, StartTime: epochSeconds(extras.lastCrawl.StartTime)}
  return decorated
}

/** One CrawlerMetrics entry. */
export function metricsOf(name: string, extras: CrawlerExtras | undefined, now: Date): JsonObject {
  const runtimes = extras?.runtimes ?? []
  const counts = extras?.lastCounts ?? {created: 0, updated: 0, deleted: 0}
  const run = extras?.run
  const medianRuntime = median(runtimes)
  // While running, the estimate is the median of past runs minus the time spent; with no past run, Glue is still estimating.
  const elapsed = run ? (now.getTime() - run.startedAt.getTime()) / 1000 : 0
  return {
    CrawlerName: name,
    TimeLeftSeconds: run && runtimes.length > 0 ? Math.max(0, medianRuntime - elapsed) : 0,
    StillEstimating: run !== undefined && runtimes.length === 0,
    LastRuntimeSeconds: runtimes.at(-1) ?? 0,
    MedianRuntimeSeconds: medianRuntime,
    TablesCreated: counts.created,
    TablesUpdated: counts.updated,
    TablesDeleted: counts.deleted,
  }
}
