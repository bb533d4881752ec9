import {Flags} from '@oclif/core'

import {BaseCommand, policiesFlag} from '../../base-command'
import {SEVERITIES, type Severity} from '../../core/audit/findings'
import type {FindingsReport} from '../../core/audit/report'
import {RULES} from '../../core/audit/rules'
import {ExitCode, describeExitCodes} from '../../core/exit-codes'
import {renderFindingsText} from '../../output/audit'
import {stringifyJson} from '../../output/escape'
import {renderSarif} from '../../output/sarif'
import {runAuditFindings} from '../../workflows/audit-findings'

export default class AuditFindings extends BaseCommand<typeof AuditFindings> {
  static summary = 'Check the lake for security problems (LG001-LG018), as text, JSON or SARIF for code scanning.'

  static description = `Runs every rule against the account: default permissions handing new tables to IAM, IAM_ALLOWED_PRINCIPALS grants, S3 bypass readers, bucket hardening (public access, encryption, TLS-only, versioning), registration and its verification, registration and crawler roles broader than the log prefix, grantable permissions outside the admins, ALL or SUPER_USER grants, cross-account grants not declared in policies/grants, the admins (fewer than two, or IAM users), and the trail (logging, multi-region, log file validation).

Each finding has a rule id, a severity, the resource, the evidence and the fix, and points at the lake.yaml or grants file line where one exists. --format sarif writes SARIF 2.1.0 to stdout for GitHub code scanning. With --fail-on SEVERITY the command exits 7 when any finding is at or above it, so the audit can gate CI. Changes nothing.

${describeExitCodes()}`

  static examples = [
    '<%= config.bin %> audit findings',
    '<%= config.bin %> audit findings --fail-on high',
    '<%= config.bin %> audit findings --format sarif > lakegov.sarif',
  ]

  static flags = {
    policies: policiesFlag,
    database: Flags.string({description: 'The log database (default: database in lake.yaml).'}),
    'fail-on': Flags.option({options: SEVERITIES, description: 'Exit 7 when a finding is at or above this severity.'})(),
    format: Flags.option({options: ['text', 'json', 'sarif'] as const, default: 'text' as const, description: 'Output format; json is the same as --json.', exclusive: ['json']})(),
  }

  async run(): Promise<FindingsReport> {
    const failOn = this.flags['fail-on'] as Severity | undefined
    const request = {policies: this.flags.policies, database: this.flags.database, flagRegion: this.flags.region, failOn}
    const {report, lakeFile, failing} = await runAuditFindings(this.aws, request, (line) => this.logToStderr(line))
    if (!this.jsonEnabled()) {
      const format = this.flags.format
      if (format === 'sarif') this.log(stringifyJson(renderSarif(report.findings, RULES, {version: this.config.version, fallbackFile: lakeFile})))
      else if (format === 'json') this.log(stringifyJson(report))
      else this.log(renderFindingsText(report))
    }
    if (failing) {
      if (!this.jsonEnabled()) this.logToStderr(`Findings at or above ${failOn}: exit ${ExitCode.Findings}.`)
      this.setExitCode(ExitCode.Findings)
    }
    return report
  }
}
