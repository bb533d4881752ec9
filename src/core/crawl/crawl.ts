/**
 * `lakegov crawl`, the pure part: the preflight checks that catch the documented crawl failures
 * before a crawl is started, the wait for a crawl to finish, and what a failed crawl's message means.
 */
import {LakegovError} from '../errors'
import {ExitCode, type ExitCodeValue} from '../exit-codes'
import {evaluatePolicies, namedPolicy} from '../iam'
import type {ObservedCrawler} from '../lake/observed'
import type {PolicyDocument} from '../iam'
import type {Grant, Permission} from '../model/grant'
import type {RegisteredLocation} from '../model/lake'
import {isSamePrincipal} from '../model/principal'

/** GetCrawlerMetrics for the last crawl. */
export interface CrawlMetrics {
  /** Tables the crawl created. */
  tablesCreated: number
  /** Tables it updated. */
  tablesUpdated: number
  /** Tables it deleted. */
  tablesDeleted: number
  /** How long it ran, in seconds. */
  lastRuntimeSeconds: number
}

/** A table in the log database. */
export interface TableSummary {
  /** The table name. */
  name: string
  /** Its S3 location. */
  location: string
  /** How many columns it has. */
  columns: number
  /** How many partitions it has. */
  partitions: number
  /** When it was last updated, ISO 8601. */
  updated?: string
}

/** Reads a crawler's state: the port the wait polls. */
export interface CrawlerReader {
  readCrawler(name: string): Promise<ObservedCrawler>
}

/** One preflight check. */
export interface PreflightCheck {
  /** A stable id. */
  id: 'crawler' | 'registration' | 'location-permission' | 'database-permissions' | 'get-data-access' | 'log-objects'
  /** Whether it passed. */
  ok: boolean
  /** What was found. */
  message: string
  /** For a failure: what to do. */
  fix?: string
}

/** What the preflight checks look at. */
export interface PreflightInput {
  /** The crawler's name. */
  crawlerName: string
  /** The crawler's role ARN. */
  roleArn: string
  /** The registered location, as an ARN. */
  locationArn: string
  /** The log database. */
  database: string
  /** The crawler, as Glue reports it. */
  crawler: ObservedCrawler
  /** The registration of the location, if any. */
  registration?: RegisteredLocation
  /** Registered locations that contain it. */
  parentRegistrations: string[]
  /** Every grant the crawler role holds, canonical. */
  roleGrants: Grant[]
  /** The data lake admins (an admin role needs no grants). */
  admins: string[]
  /** Whether the role exists. */
  roleExists: boolean
  /** The role's policies (inline and attached), by name. */
  rolePolicies: Record<string, PolicyDocument>
  /** A few CloudTrail log objects found under the prefix; empty when there are none. */
  logObjects: string[]
}

const BOOTSTRAP = 'Run lakegov bootstrap (with crawler: in lake.yaml): it creates the crawler, its role and its grants.'

function holds(grants: Grant[], type: 'dataLocation' | 'database', matches: (grant: Grant) => boolean, needed: Permission[]): Permission[] {
  const held = new Set(grants.filter((grant) => grant.resource.type === type && matches(grant)).flatMap((grant) => grant.permissions))
  return held.has('ALL') ? [] : needed.filter((permission) => !held.has(permission))
}

/** Checks every documented cause of a failed crawl, each with its fix. Runs them all: one run shows every problem. */
export function preflightCrawl(input: PreflightInput): PreflightCheck[] {
  const checks: PreflightCheck[] = []
  const {crawler} = input
  checks.push(
    !crawler.exists
      ? {id: 'crawler', ok: false, message: `crawler ${input.crawlerName} does not exist`, fix: BOOTSTRAP}
      : !crawler.useLakeFormationCredentials
        ? {id: 'crawler', ok: false, message: `crawler ${input.crawlerName} does not use Lake Formation credentials: a registered location fails with "User does not have access to target"`, fix: BOOTSTRAP}
        : {id: 'crawler', ok: true, message: `crawler ${input.crawlerName} uses Lake Formation credentials`},
  )

  const registered = input.registration ?? (input.parentRegistrations[0] ? {resourceArn: input.parentRegistrations[0], verificationStatus: 'VERIFIED'} : undefined)
  if (!registered) checks.push({id: 'registration', ok: false, message: `${input.locationArn} is not registered with Lake Formation`, fix: BOOTSTRAP})
  else if (registered.verificationStatus && registered.verificationStatus !== 'VERIFIED') {
    checks.push({
      id: 'registration',
      ok: false,
      message: `${registered.resourceArn} is registered but ${registered.verificationStatus}: Lake Formation cannot reach it with ${registered.roleArn ?? 'its role'}`,
      fix: 'Check that the registration role exists, trusts lakeformation.amazonaws.com and may read the bucket (lakegov status shows what differs).',
    })
  } else checks.push({id: 'registration', ok: true, message: `${registered.resourceArn} is registered and verified`})

  const isAdmin = input.admins.some((admin) => isSamePrincipal(admin, input.roleArn))
  const locations = [input.locationArn, ...input.parentRegistrations]
  const missingLocation = isAdmin ? [] : holds(input.roleGrants, 'dataLocation', (grant) => locations.includes((grant.resource as {path: string}).path), ['DATA_LOCATION_ACCESS'])
  checks.push(
    missingLocation.length > 0
      ? {id: 'location-permission', ok: false, message: `the crawler role lacks DATA_LOCATION_ACCESS on ${input.locationArn}`, fix: BOOTSTRAP}
      : {id: 'location-permission', ok: true, message: `the crawler role has DATA_LOCATION_ACCESS on ${input.locationArn}`},
  )
  const missingDatabase = isAdmin ? [] : holds(input.roleGrants, 'database', (grant) => (grant.resource as {database: string}).database === input.database, ['CREATE_TABLE', 'ALTER', 'DESCRIBE'])
  checks.push(
    missingDatabase.length > 0
      ? {id: 'database-permissions', ok: false, message: `the crawler role lacks ${missingDatabase.join(', ')} on database ${input.database}`, fix: BOOTSTRAP}
      : {id: 'database-permissions', ok: true, message: `the crawler role has CREATE_TABLE, ALTER and DESCRIBE on ${input.database}`},
  )

  const policies = Object.entries(input.rolePolicies).map(([name, document]) => namedPolicy(name, document))
  const decision = input.roleExists ? evaluatePolicies({action: 'lakeformation:GetDataAccess', resource: '*'}, policies).decision : 'implicit-deny'
  checks.push(
    decision === 'allowed' || decision === 'conditional'
      ? {id: 'get-data-access', ok: true, message: `the crawler role's IAM policy allows lakeformation:GetDataAccess${decision === 'conditional' ? ' (under conditions lakegov cannot evaluate)' : ''}`}
      : {
          id: 'get-data-access',
          ok: false,
          message: input.roleExists ? `the crawler role's IAM policies do not allow lakeformation:GetDataAccess (${decision})` : 'the crawler role does not exist',
          fix: BOOTSTRAP,
        },
  )

  checks.push(
    input.logObjects.length > 0
      ? {id: 'log-objects', ok: true, message: `CloudTrail logs found under the prefix, for example ${input.logObjects[0]}`}
      : {id: 'log-objects', ok: false, message: 'no CloudTrail log objects under the prefix: a crawl would make no table', fix: 'Check that the trail writes to this bucket and prefix (lakegov status), and wait for its first delivery (about 5 minutes).'},
  )
  return checks
}

/** Why a crawl failed, for the messages AWS documents (AWS-FACTS.md). */
export interface CrawlErrorExplanation {
  /** The cause, in words. */
  cause: string
  /** The fix. */
  fix: string
}

const KNOWN_ERRORS: ReadonlyArray<{pattern: RegExp; explanation: CrawlErrorExplanation}> = [
  {pattern: /is not registered/i, explanation: {cause: 'The crawled S3 location is not registered with Lake Formation.', fix: 'Run lakegov bootstrap: it registers the bucket and prefix.'}},
  {
    pattern: /not authorized to perform:?\s*lakeformation:GetDataAccess/i,
    explanation: {cause: "The crawler role's IAM policy does not allow lakeformation:GetDataAccess, so it cannot get Lake Formation's credentials.", fix: 'Run lakegov bootstrap: the crawler role policy allows it.'},
  },
  {
    pattern: /Insufficient Lake Formation permission\(s\) on s3:/i,
    explanation: {cause: 'The crawler role has no DATA_LOCATION_ACCESS on the registered location.', fix: 'Run lakegov bootstrap: it grants DATA_LOCATION_ACCESS through the grants engine.'},
  },
  {
    pattern: /Insufficient Lake Formation permission\(s\)/i,
    explanation: {cause: 'The crawler role lacks CREATE_TABLE, ALTER or DESCRIBE on the target database.', fix: 'Run lakegov bootstrap: it grants them through the grants engine.'},
  },
  {
    pattern: /User does not have access to target/i,
    explanation: {cause: "The crawler reads S3 with its own role instead of Lake Formation's credentials (UseLakeFormationCredentials is off).", fix: 'Run lakegov bootstrap: it sets LakeFormationConfiguration.UseLakeFormationCredentials.'},
  },
]

/** The cause and fix of a failed crawl's error message, when it is one AWS documents. */
export function explainCrawlError(message: string | undefined): CrawlErrorExplanation | undefined {
  if (!message) return undefined
  return KNOWN_ERRORS.find((known) => known.pattern.test(message))?.explanation
}

/** How waiting ended. */
export type WaitOutcome = 'finished' | 'timeout' | 'interrupted'

/** Knobs and effects of the wait, injected so that tests neither sleep nor depend on the clock. */
export interface WaitOptions {
  /** When the crawl was started (or found running). */
  startedAt: Date
  /** Give up waiting after this long; the crawler keeps running. */
  timeoutMs: number
  /** The first poll interval; it grows by half each poll up to maxPollMs. */
  pollMs?: number
  /** The longest poll interval. */
  maxPollMs?: number
  /** The clock. */
  now?: () => Date
  /** The wait between polls; resolves early when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Aborted on Ctrl-C: stop waiting, leave the crawler running. */
  signal?: AbortSignal
  /** Called after each poll, for progress on stderr. */
  onProgress?: (state: string, elapsedMs: number) => void
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/**
 * Polls the crawler with backoff until it is READY again after this crawl: READY, RUNNING, STOPPING,
 * READY. A crawl that ended before the first poll is recognised by its LastCrawl start time.
 */
export async function waitForCrawl(reader: CrawlerReader, name: string, options: WaitOptions): Promise<{outcome: WaitOutcome; crawler: ObservedCrawler}> {
  const now = options.now ?? (() => new Date())
  const sleep = options.sleep ?? defaultSleep
  let interval = options.pollMs ?? 1000
  let sawActive = false
  for (;;) {
    const crawler = await reader.readCrawler(name)
    const elapsed = now().getTime() - options.startedAt.getTime()
    options.onProgress?.(crawler.state ?? 'UNKNOWN', elapsed)
    if (crawler.state && crawler.state !== 'READY') sawActive = true
    const lastStart = crawler.lastCrawl?.startTime ? Date.parse(crawler.lastCrawl.startTime) : Number.NaN
    // Glue's times have second precision: allow a second of slack against our own clock.
    const thisCrawlEnded = crawler.state === 'READY' && (sawActive || lastStart >= options.startedAt.getTime() - 1000)
    if (thisCrawlEnded) return {outcome: 'finished', crawler}
    if (options.signal?.aborted) return {outcome: 'interrupted', crawler}
    if (elapsed >= options.timeoutMs) return {outcome: 'timeout', crawler}
    await sleep(Math.min(interval, Math.max(0, options.timeoutMs - elapsed)), options.signal)
    if (options.signal?.aborted) return {outcome: 'interrupted', crawler}
    interval = Math.min(Math.round(interval * 1.5), options.maxPollMs ?? 15_000)
  }
}

/** The --timeout range crawl accepts: at least a second (0 would stop at once), at most a day. */
export const TIMEOUT_RANGE = {minMs: 1000, maxMs: 24 * 3600 * 1000, text: 'from 1s to 24h'} as const

/** Parses a --timeout value into milliseconds, or says why it is not one, naming the accepted range. */
export function parseTimeout(text: string): {ms: number} | {error: string} {
  const ms = parseDuration(text)
  if (ms === undefined) return {error: `--timeout ${text} is not a duration: use hours, minutes and seconds ${TIMEOUT_RANGE.text}, such as 90s, 30m, 1h or 1h30m.`}
  if (ms < TIMEOUT_RANGE.minMs || ms > TIMEOUT_RANGE.maxMs) return {error: `--timeout ${text} is out of range: use a duration ${TIMEOUT_RANGE.text}, such as 90s, 30m, 1h or 1h30m.`}
  return {ms}
}

/** Parses a duration such as 90s, 30m, 1h or 1h30m into milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim())
  if (!match || text.trim() === '') return undefined
  const [, hours, minutes, seconds] = match
  return ((Number(hours ?? 0) * 60 + Number(minutes ?? 0)) * 60 + Number(seconds ?? 0)) * 1000
}

/** What `lakegov crawl` reports. */
export interface CrawlReport {
  /** The crawler. */
  crawler: string
  /** Every preflight check. */
  preflight: PreflightCheck[]
  /** Whether this run started the crawl, or found one running and waited for it. */
  started?: 'started' | 'already-running'
  /** How waiting ended; not-waited without --wait. */
  outcome?: WaitOutcome | 'not-waited'
  /** The crawler's state at the end. */
  state?: string
  /** The last crawl: SUCCEEDED, FAILED or CANCELLED, with AWS's error message. */
  lastCrawl?: ObservedCrawler['lastCrawl']
  /** For a failed crawl with a documented message: its cause and fix. */
  explanation?: CrawlErrorExplanation
  /** Tables created, updated and deleted by the last crawl. */
  metrics?: CrawlMetrics
  /** The log database's tables with their partition counts. */
  tables?: TableSummary[]
  /** Seconds spent waiting. */
  elapsedSeconds?: number
}

/**
 * The exit code a crawl run deserves: 130 when Ctrl-C stopped the wait, 6 when the crawl failed,
 * was cancelled or outlasted --timeout, 0 otherwise (started without waiting, or succeeded).
 */
export function crawlExitCodeOf(report: CrawlReport): ExitCodeValue {
  if (report.outcome === 'interrupted') return ExitCode.Interrupted
  if (report.outcome === 'timeout' || (report.outcome === 'finished' && report.lastCrawl?.status !== 'SUCCEEDED')) return ExitCode.ApplyFailed
  return ExitCode.Ok
}

/** The error that stops a crawl before it starts: every failed preflight check's fix (exit 4). */
export function preflightFailure(checks: PreflightCheck[]): LakegovError | undefined {
  const failed = checks.filter((check) => !check.ok)
  if (failed.length === 0) return undefined
  return new LakegovError(`${failed.length} preflight check(s) failed; the crawler was not started.`, {
    exitCode: ExitCode.AwsAccess,
    code: 'CRAWL_PREFLIGHT_FAILED',
    suggestions: [...new Set(failed.map((check) => check.fix ?? ''))].filter(Boolean),
  })
}
