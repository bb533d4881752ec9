import {
  CreateClassifierCommand,
  CreateCrawlerCommand,
  GetClassifierCommand,
  GetCrawlerCommand,
  GetCrawlerMetricsCommand,
  StartCrawlerCommand,
  UpdateClassifierCommand,
  UpdateCrawlerCommand,
  paginateGetPartitions,
  paginateGetTables,
  type Crawler,
} from '@aws-sdk/client-glue'

import type {CrawlerSpec} from '../core/lake/bootstrap'
import type {ObservedCrawler} from '../core/lake/observed'
import type {CrawlMetrics, CrawlerReader, TableSummary} from '../core/crawl/crawl'
import {resolveEndpoint, type AwsClients} from './clients'
import {callAws, callAwsOrAbsent, errorNameOf, toLakegovError} from './errors'
import {compareText} from '../core/order'

function toObserved(crawler: Crawler | undefined): ObservedCrawler {
  if (!crawler) return {exists: false, s3Targets: [], classifiers: [], useLakeFormationCredentials: false}
  const last = crawler.LastCrawl
  return {
    exists: true,
    ...(crawler.Role ? {role: crawler.Role} : {}),
    ...(crawler.DatabaseName ? {databaseName: crawler.DatabaseName} : {}),
    s3Targets: (crawler.Targets?.S3Targets ?? []).map((target) => ({path: target.Path ?? '', exclusions: target.Exclusions ?? []})),
    classifiers: crawler.Classifiers ?? [],
    useLakeFormationCredentials: crawler.LakeFormationConfiguration?.UseLakeFormationCredentials === true,
    ...(crawler.Schedule?.ScheduleExpression ? {schedule: crawler.Schedule.ScheduleExpression} : {}),
    ...(crawler.SchemaChangePolicy ? {schemaChangePolicy: {updateBehavior: crawler.SchemaChangePolicy.UpdateBehavior, deleteBehavior: crawler.SchemaChangePolicy.DeleteBehavior}} : {}),
    ...(crawler.Configuration ? {configuration: crawler.Configuration} : {}),
    ...(crawler.State ? {state: crawler.State} : {}),
    ...(last
      ? {
          lastCrawl: {
            ...(last.Status ? {status: last.Status} : {}),
            ...(last.ErrorMessage ? {errorMessage: last.ErrorMessage} : {}),
            ...(last.StartTime ? {startTime: new Date(last.StartTime).toISOString()} : {}),
            ...(last.LogGroup ? {logGroup: last.LogGroup} : {}),
            ...(last.LogStream ? {logStream: last.LogStream} : {}),
          },
        }
      : {}),
  }
}

function crawlerInput(spec: CrawlerSpec) {
  return {
    Name: spec.name,
    Role: spec.role,
    DatabaseName: spec.databaseName,
    Targets: {S3Targets: spec.s3Targets.map((target) => ({Path: target.path, Exclusions: target.exclusions}))},
    Classifiers: spec.classifiers,
    LakeFormationConfiguration: {UseLakeFormationCredentials: true},
    ...(spec.schedule ? {Schedule: spec.schedule} : {}),
    SchemaChangePolicy: {UpdateBehavior: spec.schemaChangePolicy.updateBehavior, DeleteBehavior: spec.schemaChangePolicy.deleteBehavior},
    RecrawlPolicy: {RecrawlBehavior: 'CRAWL_EVERYTHING' as const},
    Configuration: spec.configuration,
  }
}

/** The Glue crawler, its classifier, and the tables it makes. */
export class CrawlerAdapter implements CrawlerReader {
  private readonly endpoint: string | undefined

  constructor(private readonly clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 'glue')
  }

  async readCrawler(name: string): Promise<ObservedCrawler> {
    const out = await callAwsOrAbsent('glue:GetCrawler', () => this.clients.glue.send(new GetCrawlerCommand({Name: name})), ['EntityNotFoundException'], this.endpoint)
    return toObserved(out?.Crawler)
  }

  /** The JSON classifier's JsonPath, or undefined when there is no such classifier. */
  async readClassifierJsonPath(name: string): Promise<string | undefined> {
    const out = await callAwsOrAbsent('glue:GetClassifier', () => this.clients.glue.send(new GetClassifierCommand({Name: name})), ['EntityNotFoundException'], this.endpoint)
    const classifier = out?.Classifier
    if (!classifier) return undefined
    // A classifier of another kind under this name still needs replacing: report a JsonPath that differs.
    return classifier.JsonClassifier?.JsonPath ?? ''
  }

  async putClassifier(name: string, jsonPath: string, create: boolean): Promise<void> {
    const glue = this.clients.glue
    await callAws(
      create ? 'glue:CreateClassifier' : 'glue:UpdateClassifier',
      () => (create ? glue.send(new CreateClassifierCommand({JsonClassifier: {Name: name, JsonPath: jsonPath}})) : glue.send(new UpdateClassifierCommand({JsonClassifier: {Name: name, JsonPath: jsonPath}}))),
      this.endpoint,
    )
  }

  async putCrawler(spec: CrawlerSpec, create: boolean): Promise<void> {
    const glue = this.clients.glue
    await callAws(
      create ? 'glue:CreateCrawler' : 'glue:UpdateCrawler',
      () => (create ? glue.send(new CreateCrawlerCommand(crawlerInput(spec))) : glue.send(new UpdateCrawlerCommand(crawlerInput(spec)))),
      this.endpoint,
    )
  }

  /** Starts a crawl; a crawl already under way is reported, so that the caller can wait for it instead. */
  async startCrawler(name: string): Promise<'started' | 'already-running'> {
    try {
      await this.clients.glue.send(new StartCrawlerCommand({Name: name}))
      return 'started'
    } catch (error) {
      if (errorNameOf(error) === 'CrawlerRunningException') return 'already-running'
      throw toLakegovError(error, {operation: 'glue:StartCrawler', endpoint: this.endpoint})
    }
  }

  async crawlerMetrics(name: string): Promise<CrawlMetrics | undefined> {
    const out = await callAws('glue:GetCrawlerMetrics', () => this.clients.glue.send(new GetCrawlerMetricsCommand({CrawlerNameList: [name]})), this.endpoint)
    const metrics = out.CrawlerMetricsList?.[0]
    if (!metrics) return undefined
    return {tablesCreated: metrics.TablesCreated ?? 0, tablesUpdated: metrics.TablesUpdated ?? 0, tablesDeleted: metrics.TablesDeleted ?? 0, lastRuntimeSeconds: metrics.LastRuntimeSeconds ?? 0}
  }

  /** The database's tables with their partition counts, sorted by name. */
  async tablesOf(database: string): Promise<TableSummary[]> {
    const glue = this.clients.glue
    return callAws(
      'glue:GetTables',
      async () => {
        const tables: TableSummary[] = []
        for await (const page of paginateGetTables({client: glue}, {DatabaseName: database})) {
          for (const table of page.TableList ?? []) {
            let partitions = 0
            if ((table.PartitionKeys ?? []).length > 0) {
              for await (const parts of paginateGetPartitions({client: glue}, {DatabaseName: database, TableName: table.Name, ExcludeColumnSchema: true})) partitions += parts.Partitions?.length ?? 0
            }
            tables.push({name: table.Name ?? '', location: table.StorageDescriptor?.Location ?? '', columns: table.StorageDescriptor?.Columns?.length ?? 0, partitions, updated: table.UpdateTime ? new Date(table.UpdateTime).toISOString() : undefined})
          }
        }
        return tables.sort((a, b) => compareText(a.name, b.name))
      },
      this.endpoint,
    )
  }
}
