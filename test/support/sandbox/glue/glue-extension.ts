import http from 'node:http'

import {GlueClient} from '@aws-sdk/client-glue'
import {IAMClient} from '@aws-sdk/client-iam'
import {S3Client} from '@aws-sdk/client-s3'

import type {LakeFormationModel} from '../../lakeformation/model'
import {signedRegionOf} from '../../lakeformation/rest-json'
import type {CannedResponse} from '../fault-responses'
import {ClassifierStore} from './classifiers'
import {type CrawlerDefinition, runCrawl} from './crawl'
import {type CrawlRun, type CrawlerExtras, type CrawlStatus, decorateCrawler, metricsOf, newExtras} from './crawler-state'
import {GlueError, type JsonObject, errorResponse, invalidInput, isObject, jsonResponse, parseInput, requiredString} from './aws-json'
import {LakeFormationAccess} from './lake-formation-access'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

/** How long each crawl phase lasts by default: long enough for a poller to see it, short for tests. */
export const DEFAULT_CRAWL_PHASE_MS = 300

/** How to build the Glue extension. */
export interface GlueExtensionOptions {
  /** moto's own endpoint: crawls read S3 and IAM and write the catalog there, unseen by stats and faults. */
  motoEndpoint: string
  /** The Lake Formation model: registrations, grants and admins decide whether a crawl is refused. */
  model: LakeFormationModel
  /** The account the sandbox plays, for ARNs in messages. */
  accountId: string
  /** How long RUNNING (at least) and STOPPING last, in milliseconds. */
  crawlPhaseMs?: number
  /** Progress lines. */
  log?: (line: string) => void
  /** The clock; the real one by default. */
  now?: () => Date
}

/** A Glue call the gateway hands over: the operation from x-amz-target, and the raw request. */
export interface GlueCall {
  /** The operation, e.g. StartCrawler. */
  operation: string
  /** The JSON body. */
  body: Buffer
  /** The request headers, forwarded to moto when the call needs moto. */
  headers: http.IncomingHttpHeaders
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'content-length', 'host'])

/** The region of a call, from its SigV4 scope; moto keeps one Glue catalog per region. */
function regionOf(headers: http.IncomingHttpHeaders): string {
  return signedRegionOf(String(headers.authorization ?? '')) ?? 'us-east-1'
}

/**
 * What the sandbox's Glue adds to moto 5.2.1, which has no classifiers, no UpdateCrawler and no
 * GetCrawlerMetrics, drops LakeFormationConfiguration, and whose crawls only change state:
 * - classifiers, served from memory;
 * - crawlers stay in moto, with what moto drops kept here and added back to its answers;
 * - StartCrawler and StopCrawler run a simulated crawl (see crawl.ts) through RUNNING, STOPPING
 *   and READY, ending in a LastCrawl with AWS's error messages;
 * - GetCrawlerMetrics from those crawls.
 * Everything else in Glue goes to moto untouched.
 */
export class GlueExtension {
  private readonly classifiers: ClassifierStore
  private readonly crawlers = new Map<string, CrawlerExtras>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly agent = new http.Agent({keepAlive: true})
  private readonly moto: URL
  private readonly phaseMs: number
  private readonly now: () => Date
  private readonly log: (line: string) => void
  private readonly clients = new Map<string, {s3: S3Client; glue: GlueClient; iam: IAMClient}>()
  private crawlCounter = 0

  private readonly operations: Record<string, (input: JsonObject, call: GlueCall) => Promise<unknown> | unknown> = {
    CreateClassifier: (input) => this.classifiers.create(input),
    GetClassifier: (input) => this.classifiers.get(input),
    GetClassifiers: (input) => this.classifiers.list(input),
    UpdateClassifier: (input) => this.classifiers.update(input),
    DeleteClassifier: (input) => this.classifiers.delete(input),
    CreateCrawler: (input, call) => this.createCrawler(input, call),
    UpdateCrawler: (input, call) => this.updateCrawler(input, call),
    DeleteCrawler: (input, call) => this.deleteCrawler(input, call),
    GetCrawler: async (input, call) => {
      const {Crawler} = (await this.motoCall('GetCrawler', input, call)) as {Crawler: JsonObject}
      return {Crawler: this.decorate(Crawler)}
    },
    GetCrawlers: async (input, call) => {
      const answer = (await this.motoCall('GetCrawlers', input, call)) as {Crawlers?: JsonObject[]}
      return {...answer, Crawlers: (answer.Crawlers ?? []).map((crawler) => this.decorate(crawler))}
    },
    BatchGetCrawlers: async (input, call) => {
      const answer = (await this.motoCall('BatchGetCrawlers', input, call)) as {Crawlers?: JsonObject[]}
      return {...answer, Crawlers: (answer.Crawlers ?? []).map((crawler) => this.decorate(crawler))}
    },
    StartCrawler: (input, call) => this.startCrawler(input, call),
    StopCrawler: (input, call) => this.stopCrawler(input, call),
    GetCrawlerMetrics: (input, call) => this.crawlerMetrics(input, call),
    CreateDatabase: (input, call) => this.createDatabase(input, call),
    CreateTable: (input, call) => this.createTable(input, call),
  }

  constructor(private readonly options: GlueExtensionOptions) {
    this.now = options.now ?? (() => new Date())
    this.classifiers = new ClassifierStore(this.now)
    this.moto = new URL(options.motoEndpoint)
    this.phaseMs = options.crawlPhaseMs ?? DEFAULT_CRAWL_PHASE_MS
    this.log = options.log ?? (() => undefined)
  }

  /** Whether the gateway must hand this Glue operation over instead of forwarding it to moto. */
  handles(operation: string): boolean {
    return Object.hasOwn(this.operations, operation)
  }

  /** Serves one call; every failure comes back in Glue's error shape, never as a rejection. */
  async handle(call: GlueCall): Promise<CannedResponse> {
    try {
      const output = await this.operations[call.operation](parseInput(call.body), call)
      return jsonResponse(output)
    } catch (error) {
      if (error instanceof MotoAnswer) return error.response
      if (error instanceof GlueError) return errorResponse(error)
      this.log(`glue: ${call.operation} failed: ${(error as Error).stack ?? String(error)}`)
      return errorResponse(new GlueError('InternalServiceException', `The lakegov sandbox failed on ${call.operation}: ${(error as Error).message}`, 500))
    }
  }

  /** Forgets classifiers and crawler extras, and stops every simulated crawl, which must not write into a fresh moto. */
  reset(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    for (const extras of this.crawlers.values()) if (extras.run) extras.run.cancelled = true
    this.crawlers.clear()
    this.classifiers.reset()
  }

  /** Closes the keep-alive connections to moto. */
  close(): void {
    this.reset()
    this.agent.destroy()
    for (const {s3, glue, iam} of this.clients.values()) {
      s3.destroy()
      glue.destroy()
      iam.destroy()
    }
  }

  private decorate(crawler: JsonObject): JsonObject {
    return decorateCrawler(crawler, this.crawlers.get(String(crawler.Name)), this.now())
  }

  private extrasOf(name: string): CrawlerExtras {
    let extras = this.crawlers.get(name)
    if (extras === undefined) {
      extras = newExtras()
      this.crawlers.set(name, extras)
    }
    return extras
  }

  /**
   * CreateDatabase goes to moto, with Lake Formation's part added: a DatabaseInput without
   * CreateTableDefaultPermissions gets the region's setting (so GetDatabase shows it, as on AWS), and
   * the database gets IAM_ALLOWED_PRINCIPALS ALL while CreateDatabaseDefaultPermissions hold it.
   */
  private async createDatabase(input: JsonObject, call: GlueCall): Promise<unknown> {
    const lakeFormation = new LakeFormationAccess(this.options.model, regionOf(call.headers))
    const databaseInput = isObject(input.DatabaseInput) ? input.DatabaseInput : undefined
    const withDefaults =
      databaseInput === undefined || databaseInput.CreateTableDefaultPermissions !== undefined
        ? input
        : {...input, DatabaseInput: {...databaseInput, CreateTableDefaultPermissions: await lakeFormation.tableDefaultsForNewDatabase()}}
    const output = await this.motoCall('CreateDatabase', withDefaults, call)
    if (databaseInput !== undefined && typeof databaseInput.Name === 'string') await lakeFormation.databaseCreated(databaseInput.Name)
    return output
  }

  /** CreateTable goes to moto; the new table gets IAM_ALLOWED_PRINCIPALS ALL while its database's CreateTableDefaultPermissions hold it. */
  private async createTable(input: JsonObject, call: GlueCall): Promise<unknown> {
    const output = await this.motoCall('CreateTable', input, call)
    const database = requiredString(input, 'DatabaseName')
    const name = isObject(input.TableInput) && typeof input.TableInput.Name === 'string' ? input.TableInput.Name : undefined
    if (name !== undefined) {
      const {Database} = (await this.motoCall('GetDatabase', {Name: database}, call)) as {Database?: JsonObject}
      await new LakeFormationAccess(this.options.model, regionOf(call.headers)).tableCreated(database, name, Database?.CreateTableDefaultPermissions)
    }
    return output
  }

  private async createCrawler(input: JsonObject, call: GlueCall): Promise<unknown> {
    const name = requiredString(input, 'Name')
    const output = await this.motoCall('CreateCrawler', input, call)
    const extras = newExtras()
    if (isObject(input.LakeFormationConfiguration)) extras.lakeFormationConfiguration = structuredClone(input.LakeFormationConfiguration)
    this.crawlers.set(name, extras)
    return output
  }

  /**
   * moto has no UpdateCrawler, so the crawler is re-created in moto with the update applied; the
   * original CreationTime and a bumped Version are kept here. Given members replace, the rest stay.
   */
  private async updateCrawler(input: JsonObject, call: GlueCall): Promise<unknown> {
    const name = requiredString(input, 'Name')
    const {Crawler: current} = (await this.motoCall('GetCrawler', {Name: name}, call)) as {Crawler: JsonObject}
    const extras = this.extrasOf(name)
    if (extras.run) throw new GlueError('CrawlerRunningException', `Crawler with name ${name} has already started`)
    const pick = (field: string) => (input[field] !== undefined ? input[field] : current[field])
    const schedule = input.Schedule !== undefined ? input.Schedule : isObject(current.Schedule) ? current.Schedule.ScheduleExpression : undefined
    const recreated: JsonObject = {Name: name, Schedule: schedule === '' ? undefined : schedule}
    for (const field of ['Role', 'DatabaseName', 'Description', 'Targets', 'Classifiers', 'TablePrefix', 'SchemaChangePolicy', 'RecrawlPolicy', 'LineageConfiguration', 'Configuration', 'CrawlerSecurityConfiguration']) {
      recreated[field] = pick(field)
    }
    const cleaned = Object.fromEntries(Object.entries(recreated).filter(([, value]) => value !== undefined && value !== null))
    await this.motoCall('DeleteCrawler', {Name: name}, call)
    await this.motoCall('CreateCrawler', cleaned, call)
    extras.creationTime ??= typeof current.CreationTime === 'number' ? current.CreationTime : undefined
    extras.lastUpdated = this.now().getTime() / 1000
    extras.version += 1
    if (isObject(input.LakeFormationConfiguration)) extras.lakeFormationConfiguration = structuredClone(input.LakeFormationConfiguration)
    return {}
  }

  private async deleteCrawler(input: JsonObject, call: GlueCall): Promise<unknown> {
    const name = requiredString(input, 'Name')
    if (this.crawlers.get(name)?.run) throw new GlueError('CrawlerRunningException', `Crawler with name ${name} is running and cannot be deleted`)
    const output = await this.motoCall('DeleteCrawler', input, call)
    this.crawlers.delete(name)
    return output
  }

  private async startCrawler(input: JsonObject, call: GlueCall): Promise<unknown> {
    const name = requiredString(input, 'Name')
    const {Crawler: crawler} = (await this.motoCall('GetCrawler', {Name: name}, call)) as {Crawler: JsonObject}
    const extras = this.extrasOf(name)
    if (extras.run) throw new GlueError('CrawlerRunningException', `Crawler with name ${name} has already started`)

    const definition = this.definitionOf(crawler, extras)
    this.crawlCounter += 1
    const run: CrawlRun = {
      state: 'RUNNING',
      startedAt: this.now(),
      crawlId: `00000000-0000-4000-9000-${this.crawlCounter.toString(16).padStart(12, '0')}`,
      cancelled: false,
      counts: {created: 0, updated: 0, deleted: 0},
    }
    extras.run = run
    const clients = this.clientsFor(regionOf(call.headers))
    const lakeFormation = new LakeFormationAccess(this.options.model, regionOf(call.headers))
    const work = runCrawl(definition, {...clients, lakeFormation, accountId: this.options.accountId, cancelled: () => run.cancelled, counts: run.counts})

    // RUNNING lasts at least one phase and until the work is done, then STOPPING one phase, then READY.
    let phaseOver = false
    let outcome: {errorMessage?: string} | undefined
    const advance = () => {
      if (run.cancelled || !phaseOver || outcome === undefined) return
      run.state = 'STOPPING'
      const status: CrawlStatus = outcome.errorMessage === undefined ? 'SUCCEEDED' : 'FAILED'
      const errorMessage = outcome.errorMessage
      this.after(() => this.finish(name, run, status, errorMessage))
    }
    this.after(() => {
      phaseOver = true
      advance()
    })
    work.then(
      (errorMessage) => {
        outcome = {errorMessage}
        if (errorMessage !== undefined) this.log(`glue: crawl of ${name} failed: ${errorMessage}`)
        advance()
      },
      (error: Error) => {
        outcome = {errorMessage: error.message}
        advance()
      },
    )
    return {}
  }

  private async stopCrawler(input: JsonObject, call: GlueCall): Promise<unknown> {
    const name = requiredString(input, 'Name')
    await this.motoCall('GetCrawler', {Name: name}, call)
    const run = this.crawlers.get(name)?.run
    if (run === undefined) throw new GlueError('CrawlerNotRunningException', `Crawler with name ${name} isn't running`)
    if (run.state === 'STOPPING') throw new GlueError('CrawlerStoppingException', `Crawler with name ${name} is stopping`)
    run.cancelled = true
    run.state = 'STOPPING'
    this.after(() => this.finish(name, run, 'CANCELLED'))
    return {}
  }

  private finish(name: string, run: CrawlRun, status: CrawlStatus, errorMessage?: string): void {
    const extras = this.crawlers.get(name)
    // The crawler was deleted or the sandbox reset since: nobody can see this crawl any more.
    if (extras?.run !== run) return
    extras.run = undefined
    extras.lastCrawl = {
      Status: status,
      ...(errorMessage === undefined ? {} : {ErrorMessage: errorMessage}),
      LogGroup: '/aws-glue/crawlers',
      LogStream: name,
      MessagePrefix: run.crawlId,
      StartTime: run.startedAt,
    }
    extras.lastCounts = {...run.counts}
    extras.runtimes.push((this.now().getTime() - run.startedAt.getTime()) / 1000)
  }

  private async crawlerMetrics(input: JsonObject, call: GlueCall): Promise<unknown> {
    const {Crawlers = []} = (await this.motoCall('GetCrawlers', {}, call)) as {Crawlers?: JsonObject[]}
    const existing = new Set(Crawlers.map((crawler) => String(crawler.Name)))
    const requested = input.CrawlerNameList
    if (requested !== undefined && !(Array.isArray(requested) && requested.every((name) => typeof name === 'string'))) throw invalidInput('CrawlerNameList must be a list of names.')
    // Names that are not crawlers are left out, as Glue leaves them out.
    const names = requested === undefined ? [...existing].sort() : requested.filter((name: string) => existing.has(name))
    const maxResults = typeof input.MaxResults === 'number' ? input.MaxResults : 100
    const offset = typeof input.NextToken === 'string' && input.NextToken !== '' ? Number(input.NextToken) : 0
    const page = names.slice(offset, offset + maxResults)
    const now = this.now()
    return {
      CrawlerMetricsList: page.map((name: string) => metricsOf(name, this.crawlers.get(name), now)),
      ...(offset + maxResults < names.length ? {NextToken: String(offset + maxResults)} : {}),
    }
  }

  private definitionOf(crawler: JsonObject, extras: CrawlerExtras): CrawlerDefinition {
    const targets = isObject(crawler.Targets) && Array.isArray(crawler.Targets.S3Targets) ? crawler.Targets.S3Targets.filter(isObject) : []
    const policy = isObject(crawler.SchemaChangePolicy) ? crawler.SchemaChangePolicy : {}
    const classifiers = Array.isArray(crawler.Classifiers) ? crawler.Classifiers.filter((name): name is string => typeof name === 'string') : []
    return {
      name: String(crawler.Name),
      role: String(crawler.Role ?? ''),
      databaseName: String(crawler.DatabaseName ?? ''),
      s3Targets: targets.map((target) => ({
        path: String(target.Path ?? ''),
        exclusions: Array.isArray(target.Exclusions) ? target.Exclusions.filter((pattern): pattern is string => typeof pattern === 'string') : [],
      })),
      jsonPath: this.classifiers.jsonPathOf(classifiers),
      tablePrefix: typeof crawler.TablePrefix === 'string' ? crawler.TablePrefix : '',
      updateBehavior: typeof policy.UpdateBehavior === 'string' ? policy.UpdateBehavior : 'UPDATE_IN_DATABASE',
      deleteBehavior: typeof policy.DeleteBehavior === 'string' ? policy.DeleteBehavior : 'DEPRECATE',
      useLakeFormationCredentials: extras.lakeFormationConfiguration?.UseLakeFormationCredentials === true,
    }
  }

  private after(action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      action()
    }, this.phaseMs)
    timer.unref()
    this.timers.add(timer)
  }

  private clientsFor(region: string): {s3: S3Client; glue: GlueClient; iam: IAMClient} {
    let clients = this.clients.get(region)
    if (clients === undefined) {
      const config = {region, endpoint: this.options.motoEndpoint, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}, maxAttempts: 1}
      clients = {s3: new S3Client({...config, forcePathStyle: true}), glue: new GlueClient(config), iam: new IAMClient({...config, region: 'us-east-1'})}
      this.clients.set(region, clients)
    }
    return clients
  }

  /**
   * One Glue call to moto with the caller's headers (moto picks its account and region from them).
   * moto's errors are passed back to the caller as moto sent them.
   */
  private motoCall(operation: string, input: JsonObject, call: GlueCall): Promise<unknown> {
    const body = JSON.stringify(input)
    const headers: http.OutgoingHttpHeaders = {}
    for (const [name, value] of Object.entries(call.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value
    headers['x-amz-target'] = `AWSGlue.${operation}`
    headers['content-type'] = 'application/x-amz-json-1.1'
    headers['content-length'] = Buffer.byteLength(body)
    return new Promise((resolve, reject) => {
      const request = http.request({host: this.moto.hostname, port: this.moto.port, method: 'POST', path: '/', headers, agent: this.agent}, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.once('error', reject)
        response.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          const status = response.statusCode ?? 502
          if (status !== 200) {
            const contentType = String(response.headers['content-type'] ?? 'application/x-amz-json-1.1')
            reject(new MotoAnswer({status, headers: {'content-type': contentType}, body: text}))
            return
          }
          try {
            resolve(text.trim() === '' ? {} : JSON.parse(text))
          } catch (error) {
            reject(error)
          }
        })
      })
      request.once('error', reject)
      request.end(body)
    })
  }
}

/** moto refused a call the extension made on the caller's behalf; its answer goes back as it is. */
class MotoAnswer extends Error {
  constructor(readonly response: CannedResponse) {
    super(`moto answered HTTP ${response.status}`)
  }
}
