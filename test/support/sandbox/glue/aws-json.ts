import {nextRequestId} from '../../lakeformation/rest-json'
import type {CannedResponse} from '../fault-responses'

/** A Glue error the way Glue (awsJson1_1) sends it; the SDK names the exception after `__type`. */
export class GlueError extends Error {
  /** The error code, sent as `__type`. */
  readonly code: string
  /** The HTTP status; Glue sends every client error as a 400. */
  readonly status: number

  constructor(code: string, message: string, status = 400) {
    super(message)
    this.name = 'GlueError'
    this.code = code
    this.status = status
  }
}

export function entityNotFound(message: string): GlueError {
  return new GlueError('EntityNotFoundException', message)
}

export function alreadyExists(message: string): GlueError {
  return new GlueError('AlreadyExistsException', message)
}

export function invalidInput(message: string): GlueError {
  return new GlueError('InvalidInputException', message)
}

const JSON_HEADERS = {'content-type': 'application/x-amz-json-1.1'}

/** A successful awsJson1_1 answer. */
export function jsonResponse(value: unknown): CannedResponse {
  return {status: 200, headers: {...JSON_HEADERS, 'x-amzn-requestid': nextRequestId()}, body: JSON.stringify(value)}
}

/** An error answer in Glue's shape: `{"__type": code, "Message": text}`. */
export function errorResponse(error: GlueError): CannedResponse {
  return {status: error.status, headers: {...JSON_HEADERS, 'x-amzn-requestid': nextRequestId()}, body: JSON.stringify({__type: error.code, Message: error.message})}
}

/** awsJson1_1 carries timestamps as epoch seconds. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000
}

/** A JSON object from a request body; anything else is a client error, as it is on AWS. */
export type JsonObject = Record<string, unknown>

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function parseInput(body: Buffer): JsonObject {
  const text = body.toString('utf8').trim()
  if (text === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new GlueError('SerializationException', 'The request body is not valid JSON.')
  }
  if (!isObject(value)) throw new GlueError('SerializationException', 'The request body must be a JSON object.')
  return value
}

export function requiredString(input: JsonObject, field: string, where = ''): string {
  const value = input[field]
  if (typeof value !== 'string' || value === '') throw invalidInput(`${where}${field} is required.`)
  return value
}
