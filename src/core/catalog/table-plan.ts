/**
 * `lakegov table` as a reconciliation: the desired CloudTrail table against the catalog, and the
 * table's IAM_ALLOWED_PRINCIPALS grants against the data lake settings. The plan is data; the
 * workflow carries it out, revoking through the grants engine (applyChanges) like everything else.
 */
import {LakegovError} from '../errors'
import {ExitCode} from '../exit-codes'
import type {Grant} from '../model/grant'
import {IAM_ALLOWED_PRINCIPALS, type DataLakeSettings} from '../model/lake'
import {revokeAll, type GrantChange} from '../plan/diff'
import {diffCloudTrailTable, tableInputForUpdate, type CloudTrailTableInput, type ExistingTable, type TableDifference} from './cloudtrail-table'

/** What happens to the table itself. */
export type TableAction = 'create' | 'update' | 'none'

/** The plan for one CloudTrail table. */
export interface TablePlan {
  /** The Glue database. */
  database: string
  /** The table name. */
  table: string
  /** create when missing, update when it differs, none when it matches. */
  action: TableAction
  /** What differs, for an update; empty otherwise. */
  differences: TableDifference[]
  /** What CreateTable or UpdateTable is sent (for an update, with what others set kept). */
  input: CloudTrailTableInput
  /**
   * Whether Lake Formation governs new tables: the settings give them to nobody by default
   * (CreateTableDefaultPermissions is []). Only then does lakegov revoke IAM_ALLOWED_PRINCIPALS.
   */
  governed: boolean
  /** The revokes of IAM_ALLOWED_PRINCIPALS on the table, sorted by grant key; empty when not governed. */
  revokes: GrantChange[]
  /** Changes in all: the table write (if any) plus the revokes. */
  changes: number
}

/** Whether the data lake settings leave new tables to Lake Formation rather than IAM. */
export function isLakeFormationGoverned(settings: Pick<DataLakeSettings, 'createTableDefaultPermissions'>): boolean {
  return settings.createTableDefaultPermissions.length === 0
}

/** The revokes that take IAM_ALLOWED_PRINCIPALS off one table: whole-table and column grants. */
export function iamAllowedRevokes(grants: Grant[], database: string, table: string): GrantChange[] {
  const onTable = grants.filter(
    (grant) =>
      grant.principal === IAM_ALLOWED_PRINCIPALS &&
      (grant.resource.type === 'table' || grant.resource.type === 'columns') &&
      grant.resource.database === database.toLowerCase() &&
      grant.resource.table === table.toLowerCase(),
  )
  return revokeAll(onTable)
}

/**
 * Plans the table. `grants` are the account's grants (only read when the table exists and the lake
 * is governed; a table that does not exist yet has none).
 */
export function planTable(desired: CloudTrailTableInput, existing: ExistingTable | undefined, database: string, settings: Pick<DataLakeSettings, 'createTableDefaultPermissions'>, grants: Grant[]): TablePlan {
  const crawler = existing?.Parameters?.UPDATED_BY_CRAWLER
  if (crawler) {
    // Taking over a crawler's table would start a tug of war: its next run rewrites the schema and drops the projection.
    throw new LakegovError(`Table ${database}.${desired.Name} belongs to the Glue crawler ${crawler}; lakegov does not take it over.`, {
      exitCode: ExitCode.Usage,
      code: 'TABLE_OWNED_BY_CRAWLER',
      suggestions: [`Pick another name, for example --name ${desired.Name}_pp, or delete the crawler's table first.`],
    })
  }
  const governed = isLakeFormationGoverned(settings)
  const differences = existing ? diffCloudTrailTable(existing, desired) : []
  const action: TableAction = !existing ? 'create' : differences.length > 0 ? 'update' : 'none'
  const revokes = governed && existing ? iamAllowedRevokes(grants, database, desired.Name) : []
  return {
    database,
    table: desired.Name,
    action,
    differences,
    input: existing && action === 'update' ? tableInputForUpdate(existing, desired) : desired,
    governed,
    revokes,
    changes: (action === 'none' ? 0 : 1) + revokes.length,
  }
}
