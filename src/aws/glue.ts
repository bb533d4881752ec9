/**
 * The Glue catalog and crawler: databases, tables, the crawler and its classifier, behind the
 * catalog and crawler ports. The translation to and from Glue's shapes is in glue-shapes.ts.
 */
import {
  CreateClassifierCommand,
  CreateCrawlerCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  GetClassifierCommand,
  GetCrawlerCommand,
  GetCrawlerMetricsCommand,
  GetDatabaseCommand,
  GetTableCommand,
  StartCrawlerCommand,
  UpdateClassifierCommand,
  UpdateCrawlerCommand,
  UpdateDatabaseCommand,
  UpdateTableCommand,
  paginateGetCrawlers,
  paginateGetDatabases,
  paginateGetPartitions,
  paginateGetTables,
  type GlueClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type Table,
} from '@aws-sdk/client-glue'
import type {Command} from '@smithy/types'

import type {AuditTable} from '../core/audit/access'
import type {CloudTrailTableInput, ExistingTable} from '../core/catalog/cloudtrail-table'
import type {CrawlMetrics, CrawlerReader, TableSummary} from '../core/crawl/crawl'
import type {CrawlerSpec} from '../core/lake/bootstrap'
import type {ObservedCrawler} from '../core/lake/observed'
import {compareText} from '../core/order'
import type {CatalogReader} from '../core/ports'
import type {CatalogSnapshot} from '../core/policy/references'
import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'
import {crawlerInput, toAuditTable, toExistingTable, toObservedCrawler, toTableSummary} from './glue-shapes'

type GlueCommand<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<ServiceInputTypes, I, ServiceOutputTypes, O, GlueClientResolvedConfig>

/** Glue's largest page sizes: fewer, bigger pages are fewer calls. */
const TABLES_PAGE = 100
const DATABASES_PAGE = 100
const CRAWLERS_PAGE = 1000
const NOT_FOUND = ['EntityNotFoundException']

/** A Glue crawler that writes into the log database or crawls the log bucket. */
export interface AuditCrawler {
  /** The crawler name. */
  name: string
  /** Its role, as an ARN. */
  roleArn: string
}

/** Glue behind the catalog and crawler ports, and the reads and writes of bootstrap, table and audit. */
export class GlueAdapter extends ServiceAdapter implements CatalogReader, CrawlerReader {
  constructor(clients: AwsClients) {
    super(clients, 'glue')
  }

  /** Whether the database exists, and the principals its new tables are given to by default. */
  async readDatabase(name: string): Promise<{exists: boolean; tableDefaultPrincipals: string[]}> {
    const out = await this.sendOrAbsent('glue:GetDatabase', new GetDatabaseCommand({Name: name}), NOT_FOUND)
    if (!out?.Database) return {exists: false, tableDefaultPrincipals: []}
    const principals = (out.Database.CreateTableDefaultPermissions ?? []).map((entry) => entry.Principal?.DataLakePrincipalIdentifier ?? '').filter(Boolean)
    return {exists: true, tableDefaultPrincipals: principals}
  }

  /** Creates the database with no default table permissions, so that Lake Formation governs its tables from the start. */
  async createDatabase(name: string): Promise<void> {
    await this.send('glue:CreateDatabase', new CreateDatabaseCommand({DatabaseInput: {Name: name, Description: 'CloudTrail logs (managed by lakegov)', CreateTableDefaultPermissions: []}}))
  }

  /** Empties the database's default table permissions; UpdateDatabase replaces the whole input, so every other field is written back. */
  async clearTableDefaults(name: string): Promise<void> {
    const {Database} = await this.send('glue:UpdateDatabase', new GetDatabaseCommand({Name: name}))
    const DatabaseInput = {Name: name, Description: Database?.Description, LocationUri: Database?.LocationUri, Parameters: Database?.Parameters, CreateTableDefaultPermissions: []}
    await this.send('glue:UpdateDatabase', new UpdateDatabaseCommand({Name: name, DatabaseInput}))
  }

  /** The names of the catalog's databases, lowercase and sorted: what an error about a missing one lists. */
  async listDatabaseNames(): Promise<string[]> {
    return this.call('glue:GetDatabases', async () => {
      const names: string[] = []
      for await (const page of paginateGetDatabases({client: this.clients.glue, pageSize: DATABASES_PAGE}, {})) {
        for (const database of page.DatabaseList ?? []) if (database.Name) names.push(database.Name.toLowerCase())
      }
      return names.sort()
    })
  }

  /** The catalog the grants files name: every database, and the tables of the named ones that exist. */
  async readCatalog(databases: string[]): Promise<CatalogSnapshot> {
    const names = await this.listDatabaseNames()
    const tables: CatalogSnapshot['tables'] = {}
    for (const database of databases.filter((name) => names.includes(name))) {
      tables[database] = ((await this.listTables(database)) ?? []).map((table) => ({name: table.table, columns: table.columns}))
    }
    return {databases: names, tables}
  }

  /** Every table of a database with its columns (partition keys included) and location; undefined when the database does not exist. */
  async listTables(database: string): Promise<AuditTable[] | undefined> {
    const tables = await this.callOrAbsent('glue:GetTables', () => this.getTables(database), NOT_FOUND)
    return tables?.map((table) => toAuditTable(database, table)).sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0))
  }

  /** The database's tables with their partition counts, sorted by name. */
  async tablesOf(database: string): Promise<TableSummary[]> {
    return this.call('glue:GetTables', async () => {
      const tables: TableSummary[] = []
      for (const table of await this.getTables(database)) tables.push(toTableSummary(table, await this.countPartitions(database, table)))
      return tables.sort((a, b) => compareText(a.name, b.name))
    })
  }

  private async getTables(database: string): Promise<Table[]> {
    const tables: Table[] = []
    for await (const page of paginateGetTables({client: this.clients.glue, pageSize: TABLES_PAGE}, {DatabaseName: database})) tables.push(...(page.TableList ?? []))
    return tables
  }

  private async countPartitions(database: string, table: Table): Promise<number> {
    let partitions = 0
    if ((table.PartitionKeys ?? []).length === 0) return partitions
    for await (const parts of paginateGetPartitions({client: this.clients.glue}, {DatabaseName: database, TableName: table.Name, ExcludeColumnSchema: true})) partitions += parts.Partitions?.length ?? 0
    return partitions
  }

  /** The table, or undefined when it (or its database) does not exist. */
  async readTable(database: string, name: string): Promise<ExistingTable | undefined> {
    const out = await this.sendOrAbsent('glue:GetTable', new GetTableCommand({DatabaseName: database, Name: name}), NOT_FOUND)
    return out?.Table ? toExistingTable(out.Table) : undefined
  }

  async createTable(database: string, input: CloudTrailTableInput): Promise<void> {
    await this.send('glue:CreateTable', new CreateTableCommand({DatabaseName: database, TableInput: input}))
  }

  /** Replaces the table's definition: UpdateTable takes the whole TableInput, so `input` must carry what is to be kept. */
  async updateTable(database: string, input: CloudTrailTableInput): Promise<void> {
    await this.send('glue:UpdateTable', new UpdateTableCommand({DatabaseName: database, TableInput: input}))
  }

  /** The crawlers that write into the database or crawl the bucket: their roles touch the logs. */
  async listCrawlers(database: string, bucket: string, account: string): Promise<AuditCrawler[]> {
    return this.call('glue:GetCrawlers', async () => {
      const crawlers: AuditCrawler[] = []
      for await (const page of paginateGetCrawlers({client: this.clients.glue, pageSize: CRAWLERS_PAGE}, {})) {
        for (const crawler of page.Crawlers ?? []) {
          const crawlsBucket = (crawler.Targets?.S3Targets ?? []).some((target) => (target.Path ?? '').replace(/^s3:\/\//, '').split('/')[0] === bucket)
          if (!crawler.Name || !crawler.Role || !(crawlsBucket || crawler.DatabaseName?.toLowerCase() === database.toLowerCase())) continue
          // Glue takes a role name or ARN; a name is a role at the root path.
          crawlers.push({name: crawler.Name, roleArn: crawler.Role.startsWith('arn:') ? crawler.Role : `arn:aws:iam::${account}:role/${crawler.Role}`})
        }
      }
      return crawlers.sort((a, b) => (a.name < b.name ? -1 : 1))
    })
  }

  async readCrawler(name: string): Promise<ObservedCrawler> {
    const out = await this.sendOrAbsent('glue:GetCrawler', new GetCrawlerCommand({Name: name}), NOT_FOUND)
    return toObservedCrawler(out?.Crawler)
  }

  /** The JSON classifier's JsonPath, or undefined when there is no such classifier. */
  async readClassifierJsonPath(name: string): Promise<string | undefined> {
    const out = await this.sendOrAbsent('glue:GetClassifier', new GetClassifierCommand({Name: name}), NOT_FOUND)
    const classifier = out?.Classifier
    if (!classifier) return undefined
    // A classifier of another kind under this name still needs replacing: report a JsonPath that differs.
    return classifier.JsonClassifier?.JsonPath ?? ''
  }

  async putClassifier(name: string, jsonPath: string, create: boolean): Promise<void> {
    const JsonClassifier = {Name: name, JsonPath: jsonPath}
    await (create ? this.send('glue:CreateClassifier', new CreateClassifierCommand({JsonClassifier})) : this.send('glue:UpdateClassifier', new UpdateClassifierCommand({JsonClassifier})))
  }

  async putCrawler(spec: CrawlerSpec, create: boolean): Promise<void> {
    await (create ? this.send('glue:CreateCrawler', new CreateCrawlerCommand(crawlerInput(spec))) : this.send('glue:UpdateCrawler', new UpdateCrawlerCommand(crawlerInput(spec))))
  }

  /** Starts a crawl; a crawl already under way is reported, so that the caller can wait for it instead. */
  async startCrawler(name: string): Promise<'started' | 'already-running'> {
    const started = await this.sendOrAbsent('glue:StartCrawler', new StartCrawlerCommand({Name: name}), ['CrawlerRunningException'])
    return started ? 'started' : 'already-running'
  }

  async crawlerMetrics(name: string): Promise<CrawlMetrics | undefined> {
    const out = await this.send('glue:GetCrawlerMetrics', new GetCrawlerMetricsCommand({CrawlerNameList: [name]}))
    const metrics = out.CrawlerMetricsList?.[0]
    if (!metrics) return undefined
    return {tablesCreated: metrics.TablesCreated ?? 0, tablesUpdated: metrics.TablesUpdated ?? 0, tablesDeleted: metrics.TablesDeleted ?? 0, lastRuntimeSeconds: metrics.LastRuntimeSeconds ?? 0}
  }

  private send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: GlueCommand<I, O>): Promise<O> {
    return this.call(operation, () => this.clients.glue.send(command))
  }

  private sendOrAbsent<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: GlueCommand<I, O>, absent: readonly string[]): Promise<O | undefined> {
    return this.callOrAbsent(operation, () => this.clients.glue.send(command), absent)
  }
}
