/**
 * Who DID read the log tables (issue 15), from CloudTrail records, pure.
 *
 * How a read shows up (Lake Formation developer guide, "Logging Lake Formation API calls using AWS
 * CloudTrail"; AWS's join in aws/aws-lakeformation-best-practices content/auditing/querying-audit-data.md;
 * /work/shared/ACTIVITY-FACTS.md "Who read a Lake Formation table"):
 * - Through Lake Formation: `lakeformation.amazonaws.com` `GetDataAccess`. requestParameters.tableArn
 *   names the table and permissions the permissions; additionalEventData.lakeFormationPrincipal is the
 *   principal and lakeFormationRoleSessionName (`AWSLF-…`) the session of the credentials vended.
 * - The S3 `GetObject` data events made with those credentials end userIdentity.arn with the same
 *   `AWSLF-…` session name: they are the S3 side of that read and join to it (they are not reads of
 *   their own). A GetObject on the log bucket and prefix whose session does not start with `AWSLF-`
 *   is a DIRECT read that went past Lake Formation.
 * - Athena's `StartQueryExecution` carries queryString, workGroup and (in responseElements) the
 *   query execution id. Athena's GetDataAccess carries that id in
 *   requestParameters.auditContext.additionalAuditContext (`{queryId: …}`); the query is named only
 *   on that exact id, never guessed from timing.
 *
 * Decisions where the issue is silent:
 * - A denied GetDataAccess (errorCode present) is not a read; it is kept, `denied: true`, for the
 *   anomaly rules, and left out of the rows. A failed GetObject likewise.
 * - A read's count is the number of GetDataAccess calls (credential vends) for the Lake Formation
 *   path, and of GetObject calls for the direct path.
 * - A role session principal (arn:aws:sts::A:assumed-role/R/S) is reported as the role
 *   (arn:aws:iam::A:role/R): principals are roles, not sessions. The role's IAM path is not in the
 *   session ARN; the session issuer's ARN (which has it) is preferred when CloudTrail gives it.
 * - The engine comes from additionalEventData.requesterService, sourceIPAddress and userAgent, in
 *   that order: athena, glue, redshift, emr-serverless, else `other`. A direct read's engine is
 *   `s3` (a client of S3 itself) unless its user agent names one of those services.
 */
import type {AdvancedEventSelector, AdvancedFieldSelector as FieldSelector} from '../lake/observed'
import {principalKeyOf, sessionOf} from './principal'
import type {TimeWindow} from './query'
import type {CloudTrailRecord} from './record'

/** How a read reached the data. */
export type ReadPath = 'lake-formation' | 'direct-s3'
/** The engines a read is attributed to. */
export const READ_ENGINES = ['athena', 'glue', 'redshift', 'emr-serverless', 's3', 'other'] as const
/** One of READ_ENGINES. */
export type ReadEngine = (typeof READ_ENGINES)[number]

/** The session-name prefix of credentials Lake Formation vends. */
export const LF_SESSION_PREFIX = 'AWSLF-'

/** A log table and where its objects are. */
export interface LogTable {
  /** The database, lowercase. */
  database: string
  /** The table, lowercase. */
  table: string
  /** s3://bucket/prefix/ of the table's objects, when known. */
  location?: string
}

/** A principal meant to read the logs (registration role, crawler role). */
export interface ExpectedRole {
  /** The role ARN, or its name alone. */
  arn: string
  /** Why: 'registration-role', 'crawler-role'. */
  reason: string
}

/** What the reads are derived against. */
export interface ReadsContext {
  /** The log bucket. */
  bucket: string
  /** The log prefix in it ('' for the whole bucket). */
  prefix: string
  /** The log tables. */
  tables: readonly LogTable[]
  /** The expected readers. */
  expected: readonly ExpectedRole[]
}

/** The Athena query behind a read. */
export interface ReadQuery {
  /** The query execution id. */
  queryExecutionId: string
  /** The SQL, when CloudTrail recorded it. */
  queryString?: string
  /** The workgroup, when given. */
  workGroup?: string
}

/** One read, joined. */
export interface ReadEvent {
  /** The GetDataAccess eventID (lake-formation) or the GetObject eventID (direct-s3). */
  eventId: string
  /** eventTime. */
  time: string
  /** The role or user ARN. */
  principal: string
  /** The session name, when a role session. */
  session?: string
  /** `database.table`, lowercase, or null when a direct read's object is under no table's location. */
  table: string | null
  /** The engine. */
  engine: ReadEngine
  /** The path. */
  path: ReadPath
  /** The source IP (or service name) the read came from. */
  sourceIp: string
  /** Whether the call was refused (errorCode present). */
  denied: boolean
  /** The error code of a refused call. */
  errorCode?: string
  /** The permissions Lake Formation was asked for (GetDataAccess). */
  permissions?: string[]
  /** The object key (direct-s3). */
  key?: string
  /** The eventIDs of the GetObject events under the vended session (lake-formation). */
  objectEventIds: string[]
  /** The Athena query behind the read, when the join names it. */
  query?: ReadQuery
  /** Why the principal is expected to read, when it is. */
  expected?: string
}

/** One row of `activity reads`. */
export interface ReadRow {
  /** The role or user ARN. */
  principal: string
  /** `database.table`, or null. */
  table: string | null
  /** The engine. */
  engine: ReadEngine
  /** The path. */
  path: ReadPath
  /** Reads (see ReadEvent). */
  count: number
  /** The first read's eventTime. */
  firstRead: string
  /** The last read's eventTime. */
  lastRead: string
  /** Distinct source IPs or service names, sorted. */
  sourceIps: string[]
  /** Why the principal is expected to read, or null. */
  expected: string | null
}

/** `activity reads --json`. */
export interface ReadsReport {
  /** The engine that answered. */
  engine: string
  /** The window. */
  window: TimeWindow
  /** Direct reads first, then by principal, table, engine. */
  rows: ReadRow[]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function objectAt(record: CloudTrailRecord, name: string): Record<string, unknown> {
  let value = record[name]
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown
    } catch {
      return {}
    }
  }
  return isObject(value) ? value : {}
}

/** `db.table` of a Glue table ARN (arn:aws:glue:REGION:ACCOUNT:table/DB/TABLE), lowercase; undefined otherwise. */
export function tableOfArn(arn: string): string | undefined {
  const match = /^arn:aws[\w-]*:glue:[^:]*:\d*:table\/([^/]+)\/(.+)$/.exec(arn)
  return match ? `${match[1]}.${match[2]}`.toLowerCase() : undefined
}

/**
 * A role session ARN as its role: arn:aws:sts::A:assumed-role/R/S becomes arn:aws:iam::A:role/R.
 * Any other ARN is kept.
 */
export function roleOfSessionArn(arn: string): string {
  const match = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn)
  return match ? `arn:${match[1]}:iam::${match[2]}:role/${match[3]}` : arn
}

const ENGINE_HINTS: ReadonlyArray<[RegExp, ReadEngine]> = [
  [/athena/i, 'athena'],
  [/emr-serverless/i, 'emr-serverless'],
  [/redshift/i, 'redshift'],
  [/glue/i, 'glue'],
]

function engineFrom(...hints: Array<string | undefined>): ReadEngine | undefined {
  for (const hint of hints) {
    if (!hint) continue
    for (const [pattern, engine] of ENGINE_HINTS) if (pattern.test(hint)) return engine
  }
  return undefined
}

/** The query execution id in GetDataAccess's auditContext (`{queryId: …}`), when Athena put one there. */
export function queryIdOf(record: CloudTrailRecord): string | undefined {
  const audit = objectAt(record, 'requestParameters').auditContext
  const context = isObject(audit) ? text(audit.additionalAuditContext) : undefined
  const match = context ? /queryId["']?\s*:\s*["']?([0-9a-fA-F-]{36})/.exec(context) : null
  return match ? flatCopy(match[1].toLowerCase()) : undefined
}

/**
 * A copy of a string that does not keep the text it was cut from: V8 keeps a substring of 13 or
 * more characters as a slice of its parent, so each query id kept for the join kept its whole
 * `{queryId: …}` text alive (11 MB in a heap snapshot of a 29-day baseline).
 */
function flatCopy(value: string): string {
  return value.split('').join('')
}

function isEvent(record: CloudTrailRecord, source: string, name: string): boolean {
  return record.eventSource === source && record.eventName === name
}

/** Whether the record is Lake Formation's GetDataAccess. */
export function isGetDataAccess(record: CloudTrailRecord): boolean {
  return isEvent(record, 'lakeformation.amazonaws.com', 'GetDataAccess')
}

/** Whether the record is an S3 GetObject. */
export function isGetObject(record: CloudTrailRecord): boolean {
  return isEvent(record, 's3.amazonaws.com', 'GetObject')
}

/** Whether the record is Athena's StartQueryExecution. */
export function isStartQueryExecution(record: CloudTrailRecord): boolean {
  return isEvent(record, 'athena.amazonaws.com', 'StartQueryExecution')
}

/** The bucket and key a GetObject read, from requestParameters (else resources[].ARN). */
export function objectOf(record: CloudTrailRecord): {bucket: string; key: string} | undefined {
  const parameters = objectAt(record, 'requestParameters')
  const bucket = text(parameters.bucketName)
  const key = text(parameters.key)
  if (bucket && key) return {bucket, key}
  const resources = Array.isArray(record.resources) ? record.resources : []
  for (const resource of resources) {
    const arn = isObject(resource) ? text(resource.ARN) : undefined
    const match = arn ? /^arn:aws[\w-]*:s3:::([^/]+)\/(.+)$/.exec(arn) : null
    if (match) return {bucket: match[1], key: match[2]}
  }
  return undefined
}

function normalizePrefix(prefix: string): string {
  return prefix.replace(/^\/+/, '')
}

/** The table whose location holds s3://bucket/key (the longest location that is a prefix of it), or null. */
export function tableOfObject(tables: readonly LogTable[], bucket: string, key: string): string | null {
  const url = `s3://${bucket}/${key}`
  let best: LogTable | undefined
  for (const table of tables) {
    if (!table.location) continue
    const location = table.location.endsWith('/') ? table.location : `${table.location}/`
    if (url.startsWith(location) && (!best || location.length > (best.location ?? '').length)) best = table
  }
  return best ? `${best.database}.${best.table}` : null
}

/** A role given by name (lake.yaml's `role: lakegov-crawler`) matches any role ARN of that name. */
function expectedOf(context: ReadsContext, principal: string): string | undefined {
  const roleName = /:role\/(?:.*\/)?([^/]+)$/.exec(principal)?.[1]
  return context.expected.find((role) => role.arn === principal || roleOfSessionArn(role.arn) === principal || (!role.arn.startsWith('arn:') && role.arn === roleName))?.reason
}

/** A GetDataAccess read before the join: the read as its own record gives it, and what it joins on. */
interface PendingRead {
  read: ReadEvent
  queryId?: string
}

/** What one pass over the records collects before the reads are joined. */
interface Collected {
  /** One copy of each repeated string (principals, tables, source IPs): reads come by the hundred thousand. */
  intern: (value: string) => string
  /** The eventIDs already taken. */
  seen: Set<string>
  /** Whether to keep the eventIDs of the S3 objects each Lake Formation read fetched (objectEventIds). */
  keepObjects: boolean
  grants: PendingRead[]
  /** With a stream: the Lake Formation reads waiting for their Athena query, by its (lowercase) id. */
  waiting: Map<string, ReadEvent[]>
  objectsBySession: Map<string, string[]>
  queries: Map<string, {query: ReadQuery; sourceIp?: string}>
  reads: ReadEvent[]
}

/** A StartQueryExecution's query, keyed by its (lowercase) execution id, for joining to GetDataAccess. */
function queryEntryOf(record: CloudTrailRecord): [string, {query: ReadQuery; sourceIp?: string}] | undefined {
  const id = text(objectAt(record, 'responseElements').queryExecutionId)
  if (!id) return undefined
  const parameters = objectAt(record, 'requestParameters')
  const workGroup = text(parameters.workGroup)
  const queryString = text(parameters.queryString)
  return [id.toLowerCase(), {query: {queryExecutionId: id, ...(queryString ? {queryString} : {}), ...(workGroup ? {workGroup} : {})}, sourceIp: text(record.sourceIPAddress)}]
}

/**
 * A GetObject on the log bucket and prefix: inside an `AWSLF-` session it is one of a Lake Formation
 * read's objects (kept by session, unless `keepObjects` is off); outside, it is a direct-s3 read.
 * Copies of an object event are removed when the read is joined, not through `seen`.
 */
function collectGetObject(record: CloudTrailRecord, eventId: string, context: ReadsContext, prefix: string, into: Collected): void {
  const object = objectOf(record)
  if (!object || object.bucket !== context.bucket || !object.key.startsWith(prefix)) return
  const session = sessionOf(record) ?? sessionOfArn(record)
  if (session?.startsWith(LF_SESSION_PREFIX)) {
    if (!into.keepObjects) return
    const list = into.objectsBySession.get(session) ?? []
    list.push(eventId)
    into.objectsBySession.set(session, list)
    return
  }
  if (into.seen.has(eventId)) return
  into.seen.add(eventId)
  const principal = into.intern(roleOfSessionArn(principalKeyOf(record)))
  const errorCode = text(record.errorCode)
  const expected = expectedOf(context, principal)
  into.reads.push({
    eventId,
    time: text(record.eventTime) ?? '',
    principal,
    ...(session ? {session} : {}),
    table: internNullable(into.intern, tableOfObject(context.tables, object.bucket, object.key)),
    engine: engineFrom(text(record.userAgent)) ?? 's3',
    path: 'direct-s3',
    sourceIp: into.intern(text(record.sourceIPAddress) ?? ''),
    denied: errorCode !== undefined,
    ...(errorCode ? {errorCode} : {}),
    key: object.key,
    objectEventIds: NO_OBJECTS,
    ...(expected ? {expected} : {}),
  })
}

/** One GetDataAccess as a lake-formation read, before its session's objects and its Athena query are joined. */
function pendingReadOf(record: CloudTrailRecord, context: ReadsContext, intern: (value: string) => string, internList: (values: string[]) => string[]): PendingRead {
  const parameters = objectAt(record, 'requestParameters')
  const additional = objectAt(record, 'additionalEventData')
  const lfPrincipal = text(additional.lakeFormationPrincipal)
  const principal = intern(roleOfSessionArn(lfPrincipal ?? principalKeyOf(record)))
  const session = text(additional.lakeFormationRoleSessionName)
  const errorCode = text(record.errorCode)
  const expected = expectedOf(context, principal)
  const permissions = Array.isArray(parameters.permissions) ? internList(parameters.permissions.filter((value): value is string => typeof value === 'string')) : undefined
  const tableArn = text(parameters.tableArn)
  const queryId = queryIdOf(record)
  const read: ReadEvent = {
    eventId: text(record.eventID) ?? '',
    time: text(record.eventTime) ?? '',
    principal,
    ...(session ? {session} : {}),
    table: tableArn ? internNullable(intern, tableOfArn(tableArn) ?? null) : null,
    engine: engineFrom(text(additional.requesterService), text(record.sourceIPAddress), text(record.userAgent)) ?? 'other',
    path: 'lake-formation',
    sourceIp: intern(text(record.sourceIPAddress) ?? ''),
    denied: errorCode !== undefined,
    ...(errorCode ? {errorCode} : {}),
    ...(permissions ? {permissions} : {}),
    objectEventIds: NO_OBJECTS,
    ...(expected ? {expected} : {}),
  }
  return {read, ...(queryId ? {queryId} : {})}
}

/**
 * The read joined, in place (a copy of each of 150,000 reads would double the join's memory): its
 * session's objects and, for Athena, its query (whose caller's IP is the read's source IP).
 */
function joinedRead(pending: PendingRead, collected: Collected): ReadEvent {
  const {read} = pending
  const joined = pending.queryId ? collected.queries.get(pending.queryId) : undefined
  // Sorted, so that the reads do not depend on the order the records came in.
  const objects = read.session ? collected.objectsBySession.get(read.session) : undefined
  if (objects) read.objectEventIds = [...new Set(objects)].sort()
  if (joined?.sourceIp) read.sourceIp = collected.intern(joined.sourceIp)
  if (joined) read.query = joined.query
  return read
}

/** The objectEventIds of a read without any: shared, so frozen. */
const NO_OBJECTS = Object.freeze([]) as unknown as string[]

function internNullable(intern: (value: string) => string, value: string | null): string | null {
  return value === null ? null : intern(value)
}

/**
 * The record fields the join reads: an engine asked for the reads needs to give only these
 * (ActivityAsk `fields`).
 */
export const READ_FIELDS: readonly string[] = ['eventID', 'eventTime', 'eventSource', 'eventName', 'userIdentity', 'sourceIPAddress', 'userAgent', 'errorCode', 'requestParameters', 'additionalEventData', 'responseElements', 'resources']

/** A function that gives one copy of each equal string it is given: values repeated by the hundred thousand are kept once. */
export function interner(): (value: string) => string {
  const strings = new Map<string, string>()
  return (value) => {
    const known = strings.get(value)
    if (known !== undefined) return known
    strings.set(value, value)
    return value
  }
}

/**
 * Reads handed on as they become whole, instead of kept (the anomalies baseline folds 200,000 of
 * them into its profile at 1,000,000 events). Each read is handed on once: a direct read and a Lake
 * Formation read that names no Athena query at the end of the batch it came in; one that names a
 * query when the query has come (at once if it came before), or by finish(), unjoined, if it never
 * does. The order is the records' order, not time.
 */
export interface ReadStream {
  /** Takes one read. */
  onRead(read: ReadEvent): void
  /**
   * What to keep of a Lake Formation read while it waits for its query (the whole read when absent):
   * what the consumer reads of it, so that reads whose query never comes cost little.
   */
  waiting?(read: ReadEvent): ReadEvent
}

/**
 * Joins reads from records added in any order and in any number of batches, holding only what the
 * join needs (not the records): each GetDataAccess is one lake-formation read with its GetObject
 * events and, for Athena, its query; each GetObject on the log bucket and prefix outside an `AWSLF-`
 * session is one direct-s3 read. Records are deduplicated by eventID.
 */
export class ReadsCollector {
  private readonly internOf = interner()
  private readonly lists = new Map<string, string[]>()
  private readonly collected: Collected
  private readonly prefix: string
  private readonly stream: ReadStream | undefined
  /** How many GetObject events were added, copies included (the direct-reads banner asks whether there were any). */
  getObjects = 0

  /**
   * With `keepObjects: false` the Lake Formation reads' objectEventIds stay empty and their S3 events
   * cost nothing (the anomalies baseline: 280,000 of its 500,000 read events at 1,000,000 events).
   * With a `stream`, the reads are handed on rather than kept (ReadStream); a stream needs
   * `keepObjects: false`, since a read's objects may come after it.
   */
  constructor(
    private readonly context: ReadsContext,
    options: {keepObjects?: boolean; stream?: ReadStream} = {},
  ) {
    if (options.stream && options.keepObjects) throw new TypeError('a ReadsCollector that streams its reads cannot keep their objects')
    this.prefix = normalizePrefix(context.prefix)
    this.stream = options.stream
    this.collected = {intern: this.internOf, seen: new Set(), keepObjects: !options.stream && (options.keepObjects ?? true), grants: [], waiting: new Map(), objectsBySession: new Map(), queries: new Map(), reads: []}
  }

  add(records: Iterable<CloudTrailRecord>): void {
    const {seen} = this.collected
    for (const record of records) {
      const eventId = text(record.eventID)
      if (!eventId) continue
      if (isGetObject(record)) {
        this.getObjects++
        collectGetObject(record, eventId, this.context, this.prefix, this.collected)
        continue
      }
      if (seen.has(eventId)) continue
      seen.add(eventId)
      if (isGetDataAccess(record)) this.addGrant(pendingReadOf(record, this.context, this.collected.intern, (values) => this.internListOf(values)))
      else if (isStartQueryExecution(record)) {
        const entry = queryEntryOf(record)
        if (entry) this.addQuery(...entry)
      }
    }
    if (this.stream) this.handOnDirect()
  }

  /** A GetDataAccess: kept for the join, or with a stream handed on once its query (if it names one) is known. */
  private addGrant(pending: PendingRead): void {
    const {stream} = this
    if (!stream) return void this.collected.grants.push(pending)
    if (!pending.queryId || this.collected.queries.has(pending.queryId)) return stream.onRead(joinedRead(pending, this.collected))
    const read = stream.waiting?.(pending.read) ?? pending.read
    // A list made for one read holds one: most queries have one read (a list grown by push from empty holds 17).
    const waiting = this.collected.waiting.get(pending.queryId)
    if (waiting) waiting.push(read)
    else this.collected.waiting.set(pending.queryId, [read])
  }

  /** A StartQueryExecution: kept for the join; with a stream, the reads waiting for it are joined and handed on. */
  private addQuery(id: string, entry: {query: ReadQuery; sourceIp?: string}): void {
    this.collected.queries.set(id, entry)
    const waiting = this.collected.waiting.get(id)
    if (!this.stream || !waiting) return
    this.collected.waiting.delete(id)
    for (const read of waiting) this.stream.onRead(joinedRead({read, queryId: id}, this.collected))
  }

  /** With a stream, the direct reads collected so far, handed on. */
  private handOnDirect(): void {
    for (const read of this.collected.reads) this.stream?.onRead(read)
    this.collected.reads.length = 0
  }

  /** With a stream: hands on the reads still waiting for a query that never came (unjoined). */
  finish(): void {
    if (!this.stream) throw new TypeError('finish() ends a stream; without one, call reads()')
    for (const waiting of this.collected.waiting.values()) for (const read of waiting) this.stream.onRead(read)
    this.collected.waiting.clear()
  }

  /** One copy of each permissions list: 150,000 reads ask for the same few. */
  private internListOf(values: string[]): string[] {
    const key = values.join('\u0000')
    const known = this.lists.get(key)
    if (known !== undefined && known.length === values.length) return known
    const list = values.map((value) => this.internOf(value))
    this.lists.set(key, list)
    return list
  }


  /** The reads, joined (in place), sorted by time, then eventId. */
  reads(): ReadEvent[] {
    if (this.stream) throw new TypeError('a ReadsCollector with a stream hands its reads on; call finish()')
    const reads = [...this.collected.reads, ...this.collected.grants.map((pending) => joinedRead(pending, this.collected))]
    return reads.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0))
  }
}

/** The reads in the records, joined (ReadsCollector), sorted by time, then eventId. */
export function deriveReads(records: Iterable<CloudTrailRecord>, context: ReadsContext): ReadEvent[] {
  const collector = new ReadsCollector(context)
  collector.add(records)
  return collector.reads()
}

/** The session of an assumed-role ARN even when CloudTrail omitted sessionContext. */
function sessionOfArn(record: CloudTrailRecord): string | undefined {
  const identity = record.userIdentity
  const arn = isObject(identity) ? text(identity.arn) : undefined
  const match = arn ? /:assumed-role\/[^/]+\/([^/]+)$/.exec(arn) : null
  return match ? match[1] : undefined
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** One row per principal × table × engine × path over the granted reads (denied ones are left out); direct reads first. */
export function aggregateReads(reads: Iterable<ReadEvent>): ReadRow[] {
  const rows = new Map<string, ReadRow & {ips: Set<string>}>()
  for (const read of reads) {
    if (read.denied) continue
    const key = [read.principal, read.table ?? '', read.engine, read.path].join('\u0000')
    let row = rows.get(key)
    if (!row) {
      row = {principal: read.principal, table: read.table, engine: read.engine, path: read.path, count: 0, firstRead: read.time, lastRead: read.time, sourceIps: [], expected: read.expected ?? null, ips: new Set()}
      rows.set(key, row)
    }
    row.count++
    if (read.time < row.firstRead) row.firstRead = read.time
    if (read.time > row.lastRead) row.lastRead = read.time
    if (read.sourceIp) row.ips.add(read.sourceIp)
  }
  return [...rows.values()]
    .map(({ips, ...row}) => ({...row, sourceIps: [...ips].sort()}))
    .sort((a, b) => (a.path === b.path ? 0 : a.path === 'direct-s3' ? -1 : 1) || compare(a.principal, b.principal) || compare(a.table ?? '', b.table ?? '') || compare(a.engine, b.engine))
}

/** One read as `activity reads --events` lists it. */
export interface ReadEventRow {
  /** eventTime. */
  time: string
  /** The GetDataAccess (lake-formation) or GetObject (direct-s3) eventID. */
  eventId: string
  /** The role or user ARN. */
  principal: string
  /** `database.table`, or null. */
  table: string | null
  /** The engine. */
  engine: ReadEngine
  /** The path. */
  path: ReadPath
  /** The source IP or service name. */
  sourceIp: string
  /** The object key of a direct read, else null. */
  key: string | null
  /** The Athena query behind the read when the join names it (its text when CloudTrail recorded it), else null. */
  query: ReadQuery | null
  /** Why the principal is meant to read, or null. */
  expected: string | null
}

/** The granted reads one by one (denied ones left out): direct reads first, then newest first. */
export function listReadEvents(reads: Iterable<ReadEvent>): ReadEventRow[] {
  const rows: ReadEventRow[] = []
  for (const read of reads) {
    if (read.denied) continue
    rows.push({time: read.time, eventId: read.eventId, principal: read.principal, table: read.table, engine: read.engine, path: read.path, sourceIp: read.sourceIp, key: read.key ?? null, query: read.query ?? null, expected: read.expected ?? null})
  }
  return rows.sort((a, b) => (a.path === b.path ? 0 : a.path === 'direct-s3' ? -1 : 1) || compare(b.time, a.time) || compare(b.eventId, a.eventId))
}

/** The filters `activity reads` takes. */
export interface ReadsFilter {
  /** `db.table` or `table`. */
  table?: string
  /** A role or user ARN, or its name. */
  principal?: string
  /** Only this engine. */
  engine?: ReadEngine
}

/** Whether a read passes the filters. */
export function matchesReadsFilter(read: ReadEvent, filter: ReadsFilter): boolean {
  if (filter.engine && read.engine !== filter.engine) return false
  if (filter.table) {
    const wanted = filter.table.toLowerCase()
    if (read.table === null || (read.table !== wanted && read.table.split('.').slice(1).join('.') !== wanted)) return false
  }
  if (filter.principal) {
    const wanted = filter.principal
    if (read.principal !== wanted && read.principal.slice(read.principal.lastIndexOf('/') + 1) !== wanted) return false
  }
  return true
}

// ---- does the trail log reads of the log bucket -----------------------------------------------

/** The selectors are the ones the trail step reads and writes (core/lake/observed.ts). */
export type {AdvancedEventSelector, AdvancedFieldSelector as FieldSelector} from '../lake/observed'

/** A basic event selector (the older form): DataResources of type AWS::S3::Object. */
export interface BasicEventSelector {
  ReadWriteType?: 'ReadOnly' | 'WriteOnly' | 'All'
  DataResources?: Array<{Type?: string; Values?: string[]}>
}

/** Whether reads of the log objects are logged, and which selector does it. */
export interface DataEventsCoverage {
  /** true: every GetObject under the prefix is logged; 'partial': some; false: none. */
  logsReads: boolean | 'partial'
  /** The selector that covers them, by name or position. */
  selector?: string
}

function fieldMatches(selector: FieldSelector, value: string): boolean {
  if (selector.Equals && !selector.Equals.includes(value)) return false
  if (selector.StartsWith && !selector.StartsWith.some((start) => value.startsWith(start))) return false
  if (selector.EndsWith && !selector.EndsWith.some((end) => value.endsWith(end))) return false
  if (selector.NotEquals?.includes(value)) return false
  if (selector.NotStartsWith?.some((start) => value.startsWith(start))) return false
  if (selector.NotEndsWith?.some((end) => value.endsWith(end))) return false
  return true
}

/**
 * Whether an advanced event selector logs GetObject on every object under arn:aws:s3:::BUCKET/PREFIX.
 * Within a selector the field selectors are ANDed; selectors are ORed (CloudTrail user guide,
 * "Logging data events", advanced event selectors). resources.ARN is judged by its StartsWith
 * values: one that the objects' ARN prefix starts with covers them all; one that starts with the
 * objects' prefix (a narrower prefix) covers some ('partial'); a NotStartsWith that the prefix starts
 * with excludes them. Other ARN operators (Equals, EndsWith) are read as 'partial'.
 */
function selectorCoverage(selector: AdvancedEventSelector, objectArnPrefix: string): boolean | 'partial' {
  const byField = new Map(selector.FieldSelectors.map((field) => [field.Field, field]))
  const category = byField.get('eventCategory')
  if (!category || !fieldMatches(category, 'Data')) return false
  const type = byField.get('resources.type')
  if (!type || !fieldMatches(type, 'AWS::S3::Object')) return false
  const readOnly = byField.get('readOnly')
  if (readOnly && !fieldMatches(readOnly, 'true')) return false
  const name = byField.get('eventName')
  if (name && !fieldMatches(name, 'GetObject')) return false
  const source = byField.get('eventSource')
  if (source && !fieldMatches(source, 's3.amazonaws.com')) return false
  const arn = byField.get('resources.ARN')
  if (!arn) return true
  if (arn.NotStartsWith?.some((start) => objectArnPrefix.startsWith(start))) return false
  let result: boolean | 'partial' = true
  if (arn.StartsWith) {
    if (arn.StartsWith.some((start) => objectArnPrefix.startsWith(start))) result = true
    else if (arn.StartsWith.some((start) => start.startsWith(objectArnPrefix))) result = 'partial'
    else return false
  }
  if (arn.Equals || arn.EndsWith || arn.NotEquals || arn.NotEndsWith || arn.NotStartsWith?.some((start) => start.startsWith(objectArnPrefix))) {
    if (arn.Equals && !arn.Equals.some((value) => value.startsWith(objectArnPrefix))) return false
    result = 'partial'
  }
  return result
}

/**
 * Whether the trail logs S3 reads (GetObject data events) of the log objects, from its event
 * selectors: advanced ones, or the basic form (DataResources AWS::S3::Object whose value is
 * `arn:aws:s3:::bucket/prefix` or `arn:aws:s3` for all buckets, with ReadWriteType ReadOnly or All).
 */
export function dataEventsCoverage(bucket: string, prefix: string, advanced: readonly AdvancedEventSelector[] = [], basic: readonly BasicEventSelector[] = []): DataEventsCoverage {
  const objectArnPrefix = `arn:aws:s3:::${bucket}/${normalizePrefix(prefix)}`
  let partial: string | undefined
  for (const [index, selector] of advanced.entries()) {
    const coverage = selectorCoverage(selector, objectArnPrefix)
    const label = selector.Name ?? `advanced selector ${index + 1}`
    if (coverage === true) return {logsReads: true, selector: label}
    if (coverage === 'partial') partial ??= label
  }
  for (const [index, selector] of basic.entries()) {
    if (selector.ReadWriteType === 'WriteOnly') continue
    for (const resource of selector.DataResources ?? []) {
      if (resource.Type !== 'AWS::S3::Object') continue
      for (const value of resource.Values ?? []) {
        const label = `event selector ${index + 1}`
        if (value === 'arn:aws:s3' || value === 'arn:aws:s3:::' || objectArnPrefix.startsWith(value)) return {logsReads: true, selector: label}
        if (value.startsWith(objectArnPrefix)) partial ??= label
      }
    }
  }
  return partial ? {logsReads: 'partial', selector: partial} : {logsReads: false}
}
