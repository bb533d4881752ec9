import type {
  BatchPermissionsFailureEntry,
  DataCellsFilter,
  LFTagPair,
  PrincipalPermissions as SdkPrincipalPermissions,
  PrincipalResourcePermissions,
  Resource as SdkResource,
} from '@aws-sdk/client-lakeformation'

import {canonicalGrant, type ColumnSelection, type ListedGrant, type Permission, type Resource} from '../core/model/grant'
import type {PrincipalPermissions} from '../core/model/lake'
import {sortedUnique} from '../core/order'
import type {FilterState, TagTarget} from '../core/plan/objects'
import type {EntryFailure, GrantEntry} from '../core/ports'

/**
 * Translation between lakegov's canonical resources and Lake Formation's Resource shapes. Pure: it
 * lives in aws/ only because it speaks the SDK's types.
 */
export function toSdkResource(resource: Resource, catalogId: string): SdkResource {
  switch (resource.type) {
    case 'catalog': {
      return {Catalog: {}}
    }
    case 'database': {
      return {Database: {Name: resource.database}}
    }
    case 'table': {
      return {Table: {DatabaseName: resource.database, Name: resource.table}}
    }
    case 'tableWildcard': {
      return {Table: {DatabaseName: resource.database, TableWildcard: {}}}
    }
    case 'columns': {
      return 'include' in resource.columns
        ? {TableWithColumns: {DatabaseName: resource.database, Name: resource.table, ColumnNames: resource.columns.include}}
        : {TableWithColumns: {DatabaseName: resource.database, Name: resource.table, ColumnWildcard: {ExcludedColumnNames: resource.columns.exclude}}}
    }
    case 'dataLocation': {
      return {DataLocation: {ResourceArn: resource.path}}
    }
    case 'dataCellsFilter': {
      return {DataCellsFilter: {TableCatalogId: catalogId, DatabaseName: resource.database, TableName: resource.table, Name: resource.filter}}
    }
    case 'lfTag': {
      return {LFTag: {TagKey: resource.key, TagValues: resource.values}}
    }
    case 'lfTagPolicy': {
      return {LFTagPolicy: {ResourceType: resource.resourceType, Expression: resource.expression.map((condition) => ({TagKey: condition.key, TagValues: condition.values}))}}
    }
  }
}

/** The table name Lake Formation lists a table wildcard's SELECT under. */
export const ALL_TABLES = 'ALL_TABLES'

/** The canonical resource for a Lake Formation Resource, or undefined for shapes lakegov does not manage. */
export function fromSdkResource(resource: SdkResource | undefined): Resource | undefined {
  if (!resource) return undefined
  if (resource.Catalog) return {type: 'catalog'}
  if (resource.Database?.Name) return {type: 'database', database: resource.Database.Name}
  if (resource.Table?.DatabaseName) {
    if (resource.Table.TableWildcard) return {type: 'tableWildcard', database: resource.Table.DatabaseName}
    if (resource.Table.Name) return {type: 'table', database: resource.Table.DatabaseName, table: resource.Table.Name}
  }
  const withColumns = resource.TableWithColumns
  // A grant on every table lists its SELECT as TableWithColumns{Name: "ALL_TABLES", ColumnWildcard: {}},
  // and its other permissions on Table{TableWildcard}: one resource, the table wildcard.
  // Source: terraform-provider-aws internal/service/lakeformation (filterTablePermissions) and the
  // real listing in its issue #46245. Glue stores table names lowercase, so the uppercase name can
  // only be this marker.
  if (withColumns?.DatabaseName && withColumns.Name === ALL_TABLES && withColumns.ColumnWildcard && (withColumns.ColumnWildcard.ExcludedColumnNames ?? []).length === 0) {
    return {type: 'tableWildcard', database: withColumns.DatabaseName}
  }
  if (withColumns?.DatabaseName && withColumns.Name) {
    const columns = withColumns.ColumnWildcard ? {exclude: withColumns.ColumnWildcard.ExcludedColumnNames ?? []} : {include: withColumns.ColumnNames ?? []}
    return {type: 'columns', database: withColumns.DatabaseName, table: withColumns.Name, columns}
  }
  if (resource.DataLocation?.ResourceArn) return {type: 'dataLocation', path: resource.DataLocation.ResourceArn}
  const filter = resource.DataCellsFilter
  if (filter?.DatabaseName && filter.TableName && filter.Name) return {type: 'dataCellsFilter', database: filter.DatabaseName, table: filter.TableName, filter: filter.Name}
  if (resource.LFTag?.TagKey) return {type: 'lfTag', key: resource.LFTag.TagKey, values: resource.LFTag.TagValues ?? []}
  const policy = resource.LFTagPolicy
  if (policy?.ResourceType && (policy.ResourceType === 'DATABASE' || policy.ResourceType === 'TABLE') && policy.Expression) {
    return {type: 'lfTagPolicy', resourceType: policy.ResourceType, expression: policy.Expression.map((condition) => ({key: condition.TagKey ?? '', values: condition.TagValues ?? []}))}
  }
  return undefined
}

/** A ListPermissions entry as a canonical grant, or undefined for what lakegov does not manage. */
export function fromPrincipalResourcePermissions(entry: PrincipalResourcePermissions): ListedGrant | undefined {
  const principal = entry.Principal?.DataLakePrincipalIdentifier
  const resource = fromSdkResource(entry.Resource)
  if (!principal || !resource) return undefined
  const permissions = (entry.Permissions ?? []) as Permission[]
  const grantable = (entry.PermissionsWithGrantOption ?? []) as Permission[]
  return {
    ...canonicalGrant({principal, resource, permissions, grantable}),
    listed: {permissions: sortedUnique(permissions) as Permission[], grantable: sortedUnique(grantable) as Permission[]},
  }
}

export function toPrincipalPermissions(entries: SdkPrincipalPermissions[] | undefined): PrincipalPermissions[] {
  return (entries ?? []).map((entry) => ({
    principal: entry.Principal?.DataLakePrincipalIdentifier ?? '',
    permissions: [...(entry.Permissions ?? [])].sort(),
  }))
}

/** Failures back to the caller's entry ids (the wire ids are indexes: entry Ids are capped at 255 characters). */
export function toFailures(entries: GrantEntry[], failures: BatchPermissionsFailureEntry[] | undefined): EntryFailure[] {
  return (failures ?? []).map((failure) => ({
    id: entries[Number(failure.RequestEntry?.Id)]?.id ?? failure.RequestEntry?.Id ?? '',
    code: failure.Error?.ErrorCode ?? 'Unknown',
    message: failure.Error?.ErrorMessage ?? '',
  }))
}

/** The Lake Formation resource an LF-tag assignment targets: a database, a table, or named columns. */
export function targetResource(target: TagTarget): SdkResource {
  if (!target.table) return {Database: {Name: target.database}}
  if (target.columns) return {TableWithColumns: {DatabaseName: target.database, Name: target.table, ColumnNames: target.columns}}
  return {Table: {DatabaseName: target.database, Name: target.table}}
}

export function toFilterState(filter: DataCellsFilter): FilterState {
  const columns: ColumnSelection | undefined = filter.ColumnNames?.length
    ? {include: [...filter.ColumnNames].map((column) => column.toLowerCase()).sort()}
    : filter.ColumnWildcard?.ExcludedColumnNames?.length
      ? {exclude: [...filter.ColumnWildcard.ExcludedColumnNames].map((column) => column.toLowerCase()).sort()}
      : undefined
  return {
    name: filter.Name ?? '',
    database: (filter.DatabaseName ?? '').toLowerCase(),
    table: (filter.TableName ?? '').toLowerCase(),
    ...(filter.RowFilter?.FilterExpression ? {rows: filter.RowFilter.FilterExpression} : {}),
    ...(columns ? {columns} : {}),
  }
}

export function toSdkFilter(filter: FilterState, catalogId: string): DataCellsFilter {
  const columns = filter.columns
  return {
    TableCatalogId: catalogId,
    DatabaseName: filter.database,
    TableName: filter.table,
    Name: filter.name,
    RowFilter: filter.rows === undefined ? {AllRowsWildcard: {}} : {FilterExpression: filter.rows},
    ...(columns && 'include' in columns ? {ColumnNames: columns.include} : {ColumnWildcard: {ExcludedColumnNames: columns && 'exclude' in columns ? columns.exclude : []}}),
  }
}

/**
 * The LF-tags a GetResourceLFTags list assigns, key to value, both lowercase (Lake Formation stores
 * them lowercase). A resource carries one value per key ("Only one value for a LF-tag can be
 * assigned to a particular resource": https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-notes.html),
 * and that value comes as an LFTagPair, whose TagValues list holds 1 to 50 values (botocore
 * lakeformation/2017-03-31 service-2.json, LFTagPair and TagValueList). So a pair is read by its
 * first value whatever the list's length: a pair is never dropped, because a dropped assignment
 * hides from the audit what a tag expression grant gives, and makes the plan assign it again.
 */
export function lfTagPairs(list: LFTagPair[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {}
  for (const pair of list ?? []) if (pair.TagKey && pair.TagValues?.length) tags[pair.TagKey.toLowerCase()] = pair.TagValues[0].toLowerCase()
  return tags
}
