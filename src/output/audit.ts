/**
 * Renderers for the audit: effective access as a padded table, CSV or markdown, and findings as
 * text. Pure: rows in, text out. Ungoverned access (IAM_ALLOWED_PRINCIPALS, the S3 bypass) leads the
 * table output as banner lines, because it is what a reader must not miss.
 */
import type {AccessRow} from '../core/audit/access'
import {SEVERITIES, type Severity} from '../core/audit/findings'
import type {FindingsReport} from '../core/audit/report'
import {IAM_ALLOWED_PRINCIPALS} from '../core/model/lake'
import {escapeCsvField, escapeMarkdown, escapeTerminal, stringifyJson, terminalLines} from './escape'

/** The access report the command prints and returns as JSON. */
export interface AccessReport {
  /** The account audited. */
  account: string
  /** The region. */
  region: string
  /** The log database. */
  database: string
  /** How many tables the database holds (before --table). */
  tables: number
  /** One row per principal, table and path, sorted. */
  rows: AccessRow[]
  /** What could not be read fully. */
  warnings: string[]
}

export type {FindingsReport} from '../core/audit/report'
export {countBySeverity} from '../core/audit/report'

const HEADERS = ['table', 'principal', 'path', 'columns', 'rows', 'permissions', 'notes'] as const

function notesOf(row: AccessRow): string {
  const notes: string[] = []
  if (row.ungoverned) notes.push('UNGOVERNED')
  if (row.crossAccount) notes.push('cross-account')
  if (row.grantable) notes.push('grantable')
  if (row.conditional) notes.push('conditional')
  if (!row.readsData) notes.push('metadata only')
  if (row.expected) notes.push(`expected: ${row.expected}`)
  if (row.note) notes.push(row.note)
  return notes.join('; ')
}

/** Columns that fit a terminal: a long list shows its first few and how many more (CSV and JSON keep them all). */
const SHOWN_COLUMNS = 6

function columnsCell(columns: AccessRow['columns']): string {
  if (columns === 'all') return 'all'
  if (columns.length === 0) return '-'
  if (columns.length <= SHOWN_COLUMNS) return columns.join(',')
  return `${columns.slice(0, SHOWN_COLUMNS).join(',')},... (${columns.length} columns)`
}

/** A row's cells, each escaped for its output (escapeTerminal or escapeMarkdown) before widths are measured. */
function cellsOf(row: AccessRow, escape: (value: string) => string): Record<(typeof HEADERS)[number], string> {
  return {
    table: escape(`${row.database}.${row.table}`),
    principal: escape(row.principal),
    path: escape(row.path),
    columns: escape(columnsCell(row.columns)),
    rows: escape(row.rowFilter ?? 'all'),
    permissions: escape(row.permissions.join(',')),
    notes: escape(notesOf(row)),
  }
}

/** The lines that lead the table: every table IAM_ALLOWED_PRINCIPALS reads, and every unexpected S3 reader. Names pass through `escape`. */
export function accessBanners(rows: readonly AccessRow[], escape: (value: string) => string = (value) => escapeTerminal(value)): string[] {
  const banners: string[] = []
  const iamTables = [...new Set(rows.filter((row) => row.principal === IAM_ALLOWED_PRINCIPALS).map((row) => escape(`${row.database}.${row.table}`)))]
  if (iamTables.length > 0) {
    banners.push(`!! ${IAM_ALLOWED_PRINCIPALS} can read ${iamTables.length} table(s): ${iamTables.join(', ')}. IAM policies, not Lake Formation, decide who reads them.`)
  }
  const bypass = [...new Set(rows.filter((row) => row.path.startsWith('s3-bypass') && !row.expected).map((row) => escape(row.principal)))]
  if (bypass.length > 0) banners.push(`!! ${bypass.length} principal(s) can read the log objects directly from S3, past Lake Formation: ${bypass.join(', ')}.`)
  return banners
}

/** Effective access as plain padded columns, banners first. */
export function renderAccessTable(report: AccessReport): string {
  const lines = [...accessBanners(report.rows)]
  if (lines.length > 0) lines.push('')
  if (report.rows.length === 0) {
    lines.push(`No principal can read the ${report.tables} table(s) of ${report.database}.`)
    return terminalLines(lines)
  }
  const cells = report.rows.map((row) => cellsOf(row, (value) => escapeTerminal(value)))
  const widths = HEADERS.map((header) => Math.max(header.length, ...cells.map((row) => row[header].length)))
  const line = (values: string[]) => values.map((value, index) => (index === values.length - 1 ? value : value.padEnd(widths[index]))).join('  ').trimEnd()
  lines.push(line(HEADERS.map((header) => header.toUpperCase())))
  for (const row of cells) lines.push(line(HEADERS.map((header) => row[header])))
  lines.push('', `${report.rows.length} access path(s) over ${new Set(report.rows.map((row) => `${row.database}.${row.table}`)).size} table(s) of ${report.database}, account ${report.account}.`)
  return terminalLines(lines)
}

/** A CSV field: RFC 4180 quoting and formula neutralisation, as escapeCsvField does. */
export const csvField = escapeCsvField

const CSV_HEADERS = ['database', 'table', 'principal', 'path', 'columns', 'row_filter', 'permissions', 'grantable', 'cross_account', 'conditional', 'ungoverned', 'reads_data', 'expected', 'via'] as const

function csvLine(row: AccessRow): string {
  const values = [
    row.database,
    row.table,
    row.principal,
    row.path,
    row.columns === 'all' ? 'all' : row.columns.join(';'),
    row.rowFilter ?? '',
    row.permissions.join(';'),
    String(row.grantable),
    String(row.crossAccount),
    String(row.conditional),
    String(row.ungoverned),
    String(row.readsData),
    row.expected ?? '',
    row.via,
  ]
  return values.map(csvField).join(',') + '\r\n'
}

/** Effective access as CSV, chunk by chunk as the rows come: the header line, then one line per access path. */
export function* renderAccessCsvChunks(rowGroups: Iterable<readonly AccessRow[]>): Generator<string> {
  yield CSV_HEADERS.join(',') + '\r\n'
  for (const rows of rowGroups) for (const row of rows) yield csvLine(row)
}

/** Effective access as CSV, one row per access path, with a header line. */
export function renderAccessCsv(rows: readonly AccessRow[]): string {
  return [...renderAccessCsvChunks([rows])].join('')
}

function indented(json: string, indent: string): string {
  return json.replaceAll('\n', `\n${indent}`)
}

/**
 * The access report as JSON, chunk by chunk as the rows come: byte for byte what
 * stringifyJson(report) gives (and `--json` prints), without holding the report.
 */
export function* renderAccessJsonChunks(header: Omit<AccessReport, 'rows'>, rowGroups: Iterable<readonly AccessRow[]>): Generator<string> {
  const {warnings, ...fields} = header
  const head = stringifyJson(fields)
  yield `${head.slice(0, -2)},\n  "rows": [`
  let first = true
  for (const rows of rowGroups) {
    for (const row of rows) {
      yield `${first ? '' : ','}\n    ${indented(stringifyJson(row), '    ')}`
      first = false
    }
  }
  yield `${first ? '' : '\n  '}],\n  "warnings": ${indented(stringifyJson(warnings), '  ')}\n}\n`
}

/** Effective access as a markdown table, banners as a warning list above it. */
export function renderAccessMarkdown(report: AccessReport): string {
  const lines = [`### Who can read ${escapeMarkdown(report.database)} (account ${escapeMarkdown(report.account)}, ${escapeMarkdown(report.region)})`, '']
  const banners = accessBanners(report.rows, (value) => escapeMarkdown(value))
  if (banners.length > 0) lines.push(...banners.map((banner) => `> **Warning:** ${banner.replace(/^!! /, '')}`), '')
  if (report.rows.length === 0) {
    lines.push('No principal can read the log tables.')
    return lines.join('\n')
  }
  lines.push(`| ${HEADERS.join(' | ')} |`, `| ${HEADERS.map(() => '---').join(' | ')} |`)
  for (const row of report.rows.map((row) => cellsOf(row, (value) => escapeMarkdown(value)))) lines.push(`| ${HEADERS.map((header) => row[header]).join(' | ')} |`)
  return lines.join('\n')
}

/** Findings as text, most severe first, each with its evidence, fix and policy file line. */
export function renderFindingsText(report: FindingsReport): string {
  if (report.findings.length === 0) return `No findings for ${report.database} (account ${report.account}, ${report.region}).`
  const rank = (severity: Severity) => SEVERITIES.length - SEVERITIES.indexOf(severity)
  // A stable sort keeps the rule, resource, principal order within each severity.
  const ordered = [...report.findings].sort((a, b) => rank(a.severity) - rank(b.severity))
  const lines: string[] = []
  for (const finding of ordered) {
    lines.push(`${finding.severity.toUpperCase().padEnd(8)} ${finding.ruleId}  ${finding.title}`)
    lines.push(`         resource: ${finding.resource}`)
    lines.push(`         evidence: ${finding.evidence}`)
    lines.push(`         fix:      ${finding.fix}`)
    if (finding.location) lines.push(`         at:       ${finding.location.file}:${finding.location.line}`)
    lines.push('')
  }
  const counts = [...SEVERITIES].reverse().map((severity) => `${report.counts[severity]} ${severity}`)
  lines.push(`${report.findings.length} finding(s): ${counts.join(', ')}.`)
  return terminalLines(lines)
}
