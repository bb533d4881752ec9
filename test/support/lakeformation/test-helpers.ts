import {LakeFormationClient} from '@aws-sdk/client-lakeformation'

import {LakeFormationError} from './model'

/** The real SDK client as the model's wire tests use it: static credentials, one attempt. */
export function modelClient(region = 'us-east-1'): LakeFormationClient {
  return new LakeFormationClient({region, credentials: {accessKeyId: 'AKIDTEST', secretAccessKey: 'secret'}, maxAttempts: 1})
}

/** The error an SDK call rejects with; fails the test if it succeeds. */
export async function failure(promise: Promise<unknown>): Promise<Error & {$metadata?: {httpStatusCode?: number}}> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to fail, but it succeeded')
}

/** The LakeFormationError a model call rejects with; fails the test if it resolves or throws anything else. */
export async function rejection(promise: Promise<unknown>): Promise<LakeFormationError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(LakeFormationError)
    return error as LakeFormationError
  }
  throw new Error('expected a LakeFormationError, but the call succeeded')
}
