import {compareText, sortedUnique} from '../order'

/**
 * The canonical grant model. Desired grants (from policy files) and current grants (from
 * ListPermissions) are both reduced to this form before they are compared, which is what keeps
 * plans free of the perpetual diffs terraform shows.
 */

/** A Lake Formation permission name, as the API spells it. */
export type Permission =
  | 'ALL'
  | 'SELECT'
  | 'ALTER'
  | 'DROP'
  | 'DELETE'
  | 'INSERT'
  | 'DESCRIBE'
  | 'CREATE_DATABASE'
  | 'CREATE_TABLE'
  | 'DATA_LOCATION_ACCESS'
  | 'CREATE_LF_TAG'
  | 'ASSOCIATE'
  | 'GRANT_WITH_LF_TAG_EXPRESSION'
  | 'CREATE_LF_TAG_EXPRESSION'
  | 'CREATE_CATALOG'
  | 'SUPER_USER'

/** A set of column names, either listed or "all but". An empty exclude list means every column. */
export type ColumnSelection = {include: string[]} | {exclude: string[]}

/** One LF-tag key and the values an expression accepts for it. */
export interface TagCondition {
  /** The LF-tag key. */
  key: string
  /** Accepted values, lowercase and sorted. */
  values: string[]
}

/** What a grant is on: one case per Lake Formation resource shape lakegov manages. */
export type Resource =
  | {type: 'catalog'}
  | {type: 'database'; database: string}
  | {type: 'table'; database: string; table: string}
  | {type: 'tableWildcard'; database: string}
  | {type: 'columns'; database: string; table: string; columns: ColumnSelection}
  | {type: 'dataLocation'; path: string}
  | {type: 'dataCellsFilter'; database: string; table: string; filter: string}
  | {type: 'lfTag'; key: string; values: string[]}
  | {type: 'lfTagPolicy'; resourceType: 'DATABASE' | 'TABLE'; expression: TagCondition[]}

export type ResourceType = Resource['type']

/** A principal's permissions on one resource. */
export interface Grant {
  /** The principal's identifier: an ARN, an account id, an org or OU ARN, or IAM_ALLOWED_PRINCIPALS. */
  principal: string
  /** What the permissions are on. */
  resource: Resource
  /** The permissions held, sorted. */
  permissions: Permission[]
  /** The subset held with the grant option, sorted. */
  grantable: Permission[]
}

/** Permission names exactly as ListPermissions listed them (ALL kept, nothing folded), for revokes. */
export interface ListedPermissions {
  /** Permissions as listed, deduplicated and sorted. */
  permissions: Permission[]
  /** Grant options as listed, deduplicated and sorted. */
  grantable: Permission[]
}

/** A canonical grant read from the account, with what the listing said word for word. */
export interface ListedGrant extends Grant {
  /**
   * What the account lists for this key (merged over its Table and TableWithColumns entries). A
   * revoke sends these names, not the canonical form: revoking ALL from a principal that holds
   * the expansion without ALL could be answered "No permissions revoked" and never converge.
   */
  listed?: ListedPermissions
}

/** The permissions each resource type accepts. ALL stands for the whole of the type's set. */
export const PERMISSIONS_BY_RESOURCE: Record<ResourceType, readonly Permission[]> = {
  catalog: ['CREATE_DATABASE', 'CREATE_LF_TAG', 'CREATE_CATALOG', 'CREATE_LF_TAG_EXPRESSION', 'SUPER_USER', 'ALL'],
  database: ['ALL', 'ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP'],
  table: ['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'],
  tableWildcard: ['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'],
  columns: ['SELECT'],
  dataLocation: ['DATA_LOCATION_ACCESS'],
  dataCellsFilter: ['DESCRIBE', 'DROP', 'SELECT'],
  lfTag: ['ALTER', 'ASSOCIATE', 'DESCRIBE', 'DROP', 'GRANT_WITH_LF_TAG_EXPRESSION'],
  lfTagPolicy: ['ALL', 'ALTER', 'CREATE_TABLE', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'],
}

/**
 * The permissions a grant on this resource accepts. An LF-tag expression takes those of the
 * resources it matches: on databases, a database's; on tables, a table's. (Lake Formation developer
 * guide, "Granting data lake permissions using the LF-TBAC method": database permissions for
 * ResourceType DATABASE, table permissions for TABLE.)
 */
export function permissionsFor(resource: Resource): readonly Permission[] {
  if (resource.type === 'lfTagPolicy') return resource.resourceType === 'DATABASE' ? PERMISSIONS_BY_RESOURCE.database : PERMISSIONS_BY_RESOURCE.table
  return PERMISSIONS_BY_RESOURCE[resource.type]
}

/** What ALL expands to, where Lake Formation lists it back expanded. */
const ALL_EXPANDS_TO: Partial<Record<ResourceType, readonly Permission[]>> = {
  database: ['ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP'],
  table: ['ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'],
  tableWildcard: ['ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'],
}

/** The ALL expansion for a resource, as the API would list it back; undefined where ALL is not expanded. */
export function expansionOfAll(resource: Resource): readonly Permission[] | undefined {
  if (resource.type === 'lfTagPolicy') return resource.resourceType === 'DATABASE' ? ALL_EXPANDS_TO.database : ALL_EXPANDS_TO.table
  return ALL_EXPANDS_TO[resource.type]
}

/** The concrete permissions a set stands for: ALL replaced by its expansion where it has one. */
export function concretePermissions(resource: Resource, permissions: Iterable<Permission>): Set<Permission> {
  const expansion = expansionOfAll(resource)
  const set = new Set<Permission>()
  for (const permission of permissions) {
    if (permission === 'ALL' && expansion) for (const each of expansion) set.add(each)
    else set.add(permission)
  }
  return set
}

/**
 * The one canonical permission rule, used for desired grants, listed grants and plans alike:
 * deduplicated, in code-point order, and ALL wherever ALL's expansion is covered, with the
 * expansion folded into it. Lake Formation lists ALL next to its expansion
 * (`[ALL, ALTER, DELETE, DESCRIBE, DROP, INSERT]` plus SELECT on the TableWithColumns twin: the AWS
 * CLI's `lakeformation list-permissions` example 2), so `[ALL, SELECT]`, `[ALL]` and the expansion
 * itself are one permission set: `[ALL]`. Permissions outside the expansion stay beside ALL.
 */
export function canonicalPermissions(resource: Resource, permissions: Iterable<Permission>): Permission[] {
  const set = concretePermissions(resource, permissions)
  const expansion = expansionOfAll(resource)
  if (expansion && expansion.every((permission) => set.has(permission))) {
    for (const permission of expansion) set.delete(permission)
    set.add('ALL')
  }
  return [...set].sort(compareText)
}

function sortedLower(values: string[]): string[] {
  return sortedUnique(values.map((value) => value.toLowerCase()))
}

/** A column selection in canonical form: names lowercase (Glue stores them so), deduplicated, sorted. */
export function canonicalColumns(columns: ColumnSelection): ColumnSelection {
  return 'include' in columns ? {include: sortedLower(columns.include)} : {exclude: sortedLower(columns.exclude)}
}

/**
 * A resource in canonical form: names lowercased (Glue stores them lowercase), lists sorted, a
 * column selection that excludes nothing turned into the plain table it is, and an S3 path as an ARN
 * without a trailing slash.
 */
export function canonicalResource(resource: Resource): Resource {
  switch (resource.type) {
    case 'catalog': {
      return {type: 'catalog'}
    }
    case 'database':
    case 'tableWildcard': {
      return {type: resource.type, database: resource.database.toLowerCase()}
    }
    case 'table': {
      if (resource.table === '*') return {type: 'tableWildcard', database: resource.database.toLowerCase()}
      return {type: 'table', database: resource.database.toLowerCase(), table: resource.table.toLowerCase()}
    }
    case 'columns': {
      const database = resource.database.toLowerCase()
      const table = resource.table.toLowerCase()
      if ('exclude' in resource.columns) {
        const exclude = sortedLower(resource.columns.exclude)
        return exclude.length === 0 ? {type: 'table', database, table} : {type: 'columns', database, table, columns: {exclude}}
      }
      return {type: 'columns', database, table, columns: {include: sortedLower(resource.columns.include)}}
    }
    case 'dataLocation': {
      const bare = resource.path.replace(/^s3:\/\//, 'arn:aws:s3:::').replace(/\/+$/, '')
      return {type: 'dataLocation', path: bare}
    }
    case 'dataCellsFilter': {
      return {type: 'dataCellsFilter', database: resource.database.toLowerCase(), table: resource.table.toLowerCase(), filter: resource.filter}
    }
    case 'lfTag': {
      return {type: 'lfTag', key: resource.key.toLowerCase(), values: sortedLower(resource.values)}
    }
    case 'lfTagPolicy': {
      const expression = resource.expression
        .map((condition) => ({key: condition.key.toLowerCase(), values: sortedLower(condition.values)}))
        .sort((a, b) => compareText(a.key, b.key))
      return {type: 'lfTagPolicy', resourceType: resource.resourceType, expression}
    }
  }
}

/** A stable, human-readable key for a canonical resource; equal resources have equal keys. */
export function resourceKey(resource: Resource): string {
  switch (resource.type) {
    case 'catalog': {
      return 'catalog'
    }
    case 'database': {
      return `database:${resource.database}`
    }
    case 'table': {
      return `table:${resource.database}.${resource.table}`
    }
    case 'tableWildcard': {
      return `table:${resource.database}.*`
    }
    case 'columns': {
      const columns = 'include' in resource.columns ? `+${resource.columns.include.join(',')}` : `-${resource.columns.exclude.join(',')}`
      return `columns:${resource.database}.${resource.table}[${columns}]`
    }
    case 'dataLocation': {
      return `location:${resource.path}`
    }
    case 'dataCellsFilter': {
      return `filter:${resource.database}.${resource.table}.${resource.filter}`
    }
    case 'lfTag': {
      return `lftag:${resource.key}=${resource.values.join(',')}`
    }
    case 'lfTagPolicy': {
      return `lftag-policy:${resource.resourceType.toLowerCase()}:${resource.expression.map((condition) => `${condition.key}=${condition.values.join(',')}`).join(';')}`
    }
  }
}

/** The identity of a grant: who, on what. Two grants with one key are one grant. */
export function grantKey(grant: Pick<Grant, 'principal' | 'resource'>): string {
  return `${grant.principal} ${resourceKey(grant.resource)}`
}

/** A grant in canonical form. The grant option never exceeds the permissions held. */
export function canonicalGrant(grant: Grant): Grant {
  const resource = canonicalResource(grant.resource)
  const permissions = canonicalPermissions(resource, grant.permissions)
  const grantable = canonicalPermissions(resource, grant.grantable)
  return {principal: grant.principal, resource, permissions, grantable}
}
