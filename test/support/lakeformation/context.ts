import type {VerificationStatus} from '@aws-sdk/client-lakeformation'

import type {LakeFormationState} from './state'
import type {Input} from './validate'
import type {WriteGate} from './write-gate'

/** The location Lake Formation checks it can reach when a resource is registered or updated. */
export interface LocationToVerify {
  /** The registered S3 ARN. */
  resourceArn: string
  /** The role Lake Formation will assume; absent for the service-linked role. */
  roleArn?: string
  /** True when Lake Formation uses its service-linked role. */
  useServiceLinkedRole: boolean
}

/** Decides VerificationStatus; the sandbox asks moto whether the bucket and role really exist. */
export type Verifier = (location: LocationToVerify) => Promise<VerificationStatus>

/** A Glue table as Lake Formation's existence checks see it. */
export interface CatalogTable {
  /** Its column names, partition keys included; undefined when the lookup cannot tell (then columns are not checked). */
  columns?: string[]
}

/**
 * The Glue Data Catalog the grants are on. Lake Formation refuses grants, LF-tags and data cells
 * filters on databases and tables that do not exist (EntityNotFoundException), so the model asks.
 * The sandbox answers from moto's Glue catalog; nock tests stub it. The model never guesses.
 */
export interface CatalogLookup {
  /** Whether the region's catalog has the database. */
  hasDatabase(region: string, database: string): Promise<boolean>
  /** The table, or undefined when the database or the table does not exist. */
  table(region: string, database: string, table: string): Promise<CatalogTable | undefined>
}

/** What every operation handler gets besides its input. */
export interface OperationContext {
  /** The state of the account in the call's region; handlers mutate it in place. */
  state: LakeFormationState
  /** The region of the call: Lake Formation keeps settings, registrations, grants, tags and filters per region. */
  region: string
  /** The Glue catalog the existence checks ask. */
  catalog: CatalogLookup
  /** The account the model plays: the catalog id and the service-linked role's account. */
  accountId: string
  /** The reachability check for registered locations. */
  verify: Verifier
  /** The clock, injectable so that LastModified is deterministic in tests. */
  now: () => Date
  /** Scripted write contention: every write asks it first (see WriteGate). */
  writes: WriteGate
}

/** One Lake Formation operation: validates its input, changes state, returns the output shape. */
export type OperationHandler = (context: OperationContext, input: Input) => Promise<object> | object
