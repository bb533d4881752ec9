/**
 * GetAccountAuthorizationDetails as the audit needs it: every role and user with the policies that
 * apply to them, parsed. Pure: it lives in aws/ only because it speaks the SDK's types.
 */
import type {AttachedPolicy, GroupDetail, ManagedPolicyDetail, PolicyDetail, RoleDetail, UserDetail} from '@aws-sdk/client-iam'

import type {IamPrincipalState} from '../core/audit/access'
import {namedPolicy, policyProblems, type NamedPolicy} from '../core/iam'

/** An IAM role as the audit needs it: its policies, already parsed. */
export interface AuditRole {
  /** The role ARN, path included. */
  arn: string
  /** The role name. */
  name: string
  /** Inline and attached managed policies. */
  policies: NamedPolicy[]
  /** The permissions boundary, when set. */
  boundary?: NamedPolicy
}

/** The account's IAM identities, read in one walk. */
export interface IamSnapshot {
  /** Roles and users with every policy that applies to them, sorted by ARN. */
  principals: IamPrincipalState[]
  /** The roles by name, for the registration and crawler role checks. */
  roles: Map<string, AuditRole>
  /** Policies that could not be read or parsed; their principals are evaluated without them. */
  warnings: string[]
}

/** The pages of one GetAccountAuthorizationDetails walk, gathered. */
export interface AccountDetails {
  roles: RoleDetail[]
  users: UserDetail[]
  groups: GroupDetail[]
  managed: ManagedPolicyDetail[]
}

/** Every managed policy attached to a role, user or group, and every boundary. */
export function attachedPolicyArns(details: AccountDetails): string[] {
  return [...details.roles, ...details.users, ...details.groups].flatMap((entity) => [
    ...(entity.AttachedManagedPolicies ?? []).map((attached: AttachedPolicy) => attached.PolicyArn ?? ''),
    ...('PermissionsBoundary' in entity && entity.PermissionsBoundary?.PermissionsBoundaryArn ? [entity.PermissionsBoundary.PermissionsBoundaryArn] : []),
  ])
}

/** Parses policies, keeping what cannot be read: the evaluator makes access through it conditional, never hidden. */
class PolicyBook {
  readonly warnings: string[] = []
  readonly managed = new Map<string, NamedPolicy | undefined>()

  parse(name: string, document: string | undefined): NamedPolicy | undefined {
    if (document === undefined) return undefined
    const policy = namedPolicy(name, document)
    for (const problem of policyProblems(policy.document)) this.warnings.push(`${name}: ${problem} Access through it is shown as conditional.`)
    return policy
  }

  managedOf(attached: AttachedPolicy[] | undefined): NamedPolicy[] {
    return (attached ?? []).map((entry) => this.managed.get(entry.PolicyArn ?? '')).filter((policy): policy is NamedPolicy => policy !== undefined)
  }

  inlineOf(owner: string, list: PolicyDetail[] | undefined): NamedPolicy[] {
    return (list ?? []).map((entry) => this.parse(`${owner} inline:${entry.PolicyName}`, entry.PolicyDocument)).filter((policy): policy is NamedPolicy => policy !== undefined)
  }

  boundaryOf(arn: string | undefined): NamedPolicy | undefined {
    return arn ? this.managed.get(arn) : undefined
  }
}

/**
 * The snapshot of one walk. `unlisted` holds the default version of each attached managed policy the
 * walk did not list (undefined when it could not be read: it is left out, with a warning).
 */
export function snapshotOf(details: AccountDetails, unlisted: Map<string, string | undefined>): IamSnapshot {
  const book = new PolicyBook()
  for (const policy of details.managed) {
    const version = policy.PolicyVersionList?.find((candidate) => candidate.IsDefaultVersion)
    if (policy.Arn) book.managed.set(policy.Arn, book.parse(policy.Arn, version?.Document))
  }
  for (const [arn, document] of unlisted) {
    if (document === undefined) book.warnings.push(`${arn}: the managed policy could not be read. It is left out of the evaluation.`)
    book.managed.set(arn, book.parse(arn, document))
  }
  const groupPolicies = new Map(details.groups.map((group) => [group.GroupName ?? '', [...book.inlineOf(`group/${group.GroupName}`, group.GroupPolicyList), ...book.managedOf(group.AttachedManagedPolicies)]]))
  const principals: IamPrincipalState[] = []
  const roles = new Map<string, AuditRole>()
  for (const role of details.roles) {
    if (!role.Arn || !role.RoleName) continue
    const policies = [...book.inlineOf(`role/${role.RoleName}`, role.RolePolicyList), ...book.managedOf(role.AttachedManagedPolicies)]
    const boundary = book.boundaryOf(role.PermissionsBoundary?.PermissionsBoundaryArn)
    principals.push({arn: role.Arn, policies, ...(boundary ? {boundary} : {})})
    roles.set(role.RoleName, {arn: role.Arn, name: role.RoleName, policies, ...(boundary ? {boundary} : {})})
  }
  for (const user of details.users) {
    if (!user.Arn) continue
    const fromGroups = (user.GroupList ?? []).flatMap((group) => groupPolicies.get(group) ?? [])
    const boundary = book.boundaryOf(user.PermissionsBoundary?.PermissionsBoundaryArn)
    principals.push({arn: user.Arn, policies: [...book.inlineOf(`user/${user.UserName}`, user.UserPolicyList), ...book.managedOf(user.AttachedManagedPolicies), ...fromGroups], ...(boundary ? {boundary} : {})})
  }
  principals.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0))
  return {principals, roles, warnings: book.warnings}
}
