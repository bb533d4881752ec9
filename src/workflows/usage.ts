/**
 * The composition of `lakegov audit usage` (issue 15): who CAN read (the `audit access` rows, read
 * as `audit access` reads them) against who DID (the window's reads, from the activity engine
 * through the reads workflow), matched by the pure assembleUsage. Nothing is changed: the proposal
 * is data for the user to review.
 */
import type {AwsClients} from '../aws/clients'
import type {ActivityQuery} from '../core/activity/query'
import {assembleUsage, type UsageRun} from '../core/activity/usage'
import {computeAccess} from '../core/audit/access'
import {readAudit, type AuditInputs} from './audit'
import {directReadsBanner, readWindowReads, readsContextOf, type QueryRunner} from './reads'

export type {UsageRun}

/** Reads the access and the window's reads, and matches them. */
export async function runUsage(aws: AwsClients, run: QueryRunner, query: ActivityQuery, inputs: AuditInputs, options: {database?: string; table?: string; progress: (line: string) => void}): Promise<UsageRun> {
  options.progress(`Reading the account (${inputs.config.region})...`)
  const view = await readAudit(aws, inputs, {...(options.database ? {database: options.database} : {})})
  const access = computeAccess(view.state)
  const context = readsContextOf(inputs.config, view.database, options.table)
  const read = await readWindowReads(run, query, context, options.progress)
  const report = assembleUsage(access, read.reads, view.account)
  return {
    account: view.account,
    database: view.database,
    window: query.window,
    engine: read.engine,
    regions: read.regions,
    banner: directReadsBanner(inputs.config, read.engine, read.getObjects),
    warnings: view.warnings,
    ...report,
  }
}
