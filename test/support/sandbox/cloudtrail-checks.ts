import {CloudTrailClient, GetEventSelectorsCommand} from '@aws-sdk/client-cloudtrail'
import {GetRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {CloudWatchLogsClient, DescribeLogGroupsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {GetKeyPolicyCommand, KMSClient} from '@aws-sdk/client-kms'

import {nextRequestId} from '../lakeformation/rest-json'
import type {CannedResponse} from './fault-responses'
import {resourcePolicyAllowsService} from './glue/iam-policy'
import type {BucketPolicies} from './s3-policies'
import {DEFAULT_EVENT_SELECTORS, checkPutEventSelectors} from './cloudtrail/event-selectors'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const CLOUDTRAIL = 'cloudtrail.amazonaws.com'
const OPERATIONS = new Set(['CreateTrail', 'UpdateTrail', 'PutEventSelectors', 'GetEventSelectors'])

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

function answer(body: unknown): CannedResponse {
  return {status: 200, headers: {'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': nextRequestId()}, body: JSON.stringify(body)}
}

/** A trail's name from its name or ARN (arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME). */
function trailNameOf(nameOrArn: unknown): string {
  return String(nameOrArn ?? '').replace(/^arn:[^:]+:cloudtrail:[^:]*:\d*:trail\//, '')
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
  private readonly clients = new Map<string, {iam: IAMClient; kms: KMSClient; logs: CloudWatchLogsClient; cloudtrail: CloudTrailClient}>()
  /** Trails whose last PutEventSelectors sent basic selectors: moto keeps their old advanced ones, AWS overwrites them. */
  private readonly basicSelectors = new Set<string>()

  constructor(
    private readonly motoEndpoint: string,
    private readonly bucketPolicies: BucketPolicies,
    private readonly accountId: string,
  ) {}

  handles(operation: string): boolean {
    return OPERATIONS.has(operation)
  }

  /** The refusal CloudTrail would send (or, for GetEventSelectors, its answer), or undefined when the call may go to moto. */
  async check(body: Buffer, region: string, operation = 'CreateTrail'): Promise<CannedResponse | undefined> {
    const input = (parse(body.toString('utf8')) ?? {}) as Record<string, unknown>
    if (operation === 'PutEventSelectors') return this.checkPutEventSelectors(input)
    if (operation === 'GetEventSelectors') return this.getEventSelectors(input, region)
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

  /** PutEventSelectors: the selectors CloudTrail refuses (./cloudtrail/event-selectors), and which kind the trail now has. */
  private checkPutEventSelectors(input: Record<string, unknown>): CannedResponse | undefined {
    const refused = checkPutEventSelectors(input)
    if (refused) return refusal(refused.code, refused.message)
    const name = trailNameOf(input.TrailName)
    if (input.EventSelectors !== undefined) this.basicSelectors.add(name)
    else this.basicSelectors.delete(name)
    return undefined
  }

  /**
   * GetEventSelectors as CloudTrail answers it: a trail never given selectors has the default one
   * (DEFAULT_EVENT_SELECTORS), and a trail has either basic or advanced selectors (putting one kind
   * overwrites the other). moto answers empty lists, and keeps both kinds. Errors go to moto.
   */
  private async getEventSelectors(input: Record<string, unknown>, region: string): Promise<CannedResponse | undefined> {
    let out
    try {
      out = await this.clientsFor(region).cloudtrail.send(new GetEventSelectorsCommand({TrailName: String(input.TrailName ?? '')}))
    } catch {
      return undefined
    }
    const basic = out.EventSelectors ?? []
    const advanced = out.AdvancedEventSelectors ?? []
    if (basic.length === 0 && advanced.length === 0) return answer({TrailARN: out.TrailARN, EventSelectors: DEFAULT_EVENT_SELECTORS})
    if (this.basicSelectors.has(trailNameOf(input.TrailName))) return answer({TrailARN: out.TrailARN, EventSelectors: basic})
    return answer({TrailARN: out.TrailARN, ...(advanced.length > 0 ? {AdvancedEventSelectors: advanced} : {EventSelectors: basic})})
  }

  /** Forgets the kinds of selectors, for a sandbox reset. */
  reset(): void {
    this.basicSelectors.clear()
  }

  close(): void {
    for (const {iam, kms, logs, cloudtrail} of this.clients.values()) {
      cloudtrail.destroy()
      iam.destroy()
      kms.destroy()
      logs.destroy()
    }
  }

  private clientsFor(region: string) {
    let clients = this.clients.get(region)
    if (clients === undefined) {
      const config = {region, endpoint: this.motoEndpoint, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}, maxAttempts: 1}
      clients = {iam: new IAMClient({...config, region: 'us-east-1'}), kms: new KMSClient(config), logs: new CloudWatchLogsClient(config), cloudtrail: new CloudTrailClient(config)}
      this.clients.set(region, clients)
    }
    return clients
  }
}
