/**
 * The dashboard part of `lakegov report --dashboard` for people: what was done, what lake.yaml
 * leaves out, and PutDashboard's warnings. AWS's messages are untrusted text: escaped.
 */
import type {DashboardResult} from '../core/report/dashboard'
import {escapeTerminal} from './escape'

const DONE = {created: 'created', updated: 'updated (its body differed)', unchanged: 'unchanged (PutDashboard not called)'} as const

/** The lines printed after the report's own. */
export function renderDashboardResult(result: DashboardResult): string {
  const {text, log, metric} = result.widgets
  const total = text + log + metric
  const lines = [`Dashboard ${escapeTerminal(result.name)}: ${DONE[result.action]}; ${total} widget${total === 1 ? '' : 's'} (${log} Logs Insights, ${metric} metric, ${text} text).`]
  for (const gap of result.missing) lines.push(`  missing: ${escapeTerminal(gap.reason)}. ${escapeTerminal(gap.fix)}`)
  for (const entry of result.validationMessages) lines.push(`  CloudWatch warns: ${escapeTerminal(entry.dataPath || '/')}: ${escapeTerminal(entry.message)}`)
  return lines.join('\n')
}
