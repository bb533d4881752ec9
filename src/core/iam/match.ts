/**
 * Matching a request against a statement's Action, Resource and Principal elements.
 *
 * Principals follow "IAM JSON policy elements: Principal"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html):
 * - an account id or arn:aws:iam::ACCOUNT:root "delegates authority to the account": it names
 *   every principal of the account, subject to the account's IAM policies (`account`);
 * - a role ARN names the role's sessions, whose permissions the role's boundary limits (`role`);
 * - a session ARN (arn:aws:sts::A:assumed-role/Role/session) names that one session, "Principals
 *   must always name a specific session" (`direct`);
 * - a user ARN names the user, and "*" everyone, anonymous callers included (`direct`).
 *
 * A request's principal is an ARN. A role ARN stands for "some session of the role": a statement
 * that names one session neither grants to nor denies the role's other sessions.
 */
import {parseIamIdentity} from '../model/principal'
import type {PrincipalSpec, Statement} from './policy'

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

/** Whether a statement's Action or NotAction covers the action; a statement that could not be read covers every action. */
export function actionApplies(statement: Statement, action: string): boolean {
  if (statement.problem) return true
  if (statement.action) return statement.action.some((pattern) => matchesAction(pattern, action))
  return !statement.notAction!.some((pattern) => matchesAction(pattern, action))
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
export interface Region {
  /** The ARN, or the ARN prefix when open. */
  literal: string
  /** Whether the region is every ARN starting with the literal. */
  open: boolean
}

/** A resource pattern that matches nothing: a policy variable with no value in Resource. */
export const MATCHES_NOTHING = '\u0000'

function regionReaches(pattern: string, region: Region): boolean {
  if (pattern.includes(MATCHES_NOTHING)) return false
  return region.open ? globReachesPrefix(pattern, region.literal) : matchesGlob(pattern, region.literal)
}

function regionCovered(pattern: string, region: Region): boolean {
  if (pattern.includes(MATCHES_NOTHING)) return false
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

/** The part of `region` an Allow statement grants, or undefined when it grants none of it. */
export function allowedRegion(statement: Statement, region: Region): Region | undefined {
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
export function deniesRegion(statement: Statement, region: Region): boolean {
  if (statement.resource) return statement.resource.some((pattern) => regionCovered(pattern, region))
  if (statement.notResource) return !statement.notResource.some((pattern) => regionReaches(pattern, region))
  return true
}

/** The ARN prefix of every object under bucket/prefix. */
export function objectArnPrefix(bucket: string, prefix: string): string {
  return `arn:aws:s3:::${bucket}/${prefix.replace(/^\/+/, '')}`
}

// ---------------------------------------------------------------------------------------------
// Principals

/**
 * How a statement's principals reach the request's principal, strongest first: `direct` (the
 * principal itself, or "*"), `role` (the role of a session), `account` (its account), `none`.
 */
export type PrincipalMatch = 'direct' | 'role' | 'account' | 'none'

const MATCH_RANK: Record<PrincipalMatch, number> = {none: 0, account: 1, role: 2, direct: 3}

function accountNamed(id: string): string | undefined {
  return /^\d{12}$/.test(id) ? id : /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(id)?.[1]
}

/** The account a request principal belongs to: its ARN's, or itself when it is an account id. */
export function accountOf(principal: string): string | undefined {
  return accountNamed(principal) ?? parseIamIdentity(principal)?.account
}

function matchAwsId(id: string, principal: string): PrincipalMatch {
  const account = accountNamed(id)
  if (account) return accountOf(principal) === account ? 'account' : 'none'
  const named = parseIamIdentity(id)
  const caller = parseIamIdentity(principal)
  if (!named || !caller) return id === principal ? 'direct' : 'none'
  if (named.account !== caller.account || named.kind !== caller.kind || named.name !== caller.name) return 'none'
  if (named.session !== undefined) return caller.session === named.session ? 'direct' : 'none'
  return named.kind === 'role' ? 'role' : 'direct'
}

/** How a Principal element reaches the principal; "*" and {"AWS": "*"} reach everyone, an unknown caller nothing else. */
export function matchPrincipalSpec(spec: PrincipalSpec, principal: string | undefined): PrincipalMatch {
  if (spec === '*') return 'direct'
  let best: PrincipalMatch = 'none'
  for (const [type, ids] of Object.entries(spec)) {
    for (const id of ids) {
      let match: PrincipalMatch = 'none'
      if (id === '*') match = 'direct'
      else if (principal === undefined) match = 'none'
      else if (type === 'AWS') match = matchAwsId(id, principal)
      else match = id === principal ? 'direct' : 'none'
      if (MATCH_RANK[match] > MATCH_RANK[best]) best = match
    }
  }
  return best
}

/**
 * The identities AWS may check, one after another, for a request principal: its account, then its
 * role, then the session ("IAM JSON policy elements: NotPrincipal": "AWS might validate the account
 * first, then the role, and then the assumed-role user"). A role ARN's "some session" can never be
 * listed by name, so it is its own last link.
 */
function principalChain(principal: string): string[] {
  const identity = parseIamIdentity(principal)
  if (!identity || identity.kind === 'root') return [principal]
  const account = `arn:aws:iam::${identity.account}:root`
  if (identity.kind === 'user') return [account, principal]
  if (identity.session !== undefined) return [account, `role:${identity.account}:${identity.name}`, principal]
  return [account, `role:${identity.account}:${identity.name}`, `${principal} (some session)`]
}

function chainLinkListed(link: string, spec: PrincipalSpec): boolean {
  if (spec === '*') return true
  for (const [type, ids] of Object.entries(spec)) {
    for (const id of ids) {
      if (id === '*' || id === link) return true
      if (type !== 'AWS') continue
      const account = accountNamed(id)
      if (account && accountNamed(link) === account) return true
      const named = parseIamIdentity(id)
      if (named?.kind === 'role' && named.session === undefined && link === `role:${named.account}:${named.name}`) return true
      const linked = parseIamIdentity(link)
      if (named && linked && named.account === linked.account && named.kind === linked.kind && named.name === linked.name && named.session === linked.session) return true
    }
  }
  return false
}

/** Whether a NotPrincipal statement applies to the principal: yes, no, or perhaps (with the reason). */
export type NotPrincipalOutcome = {applies: true; certain: true} | {applies: false} | {applies: true; certain: false; reason: string}

/**
 * Whether a statement with NotPrincipal applies to the principal, following "IAM JSON policy
 * elements: NotPrincipal" and "Permissions boundaries for IAM entities":
 * - With Deny, it "will always deny any IAM principal that has a permissions boundary policy
 *   attached, regardless of the values specified in the NotPrincipal element".
 * - A principal is spared only when its whole chain is listed (account, role and session). A
 *   principal (or its role) listed without the rest of its chain "might" still be denied: that is
 *   undecidable, so the Deny is conditional. A principal not listed at all is denied.
 * - An unknown caller is never spared: it could be anyone.
 */
export function notPrincipalApplies(statement: Statement, principal: string | undefined, hasBoundary: boolean): NotPrincipalOutcome {
  const spec = statement.notPrincipal!
  if (principal === undefined) return {applies: true, certain: true}
  if (statement.effect === 'Deny' && hasBoundary) return {applies: true, certain: true}
  const chain = principalChain(principal)
  const listed = chain.map((link) => chainLinkListed(link, spec))
  // Named: the principal itself, or the role of a session, is listed. A principal not named is
  // not spared, whatever else is listed (its account alone spares no one of it).
  const named = listed.at(-1) || (chain.length === 3 && listed[1])
  if (!named) return {applies: true, certain: true}
  if (listed.every(Boolean)) return {applies: false}
  return {applies: true, certain: false, reason: `NotPrincipal lists only part of ${principal}'s account, role and session: AWS "might" still apply the statement to it`}
}
