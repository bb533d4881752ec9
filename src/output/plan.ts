import {resourceKey, type ColumnSelection, type Grant, type Permission} from '../core/model/grant'
import type {GrantChange} from '../core/plan/diff'
import {objectKey, type FilterState, type ObjectChange} from '../core/plan/objects'
import type {ApplyResult} from '../core/apply/apply'
import type {Plan} from '../core/plan/plan'
import {grantsPlanKind} from '../core/reconcile/plans'
import {summarize} from '../core/reconcile/reconcile'
import {compareText} from '../core/order'
import {escapeMarkdown, markdownCodeBlock, terminalLines} from './escape'

const SIGN: Record<GrantChange['action'], string> = {grant: '+', revoke: '-', change: '~'}

function permissionList(permissions: Permission[], grantable: Permission[]): string {
  return permissions.map((permission) => (grantable.includes(permission) || grantable.includes('ALL') ? `${permission}*` : permission)).join(', ')
}

function what(change: GrantChange): string {
  if (change.action === 'grant') return permissionList(change.add.permissions, change.add.grantable)
  if (change.action === 'revoke') return permissionList(change.remove.permissions, change.remove.grantable)
  const parts = [
    ...change.add.permissions.map((permission) => `+${permission}`),
    ...change.add.grantable.map((permission) => `+${permission}*`),
    ...change.remove.permissions.map((permission) => `-${permission}`),
    ...change.remove.grantable.map((permission) => `-${permission}*`),
  ]
  return parts.join(' ')
}

/** principal identifier -> "name (identifier)", from the policy files' principals. */
export function principalLabels(principals: Record<string, string>): (id: string) => string {
  const names = new Map(Object.entries(principals).map(([name, id]) => [id, name]))
  return (id) => (names.has(id) ? `${names.get(id)} (${id})` : id)
}

function groupByPrincipal<T extends {principal: string}>(items: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of [...items].sort((a, b) => compareText(a.principal, b.principal))) {
    groups.set(item.principal, [...(groups.get(item.principal) ?? []), item])
  }
  return groups
}

/** The one-line summary. */
export function summaryLine(plan: Plan): string {
  const {grant, change, revoke, unmanaged, objects} = plan.summary
  // Plans saved before `dangerous` existed have none.
  const dangerous = plan.dangerous?.length ?? 0
  const grants = !grantsPlanKind.hasChanges(plan) ? 'No changes.' : `${grant} to grant, ${change} to change, ${revoke} to revoke.`
  const objectPart = objects > 0 ? ` ${objects} LF-tag, filter or assignment change${objects === 1 ? '' : 's'}.` : ''
  const dangerPart = dangerous > 0 ? ` ${dangerous} of them dangerous (another account, or every identity).` : ''
  return `Plan: ${grants}${objectPart}${unmanaged > 0 ? ` ${unmanaged} unmanaged (left alone; --prune revokes them).${dangerPart}` : ''}`
}

function columnsText(columns: ColumnSelection | undefined): string {
  if (!columns || ('exclude' in columns && columns.exclude.length === 0)) return 'all'
  return 'include' in columns ? columns.include.join(', ') : `all but ${columns.exclude.join(', ')}`
}

/** A filter's detail: everything for a new one; for an update, only what differs, before -> after. */
function filterDetail(change: Extract<ObjectChange, {kind: 'filter'}>): string {
  const rows = (filter: FilterState) => filter.rows ?? 'all'
  if (change.action === 'create') return `rows: ${rows(change.filter)}; columns: ${columnsText(change.filter.columns)}`
  const parts: string[] = []
  if (change.differs.includes('rows')) parts.push(`rows: ${rows(change.before)} -> ${rows(change.filter)}`)
  if (change.differs.includes('columns')) parts.push(`columns: ${columnsText(change.before.columns)} -> ${columnsText(change.filter.columns)}`)
  return parts.join('; ')
}

function objectLine(change: ObjectChange): string {
  const sign = change.action === 'create' ? '+' : '~'
  const detail =
    change.kind === 'tag'
      ? `${change.action === 'add-values' ? 'add values ' : ''}${change.values.join(', ')}`
      : change.kind === 'filter'
        ? filterDetail(change)
        : Object.entries(change.tags)
            .map(([key, value]) => `${key}=${value}`)
            .join(', ')
  return `${sign} ${objectKey(change).padEnd(48)} ${detail}`
}

function grantLines(grants: Grant[]): string[] {
  return grants.map((grant) => `    ${resourceKey(grant.resource).padEnd(48)} ${permissionList(grant.permissions, grant.grantable)}`)
}

/** The plan as terminal text: +, - and ~ lines grouped by principal, then the summary. `*` marks the grant option. */
export function renderPlanText(plan: Plan, label: (id: string) => string): string {
  const lines: string[] = []
  if (plan.objects.length > 0) {
    lines.push('LF-tags, data cells filters and tag assignments (made before the grants):', ...plan.objects.map((change) => `  ${objectLine(change)}`), '')
  }
  for (const [principal, changes] of groupByPrincipal(plan.changes)) {
    lines.push(label(principal))
    for (const change of changes) lines.push(`  ${SIGN[change.action]} ${resourceKey(change.resource).padEnd(48)} ${what(change)}`)
  }
  if (plan.unmanaged.length > 0) {
    lines.push('', 'Unmanaged: in scope but not in the files (run with --prune to revoke):')
    for (const [principal, grants] of groupByPrincipal(plan.unmanaged)) lines.push(`  ${label(principal)}`, ...grantLines(grants))
  }
  if ((plan.dangerous?.length ?? 0) > 0) {
    lines.push('', `! ${plan.dangerous.length} unmanaged grant(s) are dangerous:`)
    for (const entry of plan.dangerous) lines.push(`  ${entry.key}: ${entry.reasons.join(', ')}`)
  }
  const bootstrap = plan.implicit.filter((grant) => grant.implicit === 'bootstrap')
  if (bootstrap.length > 0) {
    lines.push('', 'Managed by bootstrap (lake.yaml implies them; never changed or pruned here):')
    for (const [principal, grants] of groupByPrincipal(bootstrap)) lines.push(`  ${label(principal)}`, ...grantLines(grants))
  }
  const admins = plan.implicit.length - bootstrap.length
  if (admins > 0) {
    lines.push('', `Implicit: ${admins} grant(s) held by data lake administrators; never changed.`)
  }
  if (plan.broadening.length > 0) {
    lines.push('', `! ${plan.broadening.length} change(s) broaden access:`)
    for (const entry of plan.broadening) lines.push(`  ${entry.key}: ${entry.reasons.join(', ')}`)
    if (plan.broadening.some((entry) => entry.reasons.includes('all-columns'))) {
      lines.push('  all-columns: IAM_ALLOWED_PRINCIPALS still holds the table, so Lake Formation would store the column grant as SELECT on every column; revoke that grant first.')
    }
  }
  lines.push('', summaryLine(plan))
  return withLegend(terminalLines(lines), plan, '')
}

/** The plan as a Markdown pull request comment. */
export function renderPlanMarkdown(plan: Plan, label: (id: string) => string): string {
  const lines = [`### lakegov grants plan (${escapeMarkdown(plan.account)}, ${escapeMarkdown(plan.region)})`, '', `**${summaryLine(plan)}**`, '']
  if (plan.broadening.length > 0) {
    lines.push(`> [!WARNING]`, `> ${plan.broadening.length} change(s) broaden access: ${[...new Set(plan.broadening.flatMap((entry) => entry.reasons))].join(', ')}.`, '')
  }
  if ((plan.dangerous?.length ?? 0) > 0) {
    lines.push(`> [!CAUTION]`, `> ${plan.dangerous.length} unmanaged grant(s) are dangerous: ${plan.dangerous.map((entry) => `\`${entry.key}\` (${entry.reasons.join(', ')})`).join('; ')}.`, '')
  }
  if (plan.objects.length > 0) {
    lines.push(...markdownCodeBlock(plan.objects.map((change) => objectLine(change).replace(/^~/, '!')), 'diff'), '')
  }
  if (plan.changes.length > 0) {
    const diff: string[] = []
    for (const [principal, changes] of groupByPrincipal(plan.changes)) {
      diff.push(`# ${label(principal)}`)
      for (const change of changes) diff.push(`${SIGN[change.action] === '~' ? '!' : SIGN[change.action]} ${resourceKey(change.resource)}  ${what(change)}`)
    }
    lines.push(...markdownCodeBlock(diff, 'diff'))
  }
  if (plan.unmanaged.length > 0) {
    lines.push('', `<details><summary>${plan.unmanaged.length} unmanaged grant(s) (not in the files; --prune revokes them)</summary>`, '')
    lines.push(...markdownCodeBlock(plan.unmanaged.map((grant) => `${label(grant.principal)}  ${resourceKey(grant.resource)}  ${permissionList(grant.permissions, grant.grantable)}`)), '</details>')
  }
  return withLegend(lines.join('\n'), plan, '_')
}

/** Signs and the `*` of the grant option are explained once, under a plan that shows them. */
function withLegend(body: string, plan: Plan, emphasis: string): string {
  if (!grantsPlanKind.hasChanges(plan) && plan.unmanaged.length === 0) return body
  const legend = ['+ grant, - revoke, ~ change (+PERMISSION added, -PERMISSION removed)']
  if (/[A-Z]\*/.test(body)) legend.push('PERMISSION* = with the grant option: the principal may grant it to others')
  return `${body}\n\n${emphasis}Legend: ${legend.join('; ')}.${emphasis}`
}

/** The question grants apply asks before it writes; louder when the plan broadens access. */
export function approvalQuestion(plan: Plan): string {
  return plan.broadening.length > 0 ? `This plan BROADENS access (${plan.broadening.length} change(s)). Apply it? Type "yes": ` : 'Apply this plan? Type "yes": '
}

/** What grants apply did: each change not applied, then the counts. */
export function renderApplyResult(result: ApplyResult): string {
  const counts = summarize(result.outcomes)
  const lines = result.outcomes
    .filter((outcome) => outcome.status !== 'applied')
    .map((outcome) => (outcome.error ? `  failed  ${outcome.key}: ${outcome.error.step} ${outcome.error.code}: ${outcome.error.message}` : `  skipped ${outcome.key}`))
  lines.push(`Apply: ${counts.applied} applied, ${counts.failed} failed, ${counts.skipped} skipped, in ${result.calls} write call(s).`)
  if (!result.ok) lines.push('Run apply again to converge: it plans from what was actually applied.')
  return terminalLines(lines)
}
