import {LakegovError} from '../core/errors'
import {ExitCode, type ExitCodeValue} from '../core/exit-codes'

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

/** What a matcher sees of an error: its AWS name, its message, and what the caller was doing. */
interface Seen {
  name: string
  message: string
  /** ` (during OPERATION)`, or empty. */
  during: string
  context: ErrorContext
}

/** One kind of AWS error: when it applies, and the LakegovError it becomes. */
interface ErrorMatcher {
  matches: (seen: Seen) => boolean
  exitCode: ExitCodeValue
  code: string
  message: (seen: Seen) => string
  suggestions: (seen: Seen) => string[]
}

function accessDeniedFixes({message, context}: Seen): string[] {
  const action = missingActionOf(message)
  if (action) return [`Allow ${action} in the IAM policy of the identity lakegov runs as.`]
  if (/lake formation permission/i.test(message)) return ['Grant the missing Lake Formation permission, or run lakegov as a data lake administrator.']
  if (context.operation) return [`Allow ${context.operation} in the IAM policy of the identity lakegov runs as.`]
  return ['Check the IAM policy of the identity lakegov runs as (see README: Required permissions).']
}

/** The known kinds, first match wins; an error none matches keeps its AWS name and exits 1. */
const MATCHERS: ErrorMatcher[] = [
  {
    matches: ({name, message}) => name === 'CredentialsProviderError' || /Could not load credentials/i.test(message),
    exitCode: ExitCode.AwsAccess,
    code: 'AWS_NO_CREDENTIALS',
    message: ({during}) => `No AWS credentials found${during}.`,
    suggestions: () => CREDENTIAL_FIXES,
  },
  {
    matches: ({name, message}) => EXPIRED.has(name) || /(token|session).*(expired|refresh)/i.test(message),
    exitCode: ExitCode.AwsAccess,
    code: 'AWS_EXPIRED_CREDENTIALS',
    message: ({during, message}) => `Your AWS credentials have expired${during}: ${message}`,
    suggestions: () => ['Run `aws sso login --profile NAME` (SSO), or refresh the temporary credentials you exported.'],
  },
  {
    matches: ({name}) => INVALID_CREDENTIALS.has(name),
    exitCode: ExitCode.AwsAccess,
    code: 'AWS_INVALID_CREDENTIALS',
    message: ({during, name, message}) => `AWS rejected the credentials${during}: ${name}: ${message}`,
    suggestions: () => ['Check that the access key belongs to the account you mean, or pick another one with --profile.'],
  },
  {
    matches: ({name}) => ACCESS_DENIED.has(name) || name.endsWith('AccessDeniedException'),
    exitCode: ExitCode.AwsAccess,
    code: 'AWS_ACCESS_DENIED',
    message: ({during, message}) => `Access denied${during}: ${message}`,
    suggestions: accessDeniedFixes,
  },
  {
    matches: ({message}) => /region is missing/i.test(message),
    exitCode: ExitCode.Usage,
    code: 'AWS_NO_REGION',
    message: () => 'No AWS region is set.',
    suggestions: () => ['Pass --region (for example --region us-east-1), set AWS_REGION, or set region in your profile.'],
  },
  {
    matches: ({name}) => NETWORK.has(name),
    exitCode: ExitCode.Internal,
    code: 'AWS_UNREACHABLE',
    message: ({during, name, message, context}) => `Could not reach AWS${context.endpoint ? ` at ${context.endpoint}` : ''}${during}: ${name}: ${message}`,
    suggestions: ({context}) =>
      context.endpoint ? [`Check that the endpoint ${context.endpoint} is up (for the local sandbox: npm run sandbox).`] : ['Check your network connection and proxy settings.'],
  },
  {
    matches: ({name}) => THROTTLED.has(name),
    exitCode: ExitCode.Internal,
    code: 'AWS_THROTTLED',
    message: ({during, message}) => `AWS kept throttling the requests${during}, even after retries: ${message}`,
    suggestions: () => ['Run again later, or allow more attempts with --max-attempts.'],
  },
]

/**
 * Turns an error thrown by an AWS SDK call into a LakegovError with the right exit code and a fix.
 * Errors lakegov does not recognise keep their AWS name and message and exit 1.
 */
export function toLakegovError(error: unknown, context: ErrorContext = {}): LakegovError {
  if (error instanceof LakegovError) return error
  if (!(error instanceof Error)) return new LakegovError(String(error), {exitCode: ExitCode.Internal, code: 'UNKNOWN'})
  const seen: Seen = {name: nameOf(error), message: error.message, during: context.operation ? ` (during ${context.operation})` : '', context}
  const matcher = MATCHERS.find((candidate) => candidate.matches(seen))
  if (matcher) return new LakegovError(matcher.message(seen), {exitCode: matcher.exitCode, code: matcher.code, suggestions: matcher.suggestions(seen), cause: error})
  return new LakegovError(`AWS error${seen.during}: ${seen.name}: ${seen.message}`, {
    exitCode: ExitCode.Internal,
    code: `AWS_${seen.name}`,
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
