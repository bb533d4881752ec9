import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
  type LifecycleRule as SdkLifecycleRule,
} from '@aws-sdk/client-s3'

import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {LifecycleRule, ObservedBucket} from '../core/lake/observed'
import {parsePolicyDocument, type PolicyDocument} from '../core/iam'
import {resolveEndpoint, type AwsClients} from './clients'
import {callAws, callAwsOrAbsent, httpStatusOf, toLakegovError} from './errors'

/** Reads and writes the log bucket's settings. */
export class S3Adapter {
  private readonly endpoint: string | undefined

  constructor(private readonly clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 's3')
  }

  /** Everything bootstrap checks on a bucket; a missing bucket reads as {exists: false}. */
  async readBucket(bucket: string): Promise<ObservedBucket> {
    const s3 = this.clients.s3
    try {
      await s3.send(new HeadBucketCommand({Bucket: bucket}))
    } catch (error) {
      const status = httpStatusOf(error)
      if (status === 404) return {exists: false, lifecycleRules: []}
      if (status === 403 || status === 301) {
        throw new LakegovError(`Bucket ${bucket} exists but lakegov cannot use it: it belongs to another account, is in another region, or s3:ListBucket is denied.`, {
          exitCode: ExitCode.AwsAccess,
          code: 'BUCKET_NOT_OURS',
          suggestions: ['Pick a bucket name of your own in lake.yaml, or run lakegov in the account and region that own the bucket.'],
        })
      }
      throw toLakegovError(error, {operation: 's3:ListBucket', endpoint: this.endpoint})
    }
    const read = <T>(operation: string, call: () => Promise<T>, absent: string[]) => callAwsOrAbsent(operation, call, absent, this.endpoint)
    const [block, encryption, versioning, policy, lifecycle] = await Promise.all([
      read('s3:GetBucketPublicAccessBlock', () => s3.send(new GetPublicAccessBlockCommand({Bucket: bucket})), ['NoSuchPublicAccessBlockConfiguration']),
      read('s3:GetEncryptionConfiguration', () => s3.send(new GetBucketEncryptionCommand({Bucket: bucket})), ['ServerSideEncryptionConfigurationNotFoundError']),
      read('s3:GetBucketVersioning', () => s3.send(new GetBucketVersioningCommand({Bucket: bucket})), []),
      read('s3:GetBucketPolicy', () => s3.send(new GetBucketPolicyCommand({Bucket: bucket})), ['NoSuchBucketPolicy']),
      read('s3:GetLifecycleConfiguration', () => s3.send(new GetBucketLifecycleConfigurationCommand({Bucket: bucket})), ['NoSuchLifecycleConfiguration']),
    ])
    const rule = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]
    const byDefault = rule?.ApplyServerSideEncryptionByDefault
    return {
      exists: true,
      ...(block?.PublicAccessBlockConfiguration ? {publicAccessBlock: block.PublicAccessBlockConfiguration} : {}),
      ...(byDefault?.SSEAlgorithm
        ? {encryption: {algorithm: byDefault.SSEAlgorithm, ...(byDefault.KMSMasterKeyID ? {kmsKeyId: byDefault.KMSMasterKeyID} : {}), bucketKeyEnabled: rule?.BucketKeyEnabled === true}}
        : {}),
      ...(versioning?.Status ? {versioning: versioning.Status} : {}),
      ...(policy?.Policy ? {policy: parsePolicyDocument(policy.Policy)} : {}),
      lifecycleRules: (lifecycle?.Rules ?? []) as unknown as LifecycleRule[],
    }
  }

  async createBucket(bucket: string, region: string): Promise<void> {
    await callAws(
      's3:CreateBucket',
      () =>
        this.clients.s3.send(
          new CreateBucketCommand({
            Bucket: bucket,
            // us-east-1 is the one region that takes no location constraint.
            ...(region === 'us-east-1' ? {} : {CreateBucketConfiguration: {LocationConstraint: region as BucketLocationConstraint}}),
          }),
        ),
      this.endpoint,
    )
  }

  async blockPublicAccess(bucket: string): Promise<void> {
    await callAws(
      's3:PutBucketPublicAccessBlock',
      () =>
        this.clients.s3.send(
          new PutPublicAccessBlockCommand({
            Bucket: bucket,
            PublicAccessBlockConfiguration: {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true},
          }),
        ),
      this.endpoint,
    )
  }

  async putEncryption(bucket: string, algorithm: 'AES256' | 'aws:kms', kmsKeyArn?: string): Promise<void> {
    await callAws(
      's3:PutEncryptionConfiguration',
      () =>
        this.clients.s3.send(
          new PutBucketEncryptionCommand({
            Bucket: bucket,
            ServerSideEncryptionConfiguration: {
              Rules: [
                {
                  ApplyServerSideEncryptionByDefault: {SSEAlgorithm: algorithm, ...(kmsKeyArn ? {KMSMasterKeyID: kmsKeyArn} : {})},
                  // An S3 Bucket Key cuts KMS calls (and cost) by orders of magnitude for log objects.
                  ...(algorithm === 'aws:kms' ? {BucketKeyEnabled: true} : {}),
                },
              ],
            },
          }),
        ),
      this.endpoint,
    )
  }

  async enableVersioning(bucket: string): Promise<void> {
    await callAws('s3:PutBucketVersioning', () => this.clients.s3.send(new PutBucketVersioningCommand({Bucket: bucket, VersioningConfiguration: {Status: 'Enabled'}})), this.endpoint)
  }

  async putPolicy(bucket: string, policy: PolicyDocument): Promise<void> {
    await callAws('s3:PutBucketPolicy', () => this.clients.s3.send(new PutBucketPolicyCommand({Bucket: bucket, Policy: JSON.stringify(policy)})), this.endpoint)
  }

  async putLifecycle(bucket: string, rules: LifecycleRule[]): Promise<void> {
    await callAws(
      's3:PutLifecycleConfiguration',
      () => this.clients.s3.send(new PutBucketLifecycleConfigurationCommand({Bucket: bucket, LifecycleConfiguration: {Rules: rules as unknown as SdkLifecycleRule[]}})),
      this.endpoint,
    )
  }

  /**
   * A few CloudTrail log objects under the prefix, found the cheap way: CloudTrail writes
   * `AWSLogs/[ORG_ID/]ACCOUNT/CloudTrail/...`, so list the account folders (one level deeper for an
   * organization trail) and look inside their CloudTrail/ folder. Digests sort first in a flat
   * listing, which is why a flat listing's first page proves nothing.
   */
  async findCloudTrailObjects(bucket: string, prefix: string, limit = 3): Promise<string[]> {
    const base = /(^|\/)AWSLogs\/$/.test(prefix) ? prefix : `${prefix}AWSLogs/`
    // A bucket that does not exist (yet) holds no logs: that is the check's answer, not an error.
    const list = async (Prefix: string, options: {Delimiter?: string; MaxKeys?: number}): Promise<Partial<ListObjectsV2CommandOutput>> =>
      (await callAwsOrAbsent('s3:ListBucket', () => this.clients.s3.send(new ListObjectsV2Command({Bucket: bucket, Prefix, ...options})), ['NoSuchBucket'], this.endpoint)) ?? {}
    const folders = async (under: string) => ((await list(under, {Delimiter: '/', MaxKeys: 1000})).CommonPrefixes ?? []).map((entry) => entry.Prefix ?? '').filter(Boolean)
    const accounts: string[] = []
    for (const folder of (await folders(base)).slice(0, 50)) {
      if (/\/o-[a-z0-9]+\/$/.test(folder)) accounts.push(...(await folders(folder)).slice(0, 50))
      else accounts.push(folder)
    }
    const found: string[] = []
    for (const account of accounts) {
      const page = await list(`${account}CloudTrail/`, {MaxKeys: limit})
      found.push(...(page.Contents ?? []).map((object) => object.Key ?? '').filter((key) => /\.json(\.gz)?$/.test(key)))
      if (found.length >= limit) break
    }
    return found.slice(0, limit)
  }
}
