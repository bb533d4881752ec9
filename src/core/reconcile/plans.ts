/**
 * Each plan type mapped onto the shared vocabulary, and "is there anything to do?" answered once
 * per plan type. Commands and renderers ask these; nothing else counts a plan's changes.
 */
import type {TablePlan} from '../catalog/table-plan'
import type {BootstrapChange, BootstrapPlan, StepName} from '../lake/bootstrap'
import type {GrantChange} from '../plan/diff'
import {objectKey, type ObjectChange} from '../plan/objects'
import type {Plan} from '../plan/plan'
import type {Change} from './reconcile'

/** What every plan type answers, the same way. */
export interface PlanKind<P, T = unknown> {
  /** Whether applying would write anything. */
  hasChanges(plan: P): boolean
  /** Whether `--detailed-exitcode` exits 2: changes, or a difference apply cannot close. */
  hasDrift(plan: P): boolean
  /**
   * Whether the apply step runs (terraform's `Plan.CanApply()`): it has changes to write, or
   * something it must report as undone. When false, the command says there is nothing to do.
   */
  canApply(plan: P): boolean
  /** The plan's changes in apply order: what apply reads. */
  changes(plan: P): Change<T>[]
}

/** A grant change as a Change: before and after are what the principal holds now and will hold. */
export function grantChangeOf(change: GrantChange): Change<GrantChange> {
  return {action: change.action, key: change.key, input: change, before: change.before, after: change.after}
}

/** An LF-tag, data cells filter or assignment change as a Change. */
export function objectChangeOf(change: ObjectChange): Change<ObjectChange> {
  return {action: change.action, key: objectKey(change), input: change, ...(change.kind === 'filter' && change.action === 'update' ? {before: change.before} : {})}
}

/** The grants plan: objects first (grants name them), then grants and revokes. */
export const grantsPlanKind: PlanKind<Plan, ObjectChange | GrantChange> = {
  hasChanges: (plan) => plan.changes.length + plan.objects.length > 0,
  // An undeclared cross-account or IAM_ALLOWED_PRINCIPALS grant is drift worth failing a check over.
  hasDrift: (plan) => grantsPlanKind.hasChanges(plan) || (plan.dangerous?.length ?? 0) > 0,
  canApply: (plan) => grantsPlanKind.hasChanges(plan),
  changes: (plan) => [...plan.objects.map(objectChangeOf), ...plan.changes.map(grantChangeOf)],
}

/** A bootstrap change as a Change, with its step; the key is unique within the plan. */
export interface BootstrapStepChange extends Change<BootstrapChange> {
  /** The step it belongs to. */
  step: StepName
}

/** Every bootstrap change in step order. Keys are `step/Action`, numbered when a step repeats an action. */
export function bootstrapChanges(plan: BootstrapPlan): BootstrapStepChange[] {
  return plan.steps.flatMap((planned) => {
    const seen = new Map<string, number>()
    return planned.changes.map((change) => {
      const count = (seen.get(change.action) ?? 0) + 1
      seen.set(change.action, count)
      const key = `${planned.step}/${change.action}${count > 1 ? `#${count}` : ''}`
      return {action: change.action, key, input: change, summary: change.summary, step: planned.step}
    })
  })
}

/** The bootstrap plan. A blocked step is drift apply cannot close: the run reports it and exits 6. */
export const bootstrapPlanKind: PlanKind<BootstrapPlan, BootstrapChange> = {
  hasChanges: (plan) => plan.steps.some((planned) => planned.changes.length > 0),
  hasDrift: (plan) => plan.steps.some((planned) => planned.status !== 'ok'),
  canApply: (plan) => bootstrapPlanKind.hasChanges(plan) || plan.steps.some((planned) => planned.status === 'blocked'),
  changes: bootstrapChanges,
}

/** What the table write sends: the plan's action and the table input. */
export type TableWrite = Pick<TablePlan, 'database' | 'input'> & {action: 'create' | 'update'}

/** The table write as a Change; undefined when the table matches. */
export function tableWriteOf(plan: TablePlan): Change<TableWrite> | undefined {
  if (plan.action === 'none') return undefined
  return {action: plan.action, key: `${plan.database}.${plan.table}`, input: {action: plan.action, database: plan.database, input: plan.input}, after: plan.differences}
}

/** The table write (if any), then the revokes of IAM_ALLOWED_PRINCIPALS. */
export function tableChanges(plan: TablePlan): Change<TableWrite | GrantChange>[] {
  const write = tableWriteOf(plan)
  return [...(write ? [write] : []), ...plan.revokes.map(grantChangeOf)]
}

/** The table plan. A table being created may get grants to revoke once it exists: apply reads them then. */
export const tablePlanKind: PlanKind<TablePlan, TableWrite | GrantChange> = {
  hasChanges: (plan) => plan.action !== 'none' || plan.revokes.length > 0,
  hasDrift: (plan) => tablePlanKind.hasChanges(plan),
  canApply: (plan) => tablePlanKind.hasChanges(plan),
  changes: tableChanges,
}
