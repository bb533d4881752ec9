import type {OperationContext} from './context'
import {entityNotFound, invalidInput} from './errors'
import type {CanonicalResource} from './resource-shapes'

/**
 * Lake Formation refuses grants, revokes, LF-tag assignments and data cells filters on Glue
 * databases and tables that do not exist, with EntityNotFoundException (the API reference lists it
 * for GrantPermissions, RevokePermissions, AddLFTagsToResource, GetResourceLFTags and
 * CreateDataCellsFilter; BatchGrantPermissions reports it as a Failures[] entry). These ask the
 * catalog the model was given.
 */
export async function checkDatabaseExists(context: OperationContext, database: string): Promise<void> {
  if (!(await context.catalog.hasDatabase(context.region, database))) throw entityNotFound(`Database ${database} not found.`)
}

/** The table's columns when the catalog knows them; throws EntityNotFoundException for a missing database or table. */
export async function checkTableExists(context: OperationContext, database: string, table: string): Promise<string[] | undefined> {
  await checkDatabaseExists(context, database)
  const found = await context.catalog.table(context.region, database, table)
  if (found === undefined) throw entityNotFound(`Table ${table} not found in database ${database}.`)
  return found.columns
}

/**
 * Columns that the table does not have are refused. The error code for them is not documented:
 * the model chooses InvalidInputException (the input names something that is not there, and it is
 * not an entity of its own), and says which columns are missing.
 */
export async function checkColumnsExist(context: OperationContext, database: string, table: string, columns: readonly string[]): Promise<void> {
  const known = await checkTableExists(context, database, table)
  if (known === undefined) return
  const missing = columns.filter((column) => !known.includes(column))
  if (missing.length > 0) throw invalidInput(`Column ${missing.join(', ')} not found in table ${database}.${table}.`)
}

/** The existence check for a grant's or revoke's resource; resources outside the Glue catalog pass. */
export async function checkCatalogResource(context: OperationContext, resource: CanonicalResource): Promise<void> {
  switch (resource.kind) {
    case 'database':
    case 'tableWildcard':
      return checkDatabaseExists(context, resource.database)
    case 'table':
      await checkTableExists(context, resource.database, resource.table)
      return
    case 'columns':
      return checkColumnsExist(context, resource.database, resource.table, resource.include ?? resource.exclude ?? [])
    default:
      return
  }
}
