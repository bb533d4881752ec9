/**
 * `grants export`: the account's grants, LF-tags, tag assignments and data cells filters in a scope,
 * as a grants file that plan then shows as zero changes. Pure: the workflow (workflows/export.ts)
 * reads the account and writes the file.
 */
import {canonicalResource, type Grant, type Resource} from '../model/grant'
import {parseIamIdentity} from '../model/principal'
import {inScope, mergeByKey, type CurrentGrant} from '../plan/diff'
import {targetKey, type AssignmentState, type FilterState, type TagState, type TagTarget} from '../plan/objects'
import type {CatalogSnapshot} from '../policy/references'
import type {Scope} from '../policy/types'
import {compareText} from '../order'

/** A grants file as plain data, in the shape policies/grants/*.yaml takes. */
export interface GrantsFile {
  principals: Record<string, string>
  scope: {databases?: string[]; locations?: string[]; catalog?: boolean; tags?: boolean}
  grants: Record<string, unknown>[]
  filters?: Record<string, Record<string, unknown>>
  tags?: Record<string, string[]>
  assign?: Record<string, unknown>[]
}

/** The scope flags of `grants export`; with none set, everything the caller can see. */
export interface ExportScopeRequest {
  /** Databases to export (--database). */
  databases?: string[]
  /** S3 locations to export (--location), as s3:// URLs or ARNs. */
  locations?: string[]
  /** Export catalog grants (--catalog). */
  catalog?: boolean
}

/** True for the LF-tag and LF-tag expression grants, which no database or location scopes. */
function isTagResource(resource: Resource): boolean {
  return resource.type === 'lfTag' || resource.type === 'lfTagPolicy'
}

/**
 * The scope an export covers. LF-tag and LF-tag expression grants are always part of it when the
 * account has any: they are what reaches tables through tags, so an export without them would not
 * say who can read the scope's tables (the old --tags flag is now accepted and ignored).
 */
export function exportScope(request: ExportScopeRequest, grants: {resource: Resource}[]): Scope {
  const resources = grants.map((grant) => grant.resource)
  const tags = resources.some((resource) => isTagResource(resource))
  if (request.databases?.length || request.locations?.length || request.catalog) {
    const locations = (request.locations ?? []).map((path) => (canonicalResource({type: 'dataLocation', path}) as {path: string}).path)
    return {databases: [...new Set((request.databases ?? []).map((name) => name.toLowerCase()))].sort(), locations: [...new Set(locations)].sort(), catalog: Boolean(request.catalog), tags}
  }
  return {
    databases: [...new Set(resources.flatMap((resource) => ('database' in resource ? [resource.database] : [])))].sort(),
    locations: [...new Set(resources.flatMap((resource) => (resource.type === 'dataLocation' ? [resource.path] : [])))].sort(),
    catalog: resources.some((resource) => resource.type === 'catalog'),
    tags,
  }
}

/** Every place an LF-tag can be assigned in the scope's databases that exist: each database, table and column. */
export function exportTargets(scope: Scope, catalog: CatalogSnapshot): TagTarget[] {
  return scope.databases.filter((database) => catalog.databases.includes(database)).flatMap((database) => [
    {database},
    ...(catalog.tables[database] ?? []).flatMap((table) => [{database, table: table.name}, ...table.columns.map((column) => ({database, table: table.name, columns: [column]}))]),
  ])
}

/**
 * The assignments as `assign:` entries: one per database or table, and one per table for the
 * columns that carry the same tags (read per column, so the plan's check of every listed column
 * finds each of them tagged).
 */
function assignEntries(assignments: AssignmentState[]): Record<string, unknown>[] {
  const entries = new Map<string, {target: TagTarget; tags: Record<string, string>}>()
  for (const {target, tags} of assignments) {
    if (Object.keys(tags).length === 0) continue
    const sorted = Object.fromEntries(Object.entries(tags).sort(([a], [b]) => compareText(a, b)))
    const key = target.columns ? `${target.database}.${target.table}[]${JSON.stringify(sorted)}` : targetKey(target)
    const entry = entries.get(key)
    if (entry && target.columns) entry.target.columns = [...(entry.target.columns ?? []), ...target.columns].sort()
    else entries.set(key, {target: {...target, ...(target.columns ? {columns: [...target.columns]} : {})}, tags: sorted})
  }
  return [...entries.values()]
    .sort((a, b) => compareText(targetKey(a.target), targetKey(b.target)))
    .map(({target, tags}) => ({database: target.database, ...(target.table ? {table: target.table} : {}), ...(target.columns ? {columns: target.columns} : {}), tags}))
}

/** A readable, unique name for a principal: the role or user name, or the account, org or OU id. */
function nameFor(principal: string, taken: Set<string>): string {
  const identity = parseIamIdentity(principal)
  const base = (
    identity?.name ||
    (/^\d{12}$/.test(principal) ? `account-${principal}` : undefined) ||
    /(o-[a-z0-9]+|ou-[a-z0-9-]+)$/.exec(principal)?.[1] ||
    principal.split(/[/:]/).filter(Boolean).at(-1) ||
    'principal'
  )
    .toLowerCase()
    .replaceAll(/[^a-z0-9_-]+/g, '-')
  let name = base
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`
  taken.add(name)
  return name
}

function selector(grant: Grant): Record<string, unknown> {
  const resource = grant.resource
  switch (resource.type) {
    case 'catalog': {
      return {catalog: true}
    }
    case 'database': {
      return {database: resource.database}
    }
    case 'table': {
      return {database: resource.database, table: resource.table}
    }
    case 'tableWildcard': {
      return {database: resource.database, table: '*'}
    }
    case 'columns': {
      return {database: resource.database, table: resource.table, columns: resource.columns}
    }
    case 'dataLocation': {
      return {location: resource.path.replace(/^arn:aws[a-z-]*:s3:::/, 's3://')}
    }
    case 'dataCellsFilter': {
      return {database: resource.database, table: resource.table, filter: resource.filter}
    }
    case 'lfTag': {
      return {tag: {[resource.key]: resource.values}}
    }
    case 'lfTagPolicy': {
      return {tags: Object.fromEntries(resource.expression.map((condition) => [condition.key, condition.values])), ...(resource.resourceType === 'DATABASE' ? {on: 'databases'} : {})}
    }
  }
}

/**
 * The account's grants in scope as a policy document that validates and that plan then shows as
 * zero changes: how users adopt an existing lake. Implicit admin grants are left out; the filters
 * and LF-tags the grants use are declared; broad principals get allowBroad.
 */
export function exportPolicy(current: CurrentGrant[], context: {scope: Scope; filters: FilterState[]; tags: TagState[]; assignments?: AssignmentState[]}): GrantsFile {
  const grants = [...mergeByKey(current.filter((grant) => !grant.implicit && inScope(grant.resource, context.scope))).values()].sort(
    (a, b) => compareText(a.principal, b.principal) || compareText(JSON.stringify(a.resource), JSON.stringify(b.resource)),
  )
  const taken = new Set<string>()
  const names = new Map<string, string>()
  for (const grant of grants) if (!names.has(grant.principal)) names.set(grant.principal, nameFor(grant.principal, taken))

  const usedFilters = new Set<string>()
  const usedTags = new Set<string>()
  const entries = grants.map((grant) => {
    const resource = grant.resource
    if (resource.type === 'dataCellsFilter') usedFilters.add(`${resource.database}.${resource.table}.${resource.filter}`)
    if (resource.type === 'lfTag') usedTags.add(resource.key)
    if (resource.type === 'lfTagPolicy') for (const condition of resource.expression) usedTags.add(condition.key)
    const broad = grant.principal === 'IAM_ALLOWED_PRINCIPALS' || /:organizations::/.test(grant.principal)
    return {
      principal: grant.principal === 'IAM_ALLOWED_PRINCIPALS' ? 'IAM_ALLOWED_PRINCIPALS' : names.get(grant.principal)!,
      ...selector(grant),
      permissions: grant.permissions,
      ...(grant.grantable.length > 0 ? {grantable: grant.grantable} : {}),
      ...(broad ? {allowBroad: true} : {}),
    }
  })

  const assign = assignEntries((context.assignments ?? []).filter((assignment) => context.scope.databases.includes(assignment.target.database)))
  for (const entry of assign) for (const key of Object.keys(entry.tags as Record<string, string>)) usedTags.add(key)
  // Every filter on the scope's tables, used by a grant or not: plan creates the declared ones.
  const filters = context.filters.filter(
    (filter) => context.scope.databases.includes(filter.database) || usedFilters.has(`${filter.database}.${filter.table}.${filter.name}`),
  )
  const tags = context.tags.filter((tag) => usedTags.has(tag.key))
  const principals = Object.fromEntries([...names].filter(([id]) => id !== 'IAM_ALLOWED_PRINCIPALS').map(([id, name]) => [name, id]))
  return {
    principals,
    scope: {
      databases: context.scope.databases,
      ...(context.scope.locations.length > 0 ? {locations: context.scope.locations.map((path) => path.replace(/^arn:aws[a-z-]*:s3:::/, 's3://'))} : {}),
      ...(context.scope.catalog ? {catalog: true} : {}),
      ...(context.scope.tags ? {tags: true} : {}),
    },
    grants: entries,
    ...(filters.length > 0
      ? {
          filters: Object.fromEntries(
            filters.map((filter) => [filter.name, {database: filter.database, table: filter.table, ...(filter.rows ? {rows: filter.rows} : {}), ...(filter.columns ? {columns: filter.columns} : {})}]),
          ),
        }
      : {}),
    ...(tags.length > 0 ? {tags: Object.fromEntries(tags.map((tag) => [tag.key, tag.values]))} : {}),
    ...(assign.length > 0 ? {assign} : {}),
  }
}
