/**
 * Translation between Glue's shapes and lakegov's values: tables, crawlers. Pure: it lives in aws/
 * only because it speaks the SDK's types.
 */
import type {Column, Crawler, Table} from '@aws-sdk/client-glue'

import type {AuditTable} from '../core/audit/access'
import type {ExistingTable} from '../core/catalog/cloudtrail-table'
import type {TableSummary} from '../core/crawl/crawl'
import type {CrawlerSpec} from '../core/lake/bootstrap'
import type {ObservedCrawler} from '../core/lake/observed'

function columnsOf(columns: Column[] | undefined): {Name: string; Type?: string}[] | undefined {
  return columns?.map((column) => ({Name: column.Name ?? '', ...(column.Type === undefined ? {} : {Type: column.Type})}))
}

/** A GetTable answer as plain data: only what lakegov compares or keeps on update. */
export function toExistingTable(table: Table): ExistingTable {
  const sd = table.StorageDescriptor
  const existing: ExistingTable = {
    Name: table.Name ?? '',
    Description: table.Description,
    Owner: table.Owner,
    Retention: table.Retention,
    TableType: table.TableType,
    PartitionKeys: columnsOf(table.PartitionKeys),
    Parameters: table.Parameters,
    StorageDescriptor: sd && {
      Columns: columnsOf(sd.Columns),
      Location: sd.Location,
      InputFormat: sd.InputFormat,
      OutputFormat: sd.OutputFormat,
      SerdeInfo: sd.SerdeInfo && {SerializationLibrary: sd.SerdeInfo.SerializationLibrary, Parameters: sd.SerdeInfo.Parameters},
      Parameters: sd.Parameters,
    },
  }
  // Undefined fields would show up as keys in --json and in test snapshots; drop them.
  return JSON.parse(JSON.stringify(existing)) as ExistingTable
}

/** A table as the audit and the catalog checks need it: lowercase names, columns with partition keys. */
export function toAuditTable(database: string, table: Table): AuditTable {
  const columns = [...(table.StorageDescriptor?.Columns ?? []), ...(table.PartitionKeys ?? [])].map((column) => (column.Name ?? '').toLowerCase()).filter(Boolean)
  return {
    database: database.toLowerCase(),
    table: (table.Name ?? '').toLowerCase(),
    columns: [...new Set(columns)],
    ...(table.StorageDescriptor?.Location ? {location: table.StorageDescriptor.Location} : {}),
  }
}

/** A table as `crawl` reports it, with the partition count read separately. */
export function toTableSummary(table: Table, partitions: number): TableSummary {
  return {
    name: table.Name ?? '',
    location: table.StorageDescriptor?.Location ?? '',
    columns: table.StorageDescriptor?.Columns?.length ?? 0,
    partitions,
    updated: table.UpdateTime ? new Date(table.UpdateTime).toISOString() : undefined,
  }
}

export function toObservedCrawler(crawler: Crawler | undefined): ObservedCrawler {
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

export function crawlerInput(spec: CrawlerSpec) {
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

