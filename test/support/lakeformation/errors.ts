/**
 * HTTP statuses from the botocore model (`httpStatusCode` on each error shape). Shapes without one
 * are client faults, which AWS sends as 400: EntityNotFoundException is a 400, not a 404.
 */
const STATUS_BY_CODE: Record<string, number> = {
  AccessDeniedException: 403,
  ExpiredException: 410,
  InternalServiceException: 500,
  StatisticsNotReadyYetException: 420,
  ThrottledException: 429,
  WorkUnitsNotReadyYetException: 420,
}

/** An error the Lake Formation API would return; the protocol layer turns it into a response. */
export class LakeFormationError extends Error {
  /** The AWS error code, sent as `x-amzn-ErrorType`; the SDK names its exception after it. */
  readonly code: string
  /** The HTTP status AWS uses for this code. */
  readonly status: number

  constructor(code: string, message: string, status = STATUS_BY_CODE[code] ?? 400) {
    super(message)
    this.name = 'LakeFormationError'
    this.code = code
    this.status = status
  }
}

export function invalidInput(message: string): LakeFormationError {
  return new LakeFormationError('InvalidInputException', message)
}

export function entityNotFound(message = 'Entity not found'): LakeFormationError {
  return new LakeFormationError('EntityNotFoundException', message)
}

export function alreadyExists(message: string): LakeFormationError {
  return new LakeFormationError('AlreadyExistsException', message)
}

export function accessDenied(message: string): LakeFormationError {
  return new LakeFormationError('AccessDeniedException', message)
}

export function concurrentModification(message: string): LakeFormationError {
  return new LakeFormationError('ConcurrentModificationException', message)
}

export function resourceNumberLimitExceeded(message: string): LakeFormationError {
  return new LakeFormationError('ResourceNumberLimitExceededException', message)
}

/**
 * What an operation the sandbox lacks returns. It is deliberately not InvalidInputException:
 * callers treat some InvalidInputExceptions as success (revoking a grant that is already gone), and
 * a missing operation must never pass for success.
 */
export function notModelled(operation: string): LakeFormationError {
  return new LakeFormationError(
    'UnknownOperationException',
    `The lakegov sandbox does not model the Lake Formation operation ${JSON.stringify(operation)} yet.`,
    400,
  )
}

/**
 * What a modelled operation answers for an input shape the sandbox does not model (named LF-tag
 * expressions, for instance): UnknownOperationException for the same reason as notModelled.
 */
export function featureNotModelled(feature: string): LakeFormationError {
  return new LakeFormationError('UnknownOperationException', `The lakegov sandbox does not model ${feature} yet.`, 400)
}
