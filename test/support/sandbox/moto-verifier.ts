import {GetRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {HeadBucketCommand, S3Client} from '@aws-sdk/client-s3'

import type {Verifier} from '../lakeformation/model'
import {policiesAllowOn, readRole} from './glue/iam-policy'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const LAKE_FORMATION = 'lakeformation.amazonaws.com'

function asList(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

/** Whether a trust policy lets Lake Formation assume the role, which is what registration needs. */
export function trustsLakeFormation(policyDocument: string | undefined): boolean {
  if (!policyDocument) return false
  let policy: {Statement?: unknown}
  try {
    // IAM returns the document URL-encoded; moto does too.
    policy = JSON.parse(decodeURIComponent(policyDocument))
  } catch {
    return false
  }
  return asList(policy.Statement).some((statement) => {
    const {Effect, Action, Principal} = (statement ?? {}) as {Effect?: string; Action?: unknown; Principal?: {Service?: unknown} | string}
    const assumes = asList(Action).some((action) => action === 'sts:AssumeRole' || action === 'sts:*' || action === '*')
    const services = typeof Principal === 'object' ? asList(Principal?.Service) : []
    return Effect === 'Allow' && assumes && services.includes(LAKE_FORMATION)
  })
}

function httpStatusOf(error: unknown): number | undefined {
  return (error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode
}

/**
 * Verification the way Lake Formation means it, checked against moto: the bucket exists and, for a
 * custom role, the role exists and trusts Lake Formation. It calls moto directly, so verification
 * neither counts in the stats nor meets injected faults.
 */
export function createMotoVerifier(motoEndpoint: string): Verifier {
  const config = {
    region: 'us-east-1',
    endpoint: motoEndpoint,
    credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'},
    maxAttempts: 1,
  }
  const s3 = new S3Client({...config, forcePathStyle: true})
  const iam = new IAMClient(config)

  const bucketExists = async (bucket: string): Promise<boolean> => {
    try {
      await s3.send(new HeadBucketCommand({Bucket: bucket}))
      return true
    } catch (error) {
      if (httpStatusOf(error) === 404) return false
      // A 301 or 403 still proves the bucket exists, in another region or account.
      if (httpStatusOf(error) === 301 || httpStatusOf(error) === 403) return true
      throw error
    }
  }

  /**
   * Whether the role's own policies let it read the location: s3:ListBucket on the bucket and
   * s3:GetObject on the objects under the location. Without them the location is NOT_VERIFIED:
   * "Registered role does not have sufficient permissions to access registered Amazon S3
   * location" (the API reference, ResourceInfo.VerificationStatus; Lake Formation developer guide,
   * "Requirements for roles used to register locations").
   */
  const roleCanRead = async (roleArn: string, resourceArn: string): Promise<boolean> => {
    const accountId = /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1] ?? ''
    const role = await readRole(iam, roleArn, accountId)
    const location = resourceArn.replace(/\/+$/, '')
    const bucketArn = location.split('/')[0]
    // Any object under the location stands for all of them: a policy on bucket/prefix/* covers it.
    const objectArn = `${location}/lakegov-verification-probe`
    return policiesAllowOn(role.policies, 's3:ListBucket', bucketArn) && policiesAllowOn(role.policies, 's3:GetObject', objectArn)
  }

  const roleTrustsLakeFormation = async (roleArn: string): Promise<boolean> => {
    const roleName = roleArn.split('/').pop() ?? ''
    try {
      const {Role} = await iam.send(new GetRoleCommand({RoleName: roleName}))
      return Role?.Arn === roleArn && trustsLakeFormation(Role.AssumeRolePolicyDocument)
    } catch (error) {
      if ((error as Error).name === 'NoSuchEntity' || (error as Error).name === 'NoSuchEntityException') return false
      throw error
    }
  }

  return async ({resourceArn, roleArn, useServiceLinkedRole}) => {
    const bucket = resourceArn.replace(/^arn:[^:]+:s3:::/, '').split('/')[0]
    if (!(await bucketExists(bucket))) return 'NOT_VERIFIED'
    // The service-linked role always trusts Lake Formation; AWS creates it on first use.
    if (useServiceLinkedRole || roleArn === undefined) return 'VERIFIED'
    if (!(await roleTrustsLakeFormation(roleArn))) return 'NOT_VERIFIED'
    return (await roleCanRead(roleArn, resourceArn)) ? 'VERIFIED' : 'NOT_VERIFIED'
  }
}
