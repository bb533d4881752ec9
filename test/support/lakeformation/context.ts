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

/** What every operation handler gets besides its input. */
export interface OperationContext {
  /** The account's state; handlers mutate it in place. */
  state: LakeFormationState
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
