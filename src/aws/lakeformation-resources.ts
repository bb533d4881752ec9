import type {PrincipalResourcePermissions, Resource as SdkResource} from '@aws-sdk/client-lakeformation'

import {canonicalGrant, type ListedGrant, type Permission, type Resource} from '../core/model/grant'
import {sortedUnique} from '../core/order'

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
