/**
 * IAM: the roles lakegov manages, and the whole account's identities for the audit, read in one
 * paginated GetAccountAuthorizationDetails walk (policies come inline, so no GetRolePolicy or
 * GetPolicyVersion per principal).
 */
import {
  CreateRoleCommand,
  GetRoleCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  type IAMClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-iam'
import type {Command} from '@smithy/types'

import type {RoleSpec} from '../core/lake/bootstrap'
import {MANAGED_POLICY_NAME} from '../core/lake/documents'
import type {ObservedRole} from '../core/lake/observed'
import {parsePolicyDocument, type PolicyDocument} from '../core/iam'
import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'
import {attachedPolicyArns, snapshotOf, type AccountDetails, type IamSnapshot} from './iam-details'

export type {AuditRole, IamSnapshot} from './iam-details'

type IamCommand<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<ServiceInputTypes, I, ServiceOutputTypes, O, IAMClientResolvedConfig>

const NO_SUCH_ENTITY = ['NoSuchEntity', 'NoSuchEntityException']
/** IAM's largest page: fewer, bigger pages are fewer calls. */
const IAM_DETAILS_PAGE = 1000

/** IAM: the roles lakegov manages, and the account's identities for the audit. */
export class IamAdapter extends ServiceAdapter {
  constructor(clients: AwsClients) {
    super(clients, 'iam')
  }

  /** A role with its trust policy and every policy on it; a missing role reads as {exists: false}. */
  async readRole(name: string): Promise<ObservedRole> {
    const role = await this.sendOrAbsent('iam:GetRole', new GetRoleCommand({RoleName: name}), NO_SUCH_ENTITY)
    if (!role?.Role) return {name, exists: false, inlinePolicies: {}, attachedPolicies: []}
    const {inlinePolicies, attachedPolicies} = await this.call('iam:ListRolePolicies', () => this.readRolePolicies(name))
    return {
      name,
      exists: true,
      ...(role.Role.AssumeRolePolicyDocument ? {trustPolicy: parsePolicyDocument(role.Role.AssumeRolePolicyDocument)} : {}),
      inlinePolicies,
      attachedPolicies,
    }
  }

  private async readRolePolicies(name: string): Promise<{inlinePolicies: Record<string, PolicyDocument>; attachedPolicies: string[]}> {
    const iam = this.clients.iam
    const inlinePolicies: Record<string, PolicyDocument> = {}
    const attachedPolicies: string[] = []
    for await (const page of paginateListRolePolicies({client: iam}, {RoleName: name})) {
      for (const policyName of page.PolicyNames ?? []) {
        const policy = await iam.send(new GetRolePolicyCommand({RoleName: name, PolicyName: policyName}))
        if (policy.PolicyDocument) inlinePolicies[policyName] = parsePolicyDocument(policy.PolicyDocument)
      }
    }
    for await (const page of paginateListAttachedRolePolicies({client: iam}, {RoleName: name})) {
      attachedPolicies.push(...(page.AttachedPolicies ?? []).map((policy) => policy.PolicyArn ?? '').filter(Boolean))
    }
    return {inlinePolicies, attachedPolicies}
  }

  async createRole(role: RoleSpec): Promise<void> {
    await this.send(
      'iam:CreateRole',
      new CreateRoleCommand({RoleName: role.name, AssumeRolePolicyDocument: JSON.stringify(role.trustPolicy), Description: role.description, Tags: [{Key: 'managed-by', Value: 'lakegov'}]}),
    )
  }

  async updateTrust(role: RoleSpec): Promise<void> {
    await this.send('iam:UpdateAssumeRolePolicy', new UpdateAssumeRolePolicyCommand({RoleName: role.name, PolicyDocument: JSON.stringify(role.trustPolicy)}))
  }

  async putPolicy(role: RoleSpec): Promise<void> {
    await this.send('iam:PutRolePolicy', new PutRolePolicyCommand({RoleName: role.name, PolicyName: MANAGED_POLICY_NAME, PolicyDocument: JSON.stringify(role.policy)}))
  }

  /**
   * The default version of a managed policy, as IAM returns it (URL-encoded JSON); undefined when
   * the policy does not exist.
   */
  async readManagedPolicyText(arn: string): Promise<string | undefined> {
    const policy = await this.sendOrAbsent('iam:GetPolicy', new GetPolicyCommand({PolicyArn: arn}), NO_SUCH_ENTITY)
    const versionId = policy?.Policy?.DefaultVersionId
    if (!versionId) return undefined
    const version = await this.send('iam:GetPolicyVersion', new GetPolicyVersionCommand({PolicyArn: arn, VersionId: versionId}))
    return version.PolicyVersion?.Document
  }

  /**
   * Every role and user with its inline, attached managed and (for users) group policies and its
   * boundary, from one paginated GetAccountAuthorizationDetails walk. AWS lists the managed
   * policies in use with their versions; one attached but not listed is read on its own.
   */
  async readIam(): Promise<IamSnapshot> {
    const details = await this.call('iam:GetAccountAuthorizationDetails', () => this.readAuthorizationDetails())
    const listed = new Set(details.managed.map((policy) => policy.Arn ?? ''))
    const unlisted = new Map<string, string | undefined>()
    for (const arn of attachedPolicyArns(details)) if (arn && !listed.has(arn) && !unlisted.has(arn)) unlisted.set(arn, await this.readManagedPolicyText(arn))
    return snapshotOf(details, unlisted)
  }

  private async readAuthorizationDetails(): Promise<AccountDetails> {
    const details: AccountDetails = {roles: [], users: [], groups: [], managed: []}
    const filter = ['Role', 'User', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const
    for await (const page of paginateGetAccountAuthorizationDetails({client: this.clients.iam, pageSize: IAM_DETAILS_PAGE}, {Filter: [...filter]})) {
      details.roles.push(...(page.RoleDetailList ?? []))
      details.users.push(...(page.UserDetailList ?? []))
      details.groups.push(...(page.GroupDetailList ?? []))
      details.managed.push(...(page.Policies ?? []))
    }
    return details
  }

  private send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: IamCommand<I, O>): Promise<O> {
    return this.call(operation, () => this.clients.iam.send(command))
  }

  private sendOrAbsent<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: IamCommand<I, O>, absent: readonly string[]): Promise<O | undefined> {
    return this.callOrAbsent(operation, () => this.clients.iam.send(command), absent)
  }
}
