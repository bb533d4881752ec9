import type {CheckStatus, DoctorReport} from '../core/doctor/doctor'
import {terminalLines} from './escape'

const MARK: Record<CheckStatus, string> = {fail: 'fail', ok: 'ok  ', warn: 'warn'}

/** The doctor's report as text: one line per check, its fix indented beneath it. */
export function renderDoctorReport(report: DoctorReport): string {
  const lines: string[] = []
  for (const check of report.checks) {
    lines.push(`${MARK[check.status]}  ${check.detail}`)
    if (check.fix && check.status !== 'ok') lines.push(`      fix: ${check.fix}`)
  }
  const counts = (['ok', 'warn', 'fail'] as const).map((status) => `${report.checks.filter((check) => check.status === status).length} ${status}`)
  lines.push('', `${counts.join(', ')}`)
  return terminalLines(lines)
}
