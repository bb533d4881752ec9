import type {Verifier, OperationContext, OperationHandler} from './context'
import {LakeFormationError, notModelled} from './errors'
import {deregisterResource, describeResource, listResources, registerResource, updateResource} from './operations/resources'
import {getDataLakeSettings, putDataLakeSettings} from './operations/settings'
import {createState} from './state'
import {asInput} from './validate'

export {LakeFormationError} from './errors'
export type {LocationToVerify, Verifier} from './context'

/** How to build a model. */
export interface LakeFormationModelOptions {
  /** The account the model plays: CatalogId, and the account in the service-linked role's ARN. */
  accountId: string
  /** Decides VerificationStatus on RegisterResource and UpdateResource; defaults to always VERIFIED. */
  verify?: Verifier
  /** The clock for LastModified; defaults to the real one. */
  now?: () => Date
}

/** One handler per operation: the model grows by adding entries here, never by branching inside one. */
const OPERATIONS: Record<string, OperationHandler> = {
  DeregisterResource: deregisterResource,
  DescribeResource: describeResource,
  GetDataLakeSettings: getDataLakeSettings,
  ListResources: listResources,
  PutDataLakeSettings: putDataLakeSettings,
  RegisterResource: registerResource,
  UpdateResource: updateResource,
}

/**
 * A stateful, in-memory Lake Formation for one account, written from the API reference. It knows
 * nothing of HTTP: inputs and outputs are the API's JSON shapes (timestamps as Date), and failures
 * are LakeFormationErrors. The sandbox gateway and the nock tests put a protocol in front of it.
 */
export class LakeFormationModel {
  private readonly context: OperationContext

  constructor(options: LakeFormationModelOptions) {
    this.context = {
      state: createState(),
      accountId: options.accountId,
      verify: options.verify ?? (async () => 'VERIFIED'),
      now: options.now ?? (() => new Date()),
    }
  }

  /** The operations the model implements, sorted. */
  static get operations(): string[] {
    return Object.keys(OPERATIONS).sort()
  }

  /** Runs one operation. Rejects with a LakeFormationError for anything the API would refuse. */
  async handle(operation: string, input: unknown): Promise<object> {
    const handler = Object.prototype.hasOwnProperty.call(OPERATIONS, operation) ? OPERATIONS[operation] : undefined
    if (handler === undefined) throw notModelled(operation)
    try {
      return await handler(this.context, asInput(input))
    } catch (error) {
      if (error instanceof LakeFormationError) throw error
      // A bug in the model must look like a service fault, never like a success or a validation error.
      throw new LakeFormationError('InternalServiceException', `The lakegov sandbox failed on ${operation}: ${(error as Error).message ?? String(error)}`)
    }
  }

  /** Forgets everything: the state of an account that has never used Lake Formation. */
  reset(): void {
    this.context.state = createState()
  }
}
