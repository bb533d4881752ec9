/**
 * The composition root of `audit findings`: the policy files (io), the account (aws, through
 * readAudit), the rule registry (core/audit/rules.ts) and the report (core/audit/report.ts). The
 * command only parses flags and renders the report.
 */
import type {AwsClients} from '../aws/clients'
import type {Severity} from '../core/audit/findings'
import {failsThreshold, findingsReport, type FindingsReport} from '../core/audit/report'
import {computeFindings, loadAuditInputs, readAudit} from './audit'

/** What `audit findings` was asked for. */
export interface FindingsRequest {
  /** The policies directory (lake.yaml, grants/). */
  policies: string
  /** --database, over lake.yaml's. */
  database?: string
  /** --region, checked against lake.yaml's. */
  flagRegion?: string
  /** --fail-on. */
  failOn?: Severity
}

/** The report, lake.yaml's path (SARIF's fallback location), and whether --fail-on is met (exit 7). */
export interface FindingsRun {
  /** The report. */
  report: FindingsReport
  /** lake.yaml's path, relative to the working directory. */
  lakeFile: string
  /** Whether a finding is at or above --fail-on. */
  failing: boolean
}

/** Reads the policy files and the account, runs every rule, and assembles the report; `progress` gets stderr lines. */
export async function runAuditFindings(clients: AwsClients, request: FindingsRequest, progress: (line: string) => void): Promise<FindingsRun> {
  const inputs = await loadAuditInputs(request.policies)
  progress(`Reading the account (${inputs.config.region})...`)
  const view = await readAudit(clients, inputs, {database: request.database, flagRegion: request.flagRegion, findings: true})
  for (const warning of view.warnings) progress(`warning: ${warning}`)
  const report = findingsReport(view, computeFindings(view, inputs), request.failOn)
  return {report, lakeFile: inputs.lakeFile, failing: failsThreshold(report)}
}
