/** `activity anomalies` as text: one block per anomaly, most severe first (the core's order). */
import type {AnomaliesReport} from '../core/activity/anomalies'
import {terminalLines} from './escape'

/** The eventIDs shown per anomaly in text; --json and SARIF carry them all. */
const EVENTS_SHOWN = 10

/** The text report. */
export function renderAnomaliesText(report: AnomaliesReport & {banner?: string | null}): string {
  const lines: string[] = [`Window ${report.window.from} to ${report.window.to}, against the baseline ${report.baseline.from} to ${report.baseline.to}.`]
  if (report.banner) lines.push(`warning: ${report.banner}`)
  lines.push('')
  if (report.anomalies.length === 0) {
    lines.push('No anomalies.')
    return terminalLines(lines)
  }
  for (const anomaly of report.anomalies) {
    const shown = anomaly.events.slice(0, EVENTS_SHOWN).join(', ')
    const more = anomaly.events.length > EVENTS_SHOWN ? ` and ${anomaly.events.length - EVENTS_SHOWN} more` : ''
    lines.push(`${anomaly.severity.toUpperCase().padEnd(8)} ${anomaly.ruleId}  ${anomaly.title}`)
    lines.push(`         resource:    ${anomaly.resource}`)
    lines.push(`         evidence:    ${anomaly.evidence}`)
    lines.push(`         events:      ${shown}${more}`)
    lines.push(`         fix:         ${anomaly.fix}`)
    lines.push(`         fingerprint: ${anomaly.fingerprint}`)
    lines.push('')
  }
  const counts = new Map<string, number>()
  for (const anomaly of report.anomalies) counts.set(anomaly.severity, (counts.get(anomaly.severity) ?? 0) + 1)
  lines.push(`${report.anomalies.length} anomal${report.anomalies.length === 1 ? 'y' : 'ies'}: ${['critical', 'high', 'medium', 'low'].map((severity) => `${counts.get(severity) ?? 0} ${severity}`).join(', ')}.`)
  return terminalLines(lines)
}
