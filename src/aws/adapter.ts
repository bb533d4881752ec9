/**
 * What every per-service adapter shares: the endpoint it was resolved to, and the one way an AWS
 * call is made and its errors mapped. Each adapter adds a private `send(operation, command)` typed
 * to its own client; a paginated walk is one `call(operation, walk)`.
 */
import type {LakegovError} from '../core/errors'
import {resolveEndpoint, type AwsClients, type ServiceName} from './clients'
import {callAws, callAwsOrAbsent, toLakegovError} from './errors'

export abstract class ServiceAdapter {
  protected readonly endpoint: string | undefined

  constructor(
    protected readonly clients: AwsClients,
    service: ServiceName,
  ) {
    this.endpoint = resolveEndpoint(clients.context, service)
  }

  /** Runs one call, or a paginated walk, as one operation; errors are mapped as callAws does. */
  protected call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    return callAws(operation, run, this.endpoint)
  }

  /** A read whose "not there" errors (named in `absent`) give undefined. */
  protected callOrAbsent<T>(operation: string, run: () => Promise<T>, absent: readonly string[]): Promise<T | undefined> {
    return callAwsOrAbsent(operation, run, absent, this.endpoint)
  }

  /** The LakegovError for an error a method caught to inspect first. */
  protected failure(error: unknown, operation: string): LakegovError {
    return toLakegovError(error, {operation, endpoint: this.endpoint})
  }
}
