import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam'

/** A role as the crawl simulation needs it. */
export interface CrawlerRole {
  /** The role's ARN, path included, as IAM reports it; derived from the name when the role is missing. */
  arn: string
  /** The role's name, the last segment of its ARN. */
  name: string
  /** Whether IAM has the role. */
  exists: boolean
  /** Its inline and attached managed policy documents, parsed. */
  policies: unknown[]
}

function asList(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]
}

/** IAM's action wildcards: `*` any run of characters, `?` one character, case-insensitive. */
function actionMatches(pattern: string, action: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, (c) => `\\${c}`).replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${source}$`, 'i').test(action)
}

function statementMatches(statement: Record<string, unknown>, action: string): boolean {
  if (statement.Action !== undefined) return asList(statement.Action).some((pattern) => typeof pattern === 'string' && actionMatches(pattern, action))
  if (statement.NotAction !== undefined) return !asList(statement.NotAction).some((pattern) => typeof pattern === 'string' && actionMatches(pattern, action))
  return false
}

/** ARN wildcards in Resource: `*` any run of characters, `?` one character, case-sensitive. */
function resourceMatches(pattern: string, resource: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, (c) => `\\${c}`).replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${source}$`).test(resource)
}

function statementCovers(statement: Record<string, unknown>, resource: string): boolean {
  if (statement.Resource !== undefined) return asList(statement.Resource).some((pattern) => typeof pattern === 'string' && resourceMatches(pattern, resource))
  if (statement.NotResource !== undefined) return !asList(statement.NotResource).some((pattern) => typeof pattern === 'string' && resourceMatches(pattern, resource))
  return false
}

function statementsOf(policies: readonly unknown[]): Record<string, unknown>[] {
  return policies.flatMap((policy) => asList((policy as {Statement?: unknown} | null)?.Statement)).filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null)
}

/**
 * Whether identity policies allow an action: some Allow statement names it and no Deny does.
 * Resources and conditions are not evaluated; for lakeformation:GetDataAccess, whose only resource
 * is `*`, that is what matters.
 */
export function policiesAllow(policies: readonly unknown[], action: string): boolean {
  const matching = statementsOf(policies).filter((statement) => statementMatches(statement, action))
  if (matching.some((statement) => statement.Effect === 'Deny')) return false
  return matching.some((statement) => statement.Effect === 'Allow')
}

/**
 * Whether identity policies allow an action on a resource ARN: an Allow statement names both, and
 * no unconditional Deny does (IAM policy evaluation logic: an explicit Deny wins, else an Allow is
 * needed). Conditions cannot be evaluated without a request: a conditional Allow counts (the
 * request it is checked for is the one the condition is written for, such as s3:prefix on
 * ListBucket), and a conditional Deny does not (aws:SecureTransport and the like).
 */
export function policiesAllowOn(policies: readonly unknown[], action: string, resource: string): boolean {
  const matching = statementsOf(policies).filter((statement) => statementMatches(statement, action) && statementCovers(statement, resource))
  if (matching.some((statement) => statement.Effect === 'Deny' && statement.Condition === undefined)) return false
  return matching.some((statement) => statement.Effect === 'Allow')
}

/**
 * Whether a resource policy (a bucket or key policy) lets an AWS service principal do an action on
 * a resource: the statements whose Principal names the service (or everyone) are evaluated as
 * policiesAllowOn evaluates identity policies. A policy that does not parse allows nothing.
 */
export function resourcePolicyAllowsService(policy: unknown, service: string, action: string, resource: string): boolean {
  const forService = statementsOf([policy]).filter((statement) => {
    const principal = statement.Principal
    if (principal === '*') return true
    if (typeof principal !== 'object' || principal === null) return false
    const {Service, AWS} = principal as {Service?: unknown; AWS?: unknown}
    return asList(Service).includes(service) || asList(AWS).includes('*')
  })
  // A trust policy has no Resource: its statements are about the role itself.
  const withResource = forService.map((statement) => (statement.Resource === undefined && statement.NotResource === undefined ? {...statement, Resource: '*'} : statement))
  return policiesAllowOn([{Statement: withResource}], action, resource)
}

/** IAM returns policy documents URL-encoded (moto too); a document that does not parse grants nothing. */
function parseDocument(document: string | undefined): unknown {
  if (!document) return {}
  try {
    return JSON.parse(decodeURIComponent(document))
  } catch {
    try {
      return JSON.parse(document)
    } catch {
      return {}
    }
  }
}

/** The role name in a crawler's Role, which Glue takes as a name, a path/name or an ARN. */
export function roleNameOf(role: string): string {
  const afterRole = role.startsWith('arn:') ? role.slice(role.indexOf(':role/') + ':role/'.length) : role
  return afterRole.split('/').pop() ?? afterRole
}

/** Reads a role and its policies from IAM (moto). A role IAM does not have has no policies. */
export async function readRole(iam: IAMClient, role: string, accountId: string): Promise<CrawlerRole> {
  const name = roleNameOf(role)
  const fallbackArn = role.startsWith('arn:') ? role : `arn:aws:iam::${accountId}:role/${role.replace(/^\/+/, '')}`
  let arn: string
  try {
    arn = (await iam.send(new GetRoleCommand({RoleName: name}))).Role?.Arn ?? fallbackArn
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException' || (error as Error).name === 'NoSuchEntity') return {arn: fallbackArn, name, exists: false, policies: []}
    throw error
  }
  const policies: unknown[] = []
  const inline = await iam.send(new ListRolePoliciesCommand({RoleName: name}))
  for (const policyName of inline.PolicyNames ?? []) {
    const {PolicyDocument} = await iam.send(new GetRolePolicyCommand({RoleName: name, PolicyName: policyName}))
    policies.push(parseDocument(PolicyDocument))
  }
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({RoleName: name}))
  for (const {PolicyArn} of attached.AttachedPolicies ?? []) {
    if (!PolicyArn) continue
    try {
      const {Policy} = await iam.send(new GetPolicyCommand({PolicyArn}))
      const {PolicyVersion} = await iam.send(new GetPolicyVersionCommand({PolicyArn, VersionId: Policy?.DefaultVersionId ?? 'v1'}))
      policies.push(parseDocument(PolicyVersion?.Document))
    } catch {
      // An attached policy moto cannot show (an AWS managed one it does not ship) grants nothing here.
    }
  }
  return {arn, name, exists: true, policies}
}
