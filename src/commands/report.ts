import {Flags} from '@oclif/core'

import {ActivityCommand, activityFlags} from '../activity-command'
import {describeExitCodes} from '../core/exit-codes'
import {unavailableSections, type ReportModel} from '../core/report/model'
import {checkReportFlags, reportResultOf, strictExitCode, type ReportResult} from '../core/report/result'
import {loadLakeConfig} from '../io/lake-file'
import {checkOutputFile, writeOutputFile} from '../io/output-file'
import {renderDashboardResult} from '../output/report-dashboard'
import {writeDashboard} from '../workflows/dashboard'
import {readReport, renderReport} from '../workflows/report'

const {principal: _principal, 'event-source': _source, 'event-name': _name, errors: _errors, 'read-only': _readOnly, format: _format, ...sharedFlags} = activityFlags

export default class Report extends ActivityCommand<typeof Report> {
  static summary = 'Write the lake report: one self-contained HTML page with charts (or markdown), from activity, reads, anomalies and the audit.'

  static description = `Sections, in order: summary; API calls over time (by service, per hour up to two days, else per day, with failed calls as a dashed line); top services, events and principals with their error share; calls by region and by source country (offline database; calls made by AWS services are left out); who read the logs; anomalies; who can read the logs, marking access never used in the window; findings by severity.

The HTML page loads nothing from the network and runs no script: charts are SVG drawn when the report is made, each with its data table, under a strict Content-Security-Policy. --format markdown writes the same sections with Mermaid charts, for a pull request or a wiki. Needs lake.yaml (exit 3 without it). A part that cannot be read (no trail, no table, Athena or IAM refused) is written as a section that says why and how to fix it; the exit code is then still 0, unless --strict. --dashboard NAME also writes a CloudWatch dashboard: a text widget saying lakegov manages it, Logs Insights tables of the top events and the errors on the trail's log group, and a graph of each metric filter of lake.yaml's alarms with its alarm's threshold; it reads the stored one first (GetDashboard) and calls PutDashboard only when the body differs. Progress goes to stderr. --json prints {out, format, bytes, sections, dashboard}.

${describeExitCodes()}`

  static examples = [
    '<%= config.bin %> report',
    '<%= config.bin %> report --since 7d --out weekly.html',
    '<%= config.bin %> report --format markdown --out report.md --engine athena',
    '<%= config.bin %> report --dashboard lake-activity',
  ]

  static flags = {
    ...sharedFlags,
    since: Flags.string({description: 'How far back: a duration (30d, 12h, 2w) or a date (2026-12-01). Default: 30d.', helpGroup: 'WINDOW'}),
    baseline: Flags.string({description: 'The anomalies\' baseline before the window: a duration.', default: '30d', helpGroup: 'WINDOW'}),
    out: Flags.string({description: 'The file to write (replaced if it exists). Default: lake-report.html, or lake-report.md with --format markdown.'}),
    format: Flags.option({options: ['html', 'markdown'] as const, default: 'html' as const, description: 'html: one self-contained page; markdown: for a pull request or wiki.'})(),
    strict: Flags.boolean({description: 'Exit non-zero (the first failure\'s exit code) when any section could not be read, or lake.yaml leaves part of the dashboard out (3).'}),
    dashboard: Flags.string({description: 'Also write this CloudWatch dashboard (letters, digits, - and _), only when it differs from the stored one.'}),
  }

  protected override get activityFlagValues(): Record<string, unknown> {
    const flags = this.flags as unknown as Record<string, unknown>
    return flags.since === undefined && flags.from === undefined && flags.to === undefined ? {...flags, since: '30d'} : flags
  }

  async run(): Promise<ReportResult> {
    const baselineMs = checkReportFlags(this.flags)
    const format = this.flags.format
    const out = this.flags.out ?? (format === 'markdown' ? 'lake-report.md' : 'lake-report.html')
    await checkOutputFile(out, {flag: '--out', overwrite: true})
    const query = this.buildQuery()
    const lake = (await loadLakeConfig(this.flags.policies)).config
    const model = await readReport((part, ask) => this.runQuery(part, ask), query, this.aws, lake, {
      policies: this.flags.policies,
      ...(this.flags.database ? {database: this.flags.database} : {}),
      table: this.flags.table,
      baselineMs,
      version: this.config.version,
      generatedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      progress: (line) => this.progress(line),
    })
    this.progress(`rendering ${format}`)
    const text = await renderReport(model, format)
    await writeOutputFile(out, text, {flag: '--out', overwrite: true})
    const name = this.flags.dashboard
    const dashboard = name === undefined ? undefined : await writeDashboard(this.aws, lake, {name, policies: this.flags.policies, progress: (line) => this.progress(line)})
    return this.finish(model, {out, format, bytes: Buffer.byteLength(text), ...(dashboard ? {dashboard} : {})})
  }

  private finish(model: ReportModel, written: Omit<ReportResult, 'sections'>): ReportResult {
    const missing = unavailableSections(model)
    for (const section of missing) this.progress(`warning: ${section.title}: ${section.unavailable?.reason ?? ''}`)
    if (!this.jsonEnabled()) this.log(`Wrote ${written.out} (${written.bytes} bytes, ${model.sections.length - missing.length} of ${model.sections.length} sections complete).`)
    if (written.dashboard && !this.jsonEnabled()) this.log(renderDashboardResult(written.dashboard))
    const strict = strictExitCode(model, written.dashboard)
    if (strict !== undefined && this.flags.strict) this.setExitCode(strict)
    return reportResultOf(model, written)
  }
}
