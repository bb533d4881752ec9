import {checkColumnsExist, checkTableExists} from '../catalog-checks'
import type {OperationContext} from '../context'
import {alreadyExists, concurrentModification, entityNotFound, invalidInput} from '../errors'
import {DEFAULT_PAGE_SIZE, paginate} from '../pagination'
import {parseResource, requiredName} from '../resource-shapes'
import {checkRowFilter} from '../row-filter'
import {type StoredDataCellsFilter, dataCellsFilterKey} from '../state'
import {type Input, optionalInteger, optionalList, optionalObject, optionalString} from '../validate'
import {dropGrantsOn} from './permissions'

function columnList(input: Input, field: string, where: string): string[] | undefined {
  const list = optionalList(input, field)
  if (list === undefined) return undefined
  return list.map((column) => {
    if (typeof column !== 'string' || column === '' || column.length > 255) throw invalidInput(`${where}.${field} must hold column names of 1 to 255 characters.`)
    return column
  })
}

function rowFilterOf(tableData: Input): StoredDataCellsFilter['rowFilter'] {
  const rowFilter = optionalObject(tableData, 'RowFilter')
  if (rowFilter === undefined) throw invalidInput('TableData.RowFilter is required: a FilterExpression, or AllRowsWildcard for every row.')
  const expression = optionalString(rowFilter, 'FilterExpression')
  const allRows = optionalObject(rowFilter, 'AllRowsWildcard')
  if ((expression === undefined) === (allRows === undefined)) throw invalidInput('TableData.RowFilter needs exactly one of FilterExpression and AllRowsWildcard.')
  if (expression !== undefined) {
    return {FilterExpression: expression}
  }
  return {AllRowsWildcard: {}}
}

/**
 * A filter from TableData. TableCatalogId is required by the API and ignored: the model plays one
 * account. The table is looked up by the callers (checkTableOf). Column lists are kept in the
 * caller's order, as Lake Formation echoes them.
 */
function filterOf(input: Input): StoredDataCellsFilter {
  const tableData = optionalObject(input, 'TableData')
  if (tableData === undefined) throw invalidInput('TableData is required.')
  requiredName(tableData, 'TableCatalogId', 'TableData')
  const database = requiredName(tableData, 'DatabaseName', 'TableData')
  const table = requiredName(tableData, 'TableName', 'TableData')
  const name = requiredName(tableData, 'Name', 'TableData')
  const rowFilter = rowFilterOf(tableData)
  const columnNames = columnList(tableData, 'ColumnNames', 'TableData')
  const wildcard = optionalObject(tableData, 'ColumnWildcard')
  if ((columnNames === undefined) === (wildcard === undefined)) throw invalidInput('TableData needs exactly one of ColumnNames and ColumnWildcard.')
  if (columnNames !== undefined && columnNames.length === 0) throw invalidInput('TableData.ColumnNames must name at least one column; use ColumnWildcard for every column.')
  const excludedColumnNames = wildcard === undefined ? undefined : (columnList(wildcard, 'ExcludedColumnNames', 'TableData.ColumnWildcard') ?? [])
  return {database, table, name, rowFilter, columnNames, excludedColumnNames, version: 1}
}

function toOutput(context: OperationContext, filter: StoredDataCellsFilter) {
  return {
    TableCatalogId: context.accountId,
    DatabaseName: filter.database,
    TableName: filter.table,
    Name: filter.name,
    RowFilter: structuredClone(filter.rowFilter),
    ...(filter.columnNames !== undefined ? {ColumnNames: [...filter.columnNames]} : {}),
    ...(filter.excludedColumnNames !== undefined
      ? {ColumnWildcard: filter.excludedColumnNames.length > 0 ? {ExcludedColumnNames: [...filter.excludedColumnNames]} : {}}
      : {}),
    VersionId: String(filter.version),
  }
}

/** The filter an input's TableCatalogId, DatabaseName, TableName and Name name. */
function identityOf(input: Input): {database: string; table: string; name: string; key: string} {
  requiredName(input, 'TableCatalogId', 'DataCellsFilter')
  const database = requiredName(input, 'DatabaseName', 'DataCellsFilter')
  const table = requiredName(input, 'TableName', 'DataCellsFilter')
  const name = requiredName(input, 'Name', 'DataCellsFilter')
  return {database, table, name, key: dataCellsFilterKey(database, table, name)}
}

function notFound(database: string, table: string, name: string) {
  return entityNotFound(`Data cells filter ${name} on table ${database}.${table} does not exist.`)
}

/** The filter's table must exist (EntityNotFoundException, API reference) and its columns too (InvalidInputException, see catalog-checks.ts). */
async function checkTableOf(context: OperationContext, filter: StoredDataCellsFilter): Promise<void> {
  await checkColumnsExist(context, filter.database, filter.table, [...(filter.columnNames ?? []), ...(filter.excludedColumnNames ?? [])])
  if ('FilterExpression' in filter.rowFilter) checkRowFilter(filter.rowFilter.FilterExpression, await checkTableExists(context, filter.database, filter.table))
}

export async function createDataCellsFilter(context: OperationContext, input: Input) {
  const filter = filterOf(input)
  await checkTableOf(context, filter)
  const key = dataCellsFilterKey(filter.database, filter.table, filter.name)
  if (context.state.dataCellsFilters.has(key)) throw alreadyExists(`Data cells filter ${filter.name} on table ${filter.database}.${filter.table} already exists.`)
  context.state.dataCellsFilters.set(key, filter)
  return {}
}

export function getDataCellsFilter(context: OperationContext, input: Input) {
  const {database, table, name, key} = identityOf(input)
  const filter = context.state.dataCellsFilters.get(key)
  if (filter === undefined) throw notFound(database, table, name)
  return {DataCellsFilter: toOutput(context, filter)}
}

/**
 * Replaces a filter's rows and columns. A VersionId, when given, must be the current one: a stale
 * one answers ConcurrentModificationException, as when two callers update the same filter.
 */
export async function updateDataCellsFilter(context: OperationContext, input: Input) {
  const next = filterOf(input)
  await checkTableOf(context, next)
  const key = dataCellsFilterKey(next.database, next.table, next.name)
  const current = context.state.dataCellsFilters.get(key)
  if (current === undefined) throw notFound(next.database, next.table, next.name)
  const versionId = optionalString(optionalObject(input, 'TableData') as Input, 'VersionId')
  if (versionId !== undefined && versionId !== String(current.version)) {
    throw concurrentModification(`Data cells filter ${next.name} is at version ${current.version}, not ${versionId}. Read it again and retry.`)
  }
  context.writes.admit(JSON.stringify(['dataCellsFilter', next.database, next.table, next.name]), `data cells filter ${next.name} on table ${next.database}.${next.table}`)
  context.state.dataCellsFilters.set(key, {...next, version: current.version + 1})
  return {}
}

/** Deletes a filter and every grant on it: a grant cannot outlive what it is on. */
export function deleteDataCellsFilter(context: OperationContext, input: Input) {
  const {database, table, name, key} = identityOf(input)
  if (!context.state.dataCellsFilters.delete(key)) throw notFound(database, table, name)
  dropGrantsOn(context.state, {kind: 'dataCellsFilter', database, table, name})
  return {}
}

/** Lists filters, all or one table's (Table with Name) or one database's (Table with TableWildcard), sorted by database, table and name. */
export function listDataCellsFilter(context: OperationContext, input: Input) {
  const maxResults = optionalInteger(input, 'MaxResults', 1, 1000) ?? DEFAULT_PAGE_SIZE
  const nextToken = optionalString(input, 'NextToken')
  const table = input.Table === undefined || input.Table === null ? undefined : parseResource({Table: input.Table}, 'Table').resource
  const matches = (filter: StoredDataCellsFilter): boolean => {
    if (table === undefined) return true
    if (table.kind === 'tableWildcard') return filter.database === table.database
    return table.kind === 'table' && filter.database === table.database && filter.table === table.table
  }
  const filters = [...context.state.dataCellsFilters.values()].filter(matches)
  const page = paginate(filters, (filter) => dataCellsFilterKey(filter.database, filter.table, filter.name), {
    maxResults,
    nextToken,
    scope: JSON.stringify(['ListDataCellsFilter', table ?? null]),
  })
  return {DataCellsFilters: page.items.map((filter) => toOutput(context, filter)), ...(page.nextToken ? {NextToken: page.nextToken} : {})}
}
