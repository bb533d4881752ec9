/**
 * Hive types (as Glue stores them) to DuckDB types, and JSON records to rows the way the Hive JSON
 * SerDe reads them (Athena User Guide, "JSON SerDe libraries", "Hive JSON SerDe"):
 * - field names match columns without regard to case (Athena lowercases column names);
 * - a `string` column holding a JSON object or array gets its JSON text (how the CloudTrail table's
 *   requestparameters, responseelements and additionaleventdata are read);
 * - a field absent from the record, or of the wrong shape for a struct, array or map, is NULL.
 */

/** A parsed Hive type. */
export type HiveType =
  | {kind: 'primitive'; name: string; duck: string}
  | {kind: 'array'; of: HiveType}
  | {kind: 'map'; key: HiveType; value: HiveType}
  | {kind: 'struct'; fields: {name: string; type: HiveType}[]}

const PRIMITIVES: Record<string, string> = {
  string: 'VARCHAR',
  varchar: 'VARCHAR',
  char: 'VARCHAR',
  tinyint: 'TINYINT',
  smallint: 'SMALLINT',
  int: 'INTEGER',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  binary: 'BLOB',
}

/** Parses `struct<a:string,b:array<int>>` and the like. */
export function parseHiveType(text: string): HiveType {
  const source = text.replace(/\s+/g, '')
  let at = 0
  const word = () => {
    const match = /^[A-Za-z0-9_$]+/.exec(source.slice(at))
    if (!match) throw new Error(`Cannot read the Hive type ${JSON.stringify(text)} at ${at}.`)
    at += match[0].length
    return match[0]
  }
  const expect = (char: string) => {
    if (source[at] !== char) throw new Error(`Cannot read the Hive type ${JSON.stringify(text)}: expected ${char} at ${at}.`)
    at += 1
  }
  const type = (): HiveType => {
    const name = word().toLowerCase()
    if (name === 'array') {
      expect('<')
      const of = type()
      expect('>')
      return {kind: 'array', of}
    }
    if (name === 'map') {
      expect('<')
      const key = type()
      expect(',')
      const value = type()
      expect('>')
      return {kind: 'map', key, value}
    }
    if (name === 'struct') {
      expect('<')
      const fields: {name: string; type: HiveType}[] = []
      while (source[at] !== '>') {
        const field = word().toLowerCase()
        expect(':')
        fields.push({name: field, type: type()})
        if (source[at] === ',') at += 1
      }
      expect('>')
      return {kind: 'struct', fields}
    }
    if (name === 'decimal' || name === 'varchar' || name === 'char') {
      let args = ''
      if (source[at] === '(') {
        const close = source.indexOf(')', at)
        args = source.slice(at, close + 1)
        at = close + 1
      }
      return {kind: 'primitive', name, duck: name === 'decimal' ? `DECIMAL${args || '(10,0)'}` : 'VARCHAR'}
    }
    const duck = PRIMITIVES[name]
    if (!duck) throw new Error(`The sandbox does not know the Hive type ${name} (in ${JSON.stringify(text)}).`)
    return {kind: 'primitive', name, duck}
  }
  const parsed = type()
  if (at !== source.length) throw new Error(`Cannot read the Hive type ${JSON.stringify(text)}: unexpected ${source.slice(at)}.`)
  return parsed
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`

/** The DuckDB type for a Hive type. */
export function duckType(type: HiveType): string {
  switch (type.kind) {
    case 'primitive':
      return type.duck
    case 'array':
      return `${duckType(type.of)}[]`
    case 'map':
      return `MAP(${duckType(type.key)}, ${duckType(type.value)})`
    case 'struct':
      return `STRUCT(${type.fields.map((field) => `${quote(field.name)} ${duckType(field.type)}`).join(', ')})`
  }
}

function lookup(object: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name]
  for (const key of Object.keys(object)) if (key.toLowerCase() === name) return object[key]
  return undefined
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A JSON value as the SerDe gives it for the type. */
export function convert(value: unknown, type: HiveType): unknown {
  if (value === undefined || value === null) return null
  switch (type.kind) {
    case 'primitive': {
      switch (type.duck) {
        case 'VARCHAR':
          return typeof value === 'object' ? JSON.stringify(value) : String(value)
        case 'BOOLEAN':
          return value === true || value === 'true' ? true : value === false || value === 'false' ? false : null
        case 'TINYINT':
        case 'SMALLINT':
        case 'INTEGER':
        case 'BIGINT': {
          const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN
          return Number.isInteger(number) ? number : null
        }
        case 'FLOAT':
        case 'DOUBLE': {
          const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN
          return Number.isFinite(number) ? number : null
        }
        default:
          return typeof value === 'object' ? null : String(value)
      }
    }
    case 'array':
      return Array.isArray(value) ? value.map((item) => convert(item, type.of)) : null
    case 'map':
      return isObject(value) ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, convert(item, type.value)])) : null
    case 'struct':
      return isObject(value) ? Object.fromEntries(type.fields.map((field) => [field.name, convert(lookup(value, field.name), field.type)])) : null
  }
}

/** One table row from one JSON record. */
export function rowOf(record: unknown, columns: {name: string; type: HiveType}[]): Record<string, unknown> {
  const object = isObject(record) ? record : {}
  return Object.fromEntries(columns.map((column) => [column.name, convert(lookup(object, column.name), column.type)]))
}
