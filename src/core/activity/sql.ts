/**
 * The SQL of the local (DuckDB) and athena (Trino) engines: one text for both. It reads the CloudTrail
 * table's columns (lowercase, nested structs: see src/core/catalog/cloudtrail-table.ts) and only
 * functions both dialects share (DUCKDB_MACROS shims any Trino function DuckDB lacks). Every value is a `?` parameter, never spliced into the text; the one exception is
 * the LIMIT, an integer lakegov validated, because Athena does not document parameters there.
 */
import type {GroupCount} from './summary'
import type {ActivityQuery, Grouping} from './query'
import {deliveryDaysList} from './query'
import {RECORD_FIELDS} from './record'

/** A statement and its positional parameters, all strings. */
export interface SqlStatement {
  /** The SQL text, with `?` placeholders. */
  text: string
  /** One value per placeholder, in order. */
  params: string[]
}

/** The table a statement reads. */
export interface SqlTable {
  /** The table reference, already quoted: `"cloudtrail"."cloudtrail_logs"`. */
  name: string
  /** The projected partition keys the table has, among account, region and timestamp. */
  partitionKeys: readonly string[]
}

/** The role or user the call is counted for: the same precedence as principalKeyOf in principal.ts. */
export const PRINCIPAL_KEY_SQL =
  "COALESCE(NULLIF(useridentity.sessioncontext.sessionissuer.arn, ''), NULLIF(useridentity.arn, ''), NULLIF(useridentity.invokedby, ''), NULLIF(useridentity.principalid, ''), NULLIF(useridentity.type, ''), '')"

const GROUP_KEY_SQL: Record<Grouping, string> = {
  service: "COALESCE(eventsource, '')",
  event: "COALESCE(eventname, '')",
  principal: PRINCIPAL_KEY_SQL,
  region: "COALESCE(awsregion, '')",
  day: "substr(eventtime, 1, 10)",
  hour: "substr(eventtime, 1, 13)",
  ip: "COALESCE(sourceipaddress, '')",
  error: "COALESCE(errorcode, '')",
  useragent: "COALESCE(useragent, '')",
}

/**
 * The WHERE clause. The `timestamp` partition (yyyy/MM/dd, the day the file was delivered) is
 * constrained to the window's delivery days (deliveryDaysList: the window's days, and the next when
 * the window ends within the delivery lag of midnight) so that Athena scans only them, and `region` too when the table
 * has it; eventtime then trims to the exact window, compared as ISO strings, which sort in time order.
 */
export function whereClause(query: ActivityQuery, table: SqlTable): SqlStatement {
  const conditions: string[] = []
  const params: string[] = []
  const add = (condition: string, ...values: string[]) => {
    conditions.push(condition)
    params.push(...values)
  }
  const days = deliveryDaysList(query)
  if (table.partitionKeys.includes('timestamp')) add('"timestamp" BETWEEN ? AND ?', days[0], days.at(-1) ?? days[0])
  const {filters} = query
  if (filters.regions !== 'all') {
    const marks = filters.regions.map(() => '?').join(', ')
    if (table.partitionKeys.includes('region')) add(`region IN (${marks})`, ...filters.regions)
    add(`awsregion IN (${marks})`, ...filters.regions)
  }
  add('eventtime >= ? AND eventtime < ?', query.window.from, query.window.to)
  conditions.push('eventid IS NOT NULL')
  if (filters.eventSource !== undefined) add('eventsource = ?', filters.eventSource)
  if (filters.eventName !== undefined) add('eventname = ?', filters.eventName)
  if (filters.eventNames !== undefined) add(`eventname IN (${filters.eventNames.map(() => '?').join(', ')})`, ...filters.eventNames)
  if (filters.errorsOnly) conditions.push("COALESCE(errorcode, '') <> ''")
  if (filters.readOnly !== undefined) add('readonly = ?', String(filters.readOnly))
  if (filters.principal !== undefined) {
    if (filters.principal.startsWith('arn:')) add(`(${PRINCIPAL_KEY_SQL} = ? OR useridentity.arn = ?)`, filters.principal, filters.principal)
    else add(`regexp_extract(${PRINCIPAL_KEY_SQL}, '[^/]+$') = ?`, filters.principal)
  }
  return {text: conditions.join('\n  AND '), params}
}

/** Counts per group: distinct eventIDs (CloudTrail can deliver an event twice), first and last seen. */
export function summarySql(query: ActivityQuery, by: Grouping, table: SqlTable): SqlStatement {
  const where = whereClause(query, table)
  return {
    text: `SELECT ${GROUP_KEY_SQL[by]} AS group_key, count(DISTINCT eventid) AS event_count, min(eventtime) AS first_seen, max(eventtime) AS last_seen
FROM ${table.name}
WHERE ${where.text}
GROUP BY 1`,
    params: where.params,
  }
}

/** A field's column as the events query gives it: structs as JSON, and (aggregated) any copy's value. */
function columnSql(field: (typeof RECORD_FIELDS)[number], aggregated = true): string {
  const column = field.name.toLowerCase()
  if (column === 'eventid') return column
  // A JSON value comes back from Athena as its JSON text, and from DuckDB as JSON: both parse alike.
  const value = field.kind === 'struct' || field.kind === 'structs' || field.kind === 'map' ? `CAST(${column} AS JSON)` : column
  if (!aggregated) return value === column ? column : `${value} AS ${column}`
  return `arbitrary(${value}) AS ${column}`
}

/**
 * The events query's columns for some of the record's top-level fields (CloudTrail names, any case;
 * eventID always, since the query groups by it), or for all of them. Unknown names are a RangeError.
 */
export function eventColumns(fields?: readonly string[], aggregated = true): string[] {
  if (fields === undefined) return RECORD_FIELDS.map((field) => columnSql(field, aggregated))
  const wanted = new Set(fields.map((name) => name.toLowerCase()))
  const known = new Set(RECORD_FIELDS.map((field) => field.name.toLowerCase()))
  const unknown = [...wanted].filter((name) => !known.has(name))
  if (unknown.length > 0) throw new RangeError(`not fields of the record: ${unknown.join(', ')}`)
  return RECORD_FIELDS.filter((field) => field.name === 'eventID' || wanted.has(field.name.toLowerCase())).map((field) => columnSql(field, aggregated))
}

/**
 * The matching events as they are read, for a consumer that takes them batch by batch (an events
 * ask with a sink): the same WHERE as eventsSql, but no ORDER BY and no grouping by eventID, so the
 * engine holds nothing between batches. The consumer de-duplicates by eventID (EventSink): grouping
 * 500,000 read events by eventID held them all, about 1.9 GB in DuckDB, where this streams in
 * constant memory.
 */
export function eventStreamSql(query: ActivityQuery, table: SqlTable, fields?: readonly string[]): SqlStatement {
  const where = whereClause(query, table)
  return {
    text: `SELECT ${eventColumns(fields, false).join(', ')}
FROM ${table.name}
WHERE ${where.text}`,
    params: where.params,
  }
}

/**
 * The matching events, newest first, one per eventID (at most `limit`; all without one), as the
 * table's columns (structs as JSON), or as `columns` (eventid, eventtime and aggregates) when given.
 * Copies of an event (CloudTrail can deliver one twice) are the same record, so grouping by eventID
 * and taking any copy's values de-duplicates. (A row_number() window under ORDER BY ... LIMIT would
 * do too, but DuckDB 1.5's top-N window rewrite fails an internal assertion on it.)
 *
 * With a limit, the newest `limit` eventIDs are found first, by eventID and time alone, and only
 * their rows are grouped whole: grouping every column of 30 days of 1,000,000 events to keep 100 of
 * them ran DuckDB out of memory at 400MB (issue 14's bench), where the narrow grouping fits. The
 * table is read twice, so the WHERE's values are passed twice.
 */
export function eventsSql(query: ActivityQuery, limit: number | undefined, table: SqlTable, columns: readonly string[] = eventColumns()): SqlStatement {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) throw new RangeError(`limit must be a positive integer, got ${limit}`)
  const where = whereClause(query, table)
  const newest =
    limit === undefined
      ? ''
      : `
  AND eventid IN (
    SELECT eventid
    FROM ${table.name}
    WHERE ${where.text.replaceAll('\n', '\n    ')}
    GROUP BY eventid
    ORDER BY max(eventtime) DESC, eventid DESC
    LIMIT ${limit}
  )`
  return {
    text: `SELECT ${columns.join(', ')}
FROM ${table.name}
WHERE ${where.text}${newest}
GROUP BY eventid
ORDER BY eventtime DESC, eventid DESC${limit === undefined ? '' : `
LIMIT ${limit}`}`,
    params: limit === undefined ? where.params : [...where.params, ...where.params],
  }
}

/**
 * The column of the DuckDB view that holds each record whole, as JSON text. The CloudTrail table
 * (Athena) has no such column: its JSON SerDe maps the documented fields to columns and drops the rest.
 */
export const RECORD_JSON_COLUMN = 'record_json'

/**
 * The matching events as whole records (RECORD_JSON_COLUMN), newest first, one per eventID: what
 * `alarms test` evaluates filter patterns on. Local (DuckDB) only.
 */
export function recordsSql(query: ActivityQuery, limit: number | undefined, table: SqlTable): SqlStatement {
  return eventsSql(query, limit, table, ['eventid', 'arbitrary(eventtime) AS eventtime', `arbitrary(${RECORD_JSON_COLUMN}) AS ${RECORD_JSON_COLUMN}`])
}

/** A summary row from SQL (every value a string on Athena) as a GroupCount. */
export function groupCountOfRow(row: Record<string, unknown>): GroupCount {
  return {key: String(row.group_key ?? ''), count: Number(row.event_count), firstSeen: String(row.first_seen ?? ''), lastSeen: String(row.last_seen ?? '')}
}

/**
 * The Trino functions the shared SQL uses that DuckDB lacks, as DuckDB macros. Besides arbitrary,
 * the SQL keeps to functions both dialects have (COALESCE, NULLIF, substr, regexp_extract,
 * count(DISTINCT), min, max, CAST AS JSON).
 */
export const DUCKDB_MACROS: readonly string[] = ['CREATE OR REPLACE TEMP MACRO arbitrary(x) AS any_value(x)']

/** A string as an Athena ExecutionParameters value: a SQL literal, quotes doubled (Athena API reference, ExecutionParameters). */
export function athenaParameter(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** The json_transform shape of a field: every leaf as VARCHAR, JSON kept as JSON. */
function transformShape(field: (typeof RECORD_FIELDS)[number]): unknown {
  switch (field.kind) {
    case 'struct':
      return Object.fromEntries((field.fields ?? []).map((child) => [child.name, transformShape(child)]))
    case 'structs':
      return [Object.fromEntries((field.fields ?? []).map((child) => [child.name, 'VARCHAR']))]
    case 'map':
    case 'json':
      return 'JSON'
    default:
      return 'VARCHAR'
  }
}

function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function duckdbField(field: (typeof RECORD_FIELDS)[number], path: string): string {
  const here = `${path}.${sqlIdentifier(field.name)}`
  if (field.kind !== 'struct') return here
  return `struct_pack(${(field.fields ?? []).map((child) => `${child.name.toLowerCase()} := ${duckdbField(child, here)}`).join(', ')})`
}

/** The column of duckdbJsonRowsSql's rows: each row as one JSON object's text. */
export const ROW_JSON_COLUMN = 'row_json'

/**
 * A DuckDB statement's rows as one JSON text each (structs as nested objects, JSON values inline),
 * for a consumer that parses them: DuckDB's JSON writer and JSON.parse are faster than the Node API's
 * value-by-value conversion (some 30% of a 500,000-event stream). The statement inside is unchanged.
 */
export function duckdbJsonRowsSql(statement: SqlStatement): SqlStatement {
  return {text: `SELECT CAST(to_json(lakegov_row) AS VARCHAR) AS ${ROW_JSON_COLUMN} FROM (\n${statement.text}\n) lakegov_row`, params: statement.params}
}

/** The DuckDB type of a field: every leaf VARCHAR, JSON kept as JSON (the same shape as transformShape). */
function duckdbType(field: (typeof RECORD_FIELDS)[number]): string {
  switch (field.kind) {
    case 'struct':
      return `STRUCT(${(field.fields ?? []).map((child) => `${sqlIdentifier(child.name)} ${duckdbType(child)}`).join(', ')})`
    case 'structs':
      return `STRUCT(${(field.fields ?? []).map((child) => `${sqlIdentifier(child.name)} VARCHAR`).join(', ')})[]`
    case 'map':
    case 'json':
      return 'JSON'
    default:
      return 'VARCHAR'
  }
}

/** Options of the DuckDB view over downloaded CloudTrail files. */
export interface DuckDbViewOptions {
  /** The view's name. */
  name: string
  /**
   * The local files (.json.gz), each under a path that keeps its S3 key's layout, or globs that match
   * them (read_json takes a list of either); or one glob that matches them all.
   */
  files: readonly string[] | {glob: string}
  /** DuckDB's maximum_object_size, in bytes: a CloudTrail file is one JSON object and can be large. */
  maximumObjectSize: number
  /** Also give each record whole, as JSON text (RECORD_JSON_COLUMN): slower, so only when asked. */
  wholeRecords?: boolean
  /**
   * The record's top-level fields the view gives (CloudTrail names, as in RECORD_FIELDS; the partition
   * columns always): all when absent. read_json then reads only these into the struct, which is most
   * of its time: a `summary --by service` over 26,000 files took 5.0 s with the four fields it uses
   * against 9.5 s with all of them (issue 14's bench). viewFieldsOf gives a statement's fields.
   */
  fields?: readonly string[]
}

/**
 * The record's top-level fields whose columns a statement's text names (a column name as a whole
 * word, any case, not after a dot: `useridentity.arn` names useridentity): the fields its view must give. A name
 * that appears only in a string literal costs a column, never a wrong answer; a statement that uses a
 * column always names it, since the view has no `*` callers.
 */
export function viewFieldsOf(text: string): string[] {
  return RECORD_FIELDS.filter((field) => new RegExp(`(?<![\\w.$])${field.name.toLowerCase()}(?!\\w)`, 'i').test(text)).map((field) => field.name)
}

/**
 * The DuckDB view the local engine queries: the same columns as the CloudTrail table, built from each
 * file's Records, plus the partition columns taken from each file's path, as Athena's projection
 * would, and with `wholeRecords` the whole record as JSON text (RECORD_JSON_COLUMN: the raw record,
 * every field, not the table's shape, for `alarms test`). The file paths are lakegov's own cache
 * paths, quoted, or a glob over a folder of links to them (a list of 26,000 paths cost DuckDB some
 * 300 MB; ObjectCache.runFolder). There is no schema inference, which drops fields first seen in
 * later files: the Records are read into the table's own shape, declared, or as raw JSON.
 *
 * Each record is parsed once, and no filter can be pushed below that parse (issue 14):
 * - Without wholeRecords, read_json reads Records straight into a list of structs of the table's
 *   shape (fields missing from a record are NULL, fields outside it are dropped), and the rows are
 *   that list unnested.
 * - With wholeRecords, Records is read as a list of raw JSON values, and each file's list is
 *   transformed at once (json_transform of the list) and unnested beside the raw list: the two
 *   lists zip, record for record.
 *
 * Measured (DuckDB 1.5.6, 2 threads, memory_limit 400MB, 1,000,000 events in 1,200 files, `summary
 * --by service` over 30 days): a json_transform per unnested record, as before, failed with out of
 * memory, because the optimizer inlines the view, so each filtered column (eventtime, awsregion,
 * eventid, the partition) ran its own json_transform of every record; and a `rec->>'$.path'` per
 * column had parsed every record some 50 times. The declared read runs in about 5 s at about 350 MiB
 * of process memory, the whole-record form in about 7 s.
 *
 * The layout is given, not detected: with `records` left to 'auto', DuckDB samples files (up to
 * maximum_sample_files, default 32) to decide whether their top-level values are records, reading each
 * whole, once when the view is made and again for each query, even though the columns are given
 * (DuckDB docs, "Loading JSON", read_json parameters). That was some 25 to 50 ms per file sampled: the
 * 30 day folders of 40 large files each took 5.4 s to count one folder at a time, and 2.6 s with
 * `records = true`, about what all 1,200 files take in one query. Every file is one object whose keys
 * are the columns (checkCloudTrailHead checked its `{"Records": [` start): `records = true`, and
 * 'unstructured', which reads an object whatever its line breaks.
 */
export function duckdbViewSql(options: DuckDbViewOptions): string {
  const files = 'glob' in options.files ? sqlString(options.files.glob) : `[${options.files.map(sqlString).join(', ')}]`
  const wanted = options.fields === undefined ? undefined : new Set(options.fields)
  const fields = wanted === undefined ? RECORD_FIELDS : RECORD_FIELDS.filter((field) => wanted.has(field.name))
  if (fields.length === 0) throw new RangeError('the view needs at least one of the record\'s fields')
  const columns = fields.map((field) => `${duckdbField(field, 'rec')} AS ${field.name.toLowerCase()}`)
  const recordType = `STRUCT(${fields.map((field) => `${sqlIdentifier(field.name)} ${duckdbType(field)}`).join(', ')})`
  const shape = [Object.fromEntries(fields.map((field) => [field.name, transformShape(field)]))]
  const whole = options.wholeRecords === true
  const records = whole ? `unnest(Records) AS raw, unnest(json_transform(CAST(Records AS JSON), ${sqlString(JSON.stringify(shape))})) AS rec` : 'unnest(Records) AS rec'
  return `CREATE OR REPLACE TEMP VIEW ${options.name} AS
SELECT ${columns.join(',\n  ')},
  regexp_extract(filename, '/CloudTrail/[^/]+/(\\d{4}/\\d{2}/\\d{2})/', 1) AS "timestamp",
  regexp_extract(filename, '/CloudTrail/([^/]+)/', 1) AS region,
  regexp_extract(filename, '/(\\d{12})/CloudTrail/', 1) AS account${whole ? `,
  CAST(raw AS VARCHAR) AS ${RECORD_JSON_COLUMN}` : ''}
FROM (
  SELECT filename, ${records}
  FROM read_json(${files}, columns = {'Records': ${sqlString(`${whole ? 'JSON' : recordType}[]`)}}, filename = true, format = 'unstructured', records = true, compression = 'gzip', maximum_object_size = ${Math.floor(options.maximumObjectSize)})
) records`
}

/** The partition columns of the local view (duckdbViewSql), as the table's projection gives them. */
const PARTITION_COLUMNS = ['"timestamp"', 'region', 'account']

/** The local view's columns for some of the record's fields (CloudTrail names), in RECORD_FIELDS order, then the partitions. */
function localColumnsOf(fields: readonly string[]): string[] {
  const wanted = new Set(fields)
  return [...RECORD_FIELDS.filter((field) => wanted.has(field.name)).map((field) => field.name.toLowerCase()), ...PARTITION_COLUMNS]
}

/**
 * Writes a local view's rows (duckdbViewSql over one day folder's files) to a Parquet file: the
 * columns of `fields` and the partitions, in the view's own types (structs stay structs, JSON stays
 * JSON: DuckDB reads them back the same). The local engine's columnar cache (ObjectCache.columnsEntryOf).
 */
export function duckdbColumnsCopySql(options: {from: string; file: string; fields: readonly string[]}): string {
  return `COPY (SELECT ${localColumnsOf(options.fields).join(', ')} FROM ${options.from}) TO ${sqlString(options.file)} (FORMAT parquet, COMPRESSION zstd)`
}

/**
 * The local engine's view when some (or all) day folders are read from columnar copies: the Parquet
 * files' columns of `fields` and the partitions, then the same columns of the JSON views named in
 * `views` (duckdbViewSql over the folders that have no copy), as one table. Copies may hold more
 * fields than asked, and different ones (union_by_name): only `fields` are read.
 */
export function duckdbColumnsViewSql(options: {name: string; parquet: readonly string[]; views: readonly string[]; fields: readonly string[]}): string {
  const columns = localColumnsOf(options.fields).join(', ')
  const parts = [
    ...(options.parquet.length > 0 ? [`SELECT ${columns} FROM read_parquet([${options.parquet.map(sqlString).join(', ')}], union_by_name = true)`] : []),
    ...options.views.map((view) => `SELECT ${columns} FROM ${view}`),
  ]
  if (parts.length === 0) throw new RangeError('the view needs at least one Parquet file or view')
  return `CREATE OR REPLACE TEMP VIEW ${options.name} AS\n${parts.join('\nUNION ALL\n')}`
}
