/** The composition root of `lakegov crawl`: preflight, start, wait, report. */
import type {AwsClients} from '../aws/clients'
import {LakeAdapter} from './lake'
import {explainCrawlError, preflightCrawl, waitForCrawl, type CrawlReport, type PreflightCheck} from '../core/crawl/crawl'
import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {locationArnOf, type CrawlerConfig, type LakeConfig} from '../core/lake/config'
import {roleArnOf} from '../core/lake/documents'
import {parsePolicyDocument, type PolicyDocument} from '../core/iam'
import {isSamePrincipal} from '../core/model/principal'

/** The crawler lake.yaml declares, or a clear error. */
export function crawlerOf(config: LakeConfig): CrawlerConfig {
  if (config.crawler) return config.crawler
  const where = config.sources.database
  throw new LakegovError(`lake.yaml declares no crawler${where ? ` (${where.file})` : ''}.`, {
    exitCode: ExitCode.InvalidPolicy,
    code: 'CRAWLER_NOT_DECLARED',
    suggestions: ['Add crawler: {name: cloudtrail-crawler} to lake.yaml and run lakegov bootstrap, or use lakegov table (partition projection, no crawler).'],
  })
}

/** Reads everything the preflight checks need, and runs them. */
export async function preflight(adapter: LakeAdapter, config: LakeConfig): Promise<PreflightCheck[]> {
  const crawlerConfig = crawlerOf(config)
  const roleArn = roleArnOf(adapter.target, crawlerConfig.role)
  const locationArn = locationArnOf(config.bucket)
  // ListResources gives the exact registration and its parents in one listing; no DescribeResource needed.
  const [crawler, locations, grants, settings, role, logObjects] = await Promise.all([
    adapter.glue.readCrawler(crawlerConfig.name),
    adapter.lakeformation.listRegisteredLocations(),
    adapter.lakeformation.listGrants(),
    adapter.lakeformation.getDataLakeSettings(),
    adapter.iam.readRole(crawlerConfig.role),
    adapter.s3.findCloudTrailObjects(config.bucket.name, config.bucket.prefix),
  ])
  const rolePolicies: Record<string, PolicyDocument> = {...role.inlinePolicies}
  for (const arn of role.attachedPolicies) {
    const document = await adapter.iam.readManagedPolicyText(arn)
    if (document) rolePolicies[arn] = parsePolicyDocument(document)
  }
  const registration = locations.find((location) => location.resourceArn === locationArn)
  return preflightCrawl({
    crawlerName: crawlerConfig.name,
    roleArn,
    locationArn,
    database: config.database,
    crawler,
    ...(registration ? {registration} : {}),
    parentRegistrations: locations.map((location) => location.resourceArn).filter((arn) => locationArn.startsWith(`${arn}/`)),
    roleGrants: grants.filter((grant) => isSamePrincipal(grant.principal, roleArn)),
    admins: settings.admins,
    roleExists: role.exists,
    rolePolicies,
    logObjects,
  })
}

/** Options of a crawl run. */
export interface CrawlRunOptions {
  /** Wait for the crawl to end. */
  wait: boolean
  /** Give up waiting after this long. */
  timeoutMs: number
  /** Stops the wait (Ctrl-C). */
  signal?: AbortSignal
  /** Progress while waiting. */
  onProgress?: (state: string, elapsedMs: number) => void
  /** The first poll interval. */
  pollMs?: number
}

/** Starts the crawler (or joins the crawl under way) and, with wait, reports how it ended. */
export async function runCrawl(adapter: LakeAdapter, config: LakeConfig, checks: PreflightCheck[], options: CrawlRunOptions): Promise<CrawlReport> {
  const name = crawlerOf(config).name
  const startedAt = new Date()
  const started = await adapter.glue.startCrawler(name)
  if (!options.wait) return {crawler: name, preflight: checks, started, outcome: 'not-waited'}
  const {outcome, crawler} = await waitForCrawl(adapter.glue, name, {
    startedAt,
    timeoutMs: options.timeoutMs,
    ...(options.pollMs ? {pollMs: options.pollMs} : {}),
    ...(options.signal ? {signal: options.signal} : {}),
    ...(options.onProgress ? {onProgress: options.onProgress} : {}),
  })
  const elapsedSeconds = Math.round((Date.now() - startedAt.getTime()) / 100) / 10
  const report: CrawlReport = {crawler: name, preflight: checks, started, outcome, ...(crawler.state ? {state: crawler.state} : {}), elapsedSeconds}
  if (outcome !== 'finished') return report
  const [metrics, tables] = await Promise.all([adapter.glue.crawlerMetrics(name), adapter.glue.tablesOf(config.database)])
  const explanation = crawler.lastCrawl?.status === 'FAILED' ? explainCrawlError(crawler.lastCrawl.errorMessage) : undefined
  return {...report, ...(crawler.lastCrawl ? {lastCrawl: crawler.lastCrawl} : {}), ...(explanation ? {explanation} : {}), ...(metrics ? {metrics} : {}), tables}
}

/** Connects to the lake's account. */
export async function connectLake(clients: AwsClients): Promise<LakeAdapter> {
  return (await LakeAdapter.connect(clients)).adapter
}
