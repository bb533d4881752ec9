import type {IncomingHttpHeaders} from 'node:http'

import {nextRequestId} from '../../lakeformation/rest-json'
import type {CannedResponse} from '../fault-responses'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

/** One AWS call the alarms extension serves, as the gateway read it. */
export interface AlarmsCall {
  /** The SigV4 service: logs, monitoring or sns. */
  service: string
  /** The operation. */
  operation: string
  /** The HTTP method. */
  method: string
  /** The path and query. */
  url: string
  /** The request headers. */
  headers: IncomingHttpHeaders
  /** The whole body. */
  body: Buffer
  /** The region of the SigV4 scope. */
  region: string
}

const DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'host', 'content-length', 'te', 'trailer'])

/** Sends the call to moto as it came and reads the whole answer, so that it can be checked or rewritten. */
export async function callMoto(motoEndpoint: string, call: AlarmsCall): Promise<CannedResponse> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(call.headers)) if (!DROPPED.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  const response = await fetch(new URL(call.url, motoEndpoint), {method: call.method, headers, body: call.method === 'GET' || call.method === 'HEAD' ? undefined : call.body})
  const out: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    if (!DROPPED.has(name) && name !== 'content-encoding') out[name] = value
  })
  return {status: response.status, headers: out, body: await response.text()}
}

/** An error in the awsJson shape; `queryCode` is the awsQuery code a query-compatible service (CloudWatch) also sends. */
export function jsonError(version: '1.0' | '1.1', status: number, type: string, message: string, queryCode?: string): CannedResponse {
  return {
    status,
    headers: {
      'content-type': `application/x-amz-json-${version}`,
      'x-amzn-requestid': nextRequestId(),
      ...(queryCode ? {'x-amzn-query-error': `${queryCode};Sender`} : {}),
    },
    body: JSON.stringify({__type: type, message}),
  }
}

/** A successful awsJson answer. */
export function jsonAnswer(version: '1.0' | '1.1', value: unknown): CannedResponse {
  return {status: 200, headers: {'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': nextRequestId()}, body: JSON.stringify(value)}
}

/** The JSON body of an awsJson call; an empty object for an empty or malformed body (moto then answers as it does). */
export function jsonBody(body: Buffer): Record<string, unknown> {
  try {
    const parsed = JSON.parse(body.toString('utf8') || '{}') as unknown
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** SDK clients bound to moto, one set per region. */
export class PerRegion<T extends {destroy(): void}> {
  private readonly clients = new Map<string, T>()

  constructor(private readonly make: (config: {region: string; endpoint: string; credentials: {accessKeyId: string; secretAccessKey: string}; maxAttempts: number}) => T, private readonly motoEndpoint: string) {}

  get(region: string): T {
    let client = this.clients.get(region)
    if (!client) {
      client = this.make({region, endpoint: this.motoEndpoint, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}, maxAttempts: 1})
      this.clients.set(region, client)
    }
    return client
  }

  close(): void {
    for (const client of this.clients.values()) client.destroy()
    this.clients.clear()
  }
}
