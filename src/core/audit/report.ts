import {meetsThreshold, type Finding, type Severity} from './findings'

/** The findings report `audit findings` prints and returns as JSON. */
export interface FindingsReport {
  /** The account audited. */
  account: string
  /** The region. */
  region: string
  /** The log database. */
  database: string
  /** The --fail-on threshold, when given. */
  failOn?: Severity
  /** Findings per severity. */
  counts: Record<Severity, number>
  /** The findings, sorted by rule, resource and principal. */
  findings: Finding[]
  /** What could not be read fully. */
  warnings: string[]
}

/** How many findings there are of each severity. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = {low: 0, medium: 0, high: 0, critical: 0}
  for (const finding of findings) counts[finding.severity]++
  return counts
}

/** The report of an audit: where, the findings and their counts, the threshold, and the warnings. */
export function findingsReport(target: {account: string; region: string; database: string; warnings: string[]}, findings: Finding[], failOn?: Severity): FindingsReport {
  return {account: target.account, region: target.region, database: target.database, ...(failOn ? {failOn} : {}), counts: countBySeverity(findings), findings, warnings: target.warnings}
}

/** Whether any finding is at or above the report's --fail-on threshold (exit 7). */
export function failsThreshold(report: FindingsReport): boolean {
  const {failOn} = report
  return failOn !== undefined && report.findings.some((finding) => meetsThreshold(finding.severity, failOn))
}
