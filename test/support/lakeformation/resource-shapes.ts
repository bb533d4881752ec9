import {featureNotModelled, invalidInput} from './errors'
import {type Input, asInput, optionalList, optionalObject, optionalString} from './validate'

/** The Data Catalog itself: `Resource.Catalog`. */
export interface CatalogResource {
  /** Discriminant. */
  kind: 'catalog'
}

/** `Resource.Database`. */
export interface DatabaseResource {
  /** Discriminant. */
  kind: 'database'
  /** The database name, as given. */
  database: string
}

/** `Resource.Table` with a Name; also what `TableWithColumns{ColumnWildcard:{}}` is stored as. */
export interface TableResource {
  /** Discriminant. */
  kind: 'table'
  /** The database name, as given. */
  database: string
  /** The table name, as given. */
  table: string
}

/** `Resource.Table` with TableWildcard: every table of a database, present and future. */
export interface TableWildcardResource {
  /** Discriminant. */
  kind: 'tableWildcard'
  /** The database name, as given. */
  database: string
}

/** `Resource.TableWithColumns` that names columns, or excludes some: a resource of its own. */
export interface ColumnsResource {
  /** Discriminant. */
  kind: 'columns'
  /** The database name, as given. */
  database: string
  /** The table name, as given. */
  table: string
  /** ColumnNames, sorted and without duplicates; exactly one of include and exclude is set. */
  include?: string[]
  /** ColumnWildcard.ExcludedColumnNames, sorted and without duplicates; never empty (a bare ColumnWildcard is the table). */
  exclude?: string[]
}

/** `Resource.DataLocation`. */
export interface DataLocationResource {
  /** Discriminant. */
  kind: 'dataLocation'
  /** The S3 ARN, as given. */
  resourceArn: string
}

/** `Resource.DataCellsFilter`. */
export interface DataCellsFilterResource {
  /** Discriminant. */
  kind: 'dataCellsFilter'
  /** The filter's database. */
  database: string
  /** The filter's table. */
  table: string
  /** The filter's name. */
  name: string
}

/** `Resource.LFTag`: an LF-tag key and some of its values. */
export interface LFTagResource {
  /** Discriminant. */
  kind: 'lfTag'
  /** The key, lower-cased as Lake Formation stores it. */
  tagKey: string
  /** The values, lower-cased, sorted, without duplicates. */
  tagValues: string[]
}

/** One condition of an LF-tag expression. */
export interface LFTagCondition {
  /** The key, lower-cased. */
  tagKey: string
  /** The values, lower-cased, sorted, without duplicates. */
  tagValues: string[]
}

/** `Resource.LFTagPolicy` with an inline Expression. */
export interface LFTagPolicyResource {
  /** Discriminant. */
  kind: 'lfTagPolicy'
  /** Whether the policy grants on matching databases or matching tables. */
  resourceType: 'DATABASE' | 'TABLE'
  /** The conditions, sorted by key. */
  expression: LFTagCondition[]
}

/**
 * A Lake Formation resource in one canonical form, so that two spellings of the same resource
 * (CatalogIds given or not, columns in another order, tag values in another case) are one key.
 */
export type CanonicalResource =
  | CatalogResource
  | DatabaseResource
  | TableResource
  | TableWildcardResource
  | ColumnsResource
  | DataLocationResource
  | DataCellsFilterResource
  | LFTagResource
  | LFTagPolicyResource

/** The member of the API's Resource union a caller used. */
export type ResourceShape = 'Catalog' | 'Database' | 'Table' | 'TableWithColumns' | 'DataLocation' | 'DataCellsFilter' | 'LFTag' | 'LFTagPolicy'

/** A Resource as parsed: its canonical form, and the shape it came in (which decides the permissions it takes). */
export interface ParsedResource {
  /** The canonical resource. */
  resource: CanonicalResource
  /** The Resource member the caller used. */
  shape: ResourceShape
}

const SHAPES: readonly string[] = ['Catalog', 'Database', 'Table', 'TableWithColumns', 'DataLocation', 'DataCellsFilter', 'LFTag', 'LFTagPolicy', 'LFTagExpression']

/** The LFTagKey pattern from the API model. */
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@%]{1,128}$/u
/** The LFTagValue pattern from the API model; `*` is the wildcard in grants. */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:*/=+\-@%]{0,256}$/u

/** A TagValueList holds 1 to 50 values in any one call (the API model's limit). */
export const MAX_VALUES_PER_CALL = 50

export const TABLE_PERMISSIONS: readonly string[] = ['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT']
export const DATABASE_PERMISSIONS: readonly string[] = ['ALL', 'ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP']
export const CATALOG_PERMISSIONS: readonly string[] = ['ALL', 'CREATE_CATALOG', 'CREATE_DATABASE', 'CREATE_LF_TAG', 'CREATE_LF_TAG_EXPRESSION', 'SUPER_USER']
export const DATA_CELLS_FILTER_PERMISSIONS: readonly string[] = ['DESCRIBE', 'DROP', 'SELECT']
export const LF_TAG_PERMISSIONS: readonly string[] = ['ALTER', 'ASSOCIATE', 'DESCRIBE', 'DROP', 'GRANT_WITH_LF_TAG_EXPRESSION']

/** What ALL stands for where Lake Formation stores it expanded (and lists it back expanded). */
const TABLE_ALL = TABLE_PERMISSIONS.filter((permission) => permission !== 'ALL')
const DATABASE_ALL = DATABASE_PERMISSIONS.filter((permission) => permission !== 'ALL')

export function requiredName(input: Input, field: string, where: string): string {
  const value = optionalString(input, field)
  if (value === undefined || value === '') throw invalidInput(`${where}.${field} is required.`)
  if (value.length > 255) throw invalidInput(`${where}.${field} must be at most 255 characters.`)
  return value
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort()
}

function nameList(input: Input, field: string, where: string): string[] | undefined {
  const list = optionalList(input, field)
  if (list === undefined) return undefined
  return sortedUnique(
    list.map((value) => {
      if (typeof value !== 'string' || value === '' || value.length > 255) throw invalidInput(`${where}.${field} must hold names of 1 to 255 characters.`)
      return value
    }),
  )
}

/** An LF-tag key as Lake Formation stores it: validated, then lower-cased. */
export function tagKeyOf(value: unknown, where: string): string {
  if (typeof value !== 'string' || !TAG_KEY.test(value)) throw invalidInput(`${where}: TagKey ${JSON.stringify(value)} is not a valid LF-tag key.`)
  return value.toLowerCase()
}

/** LF-tag values as Lake Formation stores them: 1 to 50 per call, lower-cased, sorted, without duplicates. */
export function tagValuesOf(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidInput(`${where}: TagValues must list 1 to ${MAX_VALUES_PER_CALL} values.`)
  if (value.length > MAX_VALUES_PER_CALL) throw invalidInput(`${where}: TagValues lists ${value.length} values; one call takes at most ${MAX_VALUES_PER_CALL}.`)
  return sortedUnique(
    value.map((entry) => {
      if (typeof entry !== 'string' || !TAG_VALUE.test(entry)) throw invalidInput(`${where}: ${JSON.stringify(entry)} is not a valid LF-tag value.`)
      return entry.toLowerCase()
    }),
  )
}

function parseTable(body: Input): ParsedResource {
  const database = requiredName(body, 'DatabaseName', 'Table')
  const name = optionalString(body, 'Name')
  const wildcard = optionalObject(body, 'TableWildcard')
  if ((name === undefined || name === '') === (wildcard === undefined)) throw invalidInput('Table needs exactly one of Name and TableWildcard.')
  if (wildcard !== undefined) return {resource: {kind: 'tableWildcard', database}, shape: 'Table'}
  return {resource: {kind: 'table', database, table: requiredName(body, 'Name', 'Table')}, shape: 'Table'}
}

/** The table name under which Lake Formation lists SELECT of a TableWildcard grant (see listedOf in operations/permissions.ts). */
export const ALL_TABLES = 'ALL_TABLES'

/**
 * TableWithColumns with a bare ColumnWildcard is the whole table: Lake Formation stores it as SELECT
 * on the Table, so both spellings of that grant are one grant. With the Name ALL_TABLES it is the
 * TableWildcard of the database: that is how ListPermissions shows SELECT on every table
 * (terraform-provider-aws internal/service/lakeformation/filter.go, filterTablePermissions, and the
 * listing in its issue #46245), and a caller must be able to send back what the listing shows.
 */
function parseTableWithColumns(body: Input): ParsedResource {
  const database = requiredName(body, 'DatabaseName', 'TableWithColumns')
  const table = requiredName(body, 'Name', 'TableWithColumns')
  const include = nameList(body, 'ColumnNames', 'TableWithColumns')
  const wildcard = optionalObject(body, 'ColumnWildcard')
  if ((include === undefined) === (wildcard === undefined)) throw invalidInput('TableWithColumns needs exactly one of ColumnNames and ColumnWildcard.')
  const exclude = wildcard === undefined ? undefined : (nameList(wildcard, 'ExcludedColumnNames', 'TableWithColumns.ColumnWildcard') ?? [])
  if (table === ALL_TABLES) {
    // Columns of "every table" name nothing: the stricter reading refuses them (undocumented).
    if (include !== undefined || (exclude ?? []).length > 0) throw invalidInput(`TableWithColumns.Name ${ALL_TABLES} takes only a bare ColumnWildcard: every column of every table.`)
    return {resource: {kind: 'tableWildcard', database}, shape: 'TableWithColumns'}
  }
  if (include !== undefined) {
    if (include.length === 0) throw invalidInput('TableWithColumns.ColumnNames must name at least one column.')
    return {resource: {kind: 'columns', database, table, include}, shape: 'TableWithColumns'}
  }
  if ((exclude ?? []).length === 0) return {resource: {kind: 'table', database, table}, shape: 'TableWithColumns'}
  return {resource: {kind: 'columns', database, table, exclude}, shape: 'TableWithColumns'}
}

function parseLFTagPolicy(body: Input): ParsedResource {
  const resourceType = optionalString(body, 'ResourceType')
  if (resourceType !== 'DATABASE' && resourceType !== 'TABLE') throw invalidInput('LFTagPolicy.ResourceType must be DATABASE or TABLE.')
  if (optionalString(body, 'ExpressionName') !== undefined) throw featureNotModelled('LF-tag policies that name a saved expression (ExpressionName)')
  const conditions = optionalList(body, 'Expression')
  if (conditions === undefined || conditions.length === 0) throw invalidInput('LFTagPolicy.Expression must hold at least one condition.')
  const expression = conditions.map((condition) => {
    const entry = asInput(condition)
    return {tagKey: tagKeyOf(entry.TagKey, 'LFTagPolicy.Expression'), tagValues: tagValuesOf(entry.TagValues, 'LFTagPolicy.Expression')}
  })
  const keys = expression.map((condition) => condition.tagKey)
  if (new Set(keys).size !== keys.length) throw invalidInput('LFTagPolicy.Expression names the same tag key twice.')
  expression.sort((a, b) => (a.tagKey < b.tagKey ? -1 : a.tagKey > b.tagKey ? 1 : 0))
  return {resource: {kind: 'lfTagPolicy', resourceType, expression}, shape: 'LFTagPolicy'}
}

/**
 * Parses the API's Resource union. CatalogIds are accepted and ignored: the model plays one account.
 * It only checks shapes; whether the database, table, location, filter or tag exists is for the caller.
 */
export function parseResource(value: unknown, field = 'Resource'): ParsedResource {
  if (value === undefined || value === null) throw invalidInput(`${field} is required.`)
  const input = asInput(value)
  const given = SHAPES.filter((shape) => input[shape] !== undefined && input[shape] !== null)
  if (given.length !== 1) throw invalidInput(`${field} parameter must have exactly 1 resource specified but ${given.length} were provided.`)
  const [shape] = given
  const body = optionalObject(input, shape) as Input
  switch (shape) {
    case 'Catalog': {
      return {resource: {kind: 'catalog'}, shape}
    }
    case 'Database': {
      return {resource: {kind: 'database', database: requiredName(body, 'Name', 'Database')}, shape}
    }
    case 'Table': {
      return parseTable(body)
    }
    case 'TableWithColumns': {
      return parseTableWithColumns(body)
    }
    case 'DataLocation': {
      return {resource: {kind: 'dataLocation', resourceArn: requiredName(body, 'ResourceArn', 'DataLocation')}, shape}
    }
    case 'DataCellsFilter': {
      const database = requiredName(body, 'DatabaseName', 'DataCellsFilter')
      const table = requiredName(body, 'TableName', 'DataCellsFilter')
      return {resource: {kind: 'dataCellsFilter', database, table, name: requiredName(body, 'Name', 'DataCellsFilter')}, shape}
    }
    case 'LFTag': {
      return {resource: {kind: 'lfTag', tagKey: tagKeyOf(body.TagKey, 'LFTag'), tagValues: tagValuesOf(body.TagValues, 'LFTag')}, shape}
    }
    case 'LFTagPolicy': {
      return parseLFTagPolicy(body)
    }
    default: {
      throw featureNotModelled(`${shape} resources`)
    }
  }
}

/** The permissions a resource takes, by the shape it was named with (TableWithColumns takes SELECT only). */
export function allowedPermissions(parsed: ParsedResource): readonly string[] {
  const {resource} = parsed
  if (parsed.shape === 'TableWithColumns') return ['SELECT']
  switch (resource.kind) {
    case 'catalog':
      return CATALOG_PERMISSIONS
    case 'database':
      return DATABASE_PERMISSIONS
    case 'table':
    case 'tableWildcard':
    case 'columns':
      return TABLE_PERMISSIONS
    case 'dataLocation':
      return ['DATA_LOCATION_ACCESS']
    case 'dataCellsFilter':
      return DATA_CELLS_FILTER_PERMISSIONS
    case 'lfTag':
      return LF_TAG_PERMISSIONS
    case 'lfTagPolicy':
      return resource.resourceType === 'TABLE' ? TABLE_PERMISSIONS : DATABASE_PERMISSIONS
  }
}

/** What ALL means on a resource, or undefined where ALL is kept as itself alone (the catalog). */
function expansionOfAll(resource: CanonicalResource): readonly string[] | undefined {
  switch (resource.kind) {
    case 'table':
    case 'tableWildcard':
      return TABLE_ALL
    case 'database':
      return DATABASE_ALL
    case 'lfTagPolicy':
      return resource.resourceType === 'TABLE' ? TABLE_ALL : DATABASE_ALL
    default:
      return undefined
  }
}

/**
 * Whether ALL is kept next to its expansion. On a table (and every table) Lake Formation lists ALL
 * beside ALTER, DELETE, DESCRIBE, DROP and INSERT, grant option likewise: the AWS CLI's
 * `lakeformation list-permissions` example 2 (awscli/examples/lakeformation/list-permissions.rst),
 * and terraform-provider-aws filterTablePermissions ("LIST PERMS (out) = ALL, ALTER, ...") and its
 * issue #49453. On a database ALL is kept the same way (terraform-provider-aws issue #38066). On an
 * LF-tag policy the listing is not documented: it stays expanded without ALL, as this model had it.
 */
function keepsAll(resource: CanonicalResource): boolean {
  return resource.kind === 'table' || resource.kind === 'tableWildcard' || resource.kind === 'database'
}

/** Permissions as Lake Formation stores them: ALL replaced by (or, where kept, joined by) the concrete list. */
export function expandPermissions(resource: CanonicalResource, permissions: Iterable<string>): Set<string> {
  const all = expansionOfAll(resource)
  const expanded = new Set<string>()
  for (const permission of permissions) {
    if (permission === 'ALL' && all !== undefined) {
      for (const each of all) expanded.add(each)
      if (keepsAll(resource)) expanded.add('ALL')
    } else expanded.add(permission)
  }
  return expanded
}

/** A key that is equal for equal resources and orders them by kind, then by their names. */
export function resourceKey(resource: CanonicalResource): string {
  switch (resource.kind) {
    case 'catalog':
      return JSON.stringify(['catalog'])
    case 'database':
      return JSON.stringify(['database', resource.database])
    case 'table':
      // The empty tail sorts a table before its TableWithColumns entries.
      return JSON.stringify(['table', resource.database, resource.table, ''])
    case 'tableWildcard':
      return JSON.stringify(['tableWildcard', resource.database])
    case 'columns':
      return JSON.stringify(['table', resource.database, resource.table, resource.include === undefined ? 'exclude' : 'include', resource.include ?? resource.exclude ?? []])
    case 'dataLocation':
      return JSON.stringify(['dataLocation', resource.resourceArn])
    case 'dataCellsFilter':
      return JSON.stringify(['dataCellsFilter', resource.database, resource.table, resource.name])
    case 'lfTag':
      return JSON.stringify(['lfTag', resource.tagKey, resource.tagValues])
    case 'lfTagPolicy':
      return JSON.stringify(['lfTagPolicy', resource.resourceType, resource.expression.map((condition) => [condition.tagKey, condition.tagValues])])
  }
}

/** The resource the way Lake Formation sends it back, CatalogIds filled in. */
export function toWireResource(resource: CanonicalResource, catalogId: string): Record<string, unknown> {
  switch (resource.kind) {
    case 'catalog':
      return {Catalog: {}}
    case 'database':
      return {Database: {CatalogId: catalogId, Name: resource.database}}
    case 'table':
      return {Table: {CatalogId: catalogId, DatabaseName: resource.database, Name: resource.table}}
    case 'tableWildcard':
      return {Table: {CatalogId: catalogId, DatabaseName: resource.database, TableWildcard: {}}}
    case 'columns': {
      const columns =
        resource.include !== undefined
          ? {ColumnNames: [...resource.include]}
          : {ColumnWildcard: resource.exclude !== undefined && resource.exclude.length > 0 ? {ExcludedColumnNames: [...resource.exclude]} : {}}
      return {TableWithColumns: {CatalogId: catalogId, DatabaseName: resource.database, Name: resource.table, ...columns}}
    }
    case 'dataLocation':
      return {DataLocation: {CatalogId: catalogId, ResourceArn: resource.resourceArn}}
    case 'dataCellsFilter':
      return {DataCellsFilter: {TableCatalogId: catalogId, DatabaseName: resource.database, TableName: resource.table, Name: resource.name}}
    case 'lfTag':
      return {LFTag: {CatalogId: catalogId, TagKey: resource.tagKey, TagValues: [...resource.tagValues]}}
    case 'lfTagPolicy':
      return {
        LFTagPolicy: {
          CatalogId: catalogId,
          ResourceType: resource.resourceType,
          Expression: resource.expression.map((condition) => ({TagKey: condition.tagKey, TagValues: [...condition.tagValues]})),
        },
      }
  }
}

/** The resource in words, for error messages. */
export function describeResource(resource: CanonicalResource): string {
  switch (resource.kind) {
    case 'catalog':
      return 'the catalog'
    case 'database':
      return `database ${resource.database}`
    case 'table':
      return `table ${resource.database}.${resource.table}`
    case 'tableWildcard':
      return `every table of database ${resource.database}`
    case 'columns':
      return resource.include !== undefined
        ? `columns ${resource.include.join(', ')} of table ${resource.database}.${resource.table}`
        : `every column of table ${resource.database}.${resource.table} but ${(resource.exclude ?? []).join(', ')}`
    case 'dataLocation':
      return `data location ${resource.resourceArn}`
    case 'dataCellsFilter':
      return `data cells filter ${resource.name} on table ${resource.database}.${resource.table}`
    case 'lfTag':
      return `LF-tag ${resource.tagKey}=${resource.tagValues.join('|')}`
    case 'lfTagPolicy':
      return `LF-tag policy on ${resource.resourceType === 'TABLE' ? 'tables' : 'databases'} where ${resource.expression.map((condition) => `${condition.tagKey}=${condition.tagValues.join('|')}`).join(' and ')}`
  }
}
