/**
 * `lakegov report --json` as data, and the exit code --strict asks for: the first unavailable
 * section's, else 3 when lake.yaml left part of the dashboard out (it lacks what the part needs).
 */
import {parseDuration} from '../activity/query'
import {LakegovError} from '../errors'
import {ExitCode} from '../exit-codes'
import {checkDashboardName} from './dashboard'
import type {DashboardResult} from './dashboard'
import {unavailableSections, type ReportModel} from './model'

/** `report --json`. */
export interface ReportResult {
  /** The file written. */
  out: string
  /** html or markdown. */
  format: 'html' | 'markdown'
  /** Its size. */
  bytes: number
  /** Each section, and why it is unavailable when it is. */
  sections: Array<{id: string; title: string; unavailable?: {reason: string; fix: string[]}}>
  /** With --dashboard: created, updated or unchanged, what is missing, PutDashboard's warnings. */
  dashboard?: DashboardResult
}

/** The result, from the model and what was written. */
export function reportResultOf(model: ReportModel, written: Omit<ReportResult, 'sections'>): ReportResult {
  return {...written, sections: model.sections.map((section) => ({id: section.id, title: section.title, ...(section.unavailable ? {unavailable: {reason: section.unavailable.reason, fix: section.unavailable.fix}} : {})}))}
}

/** The exit code under --strict, or undefined when the report and the dashboard are complete. */
export function strictExitCode(model: ReportModel, dashboard: DashboardResult | undefined): number | undefined {
  const missing = unavailableSections(model)
  if (missing.length > 0) return missing[0].unavailable?.exitCode || ExitCode.Internal
  return dashboard && dashboard.missing.length > 0 ? ExitCode.InvalidPolicy : undefined
}

/** Checks the report's free-text flags before any AWS call; returns the baseline in milliseconds. Exit 64 otherwise. */
export function checkReportFlags(flags: {baseline: string; dashboard?: string}): number {
  const baselineMs = parseDuration(flags.baseline)
  if (baselineMs === undefined) throw new LakegovError(`--baseline ${flags.baseline} is not a duration.`, {exitCode: ExitCode.Usage, code: 'USAGE', suggestions: ['Pass a duration such as 30d, 2w or 12h.']})
  const badName = flags.dashboard === undefined ? undefined : checkDashboardName(flags.dashboard)
  if (badName) throw new LakegovError(`--dashboard: ${badName}`, {exitCode: ExitCode.Usage, code: 'USAGE', suggestions: ['Pass a name such as lake-activity.']})
  return baselineMs
}
