import type {PolicyIssue} from '../core/policy/types'
import {terminalLines} from './escape'

/** Issues as compiler-style lines (file:line:column), which editors and CI logs turn into links. Fields and values from the file are escaped. */
export function renderPolicyIssues(issues: PolicyIssue[]): string {
  const lines = issues.flatMap((issue) => [
    `${issue.file}:${issue.line}:${issue.column}: ${issue.field}: ${issue.message}`,
    ...(issue.hint ? [`    hint: ${issue.hint}`] : []),
  ])
  lines.push('', `${issues.length} problem${issues.length === 1 ? '' : 's'} found`)
  return terminalLines(lines)
}
