/**
 * Athena for the sandbox. moto keeps query executions but never runs their SQL, so the gateway serves
 * Athena itself: the SQL runs in DuckDB over the objects of the Glue table (read from moto's Glue and
 * S3), honouring partition projection, and the answers follow the API reference (botocore
 * athena/2017-05-18; https://docs.aws.amazon.com/athena/latest/APIReference/):
 * - StartQueryExecution: QueryString 1 to 262,144 bytes; ExecutionParameters for `?`; WorkGroup
 *   (default primary); ResultConfiguration.OutputLocation, required unless the workgroup sets one (an
 *   enforced workgroup setting wins); ClientRequestToken makes the call idempotent.
 * - GetQueryExecution: Status.State QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED; FAILED carries
 *   AthenaError {ErrorCategory, ErrorType, Retryable, ErrorMessage} with the codes of the Athena User
 *   Guide's "Athena error catalog" (category 1 system, 2 user; type 1006 syntax error, 1110 table or
 *   view does not exist, 1303 function not found, 1100 invalid argument, 1306 bucket not found);
 *   Statistics.DataScannedInBytes.
 * - GetQueryResults: MaxResults up to 1000; for a SELECT the first row of the first page only is the
 *   header (column labels); every value is a string and NULL has no VarCharValue; ResultSetMetadata
 *   on every page; results only once SUCCEEDED.
 * - StopQueryExecution: a QUEUED or RUNNING query becomes CANCELLED; a finished one stays as it is.
 * - GetWorkGroup, CreateWorkGroup, ListWorkGroups; the `primary` workgroup always exists.
 *
 * DataScannedInBytes is the sum of the stored (compressed) sizes of the objects the query read: the
 * objects under the locations of the partitions its partition predicates allow. Athena bills what it
 * reads from S3, and for gzip files that is their compressed size. A cancelled query keeps what it
 * had scanned.
 *
 * Not covered: DDL, CTAS and other statements than SELECT/WITH/VALUES (FAILED, "not supported by the
 * sandbox"); Lake Formation and IAM checks; formats other than the JSON SerDes.
 */
import {randomUUID} from 'node:crypto'
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'

import {GetPartitionsCommand, GetTableCommand, GlueClient} from '@aws-sdk/client-glue'
import {GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import type {DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'

import {nextRequestId} from '../../lakeformation/rest-json'
import type {CannedResponse} from '../fault-responses'
import {isObject, jsonResponse, parseInput} from '../glue/aws-json'
import {type HiveType, duckType, parseHiveType, rowOf} from './hive'
import {type Partition, ProjectionError, projectPartitions} from './projection'
import {QueryFailure, type TableRef, and, equalities, partitionPredicates, substituteParameters, tablesOf} from './sql'

/** How the sandbox's Athena behaves; tests change it through POST /_sandbox/athena. */
export interface AthenaControls {
  /** Hold every query in RUNNING (after its QUEUED phase) until this is set back to false, or it is stopped. */
  holdRunning: boolean
  /** How long a query stays QUEUED, in ms. */
  queuedMs: number
}

/** DuckDB's limits for the sandbox's queries. */
export interface AthenaOptions {
  motoEndpoint: string
  accountId: string
  log?: (line: string) => void
  /** DuckDB memory_limit; '1GB' when absent. */
  memoryLimit?: string
  /** DuckDB threads; 2 when absent. */
  threads?: number
}

class AthenaApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

function errorResponse(error: AthenaApiError): CannedResponse {
  return {status: error.status, headers: {'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': nextRequestId()}, body: JSON.stringify({__type: error.code, Message: error.message})}
}

const invalid = (message: string) => new AthenaApiError('InvalidRequestException', message)

type State = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED'

interface ColumnInfo {
  CatalogName: string
  SchemaName: string
  TableName: string
  Name: string
  Label: string
  Type: string
  Precision: number
  Scale: number
  Nullable: string
  CaseSensitive: boolean
}

interface Execution {
  id: string
  query: string
  parameters: string[]
  database: string
  catalog: string
  workGroup: string
  outputLocation: string
  token?: string
  state: State
  submitted: number
  started?: number
  completed?: number
  scanned: number
  error?: {ErrorCategory: number; ErrorType: number; Retryable: boolean; ErrorMessage: string}
  columns?: ColumnInfo[]
  rows?: (string | null)[][]
  /** Interrupts DuckDB when the query is stopped. */
  interrupt?: () => void
  release?: () => void
}

interface WorkGroup {
  Name: string
  State: 'ENABLED' | 'DISABLED'
  Description?: string
  CreationTime: number
  Configuration: {ResultConfiguration?: {OutputLocation?: string}; EnforceWorkGroupConfiguration?: boolean; [key: string]: unknown}
}

const OPERATIONS = new Set(['StartQueryExecution', 'GetQueryExecution', 'GetQueryResults', 'StopQueryExecution', 'GetWorkGroup', 'CreateWorkGroup', 'ListWorkGroups'])

/** DuckDB macros for the Trino functions CloudTrail queries use (DuckDB lacks them under these names). */
const TRINO_MACROS = [
  // Trino returns NULL for a non-scalar; json_extract_string returns its JSON text. Queries on scalars agree.
  'CREATE TEMP MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)',
  'CREATE TEMP MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)',
  'CREATE TEMP MACRO from_iso8601_date(s) AS CAST(s AS DATE)',
  'CREATE TEMP MACRO approx_distinct(x) AS approx_count_distinct(x)',
  'CREATE TEMP MACRO arbitrary(x) AS any_value(x)',
  'CREATE TEMP MACRO regexp_like(s, p) AS regexp_matches(s, p)',
  "CREATE TEMP MACRO to_iso8601(t) AS strftime(t, '%Y-%m-%dT%H:%M:%S.%gZ')",
  'CREATE TEMP MACRO from_unixtime(n) AS to_timestamp(n)',
  'CREATE TEMP MACRO cardinality(a) AS len(a)',
]

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`

function s3Parts(url: string): {bucket: string; key: string} {
  const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(url)
  if (!match) throw new QueryFailure(`HIVE_METASTORE_ERROR: ${url} is not an s3:// location`, 1109)
  return {bucket: match[1], key: match[2]}
}

/** Athena's type names for DuckDB's (Trino's names, as Athena reports them in ColumnInfo). */
function athenaType(duck: string): string {
  const type = duck.toUpperCase()
  if (type.endsWith('[]')) return 'array'
  if (type.startsWith('STRUCT')) return 'row'
  if (type.startsWith('MAP')) return 'map'
  if (type.startsWith('DECIMAL')) return 'decimal'
  const names: Record<string, string> = {
    VARCHAR: 'varchar',
    BIGINT: 'bigint',
    HUGEINT: 'bigint',
    INTEGER: 'integer',
    SMALLINT: 'smallint',
    TINYINT: 'tinyint',
    DOUBLE: 'double',
    FLOAT: 'real',
    BOOLEAN: 'boolean',
    DATE: 'date',
    TIMESTAMP: 'timestamp',
    'TIMESTAMP WITH TIME ZONE': 'timestamp with time zone',
    BLOB: 'varbinary',
    JSON: 'json',
  }
  return names[type] ?? 'varchar'
}

/** How Trino prints a value of the type (timestamps with milliseconds); DuckDB's text otherwise. */
function asText(column: string, duck: string): string {
  const name = quote(column)
  if (duck === 'TIMESTAMP') return `strftime(${name}, '%Y-%m-%d %H:%M:%S.%g')`
  if (duck === 'TIMESTAMP WITH TIME ZONE') return `strftime(${name}, '%Y-%m-%d %H:%M:%S.%g UTC')`
  return `CAST(${name} AS VARCHAR)`
}

/** Athena's answer to a DuckDB error. */
function failureOf(error: Error): QueryFailure {
  if (error instanceof QueryFailure) return error
  const message = error.message.split('\n')[0]
  if (error instanceof ProjectionError) return new QueryFailure(message, 1100)
  if (/^Parser Error/.test(message)) return new QueryFailure(`SYNTAX_ERROR: ${message.replace(/^Parser Error: /, '')}`, 1006)
  const column = /Referenced column "?([^"]+)"? not found|column "?([^"\s]+)"? not found|Binder Error: .*?"([^"]+)" not found/i.exec(message)
  if (column) {
    // Athena's COLUMN_NOT_FOUND text; the catalog gives no single ErrorType for it, and 1006 (syntax
    // error: the statement does not analyse) is the stricter of the user-error types.
    return new QueryFailure(`COLUMN_NOT_FOUND: line 1:1: Column '${column[1] ?? column[2] ?? column[3]}' cannot be resolved or requester is not authorized to access requested resources`, 1006)
  }
  if (/Catalog Error: Table/.test(message)) return new QueryFailure(`TABLE_NOT_FOUND: ${message.replace(/^Catalog Error: /, '')}`, 1110)
  if (/Catalog Error: .*Function/i.test(message)) return new QueryFailure(`FUNCTION_NOT_FOUND: ${message.replace(/^Catalog Error: /, '')}`, 1303)
  if (/^(Binder|Conversion|Invalid Input|Out of Range) Error/.test(message)) return new QueryFailure(`INVALID_FUNCTION_ARGUMENT: ${message}`, 1106)
  if (/Out of Memory/i.test(message)) return new QueryFailure('Query exhausted resources at this scale factor', 0, 1, true)
  if (/Interrupted/i.test(message)) return new QueryFailure('Query cancelled', 1011)
  return new QueryFailure(`GENERIC_INTERNAL_ERROR: ${message}`, 200, 1, true)
}

interface TableSetup {
  ref: TableRef
  schema: string
  name: string
  columns: {name: string; type: HiveType}[]
  partitionKeys: string[]
  recordsArray: boolean
  partitions: Partition[]
}

/** Runs task(0..count-1), eight at a time; the first failure rejects. */
async function pool(count: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({length: Math.min(8, count)}, worker))
}

export class AthenaService {
  private readonly glue: GlueClient
  private readonly s3: S3Client
  private readonly executions = new Map<string, Execution>()
  private readonly tokens = new Map<string, string>()
  private workGroups = new Map<string, WorkGroup>()
  private state: AthenaControls = {holdRunning: false, queuedMs: 20}
  private readonly dir = join(tmpdir(), `lakegov-sandbox-athena-${process.pid}-${randomUUID().slice(0, 8)}`)
  /** Converted files: bucket/key/etag → NDJSON path on disk. */
  private readonly converted = new Map<string, string>()
  private fileCounter = 0
  private queue: Promise<void> = Promise.resolve()
  private readonly log: (line: string) => void
  private duck: Promise<typeof import('@duckdb/node-api')> | undefined

  constructor(private readonly options: AthenaOptions) {
    const client = {region: 'us-east-1', endpoint: options.motoEndpoint, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}, maxAttempts: 1}
    this.glue = new GlueClient(client)
    this.s3 = new S3Client({...client, forcePathStyle: true})
    this.log = options.log ?? (() => undefined)
    this.resetWorkGroups()
  }

  handles(operation: string): boolean {
    return OPERATIONS.has(operation)
  }

  controls(): AthenaControls {
    return {...this.state}
  }

  /** Changes the controls; releasing holdRunning lets held queries run. */
  setControls(input: unknown): void {
    if (!isObject(input)) throw new Error('Athena controls must be a JSON object.')
    const unknown = Object.keys(input).filter((key) => !['holdRunning', 'queuedMs'].includes(key))
    if (unknown.length > 0) throw new Error(`Unknown Athena control(s): ${unknown.join(', ')}.`)
    if (input.holdRunning !== undefined && typeof input.holdRunning !== 'boolean') throw new Error('holdRunning must be true or false.')
    if (input.queuedMs !== undefined && (typeof input.queuedMs !== 'number' || input.queuedMs < 0)) throw new Error('queuedMs must be a number of 0 or more.')
    this.state = {...this.state, ...(input as Partial<AthenaControls>)}
    if (!this.state.holdRunning) for (const execution of this.executions.values()) execution.release?.()
  }

  reset(): void {
    for (const execution of this.executions.values()) {
      if (execution.state === 'QUEUED' || execution.state === 'RUNNING') {
        execution.state = 'CANCELLED'
        execution.interrupt?.()
        execution.release?.()
      }
    }
    this.executions.clear()
    this.tokens.clear()
    this.state = {holdRunning: false, queuedMs: 20}
    this.resetWorkGroups()
    this.converted.clear()
    rmSync(this.dir, {recursive: true, force: true})
  }

  close(): void {
    this.reset()
  }

  private resetWorkGroups(): void {
    this.workGroups = new Map([['primary', {Name: 'primary', State: 'ENABLED', CreationTime: Date.now() / 1000, Configuration: {EnforceWorkGroupConfiguration: false}}]])
  }

  async handle(operation: string, body: Buffer, region: string): Promise<CannedResponse> {
    void region
    try {
      const input = parseInput(body)
      switch (operation) {
        case 'StartQueryExecution':
          return jsonResponse(this.start(input))
        case 'GetQueryExecution':
          return jsonResponse({QueryExecution: this.describe(this.find(input.QueryExecutionId))})
        case 'GetQueryResults':
          return jsonResponse(this.results(input))
        case 'StopQueryExecution':
          this.stop(this.find(input.QueryExecutionId))
          return jsonResponse({})
        case 'GetWorkGroup':
          return jsonResponse({WorkGroup: this.workGroup(input.WorkGroup)})
        case 'CreateWorkGroup':
          this.createWorkGroup(input)
          return jsonResponse({})
        default:
          return jsonResponse({
            WorkGroups: [...this.workGroups.values()].map((group) => ({
              Name: group.Name,
              State: group.State,
              ...(group.Description ? {Description: group.Description} : {}),
              CreationTime: group.CreationTime,
              EngineVersion: {SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3'},
            })),
          })
      }
    } catch (error) {
      if (error instanceof AthenaApiError) return errorResponse(error)
      if (error instanceof Error && error.name === 'GlueError') return errorResponse(invalid(error.message))
      throw error
    }
  }

  private workGroup(name: unknown): WorkGroup {
    if (typeof name !== 'string' || name === '') throw invalid('WorkGroup is required.')
    const group = this.workGroups.get(name)
    if (!group) throw invalid(`WorkGroup ${name} is not found.`)
    return group
  }

  private createWorkGroup(input: Record<string, unknown>): void {
    const name = input.Name
    if (typeof name !== 'string' || !/^[a-zA-Z0-9._-]{1,128}$/.test(name)) throw invalid('Name must be 1 to 128 letters, digits, periods, underscores or hyphens.')
    if (this.workGroups.has(name)) throw invalid('WorkGroup is already created')
    const configuration = isObject(input.Configuration) ? (input.Configuration as WorkGroup['Configuration']) : {}
    this.workGroups.set(name, {Name: name, State: 'ENABLED', CreationTime: Date.now() / 1000, Configuration: {EnforceWorkGroupConfiguration: true, ...configuration}, ...(typeof input.Description === 'string' ? {Description: input.Description} : {})})
  }

  private find(id: unknown): Execution {
    if (typeof id !== 'string' || id === '') throw invalid('QueryExecutionId is required.')
    const execution = this.executions.get(id)
    if (!execution) throw invalid(`QueryExecution ${id} was not found`)
    return execution
  }

  private start(input: Record<string, unknown>) {
    const query = input.QueryString
    if (typeof query !== 'string' || query.length === 0 || Buffer.byteLength(query) > 262_144) throw invalid('QueryString must be 1 to 262144 bytes.')
    const parameters = input.ExecutionParameters ?? []
    if (!Array.isArray(parameters) || parameters.some((value) => typeof value !== 'string' || value === '')) throw invalid('ExecutionParameters must be a list of non-empty strings.')
    const group = this.workGroup(input.WorkGroup ?? 'primary')
    if (group.State !== 'ENABLED') throw invalid(`WorkGroup ${group.Name} is disabled.`)
    const token = input.ClientRequestToken
    if (token !== undefined && (typeof token !== 'string' || token.length < 32 || token.length > 128)) throw invalid('ClientRequestToken must be 32 to 128 characters.')
    if (typeof token === 'string' && this.tokens.has(token)) return {QueryExecutionId: this.tokens.get(token)}
    const requested = (input.ResultConfiguration as {OutputLocation?: unknown} | undefined)?.OutputLocation
    const groupLocation = group.Configuration.ResultConfiguration?.OutputLocation
    const outputLocation = group.Configuration.EnforceWorkGroupConfiguration && groupLocation ? groupLocation : typeof requested === 'string' && requested !== '' ? requested : groupLocation
    if (!outputLocation) throw invalid('No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.')
    const context = (isObject(input.QueryExecutionContext) ? input.QueryExecutionContext : {}) as {Database?: string; Catalog?: string}
    const execution: Execution = {
      id: randomUUID(),
      query,
      parameters: parameters as string[],
      database: context.Database ?? 'default',
      catalog: context.Catalog ?? 'AwsDataCatalog',
      workGroup: group.Name,
      outputLocation,
      ...(typeof token === 'string' ? {token} : {}),
      state: 'QUEUED',
      submitted: Date.now(),
      scanned: 0,
    }
    this.executions.set(execution.id, execution)
    if (typeof token === 'string') this.tokens.set(token, execution.id)
    void this.lifecycle(execution)
    return {QueryExecutionId: execution.id}
  }

  private stop(execution: Execution): void {
    if (execution.state !== 'QUEUED' && execution.state !== 'RUNNING') return
    execution.state = 'CANCELLED'
    execution.completed = Date.now()
    execution.interrupt?.()
    execution.release?.()
  }

  private describe(execution: Execution) {
    const done = execution.completed ?? Date.now()
    const started = execution.started ?? done
    const output = `${execution.outputLocation.replace(/\/?$/, '/')}${execution.id}.csv`
    return {
      QueryExecutionId: execution.id,
      Query: execution.query,
      StatementType: 'DML',
      ResultConfiguration: {OutputLocation: output},
      ResultReuseConfiguration: {ResultReuseByAgeConfiguration: {Enabled: false}},
      QueryExecutionContext: {Database: execution.database, Catalog: execution.catalog},
      Status: {
        State: execution.state,
        SubmissionDateTime: execution.submitted / 1000,
        ...(execution.completed ? {CompletionDateTime: execution.completed / 1000} : {}),
        ...(execution.error ? {StateChangeReason: execution.error.ErrorMessage, AthenaError: execution.error} : {}),
      },
      Statistics: {
        EngineExecutionTimeInMillis: Math.max(0, done - started),
        DataScannedInBytes: execution.scanned,
        TotalExecutionTimeInMillis: Math.max(0, done - execution.submitted),
        QueryQueueTimeInMillis: Math.max(0, started - execution.submitted),
        ServicePreProcessingTimeInMillis: 0,
        QueryPlanningTimeInMillis: 0,
        ServiceProcessingTimeInMillis: 0,
        ResultReuseInformation: {ReusedPreviousResult: false},
      },
      WorkGroup: execution.workGroup,
      EngineVersion: {SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3'},
      ...(execution.parameters.length > 0 ? {ExecutionParameters: execution.parameters} : {}),
      SubstatementType: 'SELECT',
    }
  }

  private results(input: Record<string, unknown>) {
    const execution = this.find(input.QueryExecutionId)
    const max = input.MaxResults ?? 1000
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 1000) {
      throw invalid(`1 validation error detected: Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`)
    }
    if (execution.state === 'QUEUED' || execution.state === 'RUNNING') throw invalid(`Query has not yet finished. Current state: ${execution.state}`)
    if (execution.state !== 'SUCCEEDED') throw invalid(`Query did not finish successfully. Final query state: ${execution.state}`)
    const columns = execution.columns ?? []
    const header = {Data: columns.map((column) => ({VarCharValue: column.Label}))}
    const all = [header, ...(execution.rows ?? []).map((row) => ({Data: row.map((value) => (value === null ? {} : {VarCharValue: value}))}))]
    let offset = 0
    if (input.NextToken !== undefined) {
      const match = /^([0-9a-f-]{36}):(\d+)$/.exec(Buffer.from(String(input.NextToken), 'base64url').toString('utf8'))
      if (!match || match[1] !== execution.id) throw invalid('The NextToken is not valid for this query.')
      offset = Number(match[2])
    }
    const page = all.slice(offset, offset + max)
    const next = offset + max < all.length ? Buffer.from(`${execution.id}:${offset + max}`).toString('base64url') : undefined
    return {UpdateCount: 0, ResultSet: {Rows: page, ResultSetMetadata: {ColumnInfo: columns}}, ...(next ? {NextToken: next} : {})}
  }

  /** QUEUED → RUNNING → SUCCEEDED | FAILED, unless stopped on the way; one query runs at a time. */
  private async lifecycle(execution: Execution): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.state.queuedMs))
    const previous = this.queue
    let done!: () => void
    this.queue = new Promise((resolve) => (done = resolve))
    await previous
    try {
      if (execution.state !== 'QUEUED') return
      execution.state = 'RUNNING'
      execution.started = Date.now()
      if (this.state.holdRunning) await new Promise<void>((resolve) => (execution.release = resolve))
      if (execution.state !== 'RUNNING') return
      try {
        await this.execute(execution)
        if (execution.state !== 'RUNNING') return
        await this.writeResults(execution)
        if (execution.state !== 'RUNNING') return
        execution.state = 'SUCCEEDED'
      } catch (error) {
        if (execution.state !== 'RUNNING') return
        const failure = failureOf(error as Error)
        execution.state = 'FAILED'
        execution.error = {ErrorCategory: failure.errorCategory, ErrorType: failure.errorType, Retryable: failure.retryable, ErrorMessage: failure.message}
        this.log(`athena: query ${execution.id} failed: ${failure.message} (${(error as Error).message.split('\n')[0]})`)
      }
      execution.completed = Date.now()
    } finally {
      execution.release = undefined
      execution.interrupt = undefined
      done()
    }
  }

  private async connect(): Promise<{instance: DuckDBInstance; connection: DuckDBConnection}> {
    // Loaded on first use: the sandbox starts without paying for DuckDB.
    this.duck ??= import('@duckdb/node-api')
    const {DuckDBInstance} = await this.duck
    const instance = await DuckDBInstance.create(':memory:', {memory_limit: this.options.memoryLimit ?? '1GB', threads: String(this.options.threads ?? 2)})
    const connection = await instance.connect()
    await connection.run("SET TimeZone = 'UTC'")
    for (const macro of TRINO_MACROS) await connection.run(macro)
    return {instance, connection}
  }

  private async execute(execution: Execution): Promise<void> {
    const sql = substituteParameters(execution.query, execution.parameters).trim().replace(/;\s*$/, '')
    const {instance, connection} = await this.connect()
    execution.interrupt = () => connection.interrupt()
    try {
      const parsed = JSON.parse(String((await connection.runAndReadAll(`SELECT json_serialize_sql(${literal(sql)})`)).getRows()[0][0])) as {
        error?: boolean
        error_message?: string
        statements?: {node: {type: string}}[]
      }
      if (parsed.error) {
        // json_serialize_sql refuses any statement other than SELECT too; tell them apart.
        if (/only SELECT statements/i.test(parsed.error_message ?? '')) throw new QueryFailure('NOT_SUPPORTED: The lakegov sandbox runs SELECT queries only.', 1202)
        throw new QueryFailure(`SYNTAX_ERROR: ${parsed.error_message ?? 'syntax error'}`, 1006)
      }
      if ((parsed.statements ?? []).length !== 1) throw new QueryFailure('SYNTAX_ERROR: Athena runs one statement per query.', 1006)
      const catalog = execution.catalog.toLowerCase()
      await connection.run(`ATTACH ':memory:' AS ${quote(catalog)}`)
      await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quote(catalog)}.${quote(execution.database.toLowerCase())}`)
      const setups: TableSetup[] = []
      for (const ref of tablesOf(parsed)) {
        const schema = ref.schema || execution.database.toLowerCase()
        if (ref.catalog && ref.catalog !== catalog) throw new QueryFailure(`CATALOG_NOT_FOUND: Catalog '${ref.catalog}' does not exist`, 1110)
        const setup = await this.tableSetup(ref, schema, execution, parsed)
        if (setup) setups.push(setup)
      }
      // Analysis before any read, as Athena: an unknown column or function fails with nothing scanned.
      for (const setup of setups) await this.defineTable(connection, catalog, setup, [])
      await connection.run(`USE ${quote(catalog)}.${quote(execution.database.toLowerCase())}`)
      await connection.run(`DESCRIBE ${sql}`)
      for (const setup of setups) {
        await this.attachTable(connection, catalog, setup, parsed, execution)
        if (execution.state !== 'RUNNING') return
      }
      await connection.run(`CREATE TEMP TABLE __lakegov_result AS ${sql}`)
      const described = (await connection.runAndReadAll('DESCRIBE __lakegov_result')).getRows().map((row) => ({name: String(row[0]), type: String(row[1])}))
      const text = await connection.runAndReadAll(`SELECT ${described.map((column) => asText(column.name, column.type)).join(', ') || '1'} FROM __lakegov_result ORDER BY rowid`)
      // Trino names an unaliased expression _colN (N from 0); DuckDB names it by its text.
      const nameOf = (name: string, index: number) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `_col${index}`)
      execution.columns = described.map((column, index) => ({
        CatalogName: 'hive',
        SchemaName: '',
        TableName: '',
        Name: nameOf(column.name, index),
        Label: nameOf(column.name, index),
        Type: athenaType(column.type),
        Precision: column.type === 'VARCHAR' ? 2147483647 : 0,
        Scale: 0,
        Nullable: 'UNKNOWN',
        CaseSensitive: column.type === 'VARCHAR',
      }))
      execution.rows = text.getRows().map((row) => row.map((value) => (value === null ? null : String(value))))
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  }

  /** The table from moto's Glue; undefined for a name DuckDB will refuse itself (a CTE, a missing table). */
  private async tableSetup(ref: TableRef, schema: string, execution: Execution, parsed: unknown): Promise<TableSetup | undefined> {
    let table
    try {
      table = (await this.glue.send(new GetTableCommand({DatabaseName: schema, Name: ref.table}))).Table
    } catch (error) {
      if ((error as Error).name === 'EntityNotFoundException') throw new QueryFailure(`TABLE_NOT_FOUND: line 1:1: Table '${execution.catalog.toLowerCase()}.${schema}.${ref.table}' does not exist`, 1110)
      throw error
    }
    if (!table) return undefined
    const sd = table.StorageDescriptor ?? {}
    const serde = sd.SerdeInfo?.SerializationLibrary ?? ''
    if (!/JsonSerDe$/.test(serde)) throw new QueryFailure(`HIVE_UNSUPPORTED_FORMAT: The lakegov sandbox reads JSON SerDe tables only, not ${serde || 'this table'}.`, 1201)
    const columns = (sd.Columns ?? []).map((column) => ({name: String(column.Name).toLowerCase(), type: parseHiveType(column.Type ?? 'string')}))
    const partitionKeys = (table.PartitionKeys ?? []).map((key) => String(key.Name).toLowerCase())
    const parameters = table.Parameters ?? {}
    let partitions: Partition[]
    if (partitionKeys.length === 0) partitions = [{values: {}, location: sd.Location ?? ''}]
    else if (parameters['projection.enabled'] === 'true') partitions = [] // projected per query, below
    else {
      partitions = []
      let token: string | undefined
      do {
        const page = await this.glue.send(new GetPartitionsCommand({DatabaseName: schema, TableName: ref.table, NextToken: token}))
        for (const partition of page.Partitions ?? []) {
          partitions.push({values: Object.fromEntries(partitionKeys.map((key, index) => [key, partition.Values?.[index] ?? ''])), location: partition.StorageDescriptor?.Location ?? ''})
        }
        token = page.NextToken
      } while (token)
    }
    if (partitionKeys.length > 0 && parameters['projection.enabled'] === 'true') {
      // Injected columns take their values from the query's equalities on them.
      const places = partitionPredicates(parsed, (candidate) => candidate.table === ref.table, partitionKeys)
      const injected = Object.fromEntries(partitionKeys.map((key) => [key, [...new Set(places.flatMap((predicates) => equalities(predicates, key)))]]))
      partitions = projectPartitions(partitionKeys, parameters, sd.Location ?? '', execution.submitted, injected)
    }
    return {ref, schema, name: ref.table, columns, partitionKeys, recordsArray: /CloudTrailInputFormat$/.test(sd.InputFormat ?? ''), partitions}
  }

  /** Keeps the partitions the query's predicates allow (all when they cannot be evaluated). */
  private async prune(connection: DuckDBConnection, setup: TableSetup, parsed: unknown, catalog: string): Promise<Partition[]> {
    const matches = (ref: TableRef) => ref.table === setup.name && (ref.schema === '' || ref.schema === setup.schema) && (ref.catalog === '' || ref.catalog === catalog)
    const places = partitionPredicates(parsed, matches, setup.partitionKeys)
    if (setup.partitionKeys.length === 0 || places.length === 0 || places.some((predicates) => predicates.length === 0)) return setup.partitions
    const values = setup.partitions.map((partition, index) => `(${index}, ${setup.partitionKeys.map((key) => literal(partition.values[key] ?? '')).join(', ')})`)
    await connection.run(`CREATE TEMP TABLE __lakegov_partitions (__index INTEGER, ${setup.partitionKeys.map((key) => `${quote(key)} VARCHAR`).join(', ')})`)
    for (let i = 0; i < values.length; i += 1000) await connection.run(`INSERT INTO __lakegov_partitions VALUES ${values.slice(i, i + 1000).join(', ')}`)
    const keep = new Set<number>()
    try {
      const template = JSON.parse(String((await connection.runAndReadAll(`SELECT json_serialize_sql('SELECT __index FROM __lakegov_partitions WHERE true')`)).getRows()[0][0])) as {
        statements: {node: {where_clause: unknown}}[]
      }
      for (const predicates of places) {
        template.statements[0].node.where_clause = and(predicates)
        const select = String((await connection.runAndReadAll(`SELECT json_deserialize_sql(${literal(JSON.stringify(template))}::JSON)`)).getRows()[0][0])
        for (const row of (await connection.runAndReadAll(select)).getRows()) keep.add(Number(row[0]))
      }
    } catch (error) {
      this.log(`athena: partition predicates not evaluated (${(error as Error).message.split('\n')[0]}); reading every partition`)
      await connection.run('DROP TABLE __lakegov_partitions')
      return setup.partitions
    }
    await connection.run('DROP TABLE __lakegov_partitions')
    return setup.partitions.filter((_, index) => keep.has(index))
  }

  /** Downloads, converts and counts the objects of the allowed partitions, and defines the table over them. */
  private async attachTable(connection: DuckDBConnection, catalog: string, setup: TableSetup, parsed: unknown, execution: Execution): Promise<void> {
    const partitions = await this.prune(connection, setup, parsed, catalog)
    mkdirSync(this.dir, {recursive: true})
    // moto answers one request at a time per thread: list and read several at once.
    const objects: {bucket: string; key: string; etag: string; size: number; partition: Partition}[][] = Array.from({length: partitions.length}, () => [])
    await pool(partitions.length, async (index) => {
      const partition = partitions[index]
      const {bucket, key} = s3Parts(partition.location)
      const prefix = key === '' || key.endsWith('/') ? key : `${key}/`
      let token: string | undefined
      do {
        let page
        try {
          page = await this.s3.send(new ListObjectsV2Command({Bucket: bucket, Prefix: prefix, ContinuationToken: token}))
        } catch (error) {
          if ((error as Error).name === 'NoSuchBucket') throw new QueryFailure(`HIVE_FILESYSTEM_ERROR: The bucket ${bucket} does not exist`, 1306)
          throw error
        }
        for (const object of page.Contents ?? []) {
          // Hive skips hidden files (names starting with _ or .), in any folder under the location.
          if (object.Key!.slice(prefix.length).split('/').some((part) => part.startsWith('_') || part.startsWith('.'))) continue
          objects[index].push({bucket, key: object.Key!, etag: object.ETag ?? '', size: object.Size ?? 0, partition})
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
    })
    const all = objects.flat()
    const listed = Date.now()
    const files: string[] = new Array<string>(all.length)
    await pool(all.length, async (index) => {
      if (execution.state !== 'RUNNING') return
      const object = all[index]
      files[index] = await this.convertedFile(object.bucket, object.key, object.etag, object.size, setup, object.partition)
      execution.scanned += object.size
    })
    if (execution.state !== 'RUNNING') return
    this.log(`athena: ${setup.name}: ${partitions.length} partition(s), ${all.length} object(s) read in ${Date.now() - listed} ms`)
    await this.defineTable(connection, catalog, setup, files)
  }

  /** The table as a DuckDB view over its converted files (none: an empty relation of the same columns). */
  private async defineTable(connection: DuckDBConnection, catalog: string, setup: TableSetup, files: string[]): Promise<void> {
    const columns = [...setup.columns.map((column) => `${quote(column.name)}: ${literal(duckType(column.type))}`), ...setup.partitionKeys.map((key) => `${quote(key)}: 'VARCHAR'`)]
    const target = `${quote(catalog)}.${quote(setup.schema)}.${quote(setup.name)}`
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quote(catalog)}.${quote(setup.schema)}`)
    if (files.length === 0) {
      const empty = [...setup.columns.map((column) => `CAST(NULL AS ${duckType(column.type)}) AS ${quote(column.name)}`), ...setup.partitionKeys.map((key) => `CAST(NULL AS VARCHAR) AS ${quote(key)}`)]
      await connection.run(`CREATE OR REPLACE VIEW ${target} AS SELECT ${empty.join(', ')} WHERE false`)
      return
    }
    await connection.run(
      `CREATE OR REPLACE VIEW ${target} AS SELECT * FROM read_json([${files.map(literal).join(', ')}], format = 'newline_delimited', columns = {${columns.join(', ')}}, maximum_object_size = 16777216)`,
    )
  }

  /** A file of the table as NDJSON rows (the SerDe's reading of it), cached by bucket, key and ETag. */
  private async convertedFile(bucket: string, key: string, etag: string, size: number, setup: TableSetup, partition: Partition): Promise<string> {
    const cacheKey = `${setup.schema}.${setup.name}|${JSON.stringify(partition.values)}|${bucket}/${key}|${etag}|${size}`
    const cached = this.converted.get(cacheKey)
    if (cached) return cached
    const response = await this.s3.send(new GetObjectCommand({Bucket: bucket, Key: key}))
    let bytes = Buffer.from(await response.Body!.transformToByteArray())
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes)
    const text = bytes.toString('utf8')
    let records: unknown[]
    try {
      if (setup.recordsArray) {
        const document = JSON.parse(text) as {Records?: unknown}
        records = Array.isArray(document.Records) ? document.Records : []
      } else records = text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown)
    } catch {
      throw new QueryFailure(`HIVE_CURSOR_ERROR: Row is not a valid JSON Object - s3://${bucket}/${key}`, 1001)
    }
    const lines = records.map((record) => JSON.stringify({...rowOf(record, setup.columns), ...partition.values}))
    const path = join(this.dir, `${this.fileCounter++}.ndjson`)
    writeFileSync(path, lines.length === 0 ? '' : `${lines.join('\n')}\n`)
    this.converted.set(cacheKey, path)
    return path
  }

  /** Athena's CSV result file in the output location (every value quoted; NULL as an empty field). */
  private async writeResults(execution: Execution): Promise<void> {
    const {bucket, key} = s3Parts(`${execution.outputLocation.replace(/\/?$/, '/')}${execution.id}.csv`)
    const csv = (value: string | null) => (value === null ? '' : `"${value.replace(/"/g, '""')}"`)
    const lines = [(execution.columns ?? []).map((column) => csv(column.Label)).join(','), ...(execution.rows ?? []).map((row) => row.map(csv).join(','))]
    try {
      await this.s3.send(new PutObjectCommand({Bucket: bucket, Key: key, Body: `${lines.join('\n')}\n`, ContentType: 'text/csv'}))
    } catch (error) {
      if ((error as Error).name === 'NoSuchBucket') throw new QueryFailure(`Unable to verify/create output bucket ${bucket}`, 1306)
      throw error
    }
  }
}
