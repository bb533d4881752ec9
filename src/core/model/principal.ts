/** An IAM identity reduced to what decides whether two ARNs name the same principal. */
export interface IamIdentity {
  /** The 12-digit account id. */
  account: string
  /** What kind of identity it is. */
  kind: 'role' | 'user' | 'root'
  /** The role or user name, without its path; empty for root. */
  name: string
  /** The role session name, for an assumed-role session ARN; a session is one caller of its role. */
  session?: string
}

/**
 * Parses an IAM or STS ARN into the identity it stands for. An assumed-role session ARN
 * (arn:aws:sts::A:assumed-role/Role/session) is the role; IAM paths are dropped because STS drops
 * them too. Returns undefined for anything that is not a user, role or root.
 */
export function parseIamIdentity(arn: string): IamIdentity | undefined {
  const match = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):(.+)$/.exec(arn)
  if (!match) return undefined
  const [, service, account, resource] = match
  if (resource === 'root') return {account, kind: 'root', name: ''}
  const parts = resource.split('/')
  if (service === 'sts' && parts[0] === 'assumed-role' && parts.length >= 3) return {account, kind: 'role', name: parts[1], session: parts.slice(2).join('/')}
  if (parts[0] === 'role' && parts.length >= 2) return {account, kind: 'role', name: parts.at(-1)!}
  if (parts[0] === 'user' && parts.length >= 2) return {account, kind: 'user', name: parts.at(-1)!}
  return undefined
}

/** Whether two ARNs name the same IAM principal (a session of a role counts as the role). */
export function isSamePrincipal(a: string, b: string): boolean {
  if (a === b) return true
  const left = parseIamIdentity(a)
  const right = parseIamIdentity(b)
  return Boolean(left && right && left.account === right.account && left.kind === right.kind && left.name === right.name)
}

/**
 * The IAM ARN Lake Formation accepts for a caller: an assumed-role session becomes its role, and an
 * STS user ARN its IAM user. IAM paths are unknown from STS and left out. Undefined for root.
 */
export function iamArnOf(callerArn: string): string | undefined {
  const identity = parseIamIdentity(callerArn)
  if (!identity || identity.kind === 'root') return undefined
  return `arn:aws:iam::${identity.account}:${identity.kind}/${identity.name}`
}
