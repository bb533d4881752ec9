import type {Grant} from '../model/grant'
import {parseIamIdentity} from '../model/principal'
import {inScope, mergeByKey, type CurrentGrant} from '../plan/diff'
import type {FilterState, TagState} from '../plan/objects'
import type {Scope} from '../policy/types'
import {compareText} from '../order'

/** A grants file as plain data, in the shape policies/grants/*.yaml takes. */
export interface GrantsFile {
  principals: Record<string, string>
  scope: {databases?: string[]; locations?: string[]; catalog?: boolean; tags?: boolean}
  grants: Record<string, unknown>[]
  filters?: Record<string, Record<string, unknown>>
  tags?: Record<string, string[]>
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
export function exportPolicy(current: CurrentGrant[], context: {scope: Scope; filters: FilterState[]; tags: TagState[]}): GrantsFile {
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

  const filters = context.filters.filter((filter) => usedFilters.has(`${filter.database}.${filter.table}.${filter.name}`))
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
  }
}
