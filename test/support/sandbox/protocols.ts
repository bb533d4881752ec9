import type {IncomingHttpHeaders} from 'node:http'

import {s3OperationOf} from './s3-operations'

/** The wire protocols of the services the sandbox serves; each has its own error shape. */
export type Protocol = 'restJson1' | 'awsJson1_1' | 'awsQuery' | 'restXml'

const PROTOCOL_BY_SERVICE: Record<string, Protocol> = {
  athena: 'awsJson1_1',
  cloudtrail: 'awsJson1_1',
  glue: 'awsJson1_1',
  iam: 'awsQuery',
  lakeformation: 'restJson1',
  s3: 'restXml',
  sts: 'awsQuery',
}

/** x-amz-target prefixes of the awsJson services, for calls that carry no SigV4 scope. */
const SERVICE_BY_TARGET_PREFIX: Record<string, string> = {
  AWSGlue: 'glue',
  AmazonAthena: 'athena',
  'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101': 'cloudtrail',
  CloudTrail_20131101: 'cloudtrail',
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/**
 * The service a call is for: the SigV4 credential scope (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`)
 * in the Authorization header or a presigned URL, else the x-amz-target prefix.
 */
export function serviceOf(headers: IncomingHttpHeaders, url: string): string | undefined {
  const authorization = header(headers, 'authorization') ?? ''
  const scope = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization)
  if (scope) return scope[1]
  const presigned = new URL(url, 'http://sandbox').searchParams.get('X-Amz-Credential')
  const presignedService = presigned?.split('/')[3]
  if (presignedService) return presignedService
  const target = header(headers, 'x-amz-target')
  if (target) {
    const prefix = target.split('.').slice(0, -1).join('.')
    return SERVICE_BY_TARGET_PREFIX[prefix] ?? prefix.toLowerCase()
  }
  return undefined
}

/** The protocol of a service; for services the sandbox does not know, a guess from the request's shape. */
export function protocolOf(service: string | undefined, headers: IncomingHttpHeaders): Protocol {
  if (service && PROTOCOL_BY_SERVICE[service]) return PROTOCOL_BY_SERVICE[service]
  if (header(headers, 'x-amz-target')) return 'awsJson1_1'
  if ((header(headers, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) return 'awsQuery'
  return 'restXml'
}

/** Whether the gateway must read the whole body before it can name the operation or serve the call. */
export function needsBody(service: string | undefined, protocol: Protocol): boolean {
  return service === 'lakeformation' || protocol === 'awsQuery'
}

/** What the gateway knows of a call when it names its operation. */
export interface CallShape {
  /** The HTTP method. */
  method: string
  /** The path and query. */
  url: string
  /** The request headers. */
  headers: IncomingHttpHeaders
  /** The body, when it was read (restJson1 and awsQuery calls). */
  body?: Buffer
}

/** The operation name the stats and failNext rules use. */
export function operationOf(service: string | undefined, protocol: Protocol, call: CallShape): string {
  const url = new URL(call.url, 'http://sandbox')
  switch (protocol) {
    case 'restJson1':
      return decodeURIComponent(url.pathname.replace(/^\/+/, '')) || `${call.method} /`
    case 'awsJson1_1': {
      const target = header(call.headers, 'x-amz-target') ?? ''
      return target.split('.').pop() || 'Unknown'
    }
    case 'awsQuery': {
      const fromQuery = url.searchParams.get('Action')
      const fromBody = call.body ? new URLSearchParams(call.body.toString('utf8')).get('Action') : null
      return fromBody ?? fromQuery ?? 'Unknown'
    }
    case 'restXml':
      return service === 's3' || service === undefined ? s3OperationOf(call.method, url, call.headers) : `${call.method} ${url.pathname}`
  }
}
