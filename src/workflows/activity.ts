/**
 * The composition root of `lakegov activity`: lake.yaml (io), the cache (io), the engines, and the
 * AWS adapters they use. It chooses the engine (auto: see core/activity/engine-choice.ts), runs it,
 * and returns its answer with the reason for the choice.
 */
import {AthenaAdapter} from '../aws/athena'
import {AwsClients} from '../aws/clients'
import {CloudTrailAdapter} from '../aws/cloudtrail'
import {Ec2Adapter} from '../aws/ec2'
import {GlueAdapter} from '../aws/glue'
import {S3Adapter} from '../aws/s3'
import {DEFAULT_TABLE_NAME, logTableOf} from '../core/catalog/table-options'
import {resolveAthenaSettings} from '../core/activity/athena-settings'
import {chooseEngine, type EngineDecision} from '../core/activity/engine-choice'
import type {ActivityQuery, EngineChoice} from '../core/activity/query'
import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {LakeConfig} from '../core/lake/config'
import {cacheRoot, ObjectCache} from '../io/activity-cache'
import {loadLakeConfig} from '../io/lake-file'
import {runAthena} from '../engines/athena'
import {runLocal} from '../engines/local'
import {runLookup} from '../engines/lookup'
import type {ActivityAsk, EngineAnswer, ProgressSink} from '../engines/types'
import {listWindowObjects, type WindowObjects} from '../engines/window-objects'

/** How a run is set up, from the flags. */
export interface ActivityRunOptions {
  /** The policy directory holding lake.yaml. */
  policies: string
  /** --engine. */
  engine: EngineChoice
  /** --table: the CloudTrail table athena reads (default: lake.yaml's table.name, else cloudtrail_logs). */
  table?: string
  /** --database (default: lake.yaml's). */
  database?: string
  /** --workgroup (checked); lake.yaml's athena.workgroup, else primary, when absent. */
  workGroup?: string
  /** --output-location (checked); lake.yaml's athena.outputLocation when absent. */
  outputLocation?: string
  /** --max-scan in bytes: athena refuses a larger window before starting. */
  maxScanBytes?: number
  /** The cache's bound in bytes. */
  cacheMaxBytes: number
  /** Downloads in flight. */
  concurrency: number
  /** DuckDB's memory_limit. */
  memoryLimit: string
  /** DuckDB's threads. */
  threads: number
  /** Now, ms. */
  now: number
  /** Progress lines. */
  progress: ProgressSink
}

/** The answer and how it was reached. */
export interface ActivityRun extends EngineAnswer {
  /** Why this engine. */
  reason: string
}

async function loadLakeIfAny(policies: string, required: boolean): Promise<LakeConfig | undefined> {
  try {
    return (await loadLakeConfig(policies)).config
  } catch (error) {
    if (!required && error instanceof LakegovError && error.code === 'LAKE_FILE_MISSING') return undefined
    throw error
  }
}

function tableMissing(database: string, table: string): LakegovError {
  return new LakegovError(`The CloudTrail table ${database}.${table} does not exist, so Athena has nothing to query.`, {
    exitCode: ExitCode.InvalidPolicy,
    code: 'ACTIVITY_NO_TABLE',
    suggestions: ['Run `lakegov table` to create it (or pass --table NAME), or use --engine local.'],
  })
}

/** Runs the query on the chosen engine. `clients` carry the profile and endpoint; the lake's region is applied here. */
export async function runActivity(base: AwsClients, query: ActivityQuery, ask: ActivityAsk, options: ActivityRunOptions): Promise<ActivityRun> {
  const lake = options.engine === 'lookup' ? undefined : await loadLakeIfAny(options.policies, options.engine !== 'auto')
  const env = base.context.env ?? process.env
  const homeRegion = lake?.region ?? base.context.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION
  const clients = new AwsClients({...base.context, ...(homeRegion ? {region: homeRegion} : {})})
  const s3 = new S3Adapter(clients)
  const progress = options.progress

  let window: WindowObjects | undefined
  const listWindow = async (): Promise<WindowObjects> => {
    if (!lake) throw new Error('no lake')
    window ??= await listWindowObjects(s3, {bucket: lake.bucket.name, prefix: lake.bucket.prefix}, query, progress)
    return window
  }
  const database = options.database ?? lake?.database ?? ''
  const glue = new GlueAdapter(clients)

  let decision: EngineDecision
  if (options.engine === 'auto' && lake) {
    const listed = await listWindow()
    const tableExists = listed.bytes > 0 ? (await glue.readTable(database, logTableOf(options.table, lake))) !== undefined : false
    decision = chooseEngine('auto', {hasLake: true, windowBytes: listed.bytes, tableExists})
  } else decision = chooseEngine(options.engine, {hasLake: lake !== undefined})
  progress(`engine: ${decision.engine}, because ${decision.reason}`)

  let answer: EngineAnswer
  if (decision.engine === 'lookup') {
    const events = new CloudTrailAdapter(clients)
    const ec2 = new Ec2Adapter(clients)
    answer = await runLookup(query, ask, {lookupPage: (request) => events.lookupPage(request), enabledRegions: () => ec2.enabledRegions()}, {now: options.now, progress})
  } else if (decision.engine === 'local') {
    if (!lake) throw new Error('local without a lake')
    const listed = await listWindow()
    const cache = new ObjectCache(cacheRoot(env), options.cacheMaxBytes)
    answer = await runLocal(query, ask, listed, {getObject: (bucket, key) => s3.getObject(bucket, key)}, {bucket: lake.bucket.name, cache, concurrency: options.concurrency, limits: {memoryLimit: options.memoryLimit, threads: options.threads}, progress})
    const freed = await cache.prune(new Set())
    if (freed > 0) progress(`cache: freed ${freed} bytes to stay under ${options.cacheMaxBytes} bytes (${cache.root})`)
    answer.stats.s3Calls = s3.calls
  } else {
    if (!lake) throw new Error('athena without a lake')
    answer = await askAthena({clients, glue, lake, database, listWindow}, query, ask, options)
  }
  progress(`regions read: ${answer.regions.join(', ') || 'none'}`)
  for (const skipped of answer.skipped) progress(`skipped s3://${lake?.bucket.name ?? ''}/${skipped.key}: ${skipped.reason}`)
  return {...answer, reason: decision.reason}
}

/** What the Athena engine needs from runActivity: the clients, the lake and its window's listing. */
interface AthenaContext {
  clients: AwsClients
  glue: GlueAdapter
  lake: LakeConfig
  database: string
  listWindow: () => Promise<WindowObjects>
}

/** Runs the query on Athena over the lake's table: its partitions, the regions to read, the --max-scan guard. */
async function askAthena(context: AthenaContext, query: ActivityQuery, ask: ActivityAsk, options: ActivityRunOptions): Promise<EngineAnswer> {
  const {clients, glue, lake, database} = context
  const tableName = logTableOf(options.table, lake)
  const existing = await glue.readTable(database, tableName)
  if (!existing) throw tableMissing(database, tableName)
  const partitionKeys = (existing.PartitionKeys ?? []).map((key) => key.Name.toLowerCase())
  let regions = query.filters.regions === 'all' ? [] : query.filters.regions
  if (options.maxScanBytes !== undefined) {
    const listed = await context.listWindow()
    if (listed.bytes > options.maxScanBytes) {
      throw new LakegovError(`The window's log objects total ${listed.bytes} bytes, more than --max-scan ${options.maxScanBytes} bytes; the query was not started.`, {
        exitCode: ExitCode.Usage,
        code: 'ACTIVITY_MAX_SCAN',
        suggestions: ['Shorten the window, name fewer --region values, or raise --max-scan.'],
      })
    }
    if (regions.length === 0) regions = listed.regions
  }
  if (regions.length === 0) regions = regionsOfTable(existing.Parameters ?? {}, existing.StorageDescriptor?.Location ?? '')
  const settings = resolveAthenaSettings({workGroup: options.workGroup, outputLocation: options.outputLocation}, lake.athena)
  return runAthena(query, ask, new AthenaAdapter(clients), {
    database,
    table: {name: `"${database.replaceAll('"', '""')}"."${tableName.replaceAll('"', '""')}"`, partitionKeys},
    ...settings,
    regions,
    progress: options.progress,
  })
}

/** The regions a CloudTrail table reads: its region projection, else the region in its location. */
function regionsOfTable(parameters: Record<string, string>, location: string): string[] {
  const values = parameters['projection.region.values']
  if (values) return values.split(',').map((region) => region.trim()).filter(Boolean).sort()
  const match = /\/CloudTrail\/([^/]+)/.exec(location)
  return match ? [match[1]] : []
}

/** The default table name, shared with `lakegov table`. */
export const DEFAULT_ACTIVITY_TABLE = DEFAULT_TABLE_NAME

/** Empties the local cache; returns what it held. */
export async function clearActivityCache(env: NodeJS.ProcessEnv = process.env): Promise<{root: string; files: number; bytes: number}> {
  const cache = new ObjectCache(cacheRoot(env))
  const size = await cache.size()
  await cache.clear()
  return {root: cache.root, ...size}
}
