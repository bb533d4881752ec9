import {invalidInput} from './errors'

/** A decoded request body: the model takes plain JSON values, whatever protocol carried them. */
export type Input = Record<string, unknown>

/** The request body as an object; the API rejects anything else before any handler runs. */
export function asInput(value: unknown): Input {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidInput('The request body must be a JSON object.')
  return value as Input
}

export function requiredString(input: Input, field: string): string {
  const value = input[field]
  if (value === undefined || value === null || value === '') throw invalidInput(`${field} is required.`)
  if (typeof value !== 'string') throw invalidInput(`${field} must be a string.`)
  return value
}

export function optionalString(input: Input, field: string, pattern?: RegExp): string | undefined {
  const value = input[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw invalidInput(`${field} must be a string.`)
  if (pattern && !pattern.test(value)) throw invalidInput(`${field} ${JSON.stringify(value)} does not match ${pattern.source}.`)
  return value
}

export function optionalBoolean(input: Input, field: string): boolean | undefined {
  const value = input[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw invalidInput(`${field} must be a boolean.`)
  return value
}

export function optionalInteger(input: Input, field: string, min: number, max: number): number | undefined {
  const value = input[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidInput(`${field} must be an integer from ${min} to ${max}.`)
  }
  return value
}

export function optionalObject(input: Input, field: string): Input | undefined {
  const value = input[field]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidInput(`${field} must be an object.`)
  return value as Input
}

export function optionalList(input: Input, field: string): unknown[] | undefined {
  const value = input[field]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw invalidInput(`${field} must be a list.`)
  return value
}

/** The IAMRoleArn pattern from the API model. */
export const ROLE_ARN = /^arn:aws:iam::[0-9]*:role\/.*/
/** The AccountIdString pattern from the API model. */
export const ACCOUNT_ID = /^\d{12}$/
