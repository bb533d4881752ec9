/**
 * Partition projection, as the Athena User Guide describes it ("Partition projection with Amazon
 * Athena", "Setting up partition projection", "Supported types for partition projection"):
 * - `projection.enabled` = true turns it on; Athena then ignores the partitions in the catalog.
 * - per partition column, `projection.COL.type` is enum, integer, date or injected;
 *   enum: `projection.COL.values` (comma-separated);
 *   integer: `projection.COL.range` "a,b", optional `interval` and `digits` (zero padding);
 *   date: `projection.COL.range` "start,end", each a date in `projection.COL.format` (a Java
 *   DateTimeFormatter pattern) or NOW with an optional offset (`NOW-3YEARS`), `interval` (default 1)
 *   and `interval.unit` (YEARS, MONTHS, WEEKS, DAYS, HOURS, MINUTES, SECONDS);
 *   injected: the value comes from the query, which must give it with `=`.
 * - `storage.location.template` maps values to a location, `${COL}` for each column; without it the
 *   location is the table's, then `COL=value/` per column (Hive style).
 *
 * Date formats: the pattern letters used with CloudTrail and Firehose layouts (yyyy, MM, dd, HH, mm,
 * ss, and quoted text) are supported; anything else is refused with a clear error rather than guessed.
 */

/** One projected (or catalogued) partition: its values and where its objects are. */
export interface Partition {
  values: Record<string, string>
  location: string
}

export class ProjectionError extends Error {}

const UNIT_MS: Record<string, number> = {SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000, WEEKS: 7 * 86_400_000}

const two = (n: number) => String(n).padStart(2, '0')

/** Formats a UTC time with a Java DateTimeFormatter pattern (the subset above). */
export function formatDate(ms: number, pattern: string): string {
  const d = new Date(ms)
  return pattern.replace(/'([^']*)'|yyyy|MM|dd|HH|mm|ss|[A-Za-z]/g, (token, quoted: string | undefined) => {
    if (quoted !== undefined) return quoted
    switch (token) {
      case 'yyyy':
        return String(d.getUTCFullYear())
      case 'MM':
        return two(d.getUTCMonth() + 1)
      case 'dd':
        return two(d.getUTCDate())
      case 'HH':
        return two(d.getUTCHours())
      case 'mm':
        return two(d.getUTCMinutes())
      case 'ss':
        return two(d.getUTCSeconds())
      default:
        throw new ProjectionError(`The sandbox does not support the date format letter ${token} (in ${pattern}).`)
    }
  })
}

/** Parses a date written with the pattern. */
export function parseDate(text: string, pattern: string): number {
  const fields: string[] = []
  const source = pattern.replace(/'([^']*)'|yyyy|MM|dd|HH|mm|ss|[.*+?^${}()|[\]\\/-]/g, (token, quoted: string | undefined) => {
    if (quoted !== undefined) return quoted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    if (['yyyy', 'MM', 'dd', 'HH', 'mm', 'ss'].includes(token)) {
      fields.push(token)
      return token === 'yyyy' ? '(\\d{4})' : '(\\d{2})'
    }
    return `\\${token}`
  })
  const match = new RegExp(`^${source}$`).exec(text.trim())
  if (!match) throw new ProjectionError(`${JSON.stringify(text)} does not match the date format ${pattern}.`)
  const part = (name: string, fallback: number) => (fields.includes(name) ? Number(match[fields.indexOf(name) + 1]) : fallback)
  return Date.UTC(part('yyyy', 1970), part('MM', 1) - 1, part('dd', 1), part('HH', 0), part('mm', 0), part('ss', 0))
}

function addUnits(ms: number, amount: number, unit: string): number {
  const u = unit.toUpperCase().replace(/S?$/, 'S')
  if (u === 'MONTHS' || u === 'YEARS') {
    const d = new Date(ms)
    const months = u === 'YEARS' ? amount * 12 : amount
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds())
  }
  if (!UNIT_MS[u]) throw new ProjectionError(`Unknown interval unit ${unit}.`)
  return ms + amount * UNIT_MS[u]
}

function dateBound(text: string, pattern: string, now: number): number {
  const relative = /^NOW(?:\s*([+-])\s*(\d+)\s*([A-Za-z]+))?$/i.exec(text.trim())
  if (relative) return relative[1] ? addUnits(now, (relative[1] === '-' ? -1 : 1) * Number(relative[2]), relative[3]) : now
  return parseDate(text, pattern)
}

/** The values of one projected column. */
function columnValues(column: string, parameters: Record<string, string>, now: number): string[] | 'injected' {
  const get = (key: string) => parameters[`projection.${column}.${key}`]
  const type = get('type')
  switch (type) {
    case 'enum': {
      const values = (get('values') ?? '').split(',').map((value) => value.trim())
      if (values.length === 0 || values.includes('')) throw new ProjectionError(`projection.${column}.values must list the values.`)
      return values
    }
    case 'integer': {
      const [low, high] = (get('range') ?? '').split(',').map(Number)
      const interval = Number(get('interval') ?? '1')
      const digits = Number(get('digits') ?? '0')
      if (!Number.isInteger(low) || !Number.isInteger(high) || !(interval > 0)) throw new ProjectionError(`projection.${column}.range must be "low,high".`)
      const values: string[] = []
      for (let value = low; value <= high; value += interval) values.push(String(value).padStart(digits, '0'))
      return values
    }
    case 'date': {
      const format = get('format')
      const range = (get('range') ?? '').split(',')
      if (!format || range.length !== 2) throw new ProjectionError(`projection.${column}.format and projection.${column}.range ("start,end") are required.`)
      const interval = Number(get('interval') ?? '1')
      const unit = get('interval.unit') ?? 'DAYS'
      const start = dateBound(range[0], format, now)
      const end = dateBound(range[1], format, now)
      const values: string[] = []
      for (let at = start; at <= end && values.length < 1_000_000; at = addUnits(at, interval, unit)) values.push(formatDate(at, format))
      return values
    }
    case 'injected':
      return 'injected'
    default:
      throw new ProjectionError(`projection.${column}.type must be enum, integer, date or injected, not ${JSON.stringify(type)}.`)
  }
}

/**
 * Every partition the projection defines (injected columns take the values the query gave with `=`;
 * without one, the query fails as on Athena). `now` is the query's start, for NOW in date ranges.
 */
export function projectPartitions(
  partitionKeys: string[],
  parameters: Record<string, string>,
  tableLocation: string,
  now: number,
  injected: Record<string, string[]> = {},
): Partition[] {
  let combos: Record<string, string>[] = [{}]
  for (const key of partitionKeys) {
    let values = columnValues(key, parameters, now)
    if (values === 'injected') {
      values = injected[key] ?? []
      if (values.length === 0) throw new ProjectionError(`CONSTRAINT_VIOLATION: For the injected projected partition column ${key}, the WHERE clause must contain only static equality conditions, and at least one such condition must be present.`)
    }
    const next: Record<string, string>[] = []
    for (const combo of combos) for (const value of values) next.push({...combo, [key]: value})
    combos = next
  }
  const template = parameters['storage.location.template']
  return combos.map((values) => ({
    values,
    location: template
      ? template.replace(/\$\{([^}]+)\}/g, (_, name: string) => values[name] ?? '')
      : `${tableLocation.replace(/\/?$/, '/')}${partitionKeys.map((key) => `${key}=${values[key]}`).join('/')}`,
  }))
}
