/**
 * Who made a call. CloudTrail names a role session in userIdentity.arn
 * (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION) and the role itself in
 * userIdentity.sessionContext.sessionIssuer.arn; lakegov groups and filters by the role, and shows the
 * session beside it (CloudTrail user guide, "userIdentity element"). The SQL in sql.ts computes the
 * same key with the same precedence; a unit test holds the two together.
 */
import type {CloudTrailRecord} from './record'

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function identityOf(record: CloudTrailRecord): Record<string, unknown> {
  const identity = record.userIdentity
  return typeof identity === 'object' && identity !== null ? (identity as Record<string, unknown>) : {}
}

function issuerArnOf(identity: Record<string, unknown>): string | undefined {
  const context = identity.sessionContext as {sessionIssuer?: {arn?: unknown}} | undefined
  return text(context?.sessionIssuer?.arn)
}

/**
 * The principal key: the session issuer's ARN (the role, for a role session), else the identity's ARN
 * (a user, root), else invokedBy (an AWS service), else the principalId, else the identity type.
 */
export function principalKeyOf(record: CloudTrailRecord): string {
  const identity = identityOf(record)
  return issuerArnOf(identity) ?? text(identity.arn) ?? text(identity.invokedBy) ?? text(identity.principalId) ?? text(identity.type) ?? ''
}

/** The session name of a role session (the last part of its assumed-role ARN), else undefined. */
export function sessionOf(record: CloudTrailRecord): string | undefined {
  const identity = identityOf(record)
  const arn = text(identity.arn)
  if (!arn || !issuerArnOf(identity) || !/:assumed-role\//.test(arn)) return undefined
  return arn.slice(arn.lastIndexOf('/') + 1)
}

/** The last part of an ARN's resource path (`Deployer` of arn:aws:iam::1:role/ops/Deployer). */
export function nameOfArn(arn: string): string {
  const match = /[^/]+$/.exec(arn)
  return match ? match[0] : ''
}

/** How a --principal value matches: by ARN (the key or the session's own ARN), or by name (the key's last path part). */
export type PrincipalMatcher = {kind: 'arn'; arn: string} | {kind: 'name'; name: string}

/**
 * --principal as a matcher. An ARN matches the principal key (a role matches all its sessions) or the
 * identity's own ARN (one session). A name matches any role or user of that name: `Deployer` matches
 * arn:aws:iam::1:role/Deployer and every session of it.
 */
export function principalMatcherOf(value: string): PrincipalMatcher {
  return value.startsWith('arn:') ? {kind: 'arn', arn: value} : {kind: 'name', name: value}
}

/** Whether the record's caller is the principal. */
export function matchesPrincipal(matcher: PrincipalMatcher, record: CloudTrailRecord): boolean {
  const key = principalKeyOf(record)
  if (matcher.kind === 'arn') return key === matcher.arn || text(identityOf(record).arn) === matcher.arn
  return nameOfArn(key) === matcher.name
}
