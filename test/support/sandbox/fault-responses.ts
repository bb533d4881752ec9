import {restJsonError} from '../lakeformation/rest-json'
import type {Protocol} from './protocols'

/** A canned HTTP answer. */
export interface CannedResponse {
  /** The HTTP status. */
  status: number
  /** Response headers, lower-case names. */
  headers: Record<string, string>
  /** The body; sent only when the method allows one. */
  body: string
}

function xml(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`
}

function queryError(status: number, type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): CannedResponse {
  return {
    status,
    headers: {'content-type': 'text/xml', 'x-amzn-requestid': requestId},
    body: xml(`<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`),
  }
}

function jsonError(status: number, code: string, message: string, requestId: string): CannedResponse {
  return {
    status,
    headers: {'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId},
    body: JSON.stringify({__type: code, message}),
  }
}

function s3Error(status: number, code: string, message: string, requestId: string): CannedResponse {
  return {
    status,
    headers: {'content-type': 'application/xml', 'x-amz-request-id': requestId},
    body: xml(`<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`),
  }
}

/** Throttling exactly as each protocol's real services send it, so the SDK classifies and retries it. */
export function throttlingResponse(protocol: Protocol, requestId: string): CannedResponse {
  switch (protocol) {
    case 'restJson1':
      return restJsonError('ThrottlingException', 400, 'Rate exceeded', requestId)
    case 'awsJson1_1':
      return jsonError(400, 'ThrottlingException', 'Rate exceeded', requestId)
    case 'awsQuery':
      return queryError(400, 'Sender', 'Throttling', 'Rate exceeded', requestId)
    case 'restXml':
      return s3Error(503, 'SlowDown', 'Please reduce your request rate.', requestId)
  }
}

/** An internal server error in each protocol's shape. */
export function serverErrorResponse(protocol: Protocol, requestId: string): CannedResponse {
  const message = 'Injected by the lakegov sandbox: internal failure.'
  switch (protocol) {
    case 'restJson1':
      return restJsonError('InternalServiceException', 500, message, requestId)
    case 'awsJson1_1':
      return jsonError(500, 'InternalFailure', message, requestId)
    case 'awsQuery':
      return queryError(500, 'Receiver', 'InternalFailure', message, requestId)
    case 'restXml':
      return s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.', requestId)
  }
}

/**
 * An access denial as each service sends it, for a principal without the permission (the caller is
 * the sandbox's default moto user). S3: 403 AccessDenied "Access Denied" (S3 API reference, "Error
 * responses", List of error codes). JSON protocols (Athena, Glue, ...): 400 AccessDeniedException
 * with IAM's "is not authorized to perform" message (Athena API reference, "Common Errors":
 * AccessDeniedException, HTTP 400). restJson1 (Lake Formation): 403 AccessDeniedException (Lake
 * Formation API reference, the Errors of each action, e.g. GrantPermissions: "AccessDeniedException
 * ... HTTP Status Code: 403"). Query protocol (IAM, STS): 403 AccessDenied with the same "is not
 * authorized to perform" message (IAM user guide, "Troubleshoot access denied error messages"); the
 * IAM API reference's Common Errors list only a generic AccessDeniedException with 400 and say
 * nothing of the query-protocol code, so this takes the form IAM's user guide shows, a refusal either way.
 */
export function deniedResponse(protocol: Protocol, service: string, operation: string, requestId: string): CannedResponse {
  const message = `User: arn:aws:iam::123456789012:user/moto is not authorized to perform: ${service}:${operation} because no identity-based policy allows the ${service}:${operation} action`
  switch (protocol) {
    case 'restJson1':
      return restJsonError('AccessDeniedException', 403, message, requestId)
    case 'awsJson1_1':
      return jsonError(400, 'AccessDeniedException', message, requestId)
    case 'awsQuery':
      return queryError(403, 'Sender', 'AccessDenied', message, requestId)
    case 'restXml':
      return s3Error(403, 'AccessDenied', 'Access Denied', requestId)
  }
}
