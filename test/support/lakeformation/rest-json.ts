import {LakeFormationError, notModelled} from './errors'
import type {LakeFormationModel} from './model'

/** A Lake Formation call as it arrives over HTTP. */
export interface RestJsonRequest {
  /** The HTTP method; every Lake Formation operation is a POST. */
  method: string
  /** The request path, `/OperationName`, optionally with a query string. */
  path: string
  /** The raw JSON body; empty means no input. */
  body: string
  /** The region the call was signed for (its SigV4 credential scope); us-east-1 when absent. */
  region?: string
}

/** What to send back, ready for node:http or nock. */
export interface RestJsonResponse {
  /** The HTTP status. */
  status: number
  /** Response headers, lower-case names. */
  headers: Record<string, string>
  /** The JSON body. */
  body: string
}

let requestCounter = 0

/** Request ids are a counter, not random, so that two runs of the same test produce the same bytes. */
export function nextRequestId(): string {
  requestCounter += 1
  return `00000000-0000-4000-8000-${requestCounter.toString(16).padStart(12, '0')}`
}

/** restJson1 sends timestamps as epoch seconds unless a member says otherwise; none in Lake Formation does. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000
  if (Array.isArray(value)) return value.map(toWire)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toWire(v)]))
  }
  return value
}

/** An error the way Lake Formation sends it: the code in `x-amzn-ErrorType`, the text in `Message`. */
export function restJsonError(code: string, status: number, message: string, requestId = nextRequestId()): RestJsonResponse {
  return {
    status,
    headers: {'content-type': 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId},
    body: JSON.stringify({Message: message}),
  }
}

function operationOf(method: string, path: string): string {
  const route = path.split('?')[0]
  const operation = decodeURIComponent(route.replace(/^\/+/, ''))
  if (method.toUpperCase() !== 'POST' || operation === '' || operation.includes('/')) throw notModelled(`${method} ${route}`)
  return operation
}

/** Serves one restJson1 request from the model; never throws, as every failure is an AWS-shaped response. */
export async function handleRestJson(model: LakeFormationModel, request: RestJsonRequest, requestId = nextRequestId()): Promise<RestJsonResponse> {
  try {
    const operation = operationOf(request.method, request.path)
    let input: unknown
    try {
      input = request.body.trim() === '' ? {} : JSON.parse(request.body)
    } catch {
      return restJsonError('SerializationException', 400, 'The request body is not valid JSON.', requestId)
    }
    const output = await model.handle(operation, input, {region: request.region})
    return {
      status: 200,
      headers: {'content-type': 'application/json', 'x-amzn-requestid': requestId},
      body: JSON.stringify(toWire(output)),
    }
  } catch (error) {
    if (error instanceof LakeFormationError) return restJsonError(error.code, error.status, error.message, requestId)
    return restJsonError('InternalServiceException', 500, `The lakegov sandbox failed: ${String(error)}`, requestId)
  }
}

/** The region in a request's SigV4 credential scope (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`), if any. */
export function signedRegionOf(authorization: string | undefined): string | undefined {
  return /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/[^/]+\/aws4_request/.exec(authorization ?? '')?.[1]
}

/** The operation a restJson1 path names, for call statistics; undefined when the path names none. */
export function restJsonOperation(path: string): string | undefined {
  const operation = decodeURIComponent(path.split('?')[0].replace(/^\/+/, ''))
  return operation === '' ? undefined : operation
}
