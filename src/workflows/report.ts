/**
 * The composition root of `lakegov report` (issue 17): reads the window's events once (every event,
 * streamed: the activity figures, the reads and the anomalies' window are folded as they come, and
 * no record is kept), the anomalies' baseline, and the account's access and findings
 * (the audit workflow), then hands them to the pure core (src/core/report). A part that cannot be
 * read (no lake.yaml, no trail, denied Athena, no permission) becomes an unavailable part: its
 * sections say why and how to fix it, and the rest of the report is still built.
 */
import type {AwsClients} from '../aws/clients'
import {toLakegovError} from '../aws/errors'
import type {ActivityQuery} from '../core/activity/query'
import {aggregateReads, type ReadEvent} from '../core/activity/reads'
import {assembleUsage} from '../core/activity/usage'
import {computeAccess} from '../core/audit/access'
import type {LakeConfig} from '../core/lake/config'
import {ActivityFold} from '../core/report/activity'
import {buildReport, type ActivityPart, type Part, type ReportInputs} from '../core/report/build'
import {countryOf, type CountryDatabase} from '../core/report/geo'
import type {ReportModel, Unavailable} from '../core/report/model'
import {loadCountryDatabase} from '../io/ip-country'
import {renderReportHtml} from '../output/report-html'
import {renderReportMarkdown} from '../output/report-markdown'
import {lakeScopeOf, readAnomalyWindow, runAnomalies, type AnomalyWindow} from './anomalies'
import {computeFindings, loadAuditInputs, readAudit, type AuditView} from './audit'
import {directReadsBanner, readsContextOf, type QueryRunner} from './reads'

/** What the command passes in. */
export interface ReportOptions {
  /** The policy directory. */
  policies: string
  /** --database, else lake.yaml's. */
  database?: string
  /** --table: the log table (default: lake.yaml's table.name). */
  table?: string
  /** The anomalies' baseline, ms. */
  baselineMs: number
  /** --region for the audit (must agree with lake.yaml). */
  flagRegion?: string
  /** lakegov's version. */
  version: string
  /** Now, ISO. */
  generatedAt: string
  /** Progress lines (stderr). */
  progress: (line: string) => void
}

/** An error as a section's "why, and how to fix it"; lakegov's own defects are thrown on. */
export function unavailableOf(error: unknown): Unavailable {
  if (error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError) throw error
  const known = toLakegovError(error)
  return {reason: known.message, fix: known.suggestions, exitCode: known.exitCode}
}

async function attempt<T>(read: () => Promise<T>): Promise<Part<T>> {
  try {
    return {ok: true, value: await read()}
  } catch (error) {
    return {ok: false, unavailable: unavailableOf(error)}
  }
}

function failed<T>(part: Part<unknown>): Part<T> {
  if (part.ok) throw new Error('failed() on a part that was read')
  return part
}

async function readGeo(progress: (line: string) => void): Promise<{db?: CountryDatabase; geo: ActivityPart['geo']}> {
  try {
    const db = await loadCountryDatabase()
    progress(`geography: ${db.source.name} ${db.source.version}`)
    return {db, geo: {source: db.source}}
  } catch (error) {
    return {geo: {missing: `the IP-to-country database could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); reinstall lakegov.`}}
  }
}

async function readAccess(aws: AwsClients, options: ReportOptions, reads: Part<ReadEvent[]>): Promise<{view?: AuditView; access: ReportInputs['access']; findings: ReportInputs['findings']}> {
  options.progress('reading access: the grants, IAM, the bucket policy and the lake\'s settings')
  const audit = await attempt(async () => {
    const inputs = await loadAuditInputs(options.policies)
    const view = await readAudit(aws, inputs, {findings: true, ...(options.database ? {database: options.database} : {}), ...(options.flagRegion ? {flagRegion: options.flagRegion} : {})})
    for (const warning of view.warnings) options.progress(`warning: ${warning}`)
    return {view, findings: computeFindings(view, inputs)}
  })
  if (!audit.ok) return {access: failed(audit), findings: failed(audit)}
  const {view, findings} = audit.value
  const rows = computeAccess(view.state)
  const usage = reads.ok ? assembleUsage(rows, reads.value, view.account).rows : null
  return {view, access: {ok: true, value: {rows, usage}}, findings: {ok: true, value: {findings}}}
}

type AnomaliesPart = ReportInputs['anomalies'] extends Part<infer T> ? T : never

async function readAnomalies(run: QueryRunner, query: ActivityQuery, lake: LakeConfig, options: ReportOptions & {database: string}, window: AnomalyWindow): Promise<Part<AnomaliesPart>> {
  options.progress('reading the anomalies\' baseline')
  const result = await attempt(() => runAnomalies(run, query, lake, {database: options.database, table: options.table, baselineMs: options.baselineMs, progress: options.progress}, window))
  return result.ok ? {ok: true, value: {anomalies: result.value.anomalies, baseline: result.value.baseline}} : failed(result)
}

/**
 * Reads every part, then builds the report. lake.yaml is required, as for `activity reads` and the
 * audit: a missing or invalid one exits 3 before any AWS call. `aws` carries the profile and endpoint.
 */
export async function readReport(run: QueryRunner, query: ActivityQuery, aws: AwsClients, lake: LakeConfig, options: ReportOptions): Promise<ReportModel> {
  const {progress} = options
  progress(`reading events: ${query.window.from} to ${query.window.to}`)
  const database = options.database ?? lake.database
  const context = readsContextOf(lake, database, options.table)
  // The country database first: the figures fold the events as they stream by, once, with the reads and the anomalies' window.
  const {db, geo} = await readGeo(progress)
  const fold = new ActivityFold(query.window, (address) => (db ? countryOf(db, address) : undefined))
  const window = await attempt(() => readAnomalyWindow(run, query, context, lakeScopeOf(lake, database, context), progress, (batch) => fold.add(batch)))
  const activity: Part<ActivityPart> = window.ok ? {ok: true, value: {figures: fold.figures(), engine: window.value.engine, geo}} : failed(window)
  const reads: Part<ReadEvent[]> = window.ok ? {ok: true, value: window.value.reads} : failed(window)
  const readRows: ReportInputs['reads'] = window.ok ? {ok: true, value: {rows: aggregateReads(window.value.reads), banner: directReadsBanner(lake, window.value.engine, window.value.getObjects)}} : failed(window)
  const anomalies = window.ok ? await readAnomalies(run, query, lake, {...options, database}, window.value) : failed<AnomaliesPart>(window)
  const {view, access, findings} = await readAccess(aws, options, reads)
  progress('building the report')
  return buildReport({
    version: options.version,
    generatedAt: options.generatedAt,
    window: query.window,
    account: view?.account ?? '',
    region: view?.region ?? lake.region,
    activity,
    reads: readRows,
    anomalies,
    access,
    findings,
  })
}

/** The report as text: markdown, or the HTML page with its charts drawn to SVG (vega is loaded only here). */
export async function renderReport(model: ReportModel, format: 'html' | 'markdown'): Promise<string> {
  if (format === 'markdown') return renderReportMarkdown(model)
  const {renderChartSvgs} = await import('../output/report-svg')
  return renderReportHtml(model, await renderChartSvgs(model))
}
