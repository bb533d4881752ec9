/**
 * Evaluation of one set of policies against one request: which statements apply, and what they
 * decide together. An explicit Deny wins, then any Allow, else the request is implicitly denied
 * ("Policy evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 *
 * Whatever the evaluator cannot decide (an unknown condition key or operator, a variable without a
 * known value, a statement it cannot read, a NotPrincipal that "might" apply) makes the statement
 * conditional, with the reason: a conditional Allow may grant, a conditional Deny never denies.
 * So the answer can be `conditional`, never a denial that AWS might not make.
 *
 * How the policy types combine (boundaries, resource policies, accounts) is combine.ts's business.
 */
import {compareText} from '../order'
import {evaluateCondition, resolveVariables, type ConditionContext} from './conditions'
import {
  actionApplies,
  allowedRegion,
  deniesRegion,
  MATCHES_NOTHING,
  matchPrincipalSpec,
  notPrincipalApplies,
  objectArnPrefix,
  type PrincipalMatch,
  type Region,
} from './match'
import type {NamedPolicy, Statement} from './policy'

/** One request to evaluate. */
export interface PolicyRequest {
  /** The action, for example s3:GetObject. */
  action: string
  /** The resource ARN, for example arn:aws:s3:::bucket/AWSLogs/o.json.gz. */
  resource: string
  /**
   * The caller: a user ARN, a role ARN (standing for some session of the role), a session ARN, an
   * account id, a service principal or "*"; needed for Principal elements of resource policies.
   */
  principal?: string
  /** Whether the caller has a permissions boundary (it decides NotPrincipal with Deny). */
  hasBoundary?: boolean
  /** Condition keys whose values, or absence, are known; any other key makes its condition undecidable. */
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
  /** Why it is conditional; absent when it is not. */
  reasons?: string[]
}

/** A decision and the statements behind it. */
export interface Evaluation {
  /** The decision. */
  decision: Decision
  /** Every statement that applied to the request, sorted by policy, then index. */
  matched: StatementMatch[]
}

/** A statement that applies to a request, with how its Principal reached the caller. */
export interface Candidate {
  /** The statement, with the policy variables of its resources resolved. */
  statement: Statement
  /** The evidence entry. */
  match: StatementMatch
  /** How the Principal element reached the caller; `direct` for identity policies and NotPrincipal. */
  principal: PrincipalMatch | 'identity'
}

function compareMatches(a: StatementMatch, b: StatementMatch): number {
  return compareText(a.policy, b.policy) || a.index - b.index
}

/**
 * A statement with the policy variables in its resources replaced by their values. An unknown
 * value becomes * (the statement is then conditional); a variable with no value makes the pattern
 * match nothing ("the resource that includes a policy variable with no value will not match any
 * resource"). ${*}, ${?} and ${$} are read as *, ? and $: a literal star cannot be told from a
 * wildcard in a glob, and reading it as one over-reports.
 */
function resolveResources(statement: Statement, context: ConditionContext | undefined, reasons: string[]): Statement {
  const patterns = [...(statement.resource ?? []), ...(statement.notResource ?? [])]
  if (!patterns.some((pattern) => pattern.includes('${'))) return statement
  const resolve = (list: readonly string[] | undefined) =>
    list?.map((pattern) => {
      const resolved = resolveVariables(pattern, context)
      if (resolved.kind === 'null') return MATCHES_NOTHING
      if (resolved.kind === 'text') return resolved.parts.map((part) => part.text).join('')
      reasons.push(`Resource ${pattern}: ${resolved.reason}`)
      return pattern.replace(/\$\{[^}]*\}/g, '*')
    })
  return {...statement, resource: resolve(statement.resource), notResource: resolve(statement.notResource)}
}

/** How a statement's Principal or NotPrincipal reaches the caller, and whether that is certain. */
function principalOf(statement: Statement, request: Omit<PolicyRequest, 'resource'>, reasons: string[]): PrincipalMatch | 'identity' {
  if (statement.principal) return matchPrincipalSpec(statement.principal, request.principal)
  if (statement.notPrincipal) {
    const outcome = notPrincipalApplies(statement, request.principal, request.hasBoundary ?? false)
    if (!outcome.applies) return 'none'
    if (!outcome.certain) reasons.push(outcome.reason)
    return 'direct'
  }
  return 'identity'
}

/** Every statement of the policies that applies to the request: its action, principal and conditions allow it to. */
export function applicableStatements(request: Omit<PolicyRequest, 'resource'>, policies: readonly NamedPolicy[]): Candidate[] {
  const candidates: Candidate[] = []
  for (const policy of policies) {
    const variables = policy.document.version === '2012-10-17'
    policy.document.statements.forEach((raw, index) => {
      if (!actionApplies(raw, request.action)) return
      const reasons: string[] = []
      let statement = raw
      if (raw.problem) reasons.push(`${raw.problem} lakegov cannot read the statement`)
      const principal = raw.problem ? 'direct' : principalOf(raw, request, reasons)
      if (principal === 'none') return
      if (!raw.problem) {
        const verdict = evaluateCondition(raw.condition, request.context, variables)
        if (verdict.truth === 'false') return
        reasons.push(...verdict.reasons)
        if (variables) statement = resolveResources(raw, request.context, reasons)
      }
      const conditional = reasons.length > 0
      const match: StatementMatch = {policy: policy.name, sid: raw.sid, index, effect: raw.effect, conditional, ...(conditional ? {reasons: [...new Set(reasons)]} : {})}
      candidates.push({statement, match, principal})
    })
  }
  return candidates
}

function dedupe(matches: StatementMatch[]): StatementMatch[] {
  const seen = new Map<string, StatementMatch>()
  for (const match of matches) seen.set(`${match.policy}#${match.index}`, match)
  return [...seen.values()]
}

/**
 * What a set of Allow statements and a set of Deny statements decide for a region: an Allow that
 * reaches the region grants its part of it unless a Deny covers all of that part. A conditional
 * Deny makes the Allow conditional; it never denies.
 */
export function decideRegion(region: Region, allows: readonly Candidate[], denies: readonly Candidate[]): Evaluation {
  const matched: StatementMatch[] = []
  const evidence = new Set<StatementMatch>()
  let allowed = false
  let conditional = false
  let killed = false
  for (const allow of allows) {
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

function evaluateRegion(request: Omit<PolicyRequest, 'resource'>, region: Region, policies: readonly NamedPolicy[]): Evaluation {
  const candidates = applicableStatements(request, policies)
  return decideRegion(
    region,
    candidates.filter((candidate) => candidate.statement.effect === 'Allow'),
    candidates.filter((candidate) => candidate.statement.effect === 'Deny'),
  )
}

/** The region of one resource ARN. */
export function resourceRegion(resource: string): Region {
  return {literal: resource, open: false}
}

/** The region of every object under bucket/prefix. */
export function prefixRegion(bucket: string, prefix: string): Region {
  return {literal: objectArnPrefix(bucket, prefix), open: true}
}

/**
 * Evaluates one request against a set of policies of one kind, all of which apply to it (for
 * example a role's inline and attached policies, or a bucket policy). An explicit Deny wins; a
 * Deny that applies only under undecidable conditions turns an Allow into 'conditional' rather
 * than 'denied'. An account in a Principal counts as reaching its principals here; combine.ts
 * decides what such a grant is worth.
 */
export function evaluatePolicies(request: PolicyRequest, policies: readonly NamedPolicy[]): Evaluation {
  return evaluateRegion(request, resourceRegion(request.resource), policies)
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
  return evaluateRegion(request, prefixRegion(request.bucket, request.prefix), policies)
}

/** The reasons behind the conditional statements of an evaluation, sorted and unique. */
export function reasonsOf(evaluation: Evaluation): string[] {
  return [...new Set(evaluation.matched.flatMap((match) => (match.conditional ? (match.reasons ?? []) : [])))].sort(compareText)
}

const DECISION_RANK: Record<Decision, number> = {denied: 0, 'implicit-deny': 1, conditional: 2, allowed: 3}

/**
 * Combines decisions that must all allow, such as identity policies and a permissions boundary, or
 * the two sides of cross-account access: the weakest decision wins.
 */
export function allOf(...evaluations: Evaluation[]): Evaluation {
  const decision = evaluations.reduce<Decision>((weakest, evaluation) => (DECISION_RANK[evaluation.decision] < DECISION_RANK[weakest] ? evaluation.decision : weakest), 'allowed')
  return {decision, matched: dedupe(evaluations.flatMap((evaluation) => evaluation.matched)).sort(compareMatches)}
}

/**
 * Combines alternative paths to the same access, each of which was already decided against every
 * Deny that applies: the strongest wins (allowed, then conditional, then an explicit denial).
 */
export function anyOf(...evaluations: Evaluation[]): Evaluation {
  const matched = dedupe(evaluations.flatMap((evaluation) => evaluation.matched)).sort(compareMatches)
  const decisions = new Set(evaluations.map((evaluation) => evaluation.decision))
  const decision: Decision = decisions.has('allowed') ? 'allowed' : decisions.has('conditional') ? 'conditional' : decisions.has('denied') ? 'denied' : 'implicit-deny'
  return {decision, matched}
}
