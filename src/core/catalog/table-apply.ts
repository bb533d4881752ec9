/**
 * Applies a table plan through the one apply flow: the table write, then the revokes of
 * IAM_ALLOWED_PRINCIPALS through the grants engine. A failed write is an outcome like a failed
 * revoke, and it stops the run: the revokes are for the table it would have written.
 */
import {grantGroup, type ChangeOutcome} from '../apply/apply'
import type {ExitCodeValue} from '../exit-codes'
import type {GrantReader, GrantWriter} from '../ports'
import {applyInOrder, eachGroup} from '../reconcile/apply'
import {grantChangeOf, tableWriteOf, type TableWrite} from '../reconcile/plans'
import {exitCodeOf, isComplete, type Outcome} from '../reconcile/reconcile'
import type {CloudTrailTableInput} from './cloudtrail-table'
import {iamAllowedRevokes, type TablePlan} from './table-plan'

/** Writes a Glue table. */
export interface TableWriter {
  createTable(database: string, input: CloudTrailTableInput): Promise<void>
  updateTable(database: string, input: CloudTrailTableInput): Promise<void>
}

/** The ports a table plan is applied through. */
export interface TablePorts {
  /** Glue, for the table. */
  tables: TableWriter
  /** Lake Formation: the grants of a table just created, and the revokes. */
  grants: GrantReader & GrantWriter
}

/** What a run did. */
export interface TableRun {
  /** created, updated, unchanged, or failed (the write's outcome says why). */
  table: 'created' | 'updated' | 'unchanged' | 'failed'
  /** One outcome per revoke of IAM_ALLOWED_PRINCIPALS, in plan order. */
  revoked: ChangeOutcome[]
  /** Every outcome: the table write (when there is one), then the revokes. */
  outcomes: Outcome[]
  /** Whether everything planned was done. */
  ok: boolean
  /** The exit code the run deserves (exitCodeOf): 0; 4 when the write was denied; 6 otherwise. */
  exitCode: ExitCodeValue
}

const WRITTEN = {create: 'created', update: 'updated'} as const

/**
 * Writes the table, then revokes IAM_ALLOWED_PRINCIPALS on it. A table just created is read for
 * grants afterwards: database defaults may have given it some.
 */
export async function applyTablePlan(plan: TablePlan, ports: TablePorts): Promise<TableRun> {
  const write = tableWriteOf(plan)
  const revokes =
    plan.governed && plan.action === 'create'
      ? async () => iamAllowedRevokes(await ports.grants.listGrants(), plan.database, plan.table).map(grantChangeOf)
      : plan.revokes.map(grantChangeOf)
  const tables = eachGroup<TableWrite>(write ? [write] : [], (input) => (input.action === 'create' ? ports.tables.createTable(input.database, input.input) : ports.tables.updateTable(input.database, input.input)), {
    errorCode: 'TABLE_WRITE_FAILED',
  })
  const applied = await applyInOrder([tables, grantGroup(revokes, ports.grants).group], {onFailure: 'stop'})
  const written = write ? applied.outcomes[0] : undefined
  return {
    table: !written ? 'unchanged' : written.status === 'applied' ? WRITTEN[written.action as TableWrite['action']] : 'failed',
    revoked: applied.outcomes.slice(written ? 1 : 0) as ChangeOutcome[],
    outcomes: applied.outcomes,
    ok: isComplete(applied),
    exitCode: exitCodeOf(applied),
  }
}
