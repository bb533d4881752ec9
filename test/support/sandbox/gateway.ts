import http from 'node:http'
import type {AddressInfo} from 'node:net'

import type {LakeFormationModel} from '../lakeformation/model'
import {handleRestJson, nextRequestId, signedRegionOf} from '../lakeformation/rest-json'
import {type CannedResponse, deniedResponse, serverErrorResponse, throttlingResponse} from './fault-responses'
import {type FaultInjector, FaultOptionsError, parseFaultOptions} from './faults'
import {type Protocol, needsBody, operationOf, protocolOf, serviceOf} from './protocols'
import type {GlueExtension} from './glue/glue-extension'
import type {CloudTrailChecks} from './cloudtrail-checks'
import type {KmsChecks} from './kms-checks'
import type {BucketPolicies} from './s3-policies'
import type {CallStats} from './stats'
import type {CloudTrailLogStore} from './cloudtrail/log-store'
import type {LookupEventsService} from './cloudtrail/lookup-events'
import type {AthenaService} from './athena/athena'
import type {AlarmsExtension} from './alarms/index'

/** What the gateway fronts. */
export interface GatewayParts {
  /** moto's own endpoint, http://127.0.0.1:PORT. */
  motoEndpoint: string
  /** Serves lakeformation calls. */
  model: LakeFormationModel
  /** Serves the Glue operations moto lacks or gets wrong (classifiers, crawler extras, crawls). */
  glue: GlueExtension
  /** Serves bucket policies, which moto evaluates without their conditions. */
  bucketPolicies: BucketPolicies
  /** Refuses the trails CloudTrail refuses and moto accepts. */
  cloudTrail: CloudTrailChecks
  /** Refuses the key policies KMS refuses and moto accepts. */
  kms: KmsChecks
  /** Decides latency and faults per call. */
  faults: FaultInjector
  /** Counts calls. */
  stats: CallStats
  /** The CloudTrail records in the sandbox's S3; told of every S3 write so that it lists again. */
  cloudTrailLogs: CloudTrailLogStore
  /** Serves CloudTrail LookupEvents, which moto lacks. */
  lookupEvents: LookupEventsService
  /** Serves Athena, whose SQL moto never runs. */
  athena: AthenaService
  /** Serves the CloudWatch Logs, CloudWatch and SNS calls moto gets wrong on the alarms path. */
  alarms: AlarmsExtension
  /** Clears everything, for POST /_sandbox/reset. */
  reset: () => Promise<void>
  /** Progress lines. */
  log: (line: string) => void
}

// Hop-by-hop headers belong to one connection; forwarding them would confuse the next hop.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect'])

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.once('end', () => resolve(Buffer.concat(chunks)))
    request.once('error', reject)
  })
}

function send(response: http.ServerResponse, method: string, canned: CannedResponse): void {
  const body = method === 'HEAD' ? '' : canned.body
  response.writeHead(canned.status, {...canned.headers, 'content-length': Buffer.byteLength(body)})
  response.end(body)
}

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  response.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)})
  response.end(body)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function forwardHeaders(headers: http.IncomingHttpHeaders, bodyLength?: number): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value
  if (bodyLength !== undefined) out['content-length'] = bodyLength
  return out
}

/**
 * Creates the gateway: special /_sandbox routes, then for every AWS call, counting, latency, faults,
 * and routing (Lake Formation to the model, the rest to moto, byte for byte).
 */
export function createGateway(parts: GatewayParts): http.Server {
  const moto = new URL(parts.motoEndpoint)
  const motoAgent = new http.Agent({keepAlive: true})

  /** Streams the call to moto and moto's answer back, status and headers as moto sent them. */
  const forward = (request: http.IncomingMessage, response: http.ServerResponse, body?: Buffer) => {
    const upstream = http.request(
      {
        host: moto.hostname,
        port: moto.port,
        method: request.method,
        path: request.url,
        headers: forwardHeaders(request.headers, body?.length),
        agent: motoAgent,
      },
      (motoResponse) => {
        const headers: http.OutgoingHttpHeaders = {}
        for (const [name, value] of Object.entries(motoResponse.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value
        response.writeHead(motoResponse.statusCode ?? 502, motoResponse.statusMessage, headers)
        motoResponse.pipe(response)
      },
    )
    upstream.once('error', (error) => {
      parts.log(`gateway: moto failed on ${request.method} ${request.url}: ${error.message}`)
      if (!response.headersSent) {
        response.writeHead(502, {'content-type': 'text/plain'})
        response.end(`The lakegov sandbox could not reach moto: ${error.message}`)
      } else response.destroy()
    })
    if (body) upstream.end(body)
    else request.pipe(upstream)
  }

  const serveSandboxRoute = async (request: http.IncomingMessage, response: http.ServerResponse, path: string) => {
    const route = `${request.method} ${path}`
    if (route === 'GET /_sandbox/stats') return sendJson(response, 200, parts.stats.snapshot())
    if (route === 'GET /_sandbox/faults') return sendJson(response, 200, parts.faults.current())
    if (route === 'POST /_sandbox/reset') {
      await readBody(request)
      await parts.reset()
      return sendJson(response, 200, {reset: true})
    }
    if (route === 'GET /_sandbox/cloudtrail') return sendJson(response, 200, {lookupEventsPerSecond: parts.lookupEvents.rate})
    if (route === 'POST /_sandbox/cloudtrail') {
      const text = (await readBody(request)).toString('utf8')
      try {
        const input = (text.trim() === '' ? {} : JSON.parse(text)) as {lookupEventsPerSecond?: number}
        const unknown = Object.keys(input).filter((key) => key !== 'lookupEventsPerSecond')
        if (unknown.length > 0) throw new Error(`Unknown CloudTrail option(s): ${unknown.join(', ')}.`)
        if (input.lookupEventsPerSecond !== undefined) parts.lookupEvents.setRate(input.lookupEventsPerSecond)
      } catch (error) {
        return sendJson(response, 400, {message: (error as Error).message})
      }
      return sendJson(response, 200, {lookupEventsPerSecond: parts.lookupEvents.rate})
    }
    if (route === 'GET /_sandbox/athena') return sendJson(response, 200, parts.athena.controls())
    if (route === 'POST /_sandbox/athena') {
      const text = (await readBody(request)).toString('utf8')
      try {
        parts.athena.setControls(text.trim() === '' ? {} : JSON.parse(text))
      } catch (error) {
        return sendJson(response, 400, {message: (error as Error).message})
      }
      return sendJson(response, 200, parts.athena.controls())
    }
    if (route === 'GET /_sandbox/sns') return sendJson(response, 200, {pending: parts.alarms.sns.listPending()})
    if (route === 'POST /_sandbox/sns') {
      const text = (await readBody(request)).toString('utf8')
      try {
        const input = (text.trim() === '' ? {} : JSON.parse(text)) as {confirm?: unknown}
        if (typeof input.confirm !== 'string' || Object.keys(input).length !== 1) throw new Error('Expected {"confirm": "ADDRESS"} ("*" confirms every pending subscription).')
        return sendJson(response, 200, {confirmed: parts.alarms.sns.confirm(input.confirm)})
      } catch (error) {
        return sendJson(response, 400, {message: (error as Error).message})
      }
    }
    if (route === 'POST /_sandbox/faults') {
      const text = (await readBody(request)).toString('utf8')
      try {
        parts.faults.update(parseFaultOptions(text.trim() === '' ? {} : JSON.parse(text)))
      } catch (error) {
        if (error instanceof FaultOptionsError || error instanceof SyntaxError) return sendJson(response, 400, {message: error.message})
        throw error
      }
      return sendJson(response, 200, parts.faults.current())
    }
    sendJson(response, 404, {message: `No sandbox route ${route}. Routes: GET /_sandbox/stats, GET|POST /_sandbox/faults, GET|POST /_sandbox/cloudtrail, GET|POST /_sandbox/athena, GET|POST /_sandbox/sns, POST /_sandbox/reset.`})
  }

  const serveAwsCall = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const method = request.method ?? 'GET'
    const url = request.url ?? '/'
    const service = serviceOf(request.headers, url)
    const protocol: Protocol = protocolOf(service, request.headers)
    let body = needsBody(service, protocol) ? await readBody(request) : undefined
    const operation = operationOf(service, protocol, {method, url, headers: request.headers, body})
    // awsJson operations are named by header; only the Glue calls served here need their body read.
    const glueCall = service === 'glue' && parts.glue.handles(operation)
    if (glueCall) body ??= await readBody(request)
    const policyCall = service === 's3' && parts.bucketPolicies.handles(operation)
    if (policyCall) body ??= await readBody(request)
    const trailCall = service === 'cloudtrail' && parts.cloudTrail.handles(operation)
    if (trailCall) body ??= await readBody(request)
    const keyPolicyCall = service === 'kms' && parts.kms.handles(operation)
    if (keyPolicyCall) body ??= await readBody(request)
    const lookupCall = service === 'cloudtrail' && operation === 'LookupEvents'
    const athenaCall = service === 'athena' && parts.athena.handles(operation)
    if (lookupCall || athenaCall) body ??= await readBody(request)
    // Any S3 write may add, change or remove a CloudTrail log file: LookupEvents lists again.
    const alarmsCall = parts.alarms.handles(service, operation)
    if (alarmsCall) body ??= await readBody(request)
    if (service === 's3' && method !== 'GET' && method !== 'HEAD') parts.cloudTrailLogs.invalidate()
    const serviceName = service ?? 'unknown'
    parts.stats.countCall(serviceName, operation)

    if (parts.faults.latencyMs > 0) await sleep(parts.faults.latencyMs)
    const fault = parts.faults.decide(serviceName, operation)
    if (fault) {
      parts.stats.countFault(fault)
      parts.log(`gateway: injecting ${fault} into ${serviceName}:${operation}`)
      if (fault === 'drop') {
        request.socket.destroy()
        return
      }
      const requestId = nextRequestId()
      const canned = fault === 'throttle' ? throttlingResponse(protocol, requestId) : fault === 'denied' ? deniedResponse(protocol, serviceName, operation, requestId) : serverErrorResponse(protocol, requestId)
      return send(response, method, canned)
    }

    if (service === 'lakeformation') {
      const region = signedRegionOf(String(request.headers.authorization ?? ''))
      const answer = await handleRestJson(parts.model, {method, path: url, body: (body ?? Buffer.alloc(0)).toString('utf8'), region})
      return send(response, method, answer)
    }
    if (lookupCall) return send(response, method, await parts.lookupEvents.handle(body ?? Buffer.alloc(0), signedRegionOf(String(request.headers.authorization ?? '')) ?? 'us-east-1'))
    if (athenaCall) return send(response, method, await parts.athena.handle(operation, body ?? Buffer.alloc(0), signedRegionOf(String(request.headers.authorization ?? '')) ?? 'us-east-1'))
    if (alarmsCall) {
      const region = signedRegionOf(String(request.headers.authorization ?? '')) ?? 'us-east-1'
      return send(response, method, await parts.alarms.handle({service: service ?? '', operation, method, url, headers: request.headers, body: body ?? Buffer.alloc(0), region}))
    }
    if (glueCall) return send(response, method, await parts.glue.handle({operation, body: body ?? Buffer.alloc(0), headers: request.headers}))
    if (trailCall) {
      const refused = await parts.cloudTrail.check(body ?? Buffer.alloc(0), signedRegionOf(String(request.headers.authorization ?? '')) ?? 'us-east-1', operation)
      if (refused !== undefined) return send(response, method, refused)
    }
    if (keyPolicyCall) {
      const refused = await parts.kms.check(body ?? Buffer.alloc(0))
      if (refused !== undefined) return send(response, method, refused)
    }
    if (policyCall) {
      const answer = await parts.bucketPolicies.handle({operation, url, body: body ?? Buffer.alloc(0)})
      if (answer !== 'forward') return send(response, method, answer)
    }
    forward(request, response, body)
  }

  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    const handling = path.startsWith('/_sandbox/')
      ? serveSandboxRoute(request, response, path)
      : // moto's own API (reset, dashboard) passes through untouched: never counted, never faulted.
        path.startsWith('/moto-api/')
        ? Promise.resolve(forward(request, response))
        : serveAwsCall(request, response)
    handling.catch((error: Error) => {
      parts.log(`gateway: ${request.method} ${request.url} failed: ${error.stack ?? error.message}`)
      if (!response.headersSent) sendJson(response, 500, {message: `The lakegov sandbox failed: ${error.message}`})
      else response.destroy()
    })
  })
  server.on('close', () => motoAgent.destroy())
  return server
}

/** Listens on 127.0.0.1 only: the sandbox must never be reachable from outside this machine. */
export function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.removeListener('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/** Closes the server, including idle keep-alive connections, which would otherwise hold it open. */
export function close(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()))
    server.closeAllConnections()
  })
}
