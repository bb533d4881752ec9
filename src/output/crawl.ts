import type {CrawlReport, PreflightCheck} from '../core/crawl/crawl'
import {terminalLines} from './escape'

/** The preflight checks, one line each, with the fix under a failure. */
export function renderPreflight(checks: PreflightCheck[]): string {
  return terminalLines([
    'Preflight:',
    ...checks.flatMap((check) => [`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.id.padEnd(21)}${check.message}`, ...(check.fix && !check.ok ? [`       fix: ${check.fix}`] : [])]),
  ])
}

/** How the crawl went: status, error and its meaning, table counts, and the tables. */
export function renderCrawlReport(report: CrawlReport): string {
  const lines: string[] = []
  if (report.started === 'already-running') lines.push(`Crawler ${report.crawler} was already running; waited for that crawl.`)
  if (report.outcome === 'not-waited') {
    lines.push(`Started crawler ${report.crawler}. Run lakegov crawl --wait to wait for it and see the result.`)
    return terminalLines(lines)
  }
  if (report.outcome === 'interrupted' || report.outcome === 'timeout') {
    lines.push(
      `Stopped waiting after ${report.elapsedSeconds}s (${report.outcome === 'timeout' ? '--timeout reached' : 'interrupted'}); crawler ${report.crawler} is still ${report.state ?? 'running'} and keeps going.`,
      'Run lakegov crawl --wait again to wait for it.',
    )
    return terminalLines(lines)
  }
  const last = report.lastCrawl
  lines.push(`Crawl ${last?.status ?? 'finished'} in ${report.elapsedSeconds}s.`)
  if (last?.errorMessage) lines.push(`  error: ${last.errorMessage}`)
  if (report.explanation) lines.push(`  cause: ${report.explanation.cause}`, `  fix:   ${report.explanation.fix}`)
  if (last?.logGroup) lines.push(`  logs:  ${last.logGroup}${last.logStream ? ` / ${last.logStream}` : ''}`)
  if (report.metrics) lines.push(`Tables: ${report.metrics.tablesCreated} created, ${report.metrics.tablesUpdated} updated, ${report.metrics.tablesDeleted} deleted.`)
  for (const table of report.tables ?? []) lines.push(`  ${table.name.padEnd(30)} ${String(table.columns).padStart(3)} columns ${String(table.partitions).padStart(6)} partitions  ${table.location}`)
  return terminalLines(lines)
}
