import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'

const CREDENTIAL_FIXES = [
  'Pass --profile NAME (or set AWS_PROFILE) to use a named profile from ~/.aws/config.',
  'For an SSO profile, run `aws sso login --profile NAME` first.',
  'Or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).',
]

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'RequestExpired'])
const INVALID_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'InvalidSignatureException',
  'IncompleteSignature',
])
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'AuthorizationError', 'AuthorizationErrorException', 'UnauthorizedOperation', 'Forbidden'])
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'SlowDown', 'RequestLimitExceeded'])
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'TimeoutError'])

/** What the caller was doing when the error happened, for the message. */
export interface ErrorContext {
  /** The AWS operation, for example `lakeformation:GetDataLakeSettings`. */
  operation?: string
  /** The endpoint in use, when it was overridden. */
  endpoint?: string
}

/**
 * The IAM action an AccessDenied message names, if any. AWS phrases it as
 * "... is not authorized to perform: glue:GetTable on resource: ...".
 */
export function missingActionOf(message: string): string | undefined {
  return /not authorized to perform:?\s+([A-Za-z0-9-]+:[A-Za-z0-9*]+)/.exec(message)?.[1]
}

function nameOf(error: Error & {code?: string; Code?: string}): string {
  // Network errors carry the errno in `code`; SDK service errors carry the AWS error code in `name`.
  if (error.code && NETWORK.has(error.code)) return error.code
  return error.name === 'Error' && error.Code ? error.Code : error.name
}

/**
 * Turns an error thrown by an AWS SDK call into a LakegovError with the right exit code and a fix.
 * Errors lakegov does not recognise keep their AWS name and message and exit 1.
 */
export function toLakegovError(error: unknown, context: ErrorContext = {}): LakegovError {
  if (error instanceof LakegovError) return error
  if (!(error instanceof Error)) return new LakegovError(String(error), {exitCode: ExitCode.Internal, code: 'UNKNOWN'})

  const name = nameOf(error)
  const during = context.operation ? ` (during ${context.operation})` : ''
  const message = error.message

  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new LakegovError(`No AWS credentials found${during}.`, {
      exitCode: ExitCode.AwsAccess,
      code: 'AWS_NO_CREDENTIALS',
      suggestions: CREDENTIAL_FIXES,
      cause: error,
    })
  }

  if (EXPIRED.has(name) || /(token|session).*(expired|refresh)/i.test(message)) {
    return new LakegovError(`Your AWS credentials have expired${during}: ${message}`, {
      exitCode: ExitCode.AwsAccess,
      code: 'AWS_EXPIRED_CREDENTIALS',
      suggestions: ['Run `aws sso login --profile NAME` (SSO), or refresh the temporary credentials you exported.'],
      cause: error,
    })
  }

  if (INVALID_CREDENTIALS.has(name)) {
    return new LakegovError(`AWS rejected the credentials${during}: ${name}: ${message}`, {
      exitCode: ExitCode.AwsAccess,
      code: 'AWS_INVALID_CREDENTIALS',
      suggestions: ['Check that the access key belongs to the account you mean, or pick another one with --profile.'],
      cause: error,
    })
  }

  if (ACCESS_DENIED.has(name) || name.endsWith('AccessDeniedException')) {
    const action = missingActionOf(message)
    const lakeFormation = /lake formation permission/i.test(message)
    const suggestions = action
      ? [`Allow ${action} in the IAM policy of the identity lakegov runs as.`]
      : lakeFormation
        ? ['Grant the missing Lake Formation permission, or run lakegov as a data lake administrator.']
        : context.operation
          ? [`Allow ${context.operation} in the IAM policy of the identity lakegov runs as.`]
          : ['Check the IAM policy of the identity lakegov runs as (see README: Required permissions).']
    return new LakegovError(`Access denied${during}: ${message}`, {
      exitCode: ExitCode.AwsAccess,
      code: 'AWS_ACCESS_DENIED',
      suggestions,
      cause: error,
    })
  }

  if (/region is missing/i.test(message)) {
    return new LakegovError('No AWS region is set.', {
      exitCode: ExitCode.Usage,
      code: 'AWS_NO_REGION',
      suggestions: ['Pass --region (for example --region us-east-1), set AWS_REGION, or set region in your profile.'],
      cause: error,
    })
  }

  if (NETWORK.has(name)) {
    const where = context.endpoint ? ` at ${context.endpoint}` : ''
    return new LakegovError(`Could not reach AWS${where}${during}: ${name}: ${message}`, {
      exitCode: ExitCode.Internal,
      code: 'AWS_UNREACHABLE',
      suggestions: context.endpoint
        ? [`Check that the endpoint ${context.endpoint} is up (for the local sandbox: npm run sandbox).`]
        : ['Check your network connection and proxy settings.'],
      cause: error,
    })
  }

  if (THROTTLED.has(name)) {
    return new LakegovError(`AWS kept throttling the requests${during}, even after retries: ${message}`, {
      exitCode: ExitCode.Internal,
      code: 'AWS_THROTTLED',
      suggestions: ['Run again later, or allow more attempts with --max-attempts.'],
      cause: error,
    })
  }

  return new LakegovError(`AWS error${during}: ${name}: ${message}`, {
    exitCode: ExitCode.Internal,
    code: `AWS_${name}`,
    suggestions: ['If this looks like a lakegov bug, run again with DEBUG=lakegov* and report it.'],
    cause: error,
  })
}

/** Runs one AWS call and maps whatever it throws, naming the operation in the message. */
export async function callAws<T>(operation: string, call: () => Promise<T>, endpoint?: string): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw toLakegovError(error, {operation, endpoint})
  }
}

/** The AWS error code of an SDK error (its name), or the errno of a network error. */
export function errorNameOf(error: unknown): string {
  return error instanceof Error ? nameOf(error) : ''
}

/** The HTTP status of an SDK error's response, if it got one. */
export function httpStatusOf(error: unknown): number | undefined {
  return (error as {$metadata?: {httpStatusCode?: number}})?.$metadata?.httpStatusCode
}

/**
 * Runs a read whose "not there" error is an answer, not a failure (NoSuchBucketPolicy,
 * EntityNotFoundException...): those give undefined; anything else is mapped as callAws does.
 */
export async function callAwsOrAbsent<T>(operation: string, call: () => Promise<T>, absent: readonly string[], endpoint?: string): Promise<T | undefined> {
  try {
    return await call()
  } catch (error) {
    if (absent.includes(errorNameOf(error))) return undefined
    throw toLakegovError(error, {operation, endpoint})
  }
}
