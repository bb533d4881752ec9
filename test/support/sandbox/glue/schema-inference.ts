/**
 * What a Glue crawler makes of JSON records: a JsonPath selecting the rows, and a Hive schema
 * inferred from them. Types merge across records the way the crawler's JSON classifier merges them,
 * close enough for the tables it produces to be read like the real ones.
 */

/** An inferred type; struct fields keep the order in which they were first seen. */
export type InferredType =
  | {kind: 'string' | 'bigint' | 'double' | 'boolean' | 'null'}
  | {kind: 'array'; element: InferredType}
  | {kind: 'struct'; fields: Map<string, InferredType>}

/** One Glue column. */
export interface InferredColumn {
  /** The column name, lower-cased as Glue stores it. */
  Name: string
  /** The Hive type string: string, bigint, double, boolean, struct<...>, array<...>. */
  Type: string
}

const NULL: InferredType = {kind: 'null'}

/**
 * Evaluates the JsonPath subset Glue's custom JSON classifiers use: `$`, `.name`, `['name']`, `[n]`
 * and `[*]` (or `.*`). A wildcard spreads the array (or object values) into separate rows.
 */
export function selectJsonPath(document: unknown, path: string): unknown[] {
  const trimmed = path.trim()
  if (!trimmed.startsWith('$')) throw new Error(`JsonPath ${JSON.stringify(path)} must start with $.`)
  const steps: (string | number | '*')[] = []
  const token = /\.\*|\[\*\]|\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y
  token.lastIndex = 1
  while (token.lastIndex < trimmed.length) {
    const at = token.lastIndex
    const match = token.exec(trimmed)
    if (match === null) throw new Error(`JsonPath ${JSON.stringify(path)} is not supported from position ${at}.`)
    if (match[0] === '.*' || match[0] === '[*]') steps.push('*')
    else if (match[2] !== undefined) steps.push(Number(match[2]))
    else steps.push(match[1] ?? match[3] ?? match[4])
  }
  let current: unknown[] = [document]
  for (const step of steps) {
    const next: unknown[] = []
    for (const value of current) {
      if (step === '*') {
        if (Array.isArray(value)) next.push(...value)
        else if (isRecord(value)) next.push(...Object.values(value))
      } else if (typeof step === 'number') {
        if (Array.isArray(value) && step < value.length) next.push(value[step])
      } else if (isRecord(value) && Object.hasOwn(value, step)) next.push(value[step])
    }
    current = next
  }
  return current
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The type of one JSON value. Glue lower-cases field names; fields differing only in case merge. */
export function inferType(value: unknown): InferredType {
  if (value === null || value === undefined) return NULL
  if (typeof value === 'string') return {kind: 'string'}
  if (typeof value === 'boolean') return {kind: 'boolean'}
  if (typeof value === 'number') return {kind: Number.isInteger(value) ? 'bigint' : 'double'}
  if (Array.isArray(value)) return {kind: 'array', element: value.map(inferType).reduce(mergeTypes, NULL)}
  const fields = new Map<string, InferredType>()
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    const key = name.toLowerCase()
    fields.set(key, mergeTypes(fields.get(key) ?? NULL, inferType(field)))
  }
  return {kind: 'struct', fields}
}

/**
 * The narrowest type both values fit: null yields to anything, bigint widens to double, structs
 * take the union of their fields, arrays merge their elements, and anything else that disagrees
 * falls back to string, which is what a crawler does with a field it sees as both text and number.
 */
export function mergeTypes(a: InferredType, b: InferredType): InferredType {
  if (a.kind === 'null') return b
  if (b.kind === 'null') return a
  if (a.kind === 'struct' && b.kind === 'struct') {
    const fields = new Map(a.fields)
    for (const [name, type] of b.fields) fields.set(name, mergeTypes(fields.get(name) ?? NULL, type))
    return {kind: 'struct', fields}
  }
  if (a.kind === 'array' && b.kind === 'array') return {kind: 'array', element: mergeTypes(a.element, b.element)}
  if (a.kind === b.kind) return a
  if ((a.kind === 'bigint' && b.kind === 'double') || (a.kind === 'double' && b.kind === 'bigint')) return {kind: 'double'}
  return {kind: 'string'}
}

/** The Hive type string Glue stores. A type never seen with a value, or an empty struct, is a string. */
export function hiveType(type: InferredType): string {
  switch (type.kind) {
    case 'null':
      return 'string'
    case 'array':
      return `array<${hiveType(type.element)}>`
    case 'struct':
      if (type.fields.size === 0) return 'string'
      return `struct<${[...type.fields].map(([name, field]) => `${name}:${hiveType(field)}`).join(',')}>`
    default:
      return type.kind
  }
}

/** The columns for a set of rows; rows that are not JSON objects add no columns. */
export function inferColumns(rows: readonly unknown[]): InferredColumn[] {
  let merged: InferredType = {kind: 'struct', fields: new Map()}
  for (const row of rows) if (isRecord(row)) merged = mergeTypes(merged, inferType(row))
  if (merged.kind !== 'struct') return []
  return [...merged.fields].map(([Name, type]) => ({Name, Type: hiveType(type)}))
}
