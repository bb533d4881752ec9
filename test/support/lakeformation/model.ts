import type {CatalogLookup, OperationContext, OperationHandler, Verifier} from './context'
import {LakeFormationError, notModelled} from './errors'
import {createDataCellsFilter, deleteDataCellsFilter, getDataCellsFilter, listDataCellsFilter, updateDataCellsFilter} from './operations/data-cells-filters'
import {
  addLFTagsToResource,
  createLFTag,
  deleteLFTag,
  getLFTag,
  getResourceLFTags,
  listLFTags,
  removeLFTagsFromResource,
  updateLFTag,
} from './operations/lf-tags'
import {batchGrantPermissions, batchRevokePermissions, grantPermissions, listPermissions, revokePermissions} from './operations/permissions'
import {deregisterResource, describeResource, listResources, registerResource, updateResource} from './operations/resources'
import {getDataLakeSettings, putDataLakeSettings} from './operations/settings'
import {type LakeFormationState, createState} from './state'
import {asInput} from './validate'
import {type ConcurrencyOptions, WriteGate} from './write-gate'

export {LakeFormationError} from './errors'
export type {CatalogLookup, CatalogTable, LocationToVerify, Verifier} from './context'
export type {ConcurrencyOptions} from './write-gate'

/** How to build a model. */
export interface LakeFormationModelOptions {
  /** The account the model plays: CatalogId, and the account in the service-linked role's ARN. */
  accountId: string
  /** Decides VerificationStatus on RegisterResource and UpdateResource; defaults to always VERIFIED. */
  verify?: Verifier
  /**
   * Answers whether databases and tables exist. When absent, every database and table exists with
   * unknown columns: a model without a catalog cannot refuse what it cannot see. The sandbox always
   * gives one (moto's Glue); wire tests stub one when they test existence.
   */
  catalog?: CatalogLookup
  /** The clock for LastModified; defaults to the real one. */
  now?: () => Date
  /** Scripted ConcurrentModificationException on every Nth write to one resource; off by default. */
  concurrency?: ConcurrencyOptions
}

/** The region of a call that names none. */
export const DEFAULT_REGION = 'us-east-1'

/** The catalog of a model built without one: every database and table exists, columns unknown. */
const EVERYTHING_EXISTS: CatalogLookup = {
  hasDatabase: async () => true,
  table: async () => ({}),
}

/** One handler per operation: the model grows by adding entries here, never by branching inside one. */
const OPERATIONS: Record<string, OperationHandler> = {
  AddLFTagsToResource: addLFTagsToResource,
  BatchGrantPermissions: batchGrantPermissions,
  BatchRevokePermissions: batchRevokePermissions,
  CreateDataCellsFilter: createDataCellsFilter,
  CreateLFTag: createLFTag,
  DeleteDataCellsFilter: deleteDataCellsFilter,
  DeleteLFTag: deleteLFTag,
  DeregisterResource: deregisterResource,
  DescribeResource: describeResource,
  GetDataCellsFilter: getDataCellsFilter,
  GetDataLakeSettings: getDataLakeSettings,
  GetLFTag: getLFTag,
  GetResourceLFTags: getResourceLFTags,
  GrantPermissions: grantPermissions,
  ListDataCellsFilter: listDataCellsFilter,
  ListLFTags: listLFTags,
  ListPermissions: listPermissions,
  ListResources: listResources,
  PutDataLakeSettings: putDataLakeSettings,
  RegisterResource: registerResource,
  RemoveLFTagsFromResource: removeLFTagsFromResource,
  RevokePermissions: revokePermissions,
  UpdateDataCellsFilter: updateDataCellsFilter,
  UpdateLFTag: updateLFTag,
  UpdateResource: updateResource,
}

/**
 * A stateful, in-memory Lake Formation for one account, written from the API reference. It knows
 * nothing of HTTP: inputs and outputs are the API's JSON shapes (timestamps as Date), and failures
 * are LakeFormationErrors. The sandbox gateway and the nock tests put a protocol in front of it.
 */
export class LakeFormationModel {
  private readonly context: Omit<OperationContext, 'state' | 'region'>
  /** One account's Lake Formation per region, created on first use. */
  private states = new Map<string, LakeFormationState>()

  constructor(options: LakeFormationModelOptions) {
    this.context = {
      accountId: options.accountId,
      verify: options.verify ?? (async () => 'VERIFIED'),
      catalog: options.catalog ?? EVERYTHING_EXISTS,
      now: options.now ?? (() => new Date()),
      writes: new WriteGate(options.concurrency),
    }
  }

  private stateOf(region: string): LakeFormationState {
    let state = this.states.get(region)
    if (state === undefined) {
      state = createState()
      this.states.set(region, state)
    }
    return state
  }

  /** The operations the model implements, sorted. */
  static get operations(): string[] {
    return Object.keys(OPERATIONS).sort()
  }

  /**
   * Runs one operation in a region (us-east-1 when not given). Rejects with a LakeFormationError for
   * anything the API would refuse. Lake Formation is a regional service: each region of the account
   * has its own settings, registrations, grants, LF-tags and data cells filters (the service
   * endpoints are regional, https://docs.aws.amazon.com/general/latest/gr/lake-formation.html).
   */
  async handle(operation: string, input: unknown, options: {region?: string} = {}): Promise<object> {
    const handler = Object.prototype.hasOwnProperty.call(OPERATIONS, operation) ? OPERATIONS[operation] : undefined
    if (handler === undefined) throw notModelled(operation)
    const region = options.region ?? DEFAULT_REGION
    try {
      return await handler({...this.context, region, state: this.stateOf(region)}, asInput(input))
    } catch (error) {
      if (error instanceof LakeFormationError) throw error
      // A bug in the model must look like a service fault, never like a success or a validation error.
      throw new LakeFormationError('InternalServiceException', `The lakegov sandbox failed on ${operation}: ${(error as Error).message ?? String(error)}`)
    }
  }

  /**
   * Makes the next `count` writes fail with `code`, whatever they touch: a single GrantPermissions or
   * RevokePermissions (and the other writes that can meet contention) rejects with it, a batch entry
   * reports it in Failures[]. Writes refused for their input do not use one up.
   */
  failNextWrites(count: number, code = 'ConcurrentModificationException'): void {
    this.context.writes.failNext(count, code)
  }

  /** Forgets everything: the state of an account that has never used Lake Formation, and any scripted failures. */
  reset(): void {
    this.states = new Map()
    this.context.writes.reset()
  }
}
