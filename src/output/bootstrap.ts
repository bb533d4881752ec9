import type {BootstrapRun} from '../core/lake/apply'
import type {BootstrapPlan, StepPlan} from '../core/lake/bootstrap'
import {bootstrapPlanKind} from '../core/reconcile/plans'
import {summarize} from '../core/reconcile/reconcile'
import {terminalLines} from './escape'

const MARK: Record<StepPlan['status'], string> = {ok: 'ok', missing: 'missing', drifted: 'drifted', blocked: 'BLOCKED'}

function stepLines(step: StepPlan, withChanges: boolean): string[] {
  const lines = [`  ${step.step.padEnd(13)}${MARK[step.status].padEnd(9)}${step.title}`]
  if (withChanges) for (const change of step.changes) lines.push(`      + ${change.summary}`)
  for (const note of step.notes) lines.push(`      note: ${note}`)
  if (step.blocked) {
    lines.push(`      blocked: ${step.blocked.reason}`)
    lines.push(...step.blocked.fix.split('\n').map((line, index) => `      ${index === 0 ? 'fix: ' : '     '}${line}`))
  }
  return lines
}

/** One line: how many changes, and the steps by state. */
export function bootstrapSummary(plan: BootstrapPlan): string {
  const {summary} = plan
  const states = (['missing', 'drifted', 'blocked', 'ok'] as const).filter((status) => summary[status] > 0).map((status) => `${summary[status]} ${status}`)
  return `${summary.changes} change(s); steps: ${states.join(', ')}.`
}

/** The plan, step by step, with each change; one line when there is nothing to do. */
export function renderBootstrapPlan(plan: BootstrapPlan): string {
  if (!bootstrapPlanKind.hasChanges(plan)) return terminalLines([`Nothing to do: ${bootstrapSummary(plan)}`])
  return terminalLines([`Bootstrap plan for account ${plan.account} in ${plan.region}:`, ...plan.steps.flatMap((step) => stepLines(step, true)), bootstrapSummary(plan)])
}

/** Each step's state, for lakegov status. */
export function renderStatus(plan: BootstrapPlan): string {
  const lines = [`Lake status for account ${plan.account} in ${plan.region}:`, ...plan.steps.flatMap((step) => stepLines(step, step.status !== 'ok'))]
  lines.push(!bootstrapPlanKind.hasDrift(plan) ? 'Everything matches lake.yaml.' : `${bootstrapSummary(plan)} Run lakegov bootstrap to fix what it can.`)
  return terminalLines(lines)
}

/** What the run did. */
export function renderBootstrapRun(run: BootstrapRun): string {
  const lines: string[] = []
  for (const outcome of run.outcomes) {
    if (outcome.status === 'applied') continue
    if (outcome.status === 'skipped') lines.push(`  skipped  ${outcome.step}: ${outcome.summary}`)
    else {
      lines.push(`  FAILED   ${outcome.step}: ${outcome.summary}`, `           ${outcome.error?.message ?? ''}`)
      for (const suggestion of outcome.error?.suggestions ?? []) lines.push(`           fix: ${suggestion}`)
    }
  }
  const counts = summarize(run.outcomes)
  lines.push(`Bootstrap: ${counts.applied} applied, ${counts.failed} failed, ${counts.skipped} skipped${run.blocked.length > 0 ? `; blocked: ${run.blocked.join(', ')}` : ''}.`)
  if (run.verificationStatus) lines.push(`Registration verification: ${run.verificationStatus}.`)
  if (counts.failed > 0) lines.push('Fix the error and run bootstrap again: it continues from where it stopped.')
  return terminalLines(lines)
}
