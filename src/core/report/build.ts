/**
 * Builds the report's sections from what the workflow read. Each part arrives read or unavailable
 * (why, and how to fix it); an unavailable part makes its sections say so, and the rest of the
 * report is still built.
 */
import type {TimeWindow} from '../activity/query'
import type {Anomaly} from '../activity/anomalies'
import type {ReadRow} from '../activity/reads'
import type {UsageRow} from '../activity/usage'
import type {AccessRow} from '../audit/access'
import {SEVERITIES, type Finding, type Severity} from '../audit/findings'
import {RULES} from '../audit/rules'
import type {ActivityFigures, CountWithErrors} from './activity'
import {compareText} from '../order'
import {buildChart} from './charts'
import type {DatabaseSource} from './geo'
import type {Block, ChartBlock, ReportModel, Section, SectionId, Unavailable} from './model'

/** One part of the input: read, or why not. */
export type Part<T> = {ok: true; value: T} | {ok: false; unavailable: Unavailable}

/** The activity part. */
export interface ActivityPart {
  /** The folded figures. */
  figures: ActivityFigures
  /** The engine that read the events. */
  engine: string
  /** The IP database, or why it could not be loaded. */
  geo: {source: DatabaseSource} | {missing: string}
}

/** Everything the report is built from. */
export interface ReportInputs {
  version: string
  generatedAt: string
  window: TimeWindow
  account: string
  region: string
  activity: Part<ActivityPart>
  reads: Part<{rows: ReadRow[]; banner: string | null}>
  anomalies: Part<{anomalies: Anomaly[]; baseline: TimeWindow}>
  /** The access rows and, when the reads were read, their usage (same order). */
  access: Part<{rows: AccessRow[]; usage: UsageRow[] | null}>
  findings: Part<{findings: Finding[]}>
}

const TITLES: Record<SectionId, string> = {
  summary: 'Summary',
  'calls-over-time': 'API calls over time',
  top: 'Top services, events and principals',
  geography: 'Geography',
  reads: 'Who read the logs',
  anomalies: 'Anomalies',
  access: 'Who can read the logs',
  findings: 'Findings',
}

function section<T>(id: SectionId, part: Part<T>, blocks: (value: T) => Block[]): Section {
  return part.ok ? {id, title: TITLES[id], blocks: blocks(part.value)} : {id, title: TITLES[id], blocks: [], unavailable: part.unavailable}
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`
}

function value<T>(part: Part<T>, show: (value: T) => string): string {
  return part.ok ? show(part.value) : `unavailable (${part.unavailable.reason})`
}

function summaryBlocks(inputs: ReportInputs): Block[] {
  const {activity, findings, reads, anomalies} = inputs
  const direct = (rows: ReadRow[]) => rows.filter((row) => row.path === 'direct-s3' && row.expected === null).reduce((sum, row) => sum + row.count, 0)
  const top = (list: Finding[]) => (list.length === 0 ? 'none' : `${list[0].severity} ${list[0].ruleId}: ${list[0].title}`)
  const bySeverity = (list: Anomaly[]) => (list.length === 0 ? 'none' : [...SEVERITIES].reverse().map((severity) => `${list.filter((entry) => entry.severity === severity).length} ${severity}`).join(', '))
  return [
    {
      kind: 'facts',
      items: [
        {label: 'Account', value: inputs.account || 'unknown'},
        {label: 'Region', value: inputs.region},
        {label: 'Window', value: `${inputs.window.from} to ${inputs.window.to}`},
        {label: 'Events', value: value(activity, (part) => `${part.figures.events} (${part.figures.errors} failed), read by the ${part.engine} engine`)},
        {label: 'Principals', value: value(activity, (part) => String(part.figures.principals))},
        {label: 'Top finding', value: value(findings, (part) => top(part.findings))},
        {label: 'Direct reads of the logs', value: value(reads, (part) => String(direct(part.rows)))},
        {label: 'Anomalies', value: value(anomalies, (part) => bySeverity(part.anomalies))},
      ],
    },
  ]
}

function timelineBlocks(figures: ActivityFigures): Block[] {
  const {timeline} = figures
  const chart = buildChart({
    id: 'calls-over-time',
    title: `API calls per ${timeline.unit}, by service`,
    xTitle: timeline.unit === 'hour' ? 'Hour (UTC)' : 'Day (UTC)',
    yTitle: 'Calls',
    categories: timeline.buckets,
    bars: timeline.services.map((name, index) => ({name, values: timeline.counts[index]})),
    line: {name: 'Failed calls', values: timeline.errors},
  })
  return [{kind: 'chart', chart}]
}

/** A top-N chart; `labels` (one per row) name the bars on the axis, while the data table keeps the full keys. */
function topChart(id: string, title: string, xTitle: string, rows: CountWithErrors[], labels?: readonly string[]): ChartBlock {
  const chart = buildChart({
    id,
    title,
    xTitle,
    yTitle: 'Calls',
    categories: labels ? [...labels] : rows.map((row) => row.key),
    bars: [
      {name: 'Succeeded', values: rows.map((row) => row.count - row.errors)},
      {name: 'Failed', values: rows.map((row) => row.errors)},
    ],
    horizontal: true,
  })
  chart.table.columns.push('Error share')
  chart.table.rows.forEach((cells, index) => {
    cells[0] = rows[index].key
    cells.push(percent(rows[index].errorShare))
  })
  return {kind: 'chart', chart}
}

/**
 * A principal as a chart label: `role/LakeAdmin (123456789012)` rather than an ARN whose distinctive
 * end the axis would cut off. Labels stay unique (a bar per label): a repeated one keeps the full ARN.
 */
export function principalLabels(keys: readonly string[]): string[] {
  const short = keys.map((key) => {
    const match = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):(.+)$/.exec(key)
    return match ? `${match[2]} (${match[1]})` : key
  })
  return short.map((label, index) => (short.indexOf(label) === short.lastIndexOf(label) && !keys.includes(label) ? label : keys[index]))
}

function topBlocks(figures: ActivityFigures): Block[] {
  return [
    topChart('top-services', 'Top services', 'Service', figures.services),
    topChart('top-events', 'Top events', 'Event', figures.eventNames),
    topChart('top-principals', 'Top principals', 'Principal', figures.principalRows, principalLabels(figures.principalRows.map((row) => row.key))),
  ]
}

function geographyBlocks(part: ActivityPart): Block[] {
  const {figures} = part
  const bar = (id: string, title: string, xTitle: string, rows: Array<{key: string; count: number}>): ChartBlock => ({
    kind: 'chart',
    chart: buildChart({id, title, xTitle, yTitle: 'Calls', categories: rows.map((row) => row.key), bars: [{name: 'Calls', values: rows.map((row) => row.count)}], horizontal: true}),
  })
  const blocks: Block[] = [bar('regions', 'Calls by AWS region', 'Region', figures.regions)]
  if ('missing' in part.geo) return [...blocks, {kind: 'note', text: `Calls by source country are left out: ${part.geo.missing}`}]
  const {source} = part.geo
  return [
    ...blocks,
    bar('countries', 'Calls by source country', 'Country (ISO 3166-1)', figures.countries),
    {kind: 'note', text: `${figures.fromServices} calls came from AWS services (a service name or "AWS Internal" instead of an address) and are left out; ${figures.unplaced} came from addresses the database does not place (private or reserved).`},
    {kind: 'note', text: `Countries from ${source.name} ${source.version}${source.date ? `, data of ${source.date}` : ''} (${source.licence}), looked up offline.`},
  ]
}

function readsBlocks(part: {rows: ReadRow[]; banner: string | null}): Block[] {
  const blocks: Block[] = part.banner ? [{kind: 'note', text: `Warning: ${part.banner}`}] : []
  return [
    ...blocks,
    {
      kind: 'table',
      caption: 'Reads of the log tables, principal by table (direct reads first)',
      columns: ['Principal', 'Table', 'Path', 'Engine', 'Reads', 'First read', 'Last read', 'Expected'],
      rows: part.rows.map((row) => [row.principal, row.table ?? '(no table)', row.path === 'direct-s3' ? 'direct (S3)' : 'Lake Formation', row.engine, row.count, row.firstRead, row.lastRead, row.expected ?? '']),
    },
  ]
}

/**
 * The most anomalies the report lists: 30 days of a busy account can hold tens of thousands (each
 * governance change is one), which made an 18 MB page; the summary counts them all, and the note
 * names the command that lists every one.
 */
export const ANOMALY_ROWS = 100

function anomaliesBlocks(part: {anomalies: Anomaly[]; baseline: TimeWindow}): Block[] {
  const shown = part.anomalies.slice(0, ANOMALY_ROWS)
  const byRule = [...groupCounts(part.anomalies.map((entry) => entry.ruleId))].map(([rule, count]) => `${rule} ${count}`).join(', ')
  const more: Block[] =
    part.anomalies.length > shown.length
      ? [{kind: 'note', text: `Showing the ${shown.length} most severe of ${part.anomalies.length} anomalies (${byRule}). lakegov activity anomalies over the same window, with --format json or sarif, lists them all.`}]
      : []
  return [
    {kind: 'note', text: `Judged against the baseline ${part.baseline.from} to ${part.baseline.to}.`},
    ...more,
    {
      kind: 'table',
      caption: 'Anomalies, most severe first, with their evidence',
      columns: ['Rule', 'Severity', 'Principal', 'What', 'Evidence', 'Events'],
      rows: shown.map((entry) => [entry.ruleId, entry.severity, entry.principal ?? '', entry.title, entry.evidence, entry.events.length]),
    },
  ]
}

/** How many times each value occurs, in value order. */
function groupCounts(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const value of [...values].sort(compareText)) counts.set(value, (counts.get(value) ?? 0) + 1)
  return counts
}

function accessBlocks(part: {rows: AccessRow[]; usage: UsageRow[] | null}): Block[] {
  const used = (index: number): string => {
    if (!part.usage) return 'unknown'
    const row = part.usage[index]
    if (!part.rows[index].readsData) return 'reads no data'
    return row.used ? `used (${row.reads} reads, last ${row.lastUsed ?? ''})` : 'never used in the window'
  }
  const note: Block[] = part.usage ? [] : [{kind: 'note', text: 'Whether each access was used is unknown: the reads of the window could not be read.'}]
  return [
    ...note,
    {
      kind: 'table',
      caption: 'Who can read the log tables, and whether they did in the window',
      columns: ['Principal', 'Table', 'Path', 'Via', 'Columns', 'Used'],
      rows: part.rows.map((row, index) => [row.principal, `${row.database}.${row.table}`, row.path, row.via, row.columns === 'all' ? 'all' : row.columns.join(', '), used(index)]),
    },
  ]
}

/** The in-page id of a rule's description. */
export function ruleAnchor(ruleId: string): string {
  return `rule-${ruleId}`
}

function findingsBlocks(part: {findings: Finding[]}): Block[] {
  const severities: Severity[] = [...SEVERITIES].reverse()
  const counts = severities.map((severity) => part.findings.filter((finding) => finding.severity === severity).length)
  const chart = buildChart({id: 'findings-by-severity', title: 'Findings by severity', xTitle: 'Severity', yTitle: 'Findings', categories: severities, bars: [{name: 'Findings', values: counts}]})
  const ids = new Set(part.findings.map((finding) => finding.ruleId))
  return [
    {kind: 'chart', chart},
    {
      kind: 'table',
      caption: 'Findings, most severe first',
      columns: ['Severity', 'Rule', 'Finding', 'Resource', 'Fix'],
      rows: part.findings.map((finding) => [finding.severity, {text: finding.ruleId, href: ruleAnchor(finding.ruleId)}, finding.title, finding.resource, finding.fix]),
    },
    {
      kind: 'table',
      caption: 'The rules found',
      columns: ['Rule', 'Name', 'What is wrong', 'Fix'],
      rows: RULES.filter((rule) => ids.has(rule.id)).map((rule) => [{text: rule.id, anchor: ruleAnchor(rule.id)}, rule.name, rule.title, rule.fix]),
    },
  ]
}

/** The report, sections in the issue's order. */
export function buildReport(inputs: ReportInputs): ReportModel {
  const {activity} = inputs
  return {
    title: `lakegov report: ${inputs.account || 'unknown account'}, ${inputs.region}`,
    account: inputs.account,
    region: inputs.region,
    window: inputs.window,
    generatedAt: inputs.generatedAt,
    version: inputs.version,
    sections: [
      {id: 'summary', title: TITLES.summary, blocks: summaryBlocks(inputs)},
      section('calls-over-time', activity, (part) => timelineBlocks(part.figures)),
      section('top', activity, (part) => topBlocks(part.figures)),
      section('geography', activity, geographyBlocks),
      section('reads', inputs.reads, readsBlocks),
      section('anomalies', inputs.anomalies, anomaliesBlocks),
      section('access', inputs.access, accessBlocks),
      section('findings', inputs.findings, findingsBlocks),
    ],
  }
}
