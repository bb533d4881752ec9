/** S3: the log bucket's settings for bootstrap and the audit, and the log objects for the activity engines. */
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  type ListObjectsV2CommandOutput,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
  type LifecycleRule as SdkLifecycleRule,
  type S3ClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-s3'
import type {Command} from '@smithy/types'

import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {LifecycleRule, ObservedBucket} from '../core/lake/observed'
import {namedPolicy, parsePolicyDocument, type NamedPolicy, type PolicyDocument} from '../core/iam'
import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'
import {httpStatusOf} from './errors'

type S3Command<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<ServiceInputTypes, I, ServiceOutputTypes, O, S3ClientResolvedConfig>

/** An object of a listing. */
export interface ListedObject {
  /** The key. */
  key: string
  /** The size in bytes. */
  size: number
  /** The ETag, as S3 returns it (quoted). */
  etag: string
}

/** S3: the log bucket's settings, and its objects. */
export class S3Adapter extends ServiceAdapter {
  /** Object calls made (listings and GetObject), for progress and the benchmark's call count. */
  calls = 0

  constructor(clients: AwsClients) {
    super(clients, 's3')
  }

  /** Everything bootstrap checks on a bucket; a missing bucket reads as {exists: false}. */
  async readBucket(bucket: string): Promise<ObservedBucket> {
    if (!(await this.headBucket(bucket))) return {exists: false, lifecycleRules: []}
    const Bucket = bucket
    const [block, encryption, versioning, policy, lifecycle] = await Promise.all([
      this.sendOrAbsent('s3:GetBucketPublicAccessBlock', new GetPublicAccessBlockCommand({Bucket}), ['NoSuchPublicAccessBlockConfiguration']),
      this.sendOrAbsent('s3:GetEncryptionConfiguration', new GetBucketEncryptionCommand({Bucket}), ['ServerSideEncryptionConfigurationNotFoundError']),
      this.send('s3:GetBucketVersioning', new GetBucketVersioningCommand({Bucket})),
      this.sendOrAbsent('s3:GetBucketPolicy', new GetBucketPolicyCommand({Bucket}), ['NoSuchBucketPolicy']),
      this.sendOrAbsent('s3:GetLifecycleConfiguration', new GetBucketLifecycleConfigurationCommand({Bucket}), ['NoSuchLifecycleConfiguration']),
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

  /** Whether the bucket exists; one that exists but is not ours (403, 301) is an error. */
  private async headBucket(bucket: string): Promise<boolean> {
    try {
      await this.clients.s3.send(new HeadBucketCommand({Bucket: bucket}))
      return true
    } catch (error) {
      const status = httpStatusOf(error)
      if (status === 404) return false
      if (status === 403 || status === 301) {
        throw new LakegovError(`Bucket ${bucket} exists but lakegov cannot use it: it belongs to another account, is in another region, or s3:ListBucket is denied.`, {
          exitCode: ExitCode.AwsAccess,
          code: 'BUCKET_NOT_OURS',
          suggestions: ['Pick a bucket name of your own in lake.yaml, or run lakegov in the account and region that own the bucket.'],
        })
      }
      throw this.failure(error, 's3:ListBucket')
    }
  }

  /**
   * The bucket policy alone, for `audit access`: one call where readBucket makes six. Undefined
   * when the bucket has no policy, or does not exist.
   */
  async readBucketPolicy(bucket: string): Promise<NamedPolicy | undefined> {
    const out = await this.sendOrAbsent('s3:GetBucketPolicy', new GetBucketPolicyCommand({Bucket: bucket}), ['NoSuchBucketPolicy', 'NoSuchBucket'])
    return out?.Policy ? namedPolicy('bucket-policy', out.Policy) : undefined
  }

  async createBucket(bucket: string, region: string): Promise<void> {
    // us-east-1 is the one region that takes no location constraint.
    const configuration = region === 'us-east-1' ? {} : {CreateBucketConfiguration: {LocationConstraint: region as BucketLocationConstraint}}
    await this.send('s3:CreateBucket', new CreateBucketCommand({Bucket: bucket, ...configuration}))
  }

  async blockPublicAccess(bucket: string): Promise<void> {
    const PublicAccessBlockConfiguration = {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
    await this.send('s3:PutBucketPublicAccessBlock', new PutPublicAccessBlockCommand({Bucket: bucket, PublicAccessBlockConfiguration}))
  }

  async putEncryption(bucket: string, algorithm: 'AES256' | 'aws:kms', kmsKeyArn?: string): Promise<void> {
    const rule = {
      ApplyServerSideEncryptionByDefault: {SSEAlgorithm: algorithm, ...(kmsKeyArn ? {KMSMasterKeyID: kmsKeyArn} : {})},
      // An S3 Bucket Key cuts KMS calls (and cost) by orders of magnitude for log objects.
      ...(algorithm === 'aws:kms' ? {BucketKeyEnabled: true} : {}),
    }
    await this.send('s3:PutEncryptionConfiguration', new PutBucketEncryptionCommand({Bucket: bucket, ServerSideEncryptionConfiguration: {Rules: [rule]}}))
  }

  async enableVersioning(bucket: string): Promise<void> {
    await this.send('s3:PutBucketVersioning', new PutBucketVersioningCommand({Bucket: bucket, VersioningConfiguration: {Status: 'Enabled'}}))
  }

  async putPolicy(bucket: string, policy: PolicyDocument): Promise<void> {
    await this.send('s3:PutBucketPolicy', new PutBucketPolicyCommand({Bucket: bucket, Policy: JSON.stringify(policy)}))
  }

  async putLifecycle(bucket: string, rules: LifecycleRule[]): Promise<void> {
    await this.send('s3:PutLifecycleConfiguration', new PutBucketLifecycleConfigurationCommand({Bucket: bucket, LifecycleConfiguration: {Rules: rules as unknown as SdkLifecycleRule[]}}))
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
      (await this.sendOrAbsent('s3:ListBucket', new ListObjectsV2Command({Bucket: bucket, Prefix, ...options}), ['NoSuchBucket'])) ?? {}
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

  /** The "folders" right under a prefix (ListObjectsV2 with Delimiter '/'), without the prefix and slash. */
  async listFolders(bucket: string, prefix: string): Promise<string[]> {
    const names: string[] = []
    await this.listPages({Bucket: bucket, Prefix: prefix, Delimiter: '/'}, (page) => {
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix) names.push(common.Prefix.slice(prefix.length).replace(/\/$/, ''))
    })
    return names.sort()
  }

  /** Every object under a prefix. */
  async listObjects(bucket: string, prefix: string): Promise<ListedObject[]> {
    const objects: ListedObject[] = []
    await this.listPages({Bucket: bucket, Prefix: prefix}, (page) => {
      for (const object of page.Contents ?? []) if (object.Key) objects.push({key: object.Key, size: object.Size ?? 0, etag: object.ETag ?? ''})
    })
    return objects
  }

  /** ListObjectsV2 page by page, each page one counted call. */
  private async listPages(input: ListObjectsV2CommandInput, each: (page: ListObjectsV2CommandOutput) => void): Promise<void> {
    let token: string | undefined
    do {
      this.calls += 1
      const page = await this.send('s3:ListBucket', new ListObjectsV2Command({...input, ContinuationToken: token}))
      each(page)
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }

  /** An object's bytes. */
  async getObject(bucket: string, key: string): Promise<Uint8Array> {
    this.calls += 1
    return this.call('s3:GetObject', async () => {
      const out = await this.clients.s3.send(new GetObjectCommand({Bucket: bucket, Key: key}))
      return out.Body ? out.Body.transformToByteArray() : new Uint8Array()
    })
  }

  private send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: S3Command<I, O>): Promise<O> {
    return this.call(operation, () => this.clients.s3.send(command))
  }

  private sendOrAbsent<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: S3Command<I, O>, absent: readonly string[]): Promise<O | undefined> {
    return this.callOrAbsent(operation, () => this.clients.s3.send(command), absent)
  }
}
