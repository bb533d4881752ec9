/**
 * The one parser from a policy document (as IAM, S3 or KMS return it, or the wire document of
 * document.ts) to the normalised policy the evaluator reads: every list an array, every condition
 * value a string.
 *
 * A statement the parser cannot read is kept, with its problem: the evaluator treats it as one
 * that may apply under conditions it cannot decide (an Allow may grant, a Deny never denies), so a
 * malformed policy makes access `conditional` with the reason instead of hiding it. A document
 * that is not JSON at all becomes one such statement.
 */
import {policyJsonOf} from './document'

/** A statement's Principal or NotPrincipal: "*", or principal type -> identifiers. */
export type PrincipalSpec = '*' | Readonly<Record<string, readonly string[]>>

/** One operator's tests: condition key -> accepted values. */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>

/** One statement of a policy, with every list normalised to an array. */
export interface Statement {
  /** The statement id, when the document gives one. */
  sid?: string
  /** Allow or Deny; Allow for a statement whose Effect cannot be read (see `problem`). */
  effect: 'Allow' | 'Deny'
  /** Action patterns the statement applies to; exclusive with notAction. */
  action?: readonly string[]
  /** Action patterns the statement applies to everything but. */
  notAction?: readonly string[]
  /** Resource ARN patterns; undefined with notResource undefined means every resource. */
  resource?: readonly string[]
  /** Resource ARN patterns the statement applies to everything but. */
  notResource?: readonly string[]
  /** Who a resource policy statement applies to; undefined in identity policies. */
  principal?: PrincipalSpec
  /** Who a resource policy statement applies to everything but. */
  notPrincipal?: PrincipalSpec
  /** Operator -> key -> values, all strings; undefined when unconditional. */
  condition?: ConditionBlock
  /** Why the statement could not be read; such a statement applies to every request, undecidably. */
  problem?: string
}

/** A parsed policy. */
export interface Policy {
  /** The policy language version; policy variables are resolved only under 2012-10-17. */
  version?: string
  /** The statements, in document order. */
  statements: Statement[]
}

/** A policy with the name evidence refers to it by. */
export interface NamedPolicy {
  /** How the policy is named in evidence: "bucket-policy", "role/Analyst inline:ReadLogs", a managed policy ARN, ... */
  name: string
  /** The parsed policy. */
  document: Policy
}

/** A statement that cannot be read, or a part of one. */
class StatementProblem extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readStrings(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined
  const list = Array.isArray(value) ? value : [value]
  if (!list.every((item) => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean')) {
    throw new StatementProblem(`${field} must be a string or a list of strings.`)
  }
  return list.map(String)
}

function readPrincipal(value: unknown, field: string): PrincipalSpec | undefined {
  if (value === undefined) return undefined
  if (value === '*') return '*'
  if (!isRecord(value)) throw new StatementProblem(`${field} must be "*" or an object such as {"AWS": [...]}.`)
  return Object.fromEntries(Object.entries(value).map(([type, ids]) => [type, readStrings(ids, `${field}.${type}`) ?? []]))
}

function readCondition(value: unknown, field: string): ConditionBlock | undefined {
  if (value === undefined) return undefined
  if (!isRecord(value)) throw new StatementProblem(`${field} must be an object.`)
  return Object.fromEntries(
    Object.entries(value).map(([operator, tests]) => {
      if (!isRecord(tests)) throw new StatementProblem(`${field}.${operator} must be an object.`)
      return [operator, Object.fromEntries(Object.entries(tests).map(([key, values]) => [key, readStrings(values, `${field}.${operator}.${key}`) ?? []]))]
    }),
  )
}

function readStatement(value: unknown, index: number): Statement {
  const at = `Statement[${index}]`
  const effect = isRecord(value) && (value.Effect === 'Allow' || value.Effect === 'Deny') ? value.Effect : 'Allow'
  const sid = isRecord(value) && typeof value.Sid === 'string' && value.Sid !== '' ? value.Sid : undefined
  try {
    if (!isRecord(value)) throw new StatementProblem(`${at} must be an object.`)
    if (value.Effect !== 'Allow' && value.Effect !== 'Deny') throw new StatementProblem(`${at}.Effect must be Allow or Deny.`)
    const statement: Statement = {
      sid,
      effect,
      action: readStrings(value.Action, `${at}.Action`),
      notAction: readStrings(value.NotAction, `${at}.NotAction`),
      resource: readStrings(value.Resource, `${at}.Resource`),
      notResource: readStrings(value.NotResource, `${at}.NotResource`),
      principal: readPrincipal(value.Principal, `${at}.Principal`),
      notPrincipal: readPrincipal(value.NotPrincipal, `${at}.NotPrincipal`),
      condition: readCondition(value.Condition, `${at}.Condition`),
    }
    if ((statement.action === undefined) === (statement.notAction === undefined)) throw new StatementProblem(`${at} needs exactly one of Action and NotAction.`)
    if (statement.resource !== undefined && statement.notResource !== undefined) throw new StatementProblem(`${at} has both Resource and NotResource.`)
    if (statement.principal !== undefined && statement.notPrincipal !== undefined) throw new StatementProblem(`${at} has both Principal and NotPrincipal.`)
    return statement
  } catch (error) {
    if (!(error instanceof StatementProblem)) throw error
    return {sid, effect, problem: error.message}
  }
}

/** Whether a policy holds statements the parser could not read. */
export function policyProblems(policy: Policy): string[] {
  return policy.statements.flatMap((statement) => (statement.problem ? [statement.problem] : []))
}

/**
 * Parses a policy document: a JSON string, the URL-encoded JSON IAM returns, the wire document, or
 * any object. Statement may be one object or a list. Never throws: what cannot be read becomes a
 * statement with a `problem` (see the module comment).
 */
export function parsePolicy(raw: unknown): Policy {
  let value: unknown = raw
  if (typeof raw === 'string') {
    try {
      value = policyJsonOf(raw.trim())
    } catch {
      return {statements: [{effect: 'Allow', problem: 'The policy document is neither JSON nor URL-encoded JSON.'}]}
    }
  }
  if (!isRecord(value)) return {statements: [{effect: 'Allow', problem: 'A policy document must be a JSON object.'}]}
  const statements = value.Statement === undefined ? [] : Array.isArray(value.Statement) ? value.Statement : [value.Statement]
  return {...(typeof value.Version === 'string' ? {version: value.Version} : {}), statements: statements.map(readStatement)}
}

/** Parses a document and names it, for evidence. */
export function namedPolicy(name: string, raw: unknown): NamedPolicy {
  return {name, document: parsePolicy(raw)}
}
