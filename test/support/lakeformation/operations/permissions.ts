import type {OperationContext} from '../context'
import {LakeFormationError, invalidInput} from '../errors'
import {DEFAULT_PAGE_SIZE, paginate} from '../pagination'
import {
  ALL_TABLES,
  type CanonicalResource,
  type ParsedResource,
  allowedPermissions,
  describeResource,
  expandPermissions,
  parseResource,
  resourceKey,
  toWireResource,
} from '../resource-shapes'
import {checkCatalogResource} from '../catalog-checks'
import {IAM_ALLOWED_PRINCIPALS, type LakeFormationState, type StoredGrant, dataCellsFilterKey, grantKey} from '../state'
import {type Input, asInput, optionalInteger, optionalList, optionalObject, optionalString} from '../validate'
import {checkDeclaredTag} from './lf-tags'

/** The Permission enum of the API model. */
const PERMISSIONS = new Set([
  'ALL',
  'SELECT',
  'ALTER',
  'DROP',
  'DELETE',
  'INSERT',
  'DESCRIBE',
  'CREATE_DATABASE',
  'CREATE_TABLE',
  'DATA_LOCATION_ACCESS',
  'CREATE_LF_TAG',
  'ASSOCIATE',
  'GRANT_WITH_LF_TAG_EXPRESSION',
  'CREATE_LF_TAG_EXPRESSION',
  'CREATE_CATALOG',
  'SUPER_USER',
])

/** BatchGrantPermissions and BatchRevokePermissions take at most this many entries. */
export const MAX_BATCH_ENTRIES = 20

/** What Lake Formation says when a revoke finds nothing to take away; callers match on it to treat the revoke as done. */
export const NOTHING_TO_REVOKE = 'Grantee has no permissions and no grantable permissions on resource'

/** One grant or revoke, checked and canonical. */
interface PermissionRequest {
  principal: string
  parsed: ParsedResource
  /** Permissions, ALL expanded where Lake Formation expands it. */
  permissions: Set<string>
  /** PermissionsWithGrantOption, expanded the same way. */
  grantable: Set<string>
}

function principalOf(input: Input): string {
  const principal = optionalObject(input, 'Principal')
  const id = principal === undefined ? undefined : optionalString(principal, 'DataLakePrincipalIdentifier')
  if (id === undefined || id === '') throw invalidInput('Principal.DataLakePrincipalIdentifier is required.')
  if (id.length > 255) throw invalidInput('Principal.DataLakePrincipalIdentifier must be at most 255 characters.')
  return id
}

function permissionList(input: Input, field: string, parsed: ParsedResource, required: boolean): string[] {
  const list = optionalList(input, field)
  if (list === undefined) {
    if (required) throw invalidInput(`${field} is required.`)
    return []
  }
  const allowed = allowedPermissions(parsed)
  return list.map((permission) => {
    if (typeof permission !== 'string' || !PERMISSIONS.has(permission)) throw invalidInput(`${field}: ${JSON.stringify(permission)} is not a Lake Formation permission.`)
    if (!allowed.includes(permission)) {
      throw invalidInput(`${field}: ${permission} is not valid on ${describeResource(parsed.resource)} (given as ${parsed.shape}); valid: ${allowed.join(', ')}.`)
    }
    return permission
  })
}

/**
 * Reads the permission fields by their real name. moto's batch handlers read a misspelled key for
 * the grant options, so code that works against moto alone may never have sent them; this model
 * reads `PermissionsWithGrantOption`, as Lake Formation does.
 */
function requestOf(input: Input): PermissionRequest {
  const principal = principalOf(input)
  const parsed = parseResource(input.Resource)
  // Condition (a Cedar expression on principal attributes) is accepted and ignored: grants are
  // keyed by principal and resource alone, and nothing here evaluates conditions.
  const permissions = permissionList(input, 'Permissions', parsed, true)
  const grantable = permissionList(input, 'PermissionsWithGrantOption', parsed, false)
  return {principal, parsed, permissions: expandPermissions(parsed.resource, permissions), grantable: expandPermissions(parsed.resource, grantable)}
}

/** Whether the S3 path is a registered location or lies under one. */
function isRegistered(state: LakeFormationState, resourceArn: string): boolean {
  for (const registered of state.resources.keys()) {
    const prefix = registered.endsWith('/') ? registered : `${registered}/`
    if (resourceArn === registered || resourceArn.startsWith(prefix)) return true
  }
  return false
}

/**
 * The existence checks Lake Formation makes on a grant, for the objects Lake Formation itself owns:
 * registered locations, data cells filters and LF-tags. Databases, tables and columns are the Glue
 * catalog's: checkCatalogResource asks the catalog the model was given.
 */
function checkGrantable(state: LakeFormationState, resource: CanonicalResource): void {
  switch (resource.kind) {
    case 'dataLocation': {
      if (!isRegistered(state, resource.resourceArn)) throw invalidInput(`The S3 location ${resource.resourceArn} is not registered with Lake Formation.`)
      return
    }
    case 'dataCellsFilter': {
      if (!state.dataCellsFilters.has(dataCellsFilterKey(resource.database, resource.table, resource.name))) {
        throw invalidInput(`The ${describeResource(resource)} does not exist.`)
      }
      return
    }
    case 'lfTag': {
      checkDeclaredTag(state, resource.tagKey, resource.tagValues, {wildcard: true})
      return
    }
    case 'lfTagPolicy': {
      for (const condition of resource.expression) checkDeclaredTag(state, condition.tagKey, condition.tagValues, {wildcard: true})
      return
    }
    default:
      return
  }
}

/**
 * Whether IAM_ALLOWED_PRINCIPALS still holds the table (a grant on it, or on every table of its
 * database): the table is still in "Use only IAM access control" mode.
 */
function iamStillHolds(state: LakeFormationState, database: string, table: string): boolean {
  const onTable = state.grants.get(grantKey(IAM_ALLOWED_PRINCIPALS, resourceKey({kind: 'table', database, table})))
  const onEvery = state.grants.get(grantKey(IAM_ALLOWED_PRINCIPALS, resourceKey({kind: 'tableWildcard', database})))
  return onTable !== undefined || onEvery !== undefined
}

/**
 * The resource a grant is stored on. A column grant (ColumnNames or ExcludedColumnNames) on a table
 * that IAM_ALLOWED_PRINCIPALS still holds is stored as SELECT on every column: Lake Formation does
 * not mix IAMAllowedPrincipals with fine-grained grants, and the narrower grant silently becomes a
 * ColumnWildcard (Lake Formation developer guide, "Changing the default settings for your data
 * lake"; AWS-FACTS.md "Don't mix IAMAllowedPrincipals grants with fine-grained ones").
 */
function storedResourceOf(state: LakeFormationState, resource: CanonicalResource): CanonicalResource {
  if (resource.kind === 'columns' && iamStillHolds(state, resource.database, resource.table)) return {kind: 'table', database: resource.database, table: resource.table}
  return resource
}

/** Adds permissions and grant options to what the principal holds; granting what is held already is a no-op. */
async function grant(context: OperationContext, request: PermissionRequest): Promise<void> {
  const {principal, parsed, permissions, grantable} = request
  if (permissions.size === 0) throw invalidInput('Permissions must name at least one permission.')
  for (const permission of grantable) {
    if (!permissions.has(permission)) throw invalidInput(`PermissionsWithGrantOption must be a subset of Permissions; ${permission} is not in Permissions.`)
  }
  checkGrantable(context.state, parsed.resource)
  await checkCatalogResource(context, parsed.resource)

  const resource = storedResourceOf(context.state, parsed.resource)
  const key = resourceKey(resource)
  context.writes.admit(key, describeResource(resource))
  const stored = context.state.grants.get(grantKey(principal, key)) ?? {
    principal,
    resource,
    permissions: new Set<string>(),
    grantable: new Set<string>(),
    lastUpdated: context.now(),
  }
  for (const permission of permissions) stored.permissions.add(permission)
  for (const permission of grantable) stored.grantable.add(permission)
  stored.lastUpdated = context.now()
  context.state.grants.set(grantKey(principal, key), stored)
}

/**
 * Takes away permissions (with their grant options) and grant options alone. It fails only when it
 * would take away nothing at all; a revoke of SELECT and INSERT from a holder of SELECT alone takes
 * SELECT. Revoking ALL takes whatever part of its expansion is held. A grant left with no permission
 * disappears.
 */
async function revoke(context: OperationContext, request: PermissionRequest): Promise<void> {
  const {principal, parsed, permissions, grantable} = request
  if (permissions.size === 0 && grantable.size === 0) throw invalidInput('Permissions and PermissionsWithGrantOption are both empty: there is nothing to revoke.')
  await checkCatalogResource(context, parsed.resource)

  const key = resourceKey(parsed.resource)
  const stored = context.state.grants.get(grantKey(principal, key))
  const taken = [...permissions].filter((permission) => stored?.permissions.has(permission))
  const optionsTaken = [...grantable].filter((permission) => stored?.grantable.has(permission))
  if (stored === undefined || (taken.length === 0 && optionsTaken.length === 0)) throw invalidInput(NOTHING_TO_REVOKE)

  context.writes.admit(key, describeResource(parsed.resource))
  for (const permission of taken) {
    stored.permissions.delete(permission)
    stored.grantable.delete(permission)
  }
  for (const permission of optionsTaken) stored.grantable.delete(permission)
  // ALL is listed only while the whole of it is held: taking any part of it takes ALL too.
  if (taken.length > 0) stored.permissions.delete('ALL')
  if (taken.length > 0 || optionsTaken.length > 0) stored.grantable.delete('ALL')
  stored.lastUpdated = context.now()
  if (stored.permissions.size === 0) context.state.grants.delete(grantKey(principal, key))
}

export async function grantPermissions(context: OperationContext, input: Input) {
  await grant(context, requestOf(input))
  return {}
}

export async function revokePermissions(context: OperationContext, input: Input) {
  await revoke(context, requestOf(input))
  return {}
}

/**
 * Applies entries one after the other. Only a malformed batch (no entries, more than 20, an entry
 * without an Id, a repeated Id) fails the call; anything wrong with one entry, ConcurrentModification
 * included, becomes a Failures[] entry and the others still apply. That is why callers must read
 * Failures: the HTTP status says 200 either way.
 */
async function batch(context: OperationContext, input: Input, apply: (context: OperationContext, request: PermissionRequest) => Promise<void>) {
  const entries = optionalList(input, 'Entries')
  if (entries === undefined || entries.length === 0) throw invalidInput(`Entries must hold 1 to ${MAX_BATCH_ENTRIES} entries.`)
  if (entries.length > MAX_BATCH_ENTRIES) throw invalidInput(`Entries holds ${entries.length} entries; a batch takes at most ${MAX_BATCH_ENTRIES}.`)
  const seen = new Set<string>()
  for (const entry of entries.map(asInput)) {
    const id = optionalString(entry, 'Id')
    if (id === undefined || id === '' || id.length > 255) throw invalidInput('Every entry needs an Id of 1 to 255 characters.')
    if (seen.has(id)) throw invalidInput(`Entry Id ${JSON.stringify(id)} appears more than once.`)
    seen.add(id)
  }

  const failures: object[] = []
  for (const entry of entries.map(asInput)) {
    try {
      await apply(context, requestOf(entry))
    } catch (error) {
      if (!(error instanceof LakeFormationError)) throw error
      failures.push({RequestEntry: structuredClone(entry), Error: {ErrorCode: error.code, ErrorMessage: error.message}})
    }
  }
  return {Failures: failures}
}

export function batchGrantPermissions(context: OperationContext, input: Input) {
  return batch(context, input, grant)
}

export function batchRevokePermissions(context: OperationContext, input: Input) {
  return batch(context, input, revoke)
}

/** One line of ListPermissions. */
interface Listed {
  key: string
  principal: string
  /** The stored grant's resource: what the Resource and ResourceType filters match. */
  resource: CanonicalResource
  /** The Resource as the line shows it. */
  wire: Record<string, unknown>
  permissions: string[]
  grantable: string[]
  lastUpdated: Date
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * How a stored grant is listed. A grant on a table, or on every table of a database, is split:
 * - the Table entry carries every permission but SELECT (ALL included, next to its expansion);
 * - SELECT, with its grant option, is listed only on a TableWithColumns twin with a bare
 *   ColumnWildcard: the table's name for a table, `ALL_TABLES` for the TableWildcard.
 * Sources: the AWS CLI's `lakeformation list-permissions` example 2 (Table [ALL, ALTER, DELETE,
 * DESCRIBE, DROP, INSERT] and TableWithColumns{ColumnWildcard: {}} [SELECT]); terraform-provider-aws
 * internal/service/lakeformation/filter.go, filterTablePermissions, which documents both splits,
 * and its issue #46245, a real listing of TableWithColumns{Name: "ALL_TABLES", ColumnWildcard: {}}.
 * An entry left with no permission is not listed. This split is what gives declarative tools their
 * perpetual diffs, so the model must produce it.
 */
function listedOf(grant: StoredGrant, catalogId: string): Listed[] {
  const {resource} = grant
  const line = (key: string, wire: Record<string, unknown>, permissions: Iterable<string>, grantable: Iterable<string>): Listed => ({
    key: grantKey(grant.principal, key),
    principal: grant.principal,
    resource,
    wire,
    permissions: sorted(permissions),
    grantable: sorted(grantable),
    lastUpdated: grant.lastUpdated,
  })
  const key = resourceKey(resource)
  if (resource.kind !== 'table' && resource.kind !== 'tableWildcard') return [line(key, toWireResource(resource, catalogId), grant.permissions, grant.grantable)]

  const listed: Listed[] = []
  const rest = [...grant.permissions].filter((permission) => permission !== 'SELECT')
  if (rest.length > 0) listed.push(line(key, toWireResource(resource, catalogId), rest, [...grant.grantable].filter((permission) => permission !== 'SELECT')))
  if (grant.permissions.has('SELECT')) {
    const name = resource.kind === 'table' ? resource.table : ALL_TABLES
    const twin = {TableWithColumns: {CatalogId: catalogId, DatabaseName: resource.database, Name: name, ColumnWildcard: {}}}
    // \u0001 sorts the twin right after its Table entry, before anything else on the table.
    listed.push(line(`${key}\u0001`, twin, ['SELECT'], grant.grantable.has('SELECT') ? ['SELECT'] : []))
  }
  return listed
}

/** ResourceType filters; TABLE covers Table and TableWithColumns entries. */
const RESOURCE_TYPES: Record<string, (resource: CanonicalResource) => boolean> = {
  CATALOG: (resource) => resource.kind === 'catalog',
  DATABASE: (resource) => resource.kind === 'database',
  TABLE: (resource) => resource.kind === 'table' || resource.kind === 'tableWildcard' || resource.kind === 'columns',
  DATA_LOCATION: (resource) => resource.kind === 'dataLocation',
  LF_TAG: (resource) => resource.kind === 'lfTag',
  LF_TAG_POLICY: (resource) => resource.kind === 'lfTagPolicy',
  LF_TAG_POLICY_DATABASE: (resource) => resource.kind === 'lfTagPolicy' && resource.resourceType === 'DATABASE',
  LF_TAG_POLICY_TABLE: (resource) => resource.kind === 'lfTagPolicy' && resource.resourceType === 'TABLE',
  // Named LF-tag expressions are not modelled, so no grant is ever on one.
  LF_NAMED_TAG_EXPRESSION: () => false,
}

function onTable(resource: CanonicalResource, database: string, table: string): boolean {
  if (resource.kind === 'table' || resource.kind === 'columns') return resource.database === database && resource.table === table
  return false
}

function includeRelatedOf(input: Input): boolean {
  const value = optionalString(input, 'IncludeRelated')
  if (value === undefined) return false
  if (!/^(true|false)$/i.test(value)) throw invalidInput(`IncludeRelated must be TRUE or FALSE, not ${JSON.stringify(value)}.`)
  return value.toUpperCase() === 'TRUE'
}

/**
 * Lists explicit grants, sorted by principal and then by resource, so pages are stable. Choices kept
 * deliberately simple, and what they leave out:
 * - No implicit entries. Data lake admins (DataLakeAdmins in the settings) and resource creators are
 *   not listed anywhere they were not granted, and Principal plus Resource does not switch to
 *   effective permissions as it does on AWS. Code that must cope with implicit grants needs its own
 *   test data for them.
 * - Results are not filtered by what the caller may see: the model has no caller.
 * - Data cells filter grants are listed only with IncludeRelated=TRUE (all of them, or a table's
 *   with a Table Resource), or when the Resource names the filter.
 */
export function listPermissions(context: OperationContext, input: Input) {
  const maxResults = optionalInteger(input, 'MaxResults', 1, 1000) ?? DEFAULT_PAGE_SIZE
  const nextToken = optionalString(input, 'NextToken')
  const principal = input.Principal === undefined || input.Principal === null ? undefined : principalOf(input)
  const resourceType = optionalString(input, 'ResourceType')
  const typeFilter = resourceType !== undefined && Object.hasOwn(RESOURCE_TYPES, resourceType) ? RESOURCE_TYPES[resourceType] : undefined
  if (resourceType !== undefined && typeFilter === undefined) {
    throw invalidInput(`ResourceType ${JSON.stringify(resourceType)} is not one of ${Object.keys(RESOURCE_TYPES).join(', ')}.`)
  }
  const includeRelated = includeRelatedOf(input)
  if (includeRelated && principal !== undefined) throw invalidInput('IncludeRelated cannot be combined with Principal: list the related permissions without a principal.')
  const filter = input.Resource === undefined || input.Resource === null ? undefined : parseResource(input.Resource)
  if (filter?.shape === 'TableWithColumns') {
    throw invalidInput('ListPermissions does not take a TableWithColumns resource: list the Table, which returns its TableWithColumns entries too.')
  }
  const filterKey = filter === undefined ? undefined : resourceKey(filter.resource)

  const matchesResource = (resource: CanonicalResource): boolean => {
    if (resource.kind === 'dataCellsFilter') {
      if (filter === undefined) return includeRelated
      if (filterKey === resourceKey(resource)) return true
      return includeRelated && filter.resource.kind === 'table' && filter.resource.database === resource.database && filter.resource.table === resource.table
    }
    if (filter === undefined) return true
    if (filter.resource.kind === 'table') return onTable(resource, filter.resource.database, filter.resource.table)
    return filterKey === resourceKey(resource)
  }
  // A data cells filter is a part of a table: with IncludeRelated, TABLE lists grants on filters too.
  const matchesType = (resource: CanonicalResource): boolean =>
    typeFilter === undefined || typeFilter(resource) || (resourceType === 'TABLE' && resource.kind === 'dataCellsFilter')

  const listed = [...context.state.grants.values()]
    .filter((stored) => principal === undefined || stored.principal === principal)
    .flatMap((stored) => listedOf(stored, context.accountId))
    .filter((entry) => matchesResource(entry.resource) && matchesType(entry.resource))
  const page = paginate(listed, (entry) => entry.key, {
    maxResults,
    nextToken,
    scope: JSON.stringify(['ListPermissions', principal ?? null, resourceType ?? null, filterKey ?? null, includeRelated]),
  })
  return {
    PrincipalResourcePermissions: page.items.map((entry) => ({
      Principal: {DataLakePrincipalIdentifier: entry.principal},
      Resource: structuredClone(entry.wire),
      Permissions: entry.permissions,
      PermissionsWithGrantOption: entry.grantable,
      LastUpdated: new Date(entry.lastUpdated.getTime()),
    })),
    ...(page.nextToken ? {NextToken: page.nextToken} : {}),
  }
}

/** Forgets every grant on a resource, for objects that go away (a deleted data cells filter). */
export function dropGrantsOn(state: LakeFormationState, resource: CanonicalResource): void {
  const key = resourceKey(resource)
  for (const [storedKey, stored] of state.grants) {
    if (resourceKey(stored.resource) === key) state.grants.delete(storedKey)
  }
}
