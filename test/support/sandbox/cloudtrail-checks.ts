import {GetRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {CloudWatchLogsClient, DescribeLogGroupsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {GetKeyPolicyCommand, KMSClient} from '@aws-sdk/client-kms'

import {nextRequestId} from '../lakeformation/rest-json'
import type {CannedResponse} from './fault-responses'
import {resourcePolicyAllowsService} from './glue/iam-policy'
import type {BucketPolicies} from './s3-policies'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const CLOUDTRAIL = 'cloudtrail.amazonaws.com'
const OPERATIONS = new Set(['CreateTrail', 'UpdateTrail'])

function parse(text: string | undefined): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    try {
      return JSON.parse(decodeURIComponent(text))
    } catch {
      return undefined
    }
  }
}

function refusal(code: string, message: string): CannedResponse {
  return {status: 400, headers: {'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': nextRequestId()}, body: JSON.stringify({__type: code, Message: message})}
}

/**
 * What CloudTrail checks on CreateTrail and UpdateTrail and moto 5.2.1 does not (CloudTrail API
 * reference, CreateTrail "Errors"; CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail",
 * "Configure AWS KMS key policies for CloudTrail", "Sending events to CloudWatch Logs"):
 * - the bucket policy must let cloudtrail.amazonaws.com call s3:GetBucketAcl on the bucket and
 *   s3:PutObject under `[prefix/]AWSLogs/ACCOUNT/`, else InsufficientS3BucketPolicyException;
 * - a KMS key must exist (KmsKeyNotFoundException) and its key policy must let CloudTrail call
 *   kms:GenerateDataKey*, else InsufficientEncryptionPolicyException;
 * - a CloudWatch Logs log group must exist (InvalidCloudWatchLogsLogGroupArnException) and the role
 *   must exist and trust CloudTrail (InvalidCloudWatchLogsRoleArnException).
 * Only the fields a call names are checked. Conditional Allow statements count (the conditions
 * CloudTrail's documented policies carry, aws:SourceArn and s3:x-amz-acl, are met by CloudTrail's
 * own requests). Calls that pass go on to moto unchanged.
 */
export class CloudTrailChecks {
  private readonly clients = new Map<string, {iam: IAMClient; kms: KMSClient; logs: CloudWatchLogsClient}>()

  constructor(
    private readonly motoEndpoint: string,
    private readonly bucketPolicies: BucketPolicies,
    private readonly accountId: string,
  ) {}

  handles(operation: string): boolean {
    return OPERATIONS.has(operation)
  }

  /** The refusal CloudTrail would send, or undefined when the call may go to moto. */
  async check(body: Buffer, region: string): Promise<CannedResponse | undefined> {
    const input = (parse(body.toString('utf8')) ?? {}) as Record<string, unknown>
    const bucket = typeof input.S3BucketName === 'string' ? input.S3BucketName : undefined
    const prefix = typeof input.S3KeyPrefix === 'string' && input.S3KeyPrefix !== '' ? `${input.S3KeyPrefix.replace(/\/+$/, '')}/` : ''
    if (bucket !== undefined) {
      const policy = parse(this.bucketPolicies.policyOf(bucket))
      const object = `arn:aws:s3:::${bucket}/${prefix}AWSLogs/${this.accountId}/CloudTrail/probe.json.gz`
      const allowed =
        resourcePolicyAllowsService(policy, CLOUDTRAIL, 's3:GetBucketAcl', `arn:aws:s3:::${bucket}`) && resourcePolicyAllowsService(policy, CLOUDTRAIL, 's3:PutObject', object)
      if (!allowed) return refusal('InsufficientS3BucketPolicyException', `Incorrect S3 bucket policy is detected for bucket: ${bucket}`)
    }
    const clients = this.clientsFor(region)
    if (typeof input.KmsKeyId === 'string' && input.KmsKeyId !== '') {
      const keyId = input.KmsKeyId
      const keyRegion = /^arn:[^:]+:kms:([^:]+):/.exec(keyId)?.[1]
      const kms = keyRegion === undefined ? clients.kms : this.clientsFor(keyRegion).kms
      let policy: unknown
      try {
        policy = parse((await kms.send(new GetKeyPolicyCommand({KeyId: keyId, PolicyName: 'default'}))).Policy)
      } catch (error) {
        if ((error as Error).name === 'NotFoundException') return refusal('KmsKeyNotFoundException', `KMS key ${keyId} does not exist.`)
        throw error
      }
      if (!resourcePolicyAllowsService(policy, CLOUDTRAIL, 'kms:GenerateDataKey', keyId.startsWith('arn:') ? keyId : '*') && !resourcePolicyAllowsService(policy, CLOUDTRAIL, 'kms:GenerateDataKey', '*')) {
        return refusal('InsufficientEncryptionPolicyException', `Insufficient permissions to access S3 bucket ${bucket ?? ''} or KMS key ${keyId}.`)
      }
    }
    const groupArn = typeof input.CloudWatchLogsLogGroupArn === 'string' && input.CloudWatchLogsLogGroupArn !== '' ? input.CloudWatchLogsLogGroupArn : undefined
    const roleArn = typeof input.CloudWatchLogsRoleArn === 'string' && input.CloudWatchLogsRoleArn !== '' ? input.CloudWatchLogsRoleArn : undefined
    if (groupArn !== undefined) {
      const name = /:log-group:([^:]+)/.exec(groupArn)?.[1]
      const groups = name === undefined ? [] : ((await clients.logs.send(new DescribeLogGroupsCommand({logGroupNamePrefix: name}))).logGroups ?? [])
      if (!groups.some((group) => group.logGroupName === name)) return refusal('InvalidCloudWatchLogsLogGroupArnException', `CloudWatch Logs log group ${groupArn} does not exist.`)
      if (roleArn === undefined) return refusal('InvalidCloudWatchLogsRoleArnException', 'A CloudWatch Logs log group needs a CloudWatchLogsRoleArn.')
    }
    if (roleArn !== undefined) {
      let trust: unknown
      try {
        trust = parse((await clients.iam.send(new GetRoleCommand({RoleName: roleArn.split('/').pop() ?? ''}))).Role?.AssumeRolePolicyDocument)
      } catch (error) {
        if ((error as Error).name !== 'NoSuchEntityException' && (error as Error).name !== 'NoSuchEntity') throw error
      }
      if (trust === undefined || !resourcePolicyAllowsService(trust, CLOUDTRAIL, 'sts:AssumeRole', '*')) {
        return refusal('InvalidCloudWatchLogsRoleArnException', `Access denied. Verify in IAM that the role ${roleArn} exists and that CloudTrail may assume it.`)
      }
    }
    return undefined
  }

  close(): void {
    for (const {iam, kms, logs} of this.clients.values()) {
      iam.destroy()
      kms.destroy()
      logs.destroy()
    }
  }

  private clientsFor(region: string) {
    let clients = this.clients.get(region)
    if (clients === undefined) {
      const config = {region, endpoint: this.motoEndpoint, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}, maxAttempts: 1}
      clients = {iam: new IAMClient({...config, region: 'us-east-1'}), kms: new KMSClient(config), logs: new CloudWatchLogsClient(config)}
      this.clients.set(region, clients)
    }
    return clients
  }
}
