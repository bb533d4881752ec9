/**
 * The composition root of `lakegov table`: lake.yaml and the flags (already checked), the account
 * (aws), and the pure planner (core/catalog). The command calls these and renders what comes back.
 */
import type {AwsClients} from '../aws/clients'
import {GlueAdapter, GlueAdapter as GlueTableAdapter} from '../aws/glue'
import {LakeFormationAdapter} from '../aws/lakeformation'
import {StsAdapter as StsIdentityReader} from '../aws/sts'
import {buildCloudTrailTable} from '../core/catalog/cloudtrail-table'
import type {TableSelection} from '../core/catalog/table-options'
import {applyTablePlan, type TableRun} from '../core/catalog/table-apply'
import {isLakeFormationGoverned, planTable, type TablePlan} from '../core/catalog/table-plan'
import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {LakeConfig} from '../core/lake/config'

/** Whose logs the table reads, once the defaults are filled in. */
export interface TableTarget {
  /** The accounts: --accounts, or the caller's. */
  accounts: string[]
  /** The regions: --regions, or lake.yaml's. */
  regions: string[]
  /** The organization id, for an organization trail. */
  organizationId?: string
  /** The first projected day. */
  startDate: string
}

/** The account read against the desired table. */
export interface TableView {
  /** The plan. */
  plan: TablePlan
  /** What the plan was made for. */
  target: TableTarget
  /** Glue, in the lake's region. */
  glue: GlueTableAdapter
  /** Lake Formation, in the lake's region: settings, grants, and the revokes. */
  lakeformation: LakeFormationAdapter
}

/** Reads the catalog, the settings and (for an existing table of a governed lake) the grants, and plans. */
export async function readTable(clients: AwsClients, config: LakeConfig, selection: TableSelection): Promise<TableView> {
  const accounts = selection.accounts ?? [(await new StsIdentityReader(clients).getCallerIdentity()).account]
  const target: TableTarget = {accounts, regions: selection.regions, ...(selection.organizationId ? {organizationId: selection.organizationId} : {}), startDate: selection.startDate}
  const desired = buildCloudTrailTable({
    database: config.database,
    name: selection.name,
    bucket: config.bucket.name,
    prefix: config.bucket.prefix,
    ...target,
  })
  const glue = new GlueTableAdapter(clients)
  // No catalog id: it is only needed for data cells filter resources, and table revokes name none.
  const lakeformation = new LakeFormationAdapter(clients)
  const [database, existing, settings] = await Promise.all([
    new GlueAdapter(clients).readDatabase(config.database),
    glue.readTable(config.database, selection.name),
    lakeformation.getDataLakeSettings(),
  ])
  if (!database.exists) {
    const source = config.sources.database
    const where = source ? `${source.file}:${source.line}:${source.column} (database): ` : ''
    throw new LakegovError(`${where}Glue database ${config.database} does not exist in ${config.region}.`, {
      exitCode: ExitCode.InvalidPolicy,
      code: 'DATABASE_NOT_FOUND',
      suggestions: ['Run lakegov bootstrap first: it creates the database, Lake Formation-governed.'],
    })
  }
  // Grants are read only when there may be something to revoke: listing them needs admin rights.
  const grants = existing && isLakeFormationGoverned(settings) ? await lakeformation.listGrants() : []
  return {plan: planTable(desired, existing, config.database, settings, grants), target, glue, lakeformation}
}

/** Carries out the plan through Glue and Lake Formation (core/catalog/table-apply.ts). */
export async function runTable(view: TableView): Promise<TableRun> {
  return applyTablePlan(view.plan, {tables: view.glue, grants: view.lakeformation})
}
