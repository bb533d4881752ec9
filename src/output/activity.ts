/**
 * Renderers for `lakegov activity`: events and summaries as a padded table, CSV or markdown. Pure:
 * data in, text out. The JSON output is the command's return value (schemas in
 * policies/schema/activity-*.schema.json).
 */
import {principalKeyOf, sessionOf} from '../core/activity/principal'
import type {TimeWindow} from '../core/activity/query'
import type {CloudTrailRecord} from '../core/activity/record'
import type {ReadEventRow, ReadRow, ReadsReport} from '../core/activity/reads'
import type {SummaryRow} from '../core/activity/summary'
import type {RevokeProposal, UnexplainedRead, UsageRow, UsageRun} from '../core/activity/usage'
import {escapeCsvField, escapeMarkdown, escapeTerminal, terminalLines} from './escape'

/** What `activity events --json` prints. */
export interface EventsOutput {
  /** The engine that answered. */
  engine: string
  /** The window. */
  window: TimeWindow
  /** The regions read. */
  regions: string[]
  /** Why this engine. */
  reason: string
  /** The events, newest first: each the CloudTrail record, with the fields the CloudTrail table holds. */
  events: CloudTrailRecord[]
  /** Objects skipped, with the reason. */
  skipped: {key: string; reason: string}[]
}

/** What `activity summary --json` prints. */
export interface SummaryOutput {
  /** The engine that answered. */
  engine: string
  /** The window. */
  window: TimeWindow
  /** The regions read. */
  regions: string[]
  /** Why this engine. */
  reason: string
  /** The grouping. */
  by: string
  /** Distinct events over every group. */
  total: number
  /** The top groups. */
  rows: SummaryRow[]
  /** Objects skipped, with the reason. */
  skipped: {key: string; reason: string}[]
}

/** The output formats besides --json. */
export type ActivityFormat = 'table' | 'csv' | 'markdown' | 'json'

const EVENT_HEADERS = ['time', 'principal', 'session', 'service', 'event', 'region', 'source ip', 'error'] as const

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value)
}

/** The cells of one event row. */
export function eventCells(record: CloudTrailRecord): string[] {
  return [
    text(record.eventTime),
    principalKeyOf(record),
    sessionOf(record) ?? '',
    text(record.eventSource),
    text(record.eventName),
    text(record.awsRegion),
    text(record.sourceIPAddress),
    text(record.errorCode),
  ]
}

/** Table cells are escaped before widths are measured, so an escape sequence cannot misalign or rewrite the table. */
function padded(headers: readonly string[], unsafeRows: string[][]): string[] {
  const rows = unsafeRows.map((row) => row.map((cell) => escapeTerminal(cell)))
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => row[index].length)))
  const line = (values: readonly string[]) => values.map((value, index) => (index === values.length - 1 ? value : value.padEnd(widths[index]))).join('  ').trimEnd()
  return [line(headers.map((header) => header.toUpperCase())), ...rows.map(line)]
}

function markdownTable(headers: readonly string[], rows: string[][]): string[] {
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map((cell) => escapeMarkdown(cell)).join(' | ')} |`)]
}

function csv(headers: readonly string[], rows: string[][]): string {
  return [headers.join(','), ...rows.map((row) => row.map(escapeCsvField).join(','))].join('\r\n') + '\r\n'
}

function heading(output: {engine: string; window: TimeWindow; regions: string[]}): string {
  return `${output.window.from} to ${output.window.to}, engine ${output.engine}, regions ${output.regions.join(', ') || 'none'}`
}

/** Events in a format. */
export function renderEvents(output: EventsOutput, format: Exclude<ActivityFormat, 'json'>): string {
  const rows = output.events.map(eventCells)
  if (format === 'csv') return csv(EVENT_HEADERS.map((header) => header.replace(' ', '_')), rows)
  if (format === 'markdown') return [`### Activity: ${escapeMarkdown(heading(output))}`, '', ...(rows.length === 0 ? ['No events.'] : markdownTable(EVENT_HEADERS, rows))].join('\n')
  if (rows.length === 0) return `No events (${heading(output)}).`
  return terminalLines([...padded(EVENT_HEADERS, rows), '', `${rows.length} event(s), newest first (${heading(output)}).`])
}

const SUMMARY_HEADERS = ['key', 'count', 'share', 'first seen', 'last seen'] as const

function summaryCells(row: SummaryRow): string[] {
  return [row.key === '' ? '(none)' : row.key, String(row.count), `${(row.share * 100).toFixed(1)}%`, row.firstSeen, row.lastSeen]
}

/** A summary in a format. */
export function renderSummary(output: SummaryOutput, format: Exclude<ActivityFormat, 'json'>): string {
  if (format === 'csv') return csv(['key', 'count', 'share', 'first_seen', 'last_seen'], output.rows.map((row) => [row.key, String(row.count), String(row.share), row.firstSeen, row.lastSeen]))
  const headers = [output.by, ...SUMMARY_HEADERS.slice(1)]
  const rows = output.rows.map(summaryCells)
  if (format === 'markdown') return [`### Activity by ${output.by}: ${escapeMarkdown(heading(output))}`, '', ...(rows.length === 0 ? ['No events.'] : markdownTable(headers, rows))].join('\n')
  if (rows.length === 0) return `No events (${heading(output)}).`
  return terminalLines([...padded(headers, rows), '', `${output.total} event(s) in ${output.rows.length} shown group(s) (${heading(output)}).`])
}

/** `activity reads` as printed: the report, the regions read and the coverage banner. */
export interface ReadsOutput extends ReadsReport {
  /** The regions read. */
  regions: string[]
  /** Why this engine. */
  reason: string
  /** A warning shown above the rows when direct reads may be invisible, else null. */
  banner: string | null
  /** With --events: the reads one by one. */
  events?: ReadEventRow[]
}

const READS_HEADERS = ['path', 'principal', 'table', 'engine', 'count', 'first read', 'last read', 'source IPs', 'expected'] as const

function readsCells(row: ReadRow): string[] {
  return [row.path, row.principal, row.table ?? '(no table)', row.engine, String(row.count), row.firstRead, row.lastRead, row.sourceIps.join(' '), row.expected ?? '']
}

const READ_EVENT_HEADERS = ['time', 'path', 'principal', 'table', 'engine', 'source IP', 'event id', 'query'] as const

function readEventCells(row: ReadEventRow): string[] {
  const query = row.query ? (row.query.queryString ?? `(query ${row.query.queryExecutionId}, text not recorded)`) : row.key ?? ''
  return [row.time, row.path, row.principal, row.table ?? '(no table)', row.engine, row.sourceIp, row.eventId, query]
}

/** The reads one by one (--events) in a format; the query column holds the Athena query text, or a direct read's object key. */
export function renderReadEvents(output: ReadsOutput & {events: ReadEventRow[]}, format: Exclude<ActivityFormat, 'json'>): string {
  const rows = output.events.map(readEventCells)
  if (format === 'csv') return csv(READ_EVENT_HEADERS.map((header) => header.replace(' ', '_')), rows)
  const banner = output.banner ? [`Warning: ${output.banner}`, ''] : []
  if (format === 'markdown') return [`### Reads of the log tables, one by one: ${escapeMarkdown(heading(output))}`, '', ...banner.map((line) => escapeMarkdown(line)), ...(rows.length === 0 ? ['No reads.'] : markdownTable(READ_EVENT_HEADERS, rows))].join('\n')
  if (rows.length === 0) return terminalLines([...banner, `No reads (${heading(output)}).`])
  return terminalLines([...banner, ...padded(READ_EVENT_HEADERS, rows), '', `${rows.length} read(s), direct reads first, then newest first (${heading(output)}).`])
}

/** Reads in a format. */
export function renderReads(output: ReadsOutput, format: Exclude<ActivityFormat, 'json'>): string {
  if (output.events) return renderReadEvents({...output, events: output.events}, format)
  const rows = output.rows.map(readsCells)
  if (format === 'csv') return csv(READS_HEADERS.map((header) => header.replace(' ', '_')), output.rows.map((row) => readsCells(row).map((cell, index) => (index === 2 && row.table === null ? '' : cell))))
  const banner = output.banner ? [`Warning: ${output.banner}`, ''] : []
  if (format === 'markdown') return [`### Reads of the log tables: ${escapeMarkdown(heading(output))}`, '', ...banner.map((line) => escapeMarkdown(line)), ...(rows.length === 0 ? ['No reads.'] : markdownTable(READS_HEADERS, rows))].join('\n')
  if (rows.length === 0) return terminalLines([...banner, `No reads (${heading(output)}).`])
  return terminalLines([...banner, ...padded(READS_HEADERS, rows), '', `${output.rows.length} row(s), direct reads first (${heading(output)}).`])
}

/** `audit usage` as printed: the report and how it was read. */
export type UsageOutput = UsageRun

const USAGE_HEADERS = ['principal', 'table', 'path', 'via', 'used', 'last used', 'reads'] as const
const UNEXPLAINED_HEADERS = ['principal', 'table', 'path', 'count', 'first read', 'last read'] as const
const PROPOSAL_HEADERS = ['action', 'principal', 'path', 'grant', 'tables'] as const

function usageCells(row: UsageRow): string[] {
  return [row.principal, row.table, row.path, row.via, row.used ? 'yes' : 'NO', row.lastUsed ?? '', String(row.reads)]
}

function unexplainedCells(read: UnexplainedRead): string[] {
  return [read.principal, read.table ?? '(no table)', read.path, String(read.count), read.firstRead, read.lastRead]
}

function proposalCells(output: UsageOutput): string[][] {
  const cells = (action: string) => (entry: RevokeProposal) => [action, entry.principal, entry.path, entry.grant, entry.tables.join(' ')]
  return [...output.proposal.revoke.map(cells('revoke')), ...output.proposal.review.map(cells('review'))]
}

/** `audit usage` in a format: the rows (CSV holds only them), then the unexplained reads and the proposal. */
export function renderUsage(output: UsageOutput, format: 'table' | 'csv' | 'markdown'): string {
  if (format === 'csv') return csv(['principal', 'table', 'path', 'via', 'used', 'last_used', 'reads'], output.rows.map((row) => [...usageCells(row).slice(0, 4), String(row.used), row.lastUsed ?? '', String(row.reads)]))
  const title = `${output.window.from} to ${output.window.to}, account ${output.account}, database ${output.database}, engine ${output.engine}`
  const banner = output.banner ? [`Warning: ${output.banner}`] : []
  const rows = output.rows.map(usageCells)
  const unexplained = output.unexplained.map(unexplainedCells)
  const proposal = proposalCells(output)
  const note = 'Nothing was changed: remove the grants to revoke from the grants files, then review `lakegov grants plan --prune`.'
  if (format === 'markdown') {
    return [
      `### Grants against their use: ${escapeMarkdown(title)}`,
      '',
      ...banner.flatMap((line) => [escapeMarkdown(line), '']),
      ...(rows.length === 0 ? ['No access rows.'] : markdownTable(USAGE_HEADERS, rows)),
      '',
      '#### Reads no grant explains',
      '',
      ...(unexplained.length === 0 ? ['None.'] : markdownTable(UNEXPLAINED_HEADERS, unexplained)),
      '',
      '#### Proposed (not applied)',
      '',
      ...(proposal.length === 0 ? ['Nothing to revoke.'] : [...markdownTable(PROPOSAL_HEADERS, proposal), '', escapeMarkdown(note)]),
    ].join('\n')
  }
  const used = output.rows.filter((row) => row.used).length
  return terminalLines([
    ...banner,
    ...(rows.length === 0 ? ['No access rows.'] : padded(USAGE_HEADERS, rows)),
    '',
    `${used} of ${output.rows.length} access row(s) used (${title}).`,
    '',
    'Reads no grant explains:',
    ...(unexplained.length === 0 ? ['  none'] : padded(UNEXPLAINED_HEADERS, unexplained)),
    '',
    'Proposed (not applied):',
    ...(proposal.length === 0 ? ['  nothing to revoke'] : [...padded(PROPOSAL_HEADERS, proposal), note]),
  ])
}
