/**
 * An IAM policy evaluator, for the audit's "who can read the log objects past Lake Formation"
 * question. It evaluates identity policies (roles, users, groups, permissions boundaries) and
 * resource policies (bucket policies) the way IAM does within one account: an explicit Deny wins,
 * then any Allow, else the request is implicitly denied.
 *
 * It knows nothing of the request context beyond what the caller passes in `context`. A Condition
 * whose keys are not all in the context cannot be decided; rather than guess, the evaluator says
 * 'conditional', so an audit shows the access instead of silently dropping it.
 *
 * Policy variables in resources (${aws:username}) take their value from the context; an unknown
 * one matches anything and makes the statement conditional. ${*}, ${?} and ${$} are read as *, *
 * and $: a literal star cannot be told from a wildcard here, and reading it as one over-reports.
 *
 * Out of scope, on purpose: SCPs, RCPs, session policies, KMS key policies and ACLs. An audit that
 * ignores them can only over-report access, never hide it.
 */
import {isSamePrincipal} from '../model/principal'
import {compareText} from '../order'
import {policyJsonOf} from '../lake/policy-document'

/** A statement's Principal or NotPrincipal: "*", or principal type -> identifiers. */
export type PrincipalSpec = '*' | Readonly<Record<string, readonly string[]>>

/** One operator's tests: condition key -> accepted values. */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>

/** One statement of a policy document, with every list normalised to an array. */
export interface PolicyStatement {
  /** The statement id, when the document gives one. */
  sid?: string
  /** Allow or Deny. */
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
}

/** A parsed policy document. */
export interface PolicyDocument {
  /** The policy language version, usually 2012-10-17. */
  version?: string
  /** The statements, in document order. */
  statements: PolicyStatement[]
}

/** A policy document with the name evidence refers to it by. */
export interface NamedPolicy {
  /** How the policy is named in evidence: "bucket-policy", "role/Analyst inline ReadLogs", a managed policy ARN, ... */
  name: string
  /** The parsed document. */
  document: PolicyDocument
}

/** Known values of condition keys; keys are matched case-insensitively, as IAM does. */
export type ConditionContext = Readonly<Record<string, string | readonly string[]>>

/** One request to evaluate. */
export interface PolicyRequest {
  /** The action, for example s3:GetObject. */
  action: string
  /** The resource ARN, for example arn:aws:s3:::bucket/AWSLogs/o.json.gz. */
  resource: string
  /** The caller's ARN, account id or service principal; needed for Principal elements of resource policies. */
  principal?: string
  /** Condition keys whose values are known; any other key makes its condition undecidable. */
  context?: ConditionContext
}

/** A request for "any object under a prefix" rather than one resource. */
export interface PrefixRequest extends Omit<PolicyRequest, 'resource'> {
  /** The bucket name. */
  bucket: string
  /** The key prefix, for example AWSLogs/; empty for the whole bucket. */
  prefix: string
}

/** The outcome of an evaluation. */
export type Decision = 'allowed' | 'denied' | 'implicit-deny' | 'conditional'

/** A statement that took part in a decision. */
export interface StatementMatch {
  /** The policy's name. */
  policy: string
  /** The statement's Sid, when it has one. */
  sid?: string
  /** The statement's 0-based position in its policy. */
  index: number
  /** The statement's effect. */
  effect: 'Allow' | 'Deny'
  /** Whether it applies only under conditions the evaluator could not decide. */
  conditional: boolean
}

/** A decision and the statements behind it. */
export interface Evaluation {
  /** The decision. */
  decision: Decision
  /** Every statement that applied to the request, sorted by policy, then index. */
  matched: StatementMatch[]
}

/** A policy document that cannot be read. */
export class PolicyDocumentError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PolicyDocumentError'
  }
}

/** Whether a condition holds: 'unknown' when it depends on keys or operators the evaluator cannot decide. */
export type Truth = 'true' | 'false' | 'unknown'

// ---------------------------------------------------------------------------------------------
// Parsing

function parseJsonText(text: string): unknown {
  try {
    return policyJsonOf(text)
  } catch {
    throw new PolicyDocumentError('The policy document is neither JSON nor URL-encoded JSON.')
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readStrings(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined
  const list = Array.isArray(value) ? value : [value]
  if (!list.every((item) => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean')) {
    throw new PolicyDocumentError(`${field} must be a string or a list of strings.`)
  }
  return list.map(String)
}

function readPrincipal(value: unknown, field: string): PrincipalSpec | undefined {
  if (value === undefined) return undefined
  if (value === '*') return '*'
  if (!isRecord(value)) throw new PolicyDocumentError(`${field} must be "*" or an object such as {"AWS": [...]}.`)
  return Object.fromEntries(Object.entries(value).map(([type, ids]) => [type, readStrings(ids, `${field}.${type}`) ?? []]))
}

function readCondition(value: unknown): ConditionBlock | undefined {
  if (value === undefined) return undefined
  if (!isRecord(value)) throw new PolicyDocumentError('Condition must be an object.')
  return Object.fromEntries(
    Object.entries(value).map(([operator, tests]) => {
      if (!isRecord(tests)) throw new PolicyDocumentError(`Condition.${operator} must be an object.`)
      return [operator, Object.fromEntries(Object.entries(tests).map(([key, values]) => [key, readStrings(values, `Condition.${operator}.${key}`) ?? []]))]
    }),
  )
}

function readStatement(value: unknown, index: number): PolicyStatement {
  if (!isRecord(value)) throw new PolicyDocumentError(`Statement[${index}] must be an object.`)
  const effect = value.Effect
  if (effect !== 'Allow' && effect !== 'Deny') throw new PolicyDocumentError(`Statement[${index}].Effect must be Allow or Deny.`)
  const statement: PolicyStatement = {
    sid: typeof value.Sid === 'string' && value.Sid !== '' ? value.Sid : undefined,
    effect,
    action: readStrings(value.Action, `Statement[${index}].Action`),
    notAction: readStrings(value.NotAction, `Statement[${index}].NotAction`),
    resource: readStrings(value.Resource, `Statement[${index}].Resource`),
    notResource: readStrings(value.NotResource, `Statement[${index}].NotResource`),
    principal: readPrincipal(value.Principal, `Statement[${index}].Principal`),
    notPrincipal: readPrincipal(value.NotPrincipal, `Statement[${index}].NotPrincipal`),
    condition: readCondition(value.Condition),
  }
  if ((statement.action === undefined) === (statement.notAction === undefined)) {
    throw new PolicyDocumentError(`Statement[${index}] needs exactly one of Action and NotAction.`)
  }
  return statement
}

/**
 * Parses a policy document: a JSON string, the URL-encoded JSON IAM returns, or the object itself.
 * Statement may be one object or a list. Throws PolicyDocumentError when it is malformed.
 */
export function parsePolicyDocument(raw: unknown): PolicyDocument {
  const value = typeof raw === 'string' ? parseJsonText(raw) : raw
  if (!isRecord(value)) throw new PolicyDocumentError('A policy document must be a JSON object.')
  const statements = value.Statement === undefined ? [] : Array.isArray(value.Statement) ? value.Statement : [value.Statement]
  return {version: typeof value.Version === 'string' ? value.Version : undefined, statements: statements.map(readStatement)}
}

/** Parses a document and names it, for evidence. */
export function toNamedPolicy(name: string, raw: unknown): NamedPolicy {
  return {name, document: parsePolicyDocument(raw)}
}

// ---------------------------------------------------------------------------------------------
// Glob patterns

const regexCache = new Map<string, RegExp>()

function globRegex(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = `${ignoreCase ? 'i' : 's'}${pattern}`
  let regex = regexCache.get(cacheKey)
  if (!regex) {
    const body = pattern.replace(/[.+^${}()|[\]\\*?]/g, (char) => (char === '*' ? '.*' : char === '?' ? '.' : `\\${char}`))
    regex = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's')
    regexCache.set(cacheKey, regex)
  }
  return regex
}

/** Whether a value matches an IAM pattern, where * is any run of characters and ? any one. */
export function matchesGlob(pattern: string, value: string, ignoreCase = false): boolean {
  return globRegex(pattern, ignoreCase).test(value)
}

/** Whether an action matches an action pattern: service prefix and name compare case-insensitively. */
export function matchesAction(pattern: string, action: string): boolean {
  return matchesGlob(pattern, action, true)
}

/**
 * The positions a glob can be at after consuming `literal` entirely, as an NFA would: position i
 * means pattern[i..] remains. Empty when no string matching the glob starts with `literal`.
 */
function globStatesAfter(pattern: string, literal: string): Set<number> {
  const closure = (states: Iterable<number>): Set<number> => {
    // A * may match nothing, so being at it means also being just past it.
    const out = new Set<number>()
    for (let state of states) {
      out.add(state)
      while (pattern[state] === '*') out.add(++state)
    }
    return out
  }
  let states = closure([0])
  for (const char of literal) {
    const next: number[] = []
    for (const state of states) {
      const token = pattern[state]
      if (token === '*') next.push(state)
      else if (token === '?' || token === char) next.push(state + 1)
    }
    states = closure(next)
    if (states.size === 0) break
  }
  return states
}

/**
 * Whether some string matching `pattern` starts with `literal`: the intersection of the glob with
 * literal + "anything" is not empty. Every glob suffix can be completed by some string, so it is
 * enough that the glob can consume the whole literal.
 */
export function globReachesPrefix(pattern: string, literal: string): boolean {
  return globStatesAfter(pattern, literal).size > 0
}

/**
 * Whether `pattern` matches every string that starts with `literal` (literal + "anything" is a
 * subset of the glob). True exactly when the glob, having consumed the literal, can be left with
 * nothing but stars; otherwise the literal itself, or it plus one character, is a counterexample.
 */
export function globCoversPrefix(pattern: string, literal: string): boolean {
  return [...globStatesAfter(pattern, literal)].some((state) => /^\**$/.test(pattern.slice(state)))
}

// ---------------------------------------------------------------------------------------------
// Resources as regions

/**
 * The set of resources a request, or an Allow statement within it, is about: one ARN, or every ARN
 * starting with a literal. Allow statements narrow the request's region so that a Deny on exactly
 * the allowed part is recognised as cancelling it.
 */
interface Region {
  literal: string
  open: boolean
}

function regionReaches(pattern: string, region: Region): boolean {
  return region.open ? globReachesPrefix(pattern, region.literal) : matchesGlob(pattern, region.literal)
}

function regionCovered(pattern: string, region: Region): boolean {
  return region.open ? globCoversPrefix(pattern, region.literal) : matchesGlob(pattern, region.literal)
}

/** The part of `region` an Allow pattern grants, when it has the common "literal then *" or literal shape. */
function narrowRegion(pattern: string, region: Region): Region {
  if (!region.open) return region
  const star = pattern.indexOf('*')
  const simple = !pattern.includes('?') && (star === -1 || star === pattern.length - 1)
  if (!simple) return region
  const literal = star === -1 ? pattern : pattern.slice(0, -1)
  if (star === -1) return literal.startsWith(region.literal) ? {literal, open: false} : region
  return literal.length > region.literal.length && literal.startsWith(region.literal) ? {literal, open: true} : region
}

// ---------------------------------------------------------------------------------------------
// Principals and conditions

function principalListed(spec: PrincipalSpec, principal: string | undefined): boolean {
  if (spec === '*') return true
  for (const [type, ids] of Object.entries(spec)) {
    for (const id of ids) {
      if (id === '*') return true
      if (principal === undefined) continue
      if (type === 'AWS' && principalInAccountSpec(id, principal)) return true
      if (id === principal || (type === 'AWS' && isSamePrincipal(id, principal))) return true
    }
  }
  return false
}

/** An account id or root ARN in a Principal names the account: every identity in it, subject to its IAM policies. */
function principalInAccountSpec(id: string, principal: string): boolean {
  const account = /^\d{12}$/.test(id) ? id : /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(id)?.[1]
  if (!account) return false
  return principal === account || new RegExp(`^arn:aws[a-z-]*:(?:iam|sts)::${account}:`).test(principal)
}

function principalApplies(statement: PolicyStatement, principal: string | undefined): boolean {
  if (statement.principal) return principalListed(statement.principal, principal)
  // An unknown caller is never excluded by NotPrincipal: it could be anyone.
  if (statement.notPrincipal) return principal === undefined || !principalListed(statement.notPrincipal, principal)
  return true
}

function contextValues(context: ConditionContext | undefined, key: string): readonly string[] | undefined {
  if (!context) return undefined
  const lower = key.toLowerCase()
  for (const [name, value] of Object.entries(context)) if (name.toLowerCase() === lower) return typeof value === 'string' ? [value] : value
  return undefined
}

type ValueTest = (expected: string, actual: string) => boolean

const VALUE_TESTS: Record<string, {test: ValueTest; negated: boolean}> = {
  StringEquals: {test: (expected, actual) => expected === actual, negated: false},
  StringNotEquals: {test: (expected, actual) => expected === actual, negated: true},
  StringEqualsIgnoreCase: {test: (expected, actual) => expected.toLowerCase() === actual.toLowerCase(), negated: false},
  StringNotEqualsIgnoreCase: {test: (expected, actual) => expected.toLowerCase() === actual.toLowerCase(), negated: true},
  StringLike: {test: (expected, actual) => matchesGlob(expected, actual), negated: false},
  StringNotLike: {test: (expected, actual) => matchesGlob(expected, actual), negated: true},
  ArnEquals: {test: (expected, actual) => matchesGlob(expected, actual), negated: false},
  ArnLike: {test: (expected, actual) => matchesGlob(expected, actual), negated: false},
  ArnNotEquals: {test: (expected, actual) => matchesGlob(expected, actual), negated: true},
  ArnNotLike: {test: (expected, actual) => matchesGlob(expected, actual), negated: true},
  Bool: {test: (expected, actual) => expected.toLowerCase() === actual.toLowerCase(), negated: false},
}

function andTruth(values: Iterable<Truth>): Truth {
  let result: Truth = 'true'
  for (const value of values) {
    if (value === 'false') return 'false'
    if (value === 'unknown') result = 'unknown'
  }
  return result
}

function evaluateTest(operator: string, key: string, expected: readonly string[], context: ConditionContext | undefined): Truth {
  const [, setOperator, bare, ifExists] = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(operator) ?? []
  const rule = VALUE_TESTS[bare]
  const actual = contextValues(context, key)
  // Keys outside the context, and operators on numbers, dates and IPs, are undecidable here.
  if (!rule || actual === undefined) return 'unknown'
  if (actual.length === 0) return ifExists || setOperator === 'ForAllValues' ? 'true' : 'false'
  const matchesAny = (value: string) => expected.some((candidate) => rule.test(candidate, value))
  const hit = setOperator === 'ForAllValues' ? actual.every(matchesAny) : actual.some(matchesAny)
  return hit !== rule.negated ? 'true' : 'false'
}

/** Whether a condition block holds: every operator, every key; unknown when any test cannot be decided. */
export function evaluateCondition(condition: ConditionBlock | undefined, context?: ConditionContext): Truth {
  if (!condition) return 'true'
  const tests: Truth[] = []
  for (const [operator, keys] of Object.entries(condition)) {
    for (const [key, expected] of Object.entries(keys)) tests.push(evaluateTest(operator, key, expected, context))
  }
  return andTruth(tests)
}

// ---------------------------------------------------------------------------------------------
// Evaluation

function actionApplies(statement: PolicyStatement, action: string): boolean {
  if (statement.action) return statement.action.some((pattern) => matchesAction(pattern, action))
  return !statement.notAction!.some((pattern) => matchesAction(pattern, action))
}

/** The part of `region` an Allow statement grants, or undefined when it grants none of it. */
function allowedRegion(statement: PolicyStatement, region: Region): Region | undefined {
  if (statement.resource) {
    const reaching = statement.resource.filter((pattern) => regionReaches(pattern, region))
    if (reaching.length === 0) return undefined
    return reaching.length === 1 ? narrowRegion(reaching[0], region) : region
  }
  // Whether several NotResource patterns jointly cover the region is not checked: one is enough to
  // exclude it, and otherwise some of it is taken to be granted (an audit may over-report, never hide).
  if (statement.notResource) return statement.notResource.some((pattern) => regionCovered(pattern, region)) ? undefined : region
  return region
}

/** Whether a Deny statement applies to all of `region`. */
function deniesRegion(statement: PolicyStatement, region: Region): boolean {
  if (statement.resource) return statement.resource.some((pattern) => regionCovered(pattern, region))
  if (statement.notResource) return !statement.notResource.some((pattern) => regionReaches(pattern, region))
  return true
}

interface Candidate {
  match: StatementMatch
  statement: PolicyStatement
}

/**
 * A statement with the policy variables in its resources (${aws:username}, ...) replaced by their
 * context values, or by * when unknown; `unresolved` says whether any was unknown.
 */
function resolveVariables(statement: PolicyStatement, context: ConditionContext | undefined): {statement: PolicyStatement; unresolved: boolean} {
  let unresolved = false
  const resolve = (patterns: readonly string[] | undefined) =>
    patterns?.map((pattern) =>
      pattern.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
        if (name === '*' || name === '?' || name === '$') return name === '$' ? '$' : '*'
        const value = contextValues(context, name)
        if (value?.length === 1) return value[0]
        unresolved = true
        return '*'
      }),
    )
  if (![...(statement.resource ?? []), ...(statement.notResource ?? [])].some((pattern) => pattern.includes('${'))) return {statement, unresolved}
  return {statement: {...statement, resource: resolve(statement.resource), notResource: resolve(statement.notResource)}, unresolved}
}

function applicableStatements(request: Omit<PolicyRequest, 'resource'>, policies: readonly NamedPolicy[]): Candidate[] {
  const candidates: Candidate[] = []
  for (const policy of policies) {
    policy.document.statements.forEach((raw, index) => {
      if (!actionApplies(raw, request.action) || !principalApplies(raw, request.principal)) return
      const truth = evaluateCondition(raw.condition, request.context)
      if (truth === 'false') return
      const {statement, unresolved} = resolveVariables(raw, request.context)
      const conditional = truth === 'unknown' || unresolved
      candidates.push({statement, match: {policy: policy.name, sid: statement.sid, index, effect: statement.effect, conditional}})
    })
  }
  return candidates
}

function compareMatches(a: StatementMatch, b: StatementMatch): number {
  return compareText(a.policy, b.policy) || a.index - b.index
}

function evaluateRegion(request: Omit<PolicyRequest, 'resource'>, region: Region, policies: readonly NamedPolicy[]): Evaluation {
  const candidates = applicableStatements(request, policies)
  const denies = candidates.filter((candidate) => candidate.statement.effect === 'Deny')
  const matched: StatementMatch[] = []
  const evidence = new Set<StatementMatch>()
  let allowed = false
  let conditional = false
  let killed = false
  for (const allow of candidates.filter((candidate) => candidate.statement.effect === 'Allow')) {
    const granted = allowedRegion(allow.statement, region)
    if (!granted) continue
    matched.push(allow.match)
    const against = denies.filter((deny) => deniesRegion(deny.statement, granted))
    for (const deny of against) evidence.add(deny.match)
    if (against.some((deny) => !deny.match.conditional)) killed = true
    else if (allow.match.conditional || against.length > 0) conditional = true
    else allowed = true
  }
  for (const deny of denies) if (deniesRegion(deny.statement, region)) evidence.add(deny.match)
  const outrightDeny = denies.some((deny) => !deny.match.conditional && deniesRegion(deny.statement, region))
  const decision: Decision = allowed ? 'allowed' : conditional ? 'conditional' : killed || outrightDeny ? 'denied' : 'implicit-deny'
  return {decision, matched: dedupe([...matched, ...evidence]).sort(compareMatches)}
}

function dedupe(matches: StatementMatch[]): StatementMatch[] {
  const seen = new Map<string, StatementMatch>()
  for (const match of matches) seen.set(`${match.policy}#${match.index}`, match)
  return [...seen.values()]
}

/**
 * Evaluates one request against a set of policies, all of which apply to it (for example a role's
 * inline and attached policies, or a bucket policy). An explicit Deny wins; a Deny that applies only
 * under undecidable conditions turns an Allow into 'conditional' rather than 'denied'.
 */
export function evaluatePolicies(request: PolicyRequest, policies: readonly NamedPolicy[]): Evaluation {
  return evaluateRegion(request, {literal: request.resource, open: false}, policies)
}

/** The ARN prefix of every object under bucket/prefix. */
export function objectArnPrefix(bucket: string, prefix: string): string {
  return `arn:aws:s3:::${bucket}/${prefix.replace(/^\/+/, '')}`
}

/**
 * Whether the policies allow the action on at least one object under bucket/prefix.
 *
 * Approach: the prefix is the region "arn:aws:s3:::bucket/prefix" followed by anything. An Allow
 * reaches it when its Resource glob intersects that region (arn:aws:s3:::bucket/*,
 * arn:aws:s3:::*, arn:aws:s3:::bucket/AWSLogs/* and arn:aws:s3:::bucket/AWSLogs/1234/* all do for
 * prefix AWSLogs/; arn:aws:s3:::bucket/other/* does not). A Deny cancels an Allow only when its
 * glob covers all of what the Allow grants there, so a Deny on one sub-prefix leaves the rest
 * readable and the answer stays 'allowed'.
 */
export function evaluatePrefixAccess(request: PrefixRequest, policies: readonly NamedPolicy[]): Evaluation {
  return evaluateRegion(request, {literal: objectArnPrefix(request.bucket, request.prefix), open: true}, policies)
}

const DECISION_RANK: Record<Decision, number> = {denied: 0, 'implicit-deny': 1, conditional: 2, allowed: 3}

/**
 * Combines decisions that must all allow, such as identity policies and a permissions boundary, or
 * the two sides of cross-account access: the weakest decision wins.
 */
export function intersectEvaluations(...evaluations: Evaluation[]): Evaluation {
  const decision = evaluations.reduce<Decision>((weakest, evaluation) => (DECISION_RANK[evaluation.decision] < DECISION_RANK[weakest] ? evaluation.decision : weakest), 'allowed')
  return {decision, matched: dedupe(evaluations.flatMap((evaluation) => evaluation.matched)).sort(compareMatches)}
}

/**
 * Combines decisions of which any one may allow, such as a role's identity policies and a bucket
 * policy in the same account; an explicit Deny in either still wins.
 */
export function unionEvaluations(...evaluations: Evaluation[]): Evaluation {
  const matched = dedupe(evaluations.flatMap((evaluation) => evaluation.matched)).sort(compareMatches)
  const decisions = new Set(evaluations.map((evaluation) => evaluation.decision))
  const decision: Decision = decisions.has('denied') ? 'denied' : decisions.has('allowed') ? 'allowed' : decisions.has('conditional') ? 'conditional' : 'implicit-deny'
  return {decision, matched}
}

// ---------------------------------------------------------------------------------------------
// Scope of a policy's S3 resources

/** A statement whose S3 resources reach beyond an allowed bucket/prefix. */
export interface ScopeViolation {
  /** The policy's name. */
  policy: string
  /** The statement's Sid, when it has one. */
  sid?: string
  /** The statement's 0-based position. */
  index: number
  /** The offending Resource or NotResource pattern. */
  pattern: string
  /** Why it is too broad. */
  reason: 'wildcard-resource' | 'not-resource' | 'outside-prefix'
}

function isS3Action(pattern: string): boolean {
  return matchesGlob(pattern.split(':')[0] ?? '', 's3', true) && pattern.includes(':')
}

function statementTouchesS3(statement: PolicyStatement): boolean {
  if (statement.notAction) return true
  return statement.action!.some((pattern) => pattern === '*' || isS3Action(pattern))
}

/**
 * The Allow statements that grant S3 actions on anything outside bucket/prefix: the "registration or
 * crawler role broader than its prefix" check. Allowed are object ARNs under the prefix, the bucket
 * ARN itself (s3:ListBucket needs it), and the bucket root when the prefix is empty. A Resource of
 * "*" or one whose glob reaches any other bucket or key is reported, as is any NotResource.
 */
export function findScopeViolations(policies: readonly NamedPolicy[], bucket: string, prefix: string): ScopeViolation[] {
  const allowedObjects = objectArnPrefix(bucket, prefix)
  const bucketArn = `arn:aws:s3:::${bucket}`
  const violations: ScopeViolation[] = []
  for (const policy of policies) {
    policy.document.statements.forEach((statement, index) => {
      if (statement.effect !== 'Allow' || !statementTouchesS3(statement)) return
      const base = {policy: policy.name, sid: statement.sid, index}
      for (const pattern of statement.notResource ?? []) violations.push({...base, pattern, reason: 'not-resource'})
      for (const pattern of statement.resource ?? (statement.notResource ? [] : ['*'])) {
        if (pattern === '*') violations.push({...base, pattern, reason: 'wildcard-resource'})
        else if (pattern.startsWith('arn:') && !isWithin(pattern, bucketArn, allowedObjects)) violations.push({...base, pattern, reason: 'outside-prefix'})
      }
    })
  }
  return violations
}

/** Whether every ARN the glob matches is the bucket itself or an object under the allowed prefix. */
function isWithin(pattern: string, bucketArn: string, allowedObjects: string): boolean {
  if (pattern === bucketArn) return true
  // ARNs of other services (a KMS key, say) are not this check's concern; "arn:aws:*" is.
  if (!globReachesPrefix(pattern, 'arn:aws:s3:::')) return true
  const wildcard = pattern.search(/[*?]/)
  const literal = wildcard === -1 ? pattern : pattern.slice(0, wildcard)
  return literal.startsWith(allowedObjects)
}
