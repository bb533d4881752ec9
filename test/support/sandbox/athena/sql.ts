/**
 * SQL helpers for the sandbox's Athena: execution parameters, and reading the parsed query (DuckDB's
 * json_serialize_sql) for the tables it reads and the predicates on their partition columns.
 */

/** Thrown for a query Athena would fail, with its AthenaError fields. */
export class QueryFailure extends Error {
  constructor(
    message: string,
    readonly errorType: number,
    readonly errorCategory = 2,
    readonly retryable = false,
  ) {
    super(message)
  }
}

/**
 * Substitutes `ExecutionParameters` for the `?` placeholders, in order (Athena User Guide, "Using
 * parameterized queries": "the values are applied sequentially to the parameters in the query in the
 * order in which the parameters occur"; each value is SQL text, e.g. `'alice'` with its quotes).
 * `?` inside strings, quoted identifiers and comments is not a placeholder. A count mismatch fails
 * the query as Athena does (the message is Trino's).
 */
export function substituteParameters(sql: string, parameters: string[]): string {
  let out = ''
  let used = 0
  let count = 0
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i]
    if (char === "'" || char === '"') {
      const end = closing(sql, i, char)
      out += sql.slice(i, end + 1)
      i = end
    } else if (char === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      const stop = end === -1 ? sql.length - 1 : end
      out += sql.slice(i, stop + 1)
      i = stop
    } else if (char === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      const stop = end === -1 ? sql.length - 1 : end + 1
      out += sql.slice(i, stop + 1)
      i = stop
    } else if (char === '?') {
      count += 1
      if (used < parameters.length) out += parameters[used++]
      else out += '?'
    } else out += char
  }
  if (count !== parameters.length) {
    throw new QueryFailure(`INVALID_PARAMETER_USAGE: Incorrect number of parameters: expected ${count} but found ${parameters.length}`, 1100)
  }
  return out
}

function closing(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 1
      else return i
    }
  }
  return sql.length - 1
}

/** A node of DuckDB's serialized AST. */
type Node = Record<string, unknown>

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Visits every node of the AST. */
function walk(value: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(value)) for (const item of value) walk(item, visit)
  else if (isNode(value)) {
    visit(value)
    for (const child of Object.values(value)) walk(child, visit)
  }
}

/** A table the query reads: `[catalog.][schema.]table` as written, lower-cased. */
export interface TableRef {
  catalog: string
  schema: string
  table: string
}

/** Every base table the query names, CTE names excluded. */
export function tablesOf(ast: unknown): TableRef[] {
  const ctes = new Set<string>()
  walk(ast, (node) => {
    const map = (node.cte_map as {map?: {key: string}[]} | undefined)?.map
    if (Array.isArray(map)) for (const entry of map) ctes.add(String(entry.key).toLowerCase())
  })
  const refs = new Map<string, TableRef>()
  walk(ast, (node) => {
    if (node.type !== 'BASE_TABLE') return
    const ref = {catalog: String(node.catalog_name ?? '').toLowerCase(), schema: String(node.schema_name ?? '').toLowerCase(), table: String(node.table_name ?? '').toLowerCase()}
    if (!ref.schema && !ref.catalog && ctes.has(ref.table)) return
    refs.set(`${ref.catalog}.${ref.schema}.${ref.table}`, ref)
  })
  return [...refs.values()]
}

function conjuncts(expression: unknown): Node[] {
  if (!isNode(expression)) return []
  if (expression.type === 'CONJUNCTION_AND') return (expression.children as unknown[]).flatMap(conjuncts)
  return [expression]
}

/** Whether an expression reads only these columns (and at least one), with no subquery or parameter. */
function onlyPartitionColumns(expression: Node, partitionKeys: Set<string>): boolean {
  let columns = 0
  let ok = true
  walk(expression, (node) => {
    if (node.class === 'SUBQUERY' || node.type === 'VALUE_PARAMETER' || node.class === 'PARAMETER' || node.class === 'WINDOW') ok = false
    if (node.class === 'COLUMN_REF') {
      const names = node.column_names as string[]
      const column = String(names.at(-1)).toLowerCase()
      if (!partitionKeys.has(column) || names.length > 2) ok = false
      else {
        columns += 1
        // The partition table has no alias: keep the bare column name.
        node.column_names = [column]
      }
    }
  })
  return ok && columns > 0
}

function readsTable(from: unknown, matches: (node: Node) => boolean): boolean {
  if (!isNode(from)) return false
  if (from.type === 'BASE_TABLE') return matches(from)
  if (from.type === 'JOIN') return readsTable(from.left, matches) || readsTable(from.right, matches)
  return false
}

/**
 * For each place the query reads the table (a SELECT whose FROM names it directly or through joins),
 * the predicates of its WHERE clause that read only partition columns; an empty list means that place
 * reads every partition. The predicates are AST nodes, ready to put into a query over the partitions.
 */
export function partitionPredicates(ast: unknown, matches: (ref: TableRef) => boolean, partitionKeys: string[]): Node[][] {
  const keys = new Set(partitionKeys.map((key) => key.toLowerCase()))
  const places: Node[][] = []
  const baseMatches = (node: Node) =>
    matches({catalog: String(node.catalog_name ?? '').toLowerCase(), schema: String(node.schema_name ?? '').toLowerCase(), table: String(node.table_name ?? '').toLowerCase()})
  walk(ast, (node) => {
    if (node.type !== 'SELECT_NODE' || !readsTable(node.from_table, baseMatches)) return
    const copy = JSON.parse(JSON.stringify(node.where_clause ?? null)) as unknown
    places.push(conjuncts(copy).filter((predicate) => onlyPartitionColumns(predicate, keys)))
  })
  return places
}

/** `a AND b AND ...` as an AST node. */
export function and(predicates: Node[]): Node {
  return predicates.length === 1 ? predicates[0] : {class: 'CONJUNCTION', type: 'CONJUNCTION_AND', alias: '', query_location: 0, children: predicates}
}

/** Equality constants given for a column (`col = 'v'` or `col IN ('a','b')`), for injected projection. */
export function equalities(predicates: Node[], column: string): string[] {
  const values: string[] = []
  const constant = (node: unknown) => (isNode(node) && node.class === 'CONSTANT' ? String((node.value as {value: unknown}).value) : undefined)
  const isColumn = (node: unknown) => isNode(node) && node.class === 'COLUMN_REF' && String((node.column_names as string[]).at(-1)).toLowerCase() === column
  for (const predicate of predicates) {
    if (predicate.type === 'COMPARE_EQUAL') {
      const [left, right] = [predicate.left, predicate.right]
      const value = isColumn(left) ? constant(right) : isColumn(right) ? constant(left) : undefined
      if (value !== undefined) values.push(value)
    }
    if (predicate.type === 'COMPARE_IN') {
      const [first, ...rest] = predicate.children as unknown[]
      if (isColumn(first)) for (const item of rest) if (constant(item) !== undefined) values.push(constant(item)!)
    }
  }
  return values
}
