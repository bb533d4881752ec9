import {Flags} from '@oclif/core'

import {ActivityCommand, activityFlags} from '../../activity-command'
import {ANOMALY_RULES, DENIED_BURST_COUNT, DENIED_BURST_MINUTES, SPIKE_THRESHOLD} from '../../core/activity/anomalies'
import {parseDuration} from '../../core/activity/query'
import {SEVERITIES, type Severity} from '../../core/audit/findings'
import {LakegovError} from '../../core/errors'
import {ExitCode, describeExitCodes} from '../../core/exit-codes'
import {loadLakeConfig} from '../../io/lake-file'
import {renderAnomaliesText} from '../../output/anomalies'
import {stringifyJson} from '../../output/escape'
import {renderSarif} from '../../output/sarif'
import {runAnomalies, type AnomaliesRun} from '../../workflows/anomalies'

const {principal: _principal, 'event-source': _source, 'event-name': _name, errors: _errors, 'read-only': _readOnly, format: _format, ...sharedFlags} = activityFlags

export default class ActivityAnomalies extends ActivityCommand<typeof ActivityAnomalies> {
  static summary = 'Flag abnormal reads of the log tables and changes to the lake (LA001-LA007), as text, JSON or SARIF.'

  static description = `Compares the window (--since, default the last 24 hours) with a baseline (--baseline, default 30d) that ends where the window starts; each is read once. Rules: LA001 a principal reading the log tables that never did in the baseline; LA002 a direct S3 read of the logs by anyone but the registration and crawler roles; LA003 a volume spike per principal (modified z-score of the daily counts, median and MAD, above ${SPIKE_THRESHOLD}); LA004 reads at an unusual hour or kind of day; LA005 reads from a new /24 or /48 network; LA006 at least ${DENIED_BURST_COUNT} refused GetDataAccess or AccessDenied calls on the lake by one principal within ${DENIED_BURST_MINUTES} minutes; LA007 governance changes (grants, revokes, data lake settings, registration, LF-tags, data cells filters, StopLogging/DeleteTrail/UpdateTrail/PutEventSelectors on the lake's trail, the log bucket's policy).

Each anomaly has a rule id, a severity, evidence, the eventIDs behind it, a fix and a fingerprint that stays the same across runs (SARIF's partialFingerprints use it). --format sarif writes SARIF 2.1.0. With --fail-on SEVERITY the command exits 7 when any anomaly is at or above it. --json prints {window, baseline, anomalies, failOn, failing, engine, regions, banner}.

${describeExitCodes()}`

  static examples = [
    '<%= config.bin %> activity anomalies',
    '<%= config.bin %> activity anomalies --since 1d --baseline 30d --fail-on high',
    '<%= config.bin %> activity anomalies --format sarif > anomalies.sarif',
  ]

  static flags = {
    ...sharedFlags,
    baseline: Flags.string({description: 'The baseline\'s length before the window: a duration (30d, 2w, 12h).', default: '30d', helpGroup: 'WINDOW'}),
    'fail-on': Flags.option({options: SEVERITIES, description: 'Exit 7 when an anomaly is at or above this severity.'})(),
    format: Flags.option({options: ['text', 'json', 'sarif'] as const, default: 'text' as const, description: 'Output format; json is the same as --json.', exclusive: ['json']})(),
  }

  async run(): Promise<AnomaliesRun> {
    const baselineMs = parseDuration(this.flags.baseline)
    if (baselineMs === undefined) {
      throw new LakegovError(`--baseline ${this.flags.baseline} is not a duration.`, {exitCode: ExitCode.Usage, code: 'USAGE', suggestions: ['Pass a duration such as 30d, 2w or 12h.']})
    }
    const query = this.buildQuery()
    const {config: lake, file} = await loadLakeConfig(this.flags.policies)
    const failOn = this.flags['fail-on'] as Severity | undefined
    const report = await runAnomalies((part, ask) => this.runQuery(part, ask), query, lake, {
      database: this.flags.database ?? lake.database,
      table: this.flags.table,
      baselineMs,
      ...(failOn ? {failOn} : {}),
      progress: (line) => this.progress(line),
    })
    if (report.banner) this.progress(`warning: ${report.banner}`)
    if (!this.jsonEnabled()) {
      const format = this.flags.format
      if (format === 'sarif') this.log(stringifyJson(renderSarif(report.anomalies, ANOMALY_RULES, {version: this.config.version, fallbackFile: file})))
      else if (format === 'json') this.log(stringifyJson(report))
      else this.log(renderAnomaliesText(report))
    }
    if (report.failing && failOn) {
      if (!this.jsonEnabled()) this.logToStderr(`Anomalies at or above ${failOn}: exit ${ExitCode.Findings}.`)
      this.setExitCode(ExitCode.Findings)
    }
    return report
  }
}
