/**
 * Effective access to the log tables: who can read which table, which columns and rows, and through
 * which path. The input is a state the AWS readers build; the output is plain rows, so that the
 * table, CSV, markdown and JSON renderers and the findings rules all share one computation.
 *
 * Lake Formation semantics this follows, and the choices made where AWS leaves room:
 * - SELECT (or ALL, which includes it) on a table, on its columns, on the database's table
 *   wildcard, through an LF-tag expression of resource type TABLE, or through a data cells filter
 *   gives read access. Database-level permissions (ALL = ALTER, CREATE_TABLE, DESCRIBE, DROP) give
 *   none on the tables in it, so database grants yield no row.
 * - Data lake admins hold DESCRIBE on everything and may grant themselves anything, so they are one
 *   self-grant away from reading every table: one 'admin' row each, grantable.
 * - Read-only admins see every resource and grant but get no data access: they get a
 *   'read-only-admin' row with `readsData: false`, so "who can see the schema" stays answerable.
 * - SUPER_USER on the catalog grants every permission on every resource in it: a 'catalog-grant' row.
 * - IAM_ALLOWED_PRINCIPALS with SELECT or ALL on a table or its database's table wildcard hands the
 *   table to whatever IAM allows. It is one row, `ungoverned: true`, not an expansion into IAM
 *   identities: which of them can also call glue:GetTable and reach the data is IAM's business.
 *   On the database alone it only seeds new tables, which the findings rules report.
 * - The S3 bypass reads the objects under the log prefix directly. Identity policies, boundaries and
 *   the bucket policy are combined as AWS documents (core/iam/combine.ts): in the account, either
 *   may allow and any Deny wins, a boundary limits identity grants and grants to a role's ARN but
 *   not grants to a user or session itself, and a grant to the account delegates to IAM; for other
 *   accounts only the bucket policy is known here. s3:GetObject is the read action.
 */
import {canonicalResource, grantKey, type ColumnSelection, type Grant, type Permission, type TagCondition} from '../model/grant'
import {IAM_ALLOWED_PRINCIPALS, type DataLakeSettings} from '../model/lake'
import {isSamePrincipal, parseIamIdentity} from '../model/principal'
import type {AssignmentState, FilterState} from '../plan/objects'
import {accountOfPrincipal, principalKind} from '../policy/principals'
import {compareText} from '../order'
import {
  authorizeRegion,
  objectArnPrefix,
  prefixRegion,
  reasonsOf,
  type ConditionContext,
  type Evaluation,
  type NamedPolicy,
  type PrincipalSpec,
  type StatementMatch,
} from '../iam'

/** A table of the log database, with the columns access is computed for. */
export interface AuditTable {
  /** The database, lowercase. */
  database: string
  /** The table, lowercase. */
  table: string
  /** Column names, lowercase, partition keys included; empty when unknown. */
  columns: string[]
  /** The table's S3 location (s3://bucket/prefix/...), when known; it decides whether the S3 bypass reaches the table. */
  location?: string
}

/** An IAM role or user of the account, with every policy that applies to it. */
export interface IamPrincipalState {
  /** The role or user ARN. */
  arn: string
  /** Inline, attached managed and, for users, their groups' policies, named for evidence (for example "inline:ReadLogs"). */
  policies: NamedPolicy[]
  /** The permissions boundary, when one is set. */
  boundary?: NamedPolicy
}

/** A principal expected to read the log objects, such as the location's registration role. */
export interface ExpectedReader {
  /** The principal's ARN. */
  arn: string
  /** Why it reads the logs, for example 'registration-role'. */
  reason: string
}

/** Everything computeAccess needs, as the AWS readers build it. */
export interface AuditState {
  /** The 12-digit account id the lake lives in. */
  account: string
  /** Data lake admins, read-only admins and the default permissions for new databases and tables. */
  settings: DataLakeSettings
  /** The log databases, lowercase. */
  databases: string[]
  /** The tables of the log databases. */
  tables: AuditTable[]
  /** Every Lake Formation grant, in canonical form (see canonicalGrant). */
  grants: Grant[]
  /** LF-tags assigned to databases, tables and columns; a column's tag overrides its table's, which overrides its database's. */
  tagAssignments: AssignmentState[]
  /** The data cells filters on the log tables. */
  filters: FilterState[]
  /** Where the log objects are. */
  logs: {
    /** The bucket name. */
    bucket: string
    /** The key prefix, for example AWSLogs/; empty for the whole bucket. */
    prefix: string
    /** The bucket policy, when the bucket has one. */
    bucketPolicy?: NamedPolicy
  }
  /** The account's IAM roles and users. */
  iamPrincipals: IamPrincipalState[]
  /** Principals that are meant to read the log objects; their rows carry `expected`. */
  expectedReaders: ExpectedReader[]
}

/** How a principal reaches a table. */
export type AccessPath =
  | 'table-grant'
  | 'column-grant'
  | 'table-wildcard'
  | 'catalog-grant'
  | 'lf-tag-expression'
  | 'data-cells-filter'
  | 'admin'
  | 'read-only-admin'
  | 'iam-allowed-principals'
  | 's3-bypass-bucket-policy'
  | 's3-bypass-iam'

/** One principal's access to one table through one path. */
export interface AccessRow {
  /** The database, lowercase. */
  database: string
  /** The table, lowercase. */
  table: string
  /** The principal: an ARN, account id, org or OU ARN, service principal, IAM_ALLOWED_PRINCIPALS, or "*" for anyone. */
  principal: string
  /** The path that gives the access. */
  path: AccessPath
  /** The readable columns, sorted; 'all' for every column. */
  columns: 'all' | string[]
  /** The row filter expression that limits the rows; undefined for every row. */
  rowFilter?: string
  /** What gives the access: a grant key, or the policy statements, as text. */
  via: string
  /** The Lake Formation permissions held on the path, or the S3 action for the bypass. */
  permissions: string[]
  /** Whether the principal can extend access to others (SELECT or ALL with the grant option, or an admin). */
  grantable: boolean
  /** Whether the principal is outside the account: another account, an organization or OU, or anyone. */
  crossAccount: boolean
  /** Whether the access depends on policy conditions the evaluator could not decide. */
  conditional: boolean
  /** Whether Lake Formation does not govern the access (IAM_ALLOWED_PRINCIPALS, the S3 bypass). */
  ungoverned: boolean
  /** Whether the path gives data, not only metadata (false for read-only admins). */
  readsData: boolean
  /** Why this principal is meant to have the access, when it is an expected reader. */
  expected?: string
  /** The policy statements behind an S3 bypass row. */
  evidence?: StatementMatch[]
  /** Why the row is conditional: what the evaluator could not decide (an unknown key, operator or variable, an unreadable statement). */
  reasons?: string[]
  /** A remark on how the row was derived, when it is not self-evident. */
  note?: string
}

/** Restricts the rows computeAccess returns. */
export interface AccessQuery {
  /** Only this database. */
  database?: string
  /** Only this table. */
  table?: string
  /** Only rows that reach this principal: its own, its account's, IAM_ALLOWED_PRINCIPALS and anyone ("*"). */
  principal?: string
}

/** A principal that can read the log objects directly from S3. */
export interface S3Reader {
  /** The principal: an ARN, account id, service principal, or "*". */
  principal: string
  /** The bypass path. */
  path: 's3-bypass-bucket-policy' | 's3-bypass-iam'
  /** Whether the access depends on undecidable conditions. */
  conditional: boolean
  /** Whether the principal is outside the account. */
  crossAccount: boolean
  /** Why the principal is meant to read, when it is expected. */
  expected?: string
  /** The statements behind the decision. */
  evidence: StatementMatch[]
  /** Why the access is conditional: what the evaluator could not decide; absent when it is not conditional. */
  reasons?: string[]
}

const READ_ACTION = 's3:GetObject'
const READ_PERMISSIONS: ReadonlySet<string> = new Set(['SELECT', 'ALL'])
const DOWNGRADED_ON_PARTIAL_MATCH: ReadonlySet<string> = new Set(['ALTER', 'DROP', 'INSERT', 'DELETE'])

function readsTable(permissions: readonly string[]): boolean {
  return permissions.some((permission) => READ_PERMISSIONS.has(permission))
}

/** Whether a principal is outside the account: another account, an organization or OU, or anyone. */
export function isCrossAccount(principal: string, account: string): boolean {
  if (principal === '*') return true
  const kind = principalKind(principal)
  if (kind === 'organization' || kind === 'ou') return true
  const owner = accountOfPrincipal(principal) ?? parseIamIdentity(principal)?.account
  return owner !== undefined && owner !== account
}

// ---------------------------------------------------------------------------------------------
// LF-tags

type Tags = Record<string, string>

interface TagIndex {
  database: Map<string, Tags>
  table: Map<string, Tags>
  column: Map<string, Tags>
}

function indexTags(assignments: readonly AssignmentState[]): TagIndex {
  const index: TagIndex = {database: new Map(), table: new Map(), column: new Map()}
  const add = (map: Map<string, Tags>, key: string, tags: Tags) => map.set(key, {...map.get(key), ...tags})
  for (const {target, tags} of assignments) {
    const database = target.database.toLowerCase()
    if (target.table === undefined) add(index.database, database, tags)
    else if (target.columns === undefined) add(index.table, `${database}.${target.table.toLowerCase()}`, tags)
    else for (const column of target.columns) add(index.column, `${database}.${target.table.toLowerCase()}.${column.toLowerCase()}`, tags)
  }
  return index
}

function matchesExpression(tags: Tags, expression: readonly TagCondition[]): boolean {
  return expression.every((condition) => tags[condition.key] !== undefined && condition.values.includes(tags[condition.key].toLowerCase()))
}

/** The columns of a table an LF-tag expression matches, with column tags overriding the table's and the database's. */
function columnsMatchingExpression(table: AuditTable, expression: readonly TagCondition[], index: TagIndex): string[] {
  const tableTags = {...index.database.get(table.database), ...index.table.get(`${table.database}.${table.table}`)}
  if (table.columns.length === 0) return matchesExpression(tableTags, expression) ? ['*'] : []
  return table.columns.filter((column) => matchesExpression({...tableTags, ...index.column.get(`${table.database}.${table.table}.${column}`)}, expression))
}

/** The permissions a partial column match leaves: ALL becomes SELECT and DESCRIBE, write permissions DESCRIBE. */
function downgradeForPartialMatch(permissions: readonly Permission[]): Permission[] {
  const out = new Set<Permission>()
  for (const permission of permissions) {
    if (permission === 'ALL') out.add('SELECT').add('DESCRIBE')
    else if (DOWNGRADED_ON_PARTIAL_MATCH.has(permission)) out.add('DESCRIBE')
    else out.add(permission)
  }
  return [...out].sort()
}

// ---------------------------------------------------------------------------------------------
// Lake Formation paths

interface RowBase {
  principal: string
  path: AccessPath
  columns: 'all' | string[]
  via: string
  permissions: string[]
  grantable: boolean
  rowFilter?: string
  note?: string
}

function selectColumns(table: AuditTable, selection: ColumnSelection | undefined): 'all' | string[] {
  if (!selection) return 'all'
  if ('include' in selection) {
    const known = table.columns.length === 0 ? selection.include : selection.include.filter((column) => table.columns.includes(column))
    return known.length === table.columns.length && table.columns.length > 0 ? 'all' : [...known].sort()
  }
  if (selection.exclude.length === 0) return 'all'
  return table.columns.filter((column) => !selection.exclude.includes(column)).sort()
}

function filterRows(grant: Grant, table: AuditTable, filters: ReadonlyMap<string, FilterState>): RowBase[] {
  if (grant.resource.type !== 'dataCellsFilter') return []
  const filter = filters.get(`${grant.resource.database}.${grant.resource.table}.${grant.resource.filter}`)
  const base = {principal: grant.principal, path: 'data-cells-filter' as const, via: grantKey(grant), permissions: grant.permissions, grantable: readsTable(grant.grantable)}
  // A grant on a filter the state lacks still reads something; assume the widest.
  if (!filter) return [{...base, columns: 'all', note: 'the filter was not found; all columns and rows assumed'}]
  return [{...base, columns: selectColumns(table, filter.columns), rowFilter: filter.rows}]
}

function tagPolicyRows(grant: Grant, table: AuditTable, index: TagIndex): RowBase[] {
  if (grant.resource.type !== 'lfTagPolicy' || grant.resource.resourceType !== 'TABLE') return []
  const matching = columnsMatchingExpression(table, grant.resource.expression, index)
  if (matching.length === 0) return []
  const whole = matching[0] === '*' || matching.length === table.columns.length
  const permissions = whole ? grant.permissions : downgradeForPartialMatch(grant.permissions)
  if (!readsTable(permissions)) return []
  const grantable = readsTable(whole ? grant.grantable : downgradeForPartialMatch(grant.grantable))
  return [{principal: grant.principal, path: 'lf-tag-expression', columns: whole ? 'all' : [...matching].sort(), via: grantKey(grant), permissions, grantable}]
}

function grantRows(grant: Grant, table: AuditTable, index: TagIndex, filters: ReadonlyMap<string, FilterState>): RowBase[] {
  const resource = grant.resource
  const base = {principal: grant.principal, via: grantKey(grant), permissions: grant.permissions, grantable: readsTable(grant.grantable)}
  const onTable = 'database' in resource && resource.database === table.database && (!('table' in resource) || resource.table === table.table)
  switch (resource.type) {
    case 'table':
    case 'tableWildcard': {
      if (!onTable || !readsTable(grant.permissions)) return []
      const path = grant.principal === IAM_ALLOWED_PRINCIPALS ? 'iam-allowed-principals' : resource.type === 'table' ? 'table-grant' : 'table-wildcard'
      return [{...base, path, columns: 'all'}]
    }
    case 'columns': {
      return onTable && readsTable(grant.permissions) ? [{...base, path: 'column-grant', columns: selectColumns(table, resource.columns)}] : []
    }
    case 'dataCellsFilter': {
      return onTable && readsTable(grant.permissions) ? filterRows(grant, table, filters) : []
    }
    case 'lfTagPolicy': {
      return tagPolicyRows(grant, table, index)
    }
    case 'catalog': {
      return grant.permissions.includes('SUPER_USER') ? [{...base, path: 'catalog-grant', columns: 'all', grantable: grant.grantable.includes('SUPER_USER')}] : []
    }
    default: {
      return []
    }
  }
}

function adminRows(settings: DataLakeSettings): RowBase[] {
  const admins = settings.admins.map(
    (principal): RowBase => ({principal, path: 'admin', columns: 'all', via: 'DataLakeAdmins', permissions: ['DESCRIBE'], grantable: true, note: 'implicit: can grant itself SELECT'}),
  )
  const readOnly = settings.readOnlyAdmins.map(
    (principal): RowBase => ({principal, path: 'read-only-admin', columns: [], via: 'ReadOnlyAdmins', permissions: ['DESCRIBE'], grantable: false, note: 'implicit: metadata only, no data access'}),
  )
  return [...admins, ...readOnly]
}

// ---------------------------------------------------------------------------------------------
// The S3 bypass

/**
 * The condition keys known for a reader (see "AWS global condition context keys" and the table of
 * aws:username values in "IAM policy elements: Variables and tags"): it can always choose TLS, its
 * account and ARN are known, and a role's sessions have no aws:username. Anything else (tags,
 * source IP, VPC endpoint, organization) is unknown, so conditions on it are undecidable.
 */
export function contextFor(principal: string, iamArn?: string): ConditionContext {
  const context: Record<string, string | null> = {'aws:SecureTransport': 'true'}
  const identity = parseIamIdentity(principal)
  if (identity && identity.kind !== 'root') {
    context['aws:PrincipalAccount'] = identity.account
    // aws:PrincipalArn of a session is its role's ARN; the IAM listing gives it with its path.
    context['aws:PrincipalArn'] = iamArn ?? `arn:aws:iam::${identity.account}:${identity.kind}/${identity.name}`
    context['aws:PrincipalType'] = identity.kind === 'user' ? 'User' : 'AssumedRole'
    context['aws:username'] = identity.kind === 'user' ? identity.name : null
  } else if (identity || /^\d{12}$/.test(principal)) {
    context['aws:PrincipalAccount'] = identity?.account ?? principal
  }
  return context
}

function principalsIn(spec: PrincipalSpec): string[] {
  if (spec === '*') return ['*']
  return Object.values(spec).flat()
}

/**
 * The principals a bucket policy names, in Principal or NotPrincipal, of any effect: each may be a
 * reader in its own right (a session a Deny spares, another account, a service); "*" stands for
 * NotPrincipal's "everyone else".
 */
function bucketPolicyCandidates(policy: NamedPolicy): string[] {
  const names = new Set<string>()
  for (const statement of policy.document.statements) {
    if (statement.principal) for (const principal of principalsIn(statement.principal)) names.add(principal)
    if (statement.notPrincipal) {
      for (const principal of principalsIn(statement.notPrincipal)) names.add(principal)
      if (statement.effect === 'Allow') names.add('*')
    }
  }
  return [...names]
}

function isOwnAccount(principal: string, account: string): boolean {
  return principal === account || principal === `arn:aws:iam::${account}:root`
}

function evaluateReader(state: AuditState, principal: string, iam: IamPrincipalState | undefined, sameAccountIam: boolean): Evaluation {
  const request = {action: READ_ACTION, principal, context: contextFor(principal, iam?.arn)}
  return authorizeRegion(request, prefixRegion(state.logs.bucket, state.logs.prefix), {
    resourceAccount: state.account,
    // A principal of the account that IAM does not list (a deleted role's session) has no identity policies.
    ...(sameAccountIam ? {identity: iam?.policies ?? []} : {}),
    ...(iam?.boundary ? {boundary: iam.boundary} : {}),
    ...(state.logs.bucketPolicy ? {resource: state.logs.bucketPolicy} : {}),
  })
}

function readerFrom(state: AuditState, principal: string, evaluation: Evaluation): S3Reader | undefined {
  if (evaluation.decision !== 'allowed' && evaluation.decision !== 'conditional') return undefined
  const bucketPolicy = state.logs.bucketPolicy?.name
  const viaIam = evaluation.matched.some((match) => match.effect === 'Allow' && match.policy !== bucketPolicy)
  const conditional = evaluation.decision === 'conditional'
  return {
    principal,
    path: viaIam ? 's3-bypass-iam' : 's3-bypass-bucket-policy',
    conditional,
    crossAccount: isCrossAccount(principal, state.account),
    expected: state.expectedReaders.find((reader) => isSamePrincipal(reader.arn, principal))?.reason,
    evidence: evaluation.matched,
    ...(conditional ? {reasons: reasonsOf(evaluation)} : {}),
  }
}

/**
 * Every principal that can s3:GetObject some object under the log prefix, sorted by principal.
 * IAM roles (standing for any session of theirs) and users are evaluated with their policies,
 * boundary and the bucket policy; sessions the bucket policy names with their role's; other
 * principals the bucket policy names (anyone, other accounts, services) with the bucket policy
 * alone. A grant to the account itself only delegates to IAM, so it is not a reader of its own.
 */
export function findS3Readers(state: AuditState): S3Reader[] {
  const readers: S3Reader[] = []
  const byArn = new Map(state.iamPrincipals.map((identity) => [identity.arn, identity]))
  const roleOf = (principal: string): IamPrincipalState | undefined => {
    const identity = parseIamIdentity(principal)
    return identity ? state.iamPrincipals.find((candidate) => isSamePrincipal(candidate.arn, `arn:aws:iam::${identity.account}:${identity.kind}/${identity.name}`)) : undefined
  }
  for (const identity of state.iamPrincipals) {
    const reader = readerFrom(state, identity.arn, evaluateReader(state, identity.arn, identity, true))
    if (reader) readers.push(reader)
  }
  const policy = state.logs.bucketPolicy
  if (policy) {
    for (const principal of bucketPolicyCandidates(policy)) {
      if (isOwnAccount(principal, state.account) || byArn.has(principal)) continue
      const identity = parseIamIdentity(principal)
      const sameAccountIam = identity !== undefined && identity.kind !== 'root' && identity.account === state.account
      const iam = sameAccountIam ? roleOf(principal) : undefined
      // The same user or role under another spelling (a path) is already evaluated.
      if (iam && identity?.session === undefined) continue
      const reader = readerFrom(state, principal, evaluateReader(state, principal, iam, sameAccountIam))
      if (reader) readers.push(reader)
    }
  }
  return readers.sort((a, b) => compareText(a.principal, b.principal))
}

/** Whether a table's data lies under the log prefix, or contains it; tables of unknown location are assumed to. */
function isOverLogs(table: AuditTable, logs: AuditState['logs']): boolean {
  if (!table.location) return true
  const location = table.location.replace(/^s3:\/\//, 'arn:aws:s3:::').replace(/\/*$/, '/')
  const prefix = objectArnPrefix(logs.bucket, logs.prefix)
  return location.startsWith(prefix) || prefix.startsWith(location)
}

function describeEvidence(evidence: readonly StatementMatch[]): string {
  return evidence.map((match) => `${match.effect} ${match.policy}#${match.sid ?? match.index}${match.conditional ? ' (conditional)' : ''}`).join('; ')
}

function bypassRows(reader: S3Reader): RowBase[] {
  return [{principal: reader.principal, path: reader.path, columns: 'all', via: describeEvidence(reader.evidence), permissions: [READ_ACTION], grantable: false}]
}

// ---------------------------------------------------------------------------------------------
// Putting it together

/** Whether a row's principal reaches the queried principal. */
export function rowReachesPrincipal(rowPrincipal: string, queried: string, account: string): boolean {
  if (rowPrincipal === queried || isSamePrincipal(rowPrincipal, queried) || rowPrincipal === '*') return true
  const queriedAccount = accountOfPrincipal(queried) ?? parseIamIdentity(queried)?.account
  if (rowPrincipal === IAM_ALLOWED_PRINCIPALS) return queriedAccount === account
  return /^\d{12}$/.test(rowPrincipal) && rowPrincipal === queriedAccount
}

function compareRows(a: AccessRow, b: AccessRow): number {
  return compareText(a.database, b.database) || compareText(a.table, b.table) || compareText(a.principal, b.principal) || compareText(a.path, b.path) || compareText(a.via, b.via)
}

function completeRow(state: AuditState, table: AuditTable, base: RowBase, reader?: S3Reader): AccessRow {
  const ungoverned = base.path === 'iam-allowed-principals' || base.path === 's3-bypass-bucket-policy' || base.path === 's3-bypass-iam'
  return {
    database: table.database,
    table: table.table,
    ...base,
    crossAccount: reader?.crossAccount ?? isCrossAccount(base.principal, state.account),
    conditional: reader?.conditional ?? false,
    ungoverned,
    readsData: base.path !== 'read-only-admin',
    expected: reader?.expected ?? state.expectedReaders.find((expected) => isSamePrincipal(expected.arn, base.principal))?.reason,
    evidence: reader?.evidence,
    ...(reader?.reasons ? {reasons: reader.reasons} : {}),
  }
}

/** Grants by the table they can reach ("db.table", "db.*"), or "" for those that may reach any table; the rest are dropped. */
function indexGrants(grants: readonly Grant[]): Map<string, Grant[]> {
  const index = new Map<string, Grant[]>()
  for (const grant of grants) {
    const resource = canonicalResource(grant.resource)
    let key: string | undefined
    if (resource.type === 'table' || resource.type === 'columns' || resource.type === 'dataCellsFilter') key = `${resource.database}.${resource.table}`
    else if (resource.type === 'tableWildcard') key = `${resource.database}.*`
    else if (resource.type === 'lfTagPolicy' || resource.type === 'catalog') key = ''
    if (key === undefined) continue
    const list = index.get(key) ?? []
    list.push({...grant, resource})
    index.set(key, list)
  }
  return index
}

function selectTables(state: AuditState, query: AccessQuery): AuditTable[] {
  const database = query.database?.toLowerCase()
  const table = query.table?.toLowerCase()
  return state.tables
    .filter((candidate) => state.databases.includes(candidate.database) && (!database || candidate.database === database) && (!table || candidate.table === table))
    .sort((a, b) => compareText(a.database, b.database) || compareText(a.table, b.table))
}

/**
 * The rows of each selected table, one table at a time, in the order computeAccess sorts them (by
 * database, table, principal, path and evidence): a caller can write them out as they come and
 * never hold the whole report (`audit access --json` over thousands of tables).
 */
export function* accessRowsByTable(state: AuditState, query: AccessQuery = {}): Generator<AccessRow[]> {
  const index = indexTags(state.tagAssignments)
  const filters = new Map(state.filters.map((filter) => [`${filter.database}.${filter.table}.${filter.name}`, filter]))
  const grants = indexGrants(state.grants)
  const readers = findS3Readers(state)
  const admins = adminRows(state.settings)
  const queried = query.principal
  for (const table of selectTables(state, query)) {
    const rows: AccessRow[] = []
    for (const base of admins) rows.push(completeRow(state, table, base))
    const candidates = [...(grants.get(`${table.database}.${table.table}`) ?? []), ...(grants.get(`${table.database}.*`) ?? []), ...(grants.get('') ?? [])]
    for (const grant of candidates) for (const base of grantRows(grant, table, index, filters)) rows.push(completeRow(state, table, base))
    if (isOverLogs(table, state.logs)) for (const reader of readers) for (const base of bypassRows(reader)) rows.push(completeRow(state, table, base, reader))
    const selected = queried ? rows.filter((row) => rowReachesPrincipal(row.principal, queried, state.account)) : rows
    yield selected.sort(compareRows)
  }
}

/**
 * Every principal that can read each log table, one row per principal, table and path, sorted by
 * database, table, principal, path and evidence. See the module comment for the semantics.
 */
export function computeAccess(state: AuditState, query: AccessQuery = {}): AccessRow[] {
  return [...accessRowsByTable(state, query)].flat()
}
