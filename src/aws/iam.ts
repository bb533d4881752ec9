import {
  CreateRoleCommand,
  GetRoleCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
} from '@aws-sdk/client-iam'

import type {RoleSpec} from '../core/lake/bootstrap'
import {MANAGED_POLICY_NAME} from '../core/lake/documents'
import type {ObservedRole} from '../core/lake/observed'
import {parsePolicyDocument, type PolicyDocument} from '../core/iam'
import {resolveEndpoint, type AwsClients} from './clients'
import {callAws, callAwsOrAbsent} from './errors'

const NO_SUCH_ENTITY = ['NoSuchEntity', 'NoSuchEntityException']

/** Reads and writes the IAM roles lakegov manages. */
export class IamAdapter {
  private readonly endpoint: string | undefined

  constructor(private readonly clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 'iam')
  }

  /** A role with its trust policy and every policy on it; a missing role reads as {exists: false}. */
  async readRole(name: string): Promise<ObservedRole> {
    const iam = this.clients.iam
    const role = await callAwsOrAbsent('iam:GetRole', () => iam.send(new GetRoleCommand({RoleName: name})), NO_SUCH_ENTITY, this.endpoint)
    if (!role?.Role) return {name, exists: false, inlinePolicies: {}, attachedPolicies: []}
    const inlinePolicies: Record<string, PolicyDocument> = {}
    const attachedPolicies: string[] = []
    await callAws(
      'iam:ListRolePolicies',
      async () => {
        for await (const page of paginateListRolePolicies({client: iam}, {RoleName: name})) {
          for (const policyName of page.PolicyNames ?? []) {
            const policy = await iam.send(new GetRolePolicyCommand({RoleName: name, PolicyName: policyName}))
            if (policy.PolicyDocument) inlinePolicies[policyName] = parsePolicyDocument(policy.PolicyDocument)
          }
        }
        for await (const page of paginateListAttachedRolePolicies({client: iam}, {RoleName: name})) {
          attachedPolicies.push(...(page.AttachedPolicies ?? []).map((policy) => policy.PolicyArn ?? '').filter(Boolean))
        }
      },
      this.endpoint,
    )
    return {
      name,
      exists: true,
      ...(role.Role.AssumeRolePolicyDocument ? {trustPolicy: parsePolicyDocument(role.Role.AssumeRolePolicyDocument)} : {}),
      inlinePolicies,
      attachedPolicies,
    }
  }

  async createRole(role: RoleSpec): Promise<void> {
    await callAws(
      'iam:CreateRole',
      () =>
        this.clients.iam.send(
          new CreateRoleCommand({
            RoleName: role.name,
            AssumeRolePolicyDocument: JSON.stringify(role.trustPolicy),
            Description: role.description,
            Tags: [{Key: 'managed-by', Value: 'lakegov'}],
          }),
        ),
      this.endpoint,
    )
  }

  async updateTrust(role: RoleSpec): Promise<void> {
    await callAws('iam:UpdateAssumeRolePolicy', () => this.clients.iam.send(new UpdateAssumeRolePolicyCommand({RoleName: role.name, PolicyDocument: JSON.stringify(role.trustPolicy)})), this.endpoint)
  }

  async putPolicy(role: RoleSpec): Promise<void> {
    await callAws(
      'iam:PutRolePolicy',
      () => this.clients.iam.send(new PutRolePolicyCommand({RoleName: role.name, PolicyName: MANAGED_POLICY_NAME, PolicyDocument: JSON.stringify(role.policy)})),
      this.endpoint,
    )
  }

  /**
   * The default version of a managed policy, as IAM returns it (URL-encoded JSON); undefined when
   * the policy does not exist.
   */
  async readManagedPolicyText(arn: string): Promise<string | undefined> {
    const iam = this.clients.iam
    const policy = await callAwsOrAbsent('iam:GetPolicy', () => iam.send(new GetPolicyCommand({PolicyArn: arn})), NO_SUCH_ENTITY, this.endpoint)
    const versionId = policy?.Policy?.DefaultVersionId
    if (!versionId) return undefined
    const version = await callAws('iam:GetPolicyVersion', () => iam.send(new GetPolicyVersionCommand({PolicyArn: arn, VersionId: versionId})), this.endpoint)
    return version.PolicyVersion?.Document
  }
}
