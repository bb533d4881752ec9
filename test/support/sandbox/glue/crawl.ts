import {gunzipSync} from 'node:zlib'

import {
  BatchCreatePartitionCommand,
  type Column,
  CreateTableCommand,
  GetDatabaseCommand,
  DeleteTableCommand,
  GetPartitionsCommand,
  GetTableCommand,
  type GlueClient,
  type PartitionInput,
  type StorageDescriptor,
  type Table,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue'
import type {IAMClient} from '@aws-sdk/client-iam'
import {GetObjectCommand, ListObjectsV2Command, type S3Client} from '@aws-sdk/client-s3'

import {isExcluded} from './glob'
import {type CrawlerRole, policiesAllow, readRole} from './iam-policy'
import {type LakeFormationAccess, principalSpellings, s3ArnOf} from './lake-formation-access'
import {inferColumns, selectJsonPath} from './schema-inference'

/** What a crawl needs to know about its crawler. */
export interface CrawlerDefinition {
  /** The crawler's name; tables it writes carry it in UPDATED_BY_CRAWLER. */
  name: string
  /** The crawler's Role: a name, path/name or ARN. */
  role: string
  /** The database the tables go into. */
  databaseName: string
  /** The S3 targets, each with its exclusion globs. */
  s3Targets: {path: string; exclusions: string[]}[]
  /** The JsonPath of the crawler's first custom JSON classifier; without one, each document is a row. */
  jsonPath?: string
  /** Prepended to every table name. */
  tablePrefix: string
  /** SchemaChangePolicy.UpdateBehavior: UPDATE_IN_DATABASE (default) or LOG. */
  updateBehavior: string
  /** SchemaChangePolicy.DeleteBehavior: DEPRECATE (default), LOG or DELETE_FROM_DATABASE. */
  deleteBehavior: string
  /** LakeFormationConfiguration.UseLakeFormationCredentials. */
  useLakeFormationCredentials: boolean
}

/** The clients and answers a crawl works with; all of them talk to moto or the model directly. */
export interface CrawlDependencies {
  s3: S3Client
  glue: GlueClient
  iam: IAMClient
  lakeFormation: LakeFormationAccess
  /** The account the sandbox plays, for ARNs. */
  accountId: string
  /** True once StopCrawler was called: the crawl must write nothing more. */
  cancelled: () => boolean
  /** Counts, updated as tables are written, so a cancelled crawl reports what it did. */
  counts: CrawlCounts
}

/** Tables a crawl created, updated and deleted, for GetCrawlerMetrics. */
export interface CrawlCounts {
  /** Tables created. */
  created: number
  /** Tables whose definition changed. */
  updated: number
  /** Tables deleted. */
  deleted: number
}

/** A crawl that cannot go on; its message becomes LastCrawl.ErrorMessage, as AWS reports it. */
export class CrawlRefusal extends Error {}

/** The serde, formats and classification of every JSON table a crawler makes. */
const JSON_FORMAT = {
  InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
  SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
}

/** AWS's own messages for crawls of Lake Formation locations (see AWS-FACTS.md). */
export const CRAWL_ERRORS = {
  notRegistered: (path: string) => `The S3 location: ${path} is not registered.`,
  noGetDataAccess: (accountId: string, roleName: string) =>
    `User: arn:aws:sts::${accountId}:assumed-role/${roleName}/AWS-Crawler is not authorized to perform: lakeformation:GetDataAccess because no identity-based policy allows the lakeformation:GetDataAccess action (Service: AWSLakeFormation; Status Code: 400; Error Code: AccessDeniedException)`,
  noDataLocationAccess: (path: string) => `Insufficient Lake Formation permission(s) on ${path} (Service: AWSLakeFormation; Status Code: 400; Error Code: AccessDeniedException)`,
  noDatabasePermission: (database: string) => `Insufficient Lake Formation permission(s) on ${database}`,
  noAccessWithoutLakeFormation: (path: string) => `User does not have access to target ${path}`,
}

/** One object's rows, by the folders between the target and the object. */
interface ObjectRows {
  folders: string[]
  rows: unknown[]
  gzip: boolean
}

/** `s3://bucket/a/b/` to bucket and the key prefix (`a/b/`, or empty for the whole bucket). */
export function splitS3Path(path: string): {bucket: string; prefix: string} {
  const rest = path.replace(/^s3:\/\//, '')
  const slash = rest.indexOf('/')
  if (slash === -1) return {bucket: rest, prefix: ''}
  const key = rest.slice(slash + 1).replace(/\/+$/, '')
  return {bucket: rest.slice(0, slash), prefix: key === '' ? '' : `${key}/`}
}

/** The path without trailing slashes, the way Glue quotes a target in its messages. */
function displayPath(path: string): string {
  return path.replace(/\/+$/, '')
}

/** Glue names a target's table after its last path segment (the bucket for a whole bucket), lower-cased, non-word characters as `_`. */
export function tableNameOf(path: string, tablePrefix = ''): string {
  const {bucket, prefix} = splitS3Path(path)
  const last = prefix === '' ? bucket : (prefix.replace(/\/$/, '').split('/').pop() ?? bucket)
  return `${tablePrefix}${last}`.toLowerCase().replace(/[^a-z0-9_]/g, '_')
}

/**
 * The refusals AWS makes before a crawl of a location reads anything, in the order the crawler
 * meets them: registration, then the IAM right to ask Lake Formation for credentials, then the
 * Lake Formation grant on the location. A crawler that does not use Lake Formation credentials
 * cannot read a registered location at all.
 */
async function checkTargetAccess(definition: CrawlerDefinition, role: CrawlerRole, admin: boolean, deps: CrawlDependencies): Promise<void> {
  for (const target of definition.s3Targets) {
    const path = displayPath(target.path)
    const arn = s3ArnOf(target.path)
    const registration = await deps.lakeFormation.registrationCovering(arn)
    if (!definition.useLakeFormationCredentials) {
      if (registration !== undefined) throw new CrawlRefusal(CRAWL_ERRORS.noAccessWithoutLakeFormation(path))
      continue
    }
    if (registration === undefined) throw new CrawlRefusal(CRAWL_ERRORS.notRegistered(path))
    if (!policiesAllow(role.policies, 'lakeformation:GetDataAccess')) throw new CrawlRefusal(CRAWL_ERRORS.noGetDataAccess(deps.accountId, role.name))
    if (!admin && !(await deps.lakeFormation.hasDataLocationAccess(principalSpellings(role.arn), arn))) throw new CrawlRefusal(CRAWL_ERRORS.noDataLocationAccess(path))
  }
}

/**
 * CREATE_TABLE for a new table, ALTER for a changed one. A database with no grant at all, in an
 * account whose new databases still go to IAM_ALLOWED_PRINCIPALS, is left to IAM: the model does not
 * see databases being created in moto, so it cannot hold the default grant AWS would have made.
 */
async function checkDatabasePermission(definition: CrawlerDefinition, role: CrawlerRole, admin: boolean, needed: 'CREATE_TABLE' | 'ALTER', deps: CrawlDependencies): Promise<void> {
  if (admin) return
  const {held, anyGrant} = await deps.lakeFormation.databasePermissions(principalSpellings(role.arn), definition.databaseName)
  if (held.has(needed) || held.has('ALL')) return
  if (!anyGrant && (await deps.lakeFormation.newDatabasesLeftToIam())) return
  throw new CrawlRefusal(CRAWL_ERRORS.noDatabasePermission(definition.databaseName))
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = []
  let ContinuationToken: string | undefined
  do {
    const page = await s3.send(new ListObjectsV2Command({Bucket: bucket, Prefix: prefix, ContinuationToken}))
    for (const object of page.Contents ?? []) if (object.Key && !object.Key.endsWith('/')) keys.push(object.Key)
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (ContinuationToken)
  return keys.sort()
}

/** JSON documents in an object: one JSON value, or JSON Lines. Objects that are neither give none. */
function documentsOf(text: string): unknown[] {
  try {
    return [JSON.parse(text)]
  } catch {
    const documents: unknown[] = []
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      try {
        documents.push(JSON.parse(line))
      } catch {
        return []
      }
    }
    return documents
  }
}

async function readTarget(target: {path: string; exclusions: string[]}, jsonPath: string, s3: S3Client): Promise<ObjectRows[]> {
  const {bucket, prefix} = splitS3Path(target.path)
  const objects: ObjectRows[] = []
  for (const key of await listKeys(s3, bucket, prefix)) {
    const relative = key.slice(prefix.length)
    if (isExcluded(relative, target.exclusions)) continue
    const object = await s3.send(new GetObjectCommand({Bucket: bucket, Key: key}))
    let bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array())
    const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b
    if (gzip) bytes = gunzipSync(bytes)
    const documents = documentsOf(bytes.toString('utf8'))
    if (documents.length === 0) continue
    // A JSON object whose JsonPath selects nothing still makes its folder a partition, as on AWS:
    // that is why CloudTrail-Digest must be excluded rather than left to the classifier.
    objects.push({folders: relative.split('/').slice(0, -1), rows: documents.flatMap((document) => selectJsonPath(document, jsonPath)), gzip})
  }
  return objects
}

/** The folder depth most objects share (the deeper one on a tie); objects at other depths belong to other tables. */
function commonDepth(objects: readonly ObjectRows[]): number {
  const counts = new Map<number, number>()
  for (const object of objects) counts.set(object.folders.length, (counts.get(object.folders.length) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0]
}

function storageDescriptor(location: string, columns: Column[]): StorageDescriptor {
  return {
    Columns: columns,
    Location: location,
    InputFormat: JSON_FORMAT.InputFormat,
    OutputFormat: JSON_FORMAT.OutputFormat,
    Compressed: false,
    NumberOfBuckets: -1,
    SerdeInfo: {SerializationLibrary: JSON_FORMAT.SerializationLibrary, Parameters: {paths: columns.map((column) => column.Name).join(',')}},
    Parameters: {classification: 'json'},
    StoredAsSubDirectories: false,
  }
}

/** New columns join the existing ones: known columns keep their place and take the new type. */
function mergeColumns(existing: readonly Column[], inferred: readonly Column[]): Column[] {
  const types = new Map(inferred.map((column) => [column.Name, column.Type]))
  const merged = existing.map((column) => ({Name: column.Name, Type: types.get(column.Name ?? '') ?? column.Type}))
  const known = new Set(merged.map((column) => column.Name))
  return [...merged, ...inferred.filter((column) => !known.has(column.Name)).map((column) => ({Name: column.Name, Type: column.Type}))]
}

/** What decides whether a table changed: its schema, keys, location and format, not the object counts. */
function shapeOf(table: {StorageDescriptor?: StorageDescriptor; PartitionKeys?: Column[]; Parameters?: Record<string, string>}): string {
  const sd = table.StorageDescriptor
  const parameters = table.Parameters ?? {}
  return JSON.stringify([
    (sd?.Columns ?? []).map((column) => [column.Name, column.Type]),
    (table.PartitionKeys ?? []).map((column) => [column.Name, column.Type]),
    sd?.Location,
    sd?.InputFormat,
    sd?.OutputFormat,
    sd?.SerdeInfo?.SerializationLibrary,
    parameters.classification,
    parameters.compressionType,
    parameters.jsonPath ?? null,
  ])
}

async function existingTable(glue: GlueClient, database: string, name: string): Promise<Table | undefined> {
  try {
    return (await glue.send(new GetTableCommand({DatabaseName: database, Name: name}))).Table
  } catch (error) {
    if ((error as Error).name === 'EntityNotFoundException') return undefined
    throw error
  }
}

async function existingPartitions(glue: GlueClient, database: string, table: string): Promise<Set<string>> {
  const seen = new Set<string>()
  let NextToken: string | undefined
  do {
    const page = await glue.send(new GetPartitionsCommand({DatabaseName: database, TableName: table, NextToken}))
    for (const partition of page.Partitions ?? []) seen.add(JSON.stringify(partition.Values ?? []))
    NextToken = page.NextToken
  } while (NextToken)
  return seen
}

/** Writes one target's table and its partitions, counting what it created, updated or deleted. */
async function writeTable(definition: CrawlerDefinition, target: {path: string}, objects: ObjectRows[], role: CrawlerRole, admin: boolean, deps: CrawlDependencies): Promise<void> {
  const {glue} = deps
  const database = definition.databaseName
  const name = tableNameOf(target.path, definition.tablePrefix)
  const existing = await existingTable(glue, database, name)

  if (objects.length === 0) {
    // AWS reports an empty target as a successful crawl with no tables. Only DELETE_FROM_DATABASE
    // removes a table the crawler made earlier; DEPRECATE and LOG never delete.
    if (existing && definition.deleteBehavior === 'DELETE_FROM_DATABASE' && existing.Parameters?.UPDATED_BY_CRAWLER === definition.name && !deps.cancelled()) {
      await glue.send(new DeleteTableCommand({DatabaseName: database, Name: name}))
      deps.counts.deleted += 1
    }
    return
  }

  const depth = commonDepth(objects)
  const included = objects.filter((object) => object.folders.length === depth)
  const rows = included.flatMap((object) => object.rows)
  const location = `${target.path.replace(/\/+$/, '')}/`
  const inferred = inferColumns(rows) as Column[]
  const columns = existing ? mergeColumns(existing.StorageDescriptor?.Columns ?? [], inferred) : inferred
  const partitionKeys: Column[] = Array.from({length: depth}, (_, index) => ({Name: `partition_${index}`, Type: 'string'}))
  const tableInput: TableInput = {
    Name: name,
    Owner: 'owner',
    Retention: 0,
    TableType: 'EXTERNAL_TABLE',
    StorageDescriptor: storageDescriptor(location, columns),
    PartitionKeys: partitionKeys,
    Parameters: {
      classification: 'json',
      compressionType: included.some((object) => object.gzip) ? 'gzip' : 'none',
      ...(definition.jsonPath === undefined ? {} : {jsonPath: definition.jsonPath}),
      typeOfData: 'file',
      objectCount: String(included.length),
      recordCount: String(rows.length),
      CrawlerSchemaDeserializerVersion: '1.0',
      CrawlerSchemaSerializerVersion: '1.0',
      UPDATED_BY_CRAWLER: definition.name,
    },
  }

  if (deps.cancelled()) return
  if (existing === undefined) {
    await checkDatabasePermission(definition, role, admin, 'CREATE_TABLE', deps)
    if (deps.cancelled()) return
    await glue.send(new CreateTableCommand({DatabaseName: database, TableInput: tableInput}))
    // A table the crawler creates gets its database's default permissions, as any new table does.
    const {Database} = await glue.send(new GetDatabaseCommand({Name: database}))
    await deps.lakeFormation.tableCreated(database, name, Database?.CreateTableDefaultPermissions)
    deps.counts.created += 1
  } else if (definition.updateBehavior !== 'LOG' && shapeOf(existing) !== shapeOf(tableInput)) {
    await checkDatabasePermission(definition, role, admin, 'ALTER', deps)
    if (deps.cancelled()) return
    await glue.send(new UpdateTableCommand({DatabaseName: database, TableInput: tableInput}))
    deps.counts.updated += 1
  }

  const present = existing ? await existingPartitions(glue, database, name) : new Set<string>()
  const partitions = new Map<string, PartitionInput>()
  for (const object of included) {
    const values = object.folders
    const key = JSON.stringify(values)
    if (present.has(key) || partitions.has(key)) continue
    partitions.set(key, {Values: values, StorageDescriptor: storageDescriptor(`${location}${values.join('/')}/`, columns), Parameters: {...tableInput.Parameters}})
  }
  const inputs = [...partitions.values()]
  // BatchCreatePartition takes at most 100 partitions a call.
  for (let start = 0; start < inputs.length && depth > 0; start += 100) {
    if (deps.cancelled()) return
    const {Errors} = await glue.send(new BatchCreatePartitionCommand({DatabaseName: database, TableName: name, PartitionInputList: inputs.slice(start, start + 100)}))
    const failed = (Errors ?? []).find((error) => error.ErrorDetail?.ErrorCode !== 'AlreadyExistsException')
    if (failed) throw new CrawlRefusal(failed.ErrorDetail?.ErrorMessage ?? 'BatchCreatePartition failed.')
  }
}

/**
 * Runs one crawl against moto: the Lake Formation refusals first, then every target's objects are
 * read (exclusions honoured, gzip undone, rows picked by the classifier's JsonPath) and one table
 * per target is created or updated, with a partition per folder below the target. Resolves with
 * the error message for a failed crawl, and undefined for a successful one; never rejects for
 * anything AWS would report in LastCrawl.
 */
export async function runCrawl(definition: CrawlerDefinition, deps: CrawlDependencies): Promise<string | undefined> {
  try {
    const role = await readRole(deps.iam, definition.role, deps.accountId)
    const admin = await deps.lakeFormation.isDataLakeAdmin(principalSpellings(role.arn))
    await checkTargetAccess(definition, role, admin, deps)
    for (const target of definition.s3Targets) {
      if (deps.cancelled()) return undefined
      const objects = await readTarget(target, definition.jsonPath ?? '$', deps.s3)
      await writeTable(definition, target, objects, role, admin, deps)
    }
    return undefined
  } catch (error) {
    if (error instanceof CrawlRefusal) return error.message
    // Anything else (a missing database, a bucket that is gone) fails the crawl the way AWS does: with the service's message.
    return (error as Error).message ?? String(error)
  }
}
