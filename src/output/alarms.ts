import type {FiredAlarm} from '../core/alarms/types'
import {terminalLines} from './escape'
import type {PatternTestReport, PatternTestSource} from '../core/alarms/test-patterns'

/**
 * `alarms test` for a terminal: each pattern, the events it matches, its warnings, then a summary
 * line saying where the events came from.
 */
export function renderPatternTest(report: PatternTestReport, source: PatternTestSource): string {
  const lines: string[] = []
  for (const result of report.patterns) {
    const count = result.matches.length
    lines.push(`${result.name}: ${count === 0 ? 'no match' : `${count} match${count === 1 ? '' : 'es'}`}`)
    lines.push(`  pattern: ${result.pattern}`)
    if (count > 0) lines.push(`  matches: ${result.matches.join(', ')}`)
    for (const warning of result.warnings) lines.push(`  warning: ${warning}`)
    lines.push('')
  }
  const warned = report.patterns.filter((result) => result.warnings.length > 0).length
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`
  const {lake} = source
  const from = lake ? `the lake (${lake.window.from} to ${lake.window.to}, ${lake.engine} engine${lake.fullRecords ? '' : ', table columns only'})` : plural(source.files.length, 'file')
  lines.push(`${plural(report.patterns.length, 'pattern')} against ${plural(report.events, 'event')} from ${from}: ${warned === 0 ? 'no warnings' : `${warned} with warnings`}.`)
  return lines.join('\n')
}

/** `alarms test --fire` for a terminal: each alarm fired and where it notified. */
export function renderFired(fired: FiredAlarm[]): string {
  const lines = fired.map((alarm) => `${alarm.name}: ALARM, then ${alarm.restoredTo}; ${alarm.actions.length === 0 ? 'NO ACTION: nobody was notified' : `notified ${alarm.actions.join(', ')}`}`)
  lines.push(`${fired.length} alarm(s) fired. Check that each address subscribed to the topic received the notifications.`)
  return terminalLines(lines)
}
