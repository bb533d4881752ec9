/**
 * The report's size for 30 days of a busy account (issue 17: under 2 MB), as a ratio against that
 * budget. The model is built from a synthetic busy month folded the way the report folds it: 30
 * daily buckets, 40 services, 2,000 event names, 5,000 principals, 17 regions, 120 countries, 500
 * read rows, 3,000 access rows, 300 anomalies, 200 findings. Charts are drawn with vega as
 * `lakegov report` draws them.
 */
import type {ActivityFigures, CountWithErrors} from '../src/core/report/activity'
import {buildReport} from '../src/core/report/build'
import {renderReportHtml} from '../src/output/report-html'
import {renderReportMarkdown} from '../src/output/report-markdown'
import {renderChartSvgs} from '../src/output/report-svg'

const BUDGET = 2 * 1024 * 1024

function top(prefix: string, count: number): CountWithErrors[] {
  return Array.from({length: Math.min(10, count)}, (_, index) => ({key: `${prefix}-${'x'.repeat(40)}-${index}`, count: 1_000_000 - index * 1000, errors: index * 50, errorShare: 0.01}))
}

function figures(): ActivityFigures {
  const buckets = Array.from({length: 30}, (_, day) => new Date(Date.UTC(2026, 10, 1 + day)).toISOString().slice(0, 10))
  const services = ['s3', 'ec2', 'iam', 'sts', 'kms', 'glue', 'other'].map((name) => `${name}.amazonaws.com`)
  return {
    events: 30_000_000,
    principals: 5000,
    errors: 90_000,
    timeline: {unit: 'day', buckets, services, counts: services.map((_, s) => buckets.map((__, b) => 100_000 + s * 1000 + b)), errors: buckets.map((_, b) => 3000 + b)},
    services: top('service', 40),
    eventNames: top('event', 2000),
    principalRows: top('arn:aws:iam::123456789012:role/principal', 5000),
    regions: Array.from({length: 17}, (_, index) => ({key: `region-${index}`, count: 1_000_000 - index})),
    countries: Array.from({length: 120}, (_, index) => ({key: `C${index}`, count: 100_000 - index})),
    fromServices: 4_000_000,
    unplaced: 10_000,
  }
}

/** Builds and renders the busy month; returns the lines to print. */
export async function benchReportSize(): Promise<string[]> {
  const arn = (index: number) => `arn:aws:iam::123456789012:role/team-${index}/reader-${index}`
  const model = buildReport({
    version: 'bench',
    generatedAt: '2026-12-01T00:00:00Z',
    window: {from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z'},
    account: '123456789012',
    region: 'us-east-1',
    activity: {ok: true, value: {figures: figures(), engine: 'athena', geo: {source: {name: '@ip-location-db/geo-whois-asn-country', version: '2.3.2026061719', date: '2026-06-17', licence: 'CC BY 4.0'}}}},
    reads: {ok: true, value: {banner: null, rows: Array.from({length: 500}, (_, index) => ({principal: arn(index), table: 'cloudtrail.logs', engine: 'athena', path: 'lake-formation', count: 100, firstRead: '2026-11-01T00:00:00Z', lastRead: '2026-11-30T00:00:00Z', sourceIps: ['198.51.100.1'], expected: null}))}},
    anomalies: {ok: true, value: {baseline: {from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z'}, anomalies: Array.from({length: 300}, (_, index) => ({ruleId: 'LA003', severity: 'medium', title: 'A principal read far more than usual', resource: 'cloudtrail.logs', principal: arn(index), evidence: 'x'.repeat(200), fix: 'Check it.', events: ['e'], fingerprint: 'f'}))}},
    access: {ok: true, value: {rows: Array.from({length: 3000}, (_, index) => ({database: 'cloudtrail', table: `table_${index % 30}`, principal: arn(index), path: 'table-grant', columns: 'all', via: `grant-${index}`, permissions: ['SELECT'], grantable: false, crossAccount: false, conditional: false, ungoverned: false, readsData: true})), usage: null}},
    findings: {ok: true, value: {findings: Array.from({length: 200}, (_, index) => ({ruleId: 'LG011', severity: 'high', title: 'Cross-account grant not declared', resource: `grant-${index}`, evidence: 'x'.repeat(100), fix: 'Declare or revoke it.'}))}},
  })
  const started = Date.now()
  const html = renderReportHtml(model, await renderChartSvgs(model))
  const ms = Date.now() - started
  const htmlBytes = Buffer.byteLength(html)
  const markdownBytes = Buffer.byteLength(renderReportMarkdown(model))
  return [
    'report size, 30 days of a busy account (budget 2 MB)',
    `  html:     ${htmlBytes} bytes, ${(htmlBytes / BUDGET).toFixed(2)}x the budget, drawn in ${ms} ms`,
    `  markdown: ${markdownBytes} bytes, ${(markdownBytes / BUDGET).toFixed(2)}x the budget`,
  ]
}
