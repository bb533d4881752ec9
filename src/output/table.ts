import type {TableDifference} from '../core/catalog/cloudtrail-table'
import type {TableOverride} from '../core/catalog/table-options'
import type {TablePlan} from '../core/catalog/table-plan'
import type {GrantChange} from '../core/plan/diff'
import type {TableRun} from '../core/catalog/table-apply'
import {escapeTerminal, terminalLines} from './escape'

/** Struct types run to hundreds of characters; the full values are in --json. */
const MAX_VALUE = 100

function shorten(value: string): string {
  return value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE - 3)}...` : value
}

function differenceLine(difference: TableDifference): string {
  if (difference.before === undefined) return `    + ${difference.field}: ${shorten(difference.after ?? '')}`
  if (difference.after === undefined) return `    - ${difference.field}: ${shorten(difference.before)}`
  return `    ~ ${difference.field}: ${shorten(difference.before)} -> ${shorten(difference.after)}`
}

function revokeLine(plan: TablePlan, change: GrantChange): string {
  const columns = change.resource.type === 'columns' ? ' (columns)' : ''
  return `    - revoke ${change.principal} ${change.remove.permissions.join(', ')} on ${plan.database}.${plan.table}${columns}`
}

function partitionsOf(plan: TablePlan): string {
  const parameters = plan.input.Parameters
  return plan.input.PartitionKeys.map((key) => {
    if (key.Name === 'timestamp') return `timestamp (${(parameters['projection.timestamp.range'] ?? '').replace(',', ' to ')})`
    const values = (parameters[`projection.${key.Name}.values`] ?? '').split(',')
    return `${key.Name} (${values.length} values)`
  }).join(', ')
}

/** What the plan would do: the table, then its Lake Formation grants. */
export function renderTablePlan(plan: TablePlan): string {
  const name = `${plan.database}.${plan.table}`
  const lines: string[] = []
  const sd = plan.input.StorageDescriptor
  if (plan.action === 'create') {
    lines.push(`Table ${name}: create`)
    lines.push(`    location    ${sd.Location}`)
    lines.push(`    template    ${plan.input.Parameters['storage.location.template']}`)
    lines.push(`    partitions  ${partitionsOf(plan)}`)
    lines.push(`    columns     ${sd.Columns.length}, read with ${sd.SerdeInfo.SerializationLibrary} and ${sd.InputFormat}`)
  } else if (plan.action === 'update') {
    lines.push(`Table ${name}: update (${plan.differences.length} difference(s))`, ...plan.differences.map(differenceLine))
  } else {
    lines.push(`Table ${name}: up to date (${sd.Location}, partitions ${partitionsOf(plan)})`)
  }

  if (!plan.governed) {
    lines.push(
      'Lake Formation: not governed (new tables default to IAM_ALLOWED_PRINCIPALS), so IAM policies decide who reads this table; grants left alone. Run lakegov bootstrap to change that.',
    )
  } else if (plan.revokes.length > 0) {
    lines.push(`Lake Formation: revoke IAM_ALLOWED_PRINCIPALS on ${name}`, ...plan.revokes.map((change) => revokeLine(plan, change)))
  } else if (plan.action === 'create') {
    lines.push('Lake Formation: governed; any IAM_ALLOWED_PRINCIPALS grant the new table gets is revoked once it exists.')
  } else {
    lines.push(`Lake Formation: governed; no IAM_ALLOWED_PRINCIPALS grant on ${name}.`)
  }
  return terminalLines(lines)
}

/** What the run did. */
export function renderTableRun(plan: TablePlan, run: TableRun): string {
  const name = `${plan.database}.${plan.table}`
  const lines = [run.table === 'unchanged' ? `Table ${name} unchanged.` : run.table === 'failed' ? `Table ${name}: ${plan.action} FAILED.` : `Table ${name} ${run.table}.`]
  const write = run.table === 'failed' ? run.outcomes[0] : undefined
  if (write?.error) lines.push(`           ${write.error.code}: ${write.error.message}`, ...(write.error.suggestions ?? []).map((suggestion) => `           fix: ${suggestion}`))
  const applied = run.revoked.filter((outcome) => outcome.status === 'applied').length
  if (applied > 0) lines.push(`Revoked IAM_ALLOWED_PRINCIPALS on ${name} (${applied} grant(s)).`)
  for (const outcome of run.revoked) {
    if (outcome.status === 'failed') lines.push(`  FAILED   revoke ${outcome.key}: ${outcome.error?.code ?? ''}: ${outcome.error?.message ?? ''}`)
    if (outcome.status === 'skipped') lines.push(`  skipped  revoke ${outcome.key}`)
  }
  if (write) lines.push('Fix the error and run lakegov table again.')
  else if (!run.ok) lines.push('Run lakegov table again as a data lake administrator: it revokes what is left.')
  return terminalLines(lines)
}

/**
 * The flags that differ from lake.yaml's table section, under the plan: empty when there are none,
 * else a newline and one line per flag.
 */
export function renderTableOverrides(overrides: TableOverride[]): string {
  return overrides
    .map((override) => `\n${override.flag} ${escapeTerminal(override.run)}: this run overrides lake.yaml ${override.field} (${escapeTerminal(override.file)}); the next run without the flag reverts it.`)
    .join('')
}
