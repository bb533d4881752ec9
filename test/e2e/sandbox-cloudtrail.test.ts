import {CloudTrailClient, CreateTrailCommand, GetEventSelectorsCommand, PutEventSelectorsCommand, UpdateTrailCommand} from '@aws-sdk/client-cloudtrail'
import {CloudWatchLogsClient, CreateLogGroupCommand} from '@aws-sdk/client-cloudwatch-logs'
import {CreateRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {CreateKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand} from '@aws-sdk/client-kms'
import {CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client} from '@aws-sdk/client-s3'

import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

jest.setTimeout(30_000)

const ACCOUNT = '123456789012'
const BUCKET = 'trail-logs'

function config() {
  return sandboxSdkConfig(sandboxEndpoint(), 1)
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to fail, but it succeeded')
}

// The bucket policy of the CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail".
const CLOUDTRAIL_BUCKET_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {Sid: 'AclCheck', Effect: 'Allow', Principal: {Service: 'cloudtrail.amazonaws.com'}, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${BUCKET}`},
    {
      Sid: 'Write',
      Effect: 'Allow',
      Principal: {Service: 'cloudtrail.amazonaws.com'},
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/*`,
      Condition: {StringEquals: {'s3:x-amz-acl': 'bucket-owner-full-control'}},
    },
  ],
})

const keyPolicy = (statements: object[]) =>
  JSON.stringify({Version: '2012-10-17', Statement: [{Sid: 'Root', Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCOUNT}:root`}, Action: 'kms:*', Resource: '*'}, ...statements]})

beforeEach(async () => {
  await resetSandbox()
  await new S3Client({...config(), forcePathStyle: true}).send(new CreateBucketCommand({Bucket: BUCKET}))
})

// CloudTrail API reference, CreateTrail and UpdateTrail "Errors"; moto 5.2.1 checks none of these.
describe('sandbox CloudTrail: what CreateTrail and UpdateTrail refuse', () => {
  it('refuses a bucket whose policy does not let CloudTrail write, with InsufficientS3BucketPolicyException', async () => {
    const cloudtrail = new CloudTrailClient(config())
    expect((await failure(cloudtrail.send(new CreateTrailCommand({Name: 'lake-trail', S3BucketName: BUCKET})))).name).toBe('InsufficientS3BucketPolicyException')
    await new S3Client({...config(), forcePathStyle: true}).send(new PutBucketPolicyCommand({Bucket: BUCKET, Policy: CLOUDTRAIL_BUCKET_POLICY}))
    // The policy covers AWSLogs/ACCOUNT/ at the bucket root, not under another prefix.
    expect((await failure(cloudtrail.send(new CreateTrailCommand({Name: 'lake-trail', S3BucketName: BUCKET, S3KeyPrefix: 'other'})))).name).toBe('InsufficientS3BucketPolicyException')
    await expect(cloudtrail.send(new CreateTrailCommand({Name: 'lake-trail', S3BucketName: BUCKET}))).resolves.toMatchObject({Name: 'lake-trail'})
  })

  it('refuses a KMS key CloudTrail may not use, with InsufficientEncryptionPolicyException, and takes one it may', async () => {
    const s3 = new S3Client({...config(), forcePathStyle: true})
    await s3.send(new PutBucketPolicyCommand({Bucket: BUCKET, Policy: CLOUDTRAIL_BUCKET_POLICY}))
    const kms = new KMSClient(config())
    const closed = await kms.send(new CreateKeyCommand({Policy: keyPolicy([])}))
    const cloudtrail = new CloudTrailClient(config())
    const error = await failure(cloudtrail.send(new CreateTrailCommand({Name: 'lake-trail', S3BucketName: BUCKET, KmsKeyId: closed.KeyMetadata?.Arn})))
    expect(error.name).toBe('InsufficientEncryptionPolicyException')
    const open = await kms.send(
      new CreateKeyCommand({Policy: keyPolicy([{Sid: 'CloudTrail', Effect: 'Allow', Principal: {Service: 'cloudtrail.amazonaws.com'}, Action: 'kms:GenerateDataKey*', Resource: '*'}])}),
    )
    await expect(cloudtrail.send(new CreateTrailCommand({Name: 'lake-trail', S3BucketName: BUCKET, KmsKeyId: open.KeyMetadata?.Arn}))).resolves.toBeDefined()
    expect((await failure(cloudtrail.send(new UpdateTrailCommand({Name: 'lake-trail', KmsKeyId: closed.KeyMetadata?.Arn})))).name).toBe('InsufficientEncryptionPolicyException')
  })

  it('refuses a CloudWatch Logs group that does not exist, and a role that does not exist or does not trust CloudTrail', async () => {
    await new S3Client({...config(), forcePathStyle: true}).send(new PutBucketPolicyCommand({Bucket: BUCKET, Policy: CLOUDTRAIL_BUCKET_POLICY}))
    const cloudtrail = new CloudTrailClient(config())
    const iam = new IAMClient(config())
    const trust = (service: string) => JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: service}, Action: 'sts:AssumeRole'}]})
    const groupArn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail:*`
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/TrailToLogs`
    const create = () => cloudtrail.send(new CreateTrailCommand({Name: 'lake-trail', S3BucketName: BUCKET, CloudWatchLogsLogGroupArn: groupArn, CloudWatchLogsRoleArn: roleArn}))
    expect((await failure(create())).name).toBe('InvalidCloudWatchLogsLogGroupArnException')
    await new CloudWatchLogsClient(config()).send(new CreateLogGroupCommand({logGroupName: 'trail'}))
    expect((await failure(create())).name).toBe('InvalidCloudWatchLogsRoleArnException')
    await iam.send(new CreateRoleCommand({RoleName: 'TrailToLogs', AssumeRolePolicyDocument: trust('ec2.amazonaws.com')}))
    expect((await failure(create())).name).toBe('InvalidCloudWatchLogsRoleArnException')
    await iam.send(new CreateRoleCommand({RoleName: 'TrailToLogs2', AssumeRolePolicyDocument: trust('cloudtrail.amazonaws.com')}))
    await expect(cloudtrail.send(new CreateTrailCommand({Name: 'lake-trail', S3BucketName: BUCKET, CloudWatchLogsLogGroupArn: groupArn, CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/TrailToLogs2`}))).resolves.toBeDefined()
  })
})

// S3 API reference, PutBucketPolicy (MalformedPolicy); moto 5.2.1 accepts these.
describe('sandbox S3: what PutBucketPolicy refuses and keeps', () => {
  const put = (statement: object) =>
    new S3Client({...config(), forcePathStyle: true}).send(new PutBucketPolicyCommand({Bucket: BUCKET, Policy: JSON.stringify({Version: '2012-10-17', Statement: [statement]})}))

  it.each([
    ['a principal that is not an account, ARN or service', {Effect: 'Allow', Principal: {AWS: 'alice'}, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`}],
    ['an unknown principal type', {Effect: 'Allow', Principal: {User: 'x'}, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`}],
    ['no principal', {Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`}],
    ['a resource of another bucket', {Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::elsewhere/*'}],
    ['a resource that is not an S3 ARN', {Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*'}],
  ])('refuses %s with MalformedPolicy', async (_, statement) => {
    expect((await failure(put(statement))).name).toBe('MalformedPolicy')
  })

  it('keeps a conditional statement as written', async () => {
    const statement = {Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`], Condition: {Bool: {'aws:SecureTransport': 'false'}}}
    await put(statement)
    const {Policy} = await new S3Client({...config(), forcePathStyle: true}).send(new GetBucketPolicyCommand({Bucket: BUCKET}))
    expect(JSON.parse(Policy ?? '{}').Statement).toEqual([statement])
  })
})

// KMS API reference, PutKeyPolicy and CreateKey, BypassPolicyLockoutSafetyCheck.
describe('sandbox KMS: the policy lockout safety check', () => {
  it('refuses a key policy that would lock the caller out, with MalformedPolicyDocumentException, and keeps the old one', async () => {
    const kms = new KMSClient(config())
    const {KeyMetadata} = await kms.send(new CreateKeyCommand({Policy: keyPolicy([])}))
    const lockout = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'cloudtrail.amazonaws.com'}, Action: 'kms:*', Resource: '*'}]})
    const error = await failure(kms.send(new PutKeyPolicyCommand({KeyId: KeyMetadata?.KeyId, PolicyName: 'default', Policy: lockout})))
    expect(error.name).toBe('MalformedPolicyDocumentException')
    expect((await failure(kms.send(new CreateKeyCommand({Policy: lockout})))).name).toBe('MalformedPolicyDocumentException')
    const {Policy} = await kms.send(new GetKeyPolicyCommand({KeyId: KeyMetadata?.KeyId, PolicyName: 'default'}))
    expect(Policy).toBe(keyPolicy([]))
    // The account root hands the decision to IAM: that is not a lockout.
    await expect(kms.send(new PutKeyPolicyCommand({KeyId: KeyMetadata?.KeyId, PolicyName: 'default', Policy: keyPolicy([{Sid: 'x', Effect: 'Allow', Principal: {Service: 'cloudtrail.amazonaws.com'}, Action: 'kms:GenerateDataKey*', Resource: '*'}])}))).resolves.toBeDefined()
  })
})

// CloudTrail API reference, PutEventSelectors, GetEventSelectors and AdvancedFieldSelector; moto 5.2.1 checks none of these.
describe('sandbox CloudTrail: event selectors', () => {
  const DATA = {Name: 'reads', FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}, {Field: 'resources.type', Equals: ['AWS::S3::Object']}, {Field: 'readOnly', Equals: ['true']}, {Field: 'resources.ARN', StartsWith: [`arn:aws:s3:::${BUCKET}/AWSLogs/`]}]}

  async function trail(): Promise<CloudTrailClient> {
    await new S3Client({...config(), forcePathStyle: true}).send(new PutBucketPolicyCommand({Bucket: BUCKET, Policy: CLOUDTRAIL_BUCKET_POLICY}))
    const cloudtrail = new CloudTrailClient(config())
    await cloudtrail.send(new CreateTrailCommand({Name: 'lake-trail', S3BucketName: BUCKET}))
    return cloudtrail
  }

  it('gives a new trail the default selector (every management event), and advanced selectors replace basic ones and back', async () => {
    const cloudtrail = await trail()
    const fresh = await cloudtrail.send(new GetEventSelectorsCommand({TrailName: 'lake-trail'}))
    expect(fresh.EventSelectors).toEqual([{ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: []}])
    expect(fresh.AdvancedEventSelectors ?? []).toEqual([])
    await cloudtrail.send(new PutEventSelectorsCommand({TrailName: 'lake-trail', AdvancedEventSelectors: [DATA]}))
    const advanced = await cloudtrail.send(new GetEventSelectorsCommand({TrailName: 'lake-trail'}))
    expect([advanced.EventSelectors ?? [], advanced.AdvancedEventSelectors]).toEqual([[], [DATA]])
    await cloudtrail.send(new PutEventSelectorsCommand({TrailName: 'lake-trail', EventSelectors: [{ReadWriteType: 'ReadOnly', IncludeManagementEvents: true}]}))
    const basic = await cloudtrail.send(new GetEventSelectorsCommand({TrailName: 'lake-trail'}))
    expect(basic.AdvancedEventSelectors ?? []).toEqual([])
    expect(basic.EventSelectors?.[0]).toMatchObject({ReadWriteType: 'ReadOnly'})
  })

  it('refuses the selectors CloudTrail refuses, with InvalidEventSelectorsException', async () => {
    const cloudtrail = await trail()
    const put = (input: object) => failure(cloudtrail.send(new PutEventSelectorsCommand({TrailName: 'lake-trail', ...input})))
    const refused = [
      {AdvancedEventSelectors: [DATA], EventSelectors: [{ReadWriteType: 'All'}]},
      {},
      {AdvancedEventSelectors: [{FieldSelectors: [{Field: 'resources.type', Equals: ['AWS::S3::Object']}]}]},
      {AdvancedEventSelectors: [{FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}, {Field: 'bucketName', Equals: ['x']}, {Field: 'resources.type', Equals: ['AWS::S3::Object']}]}]},
      {AdvancedEventSelectors: [{FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}]}]},
      {AdvancedEventSelectors: [{FieldSelectors: [{Field: 'eventCategory', StartsWith: ['Data']}, {Field: 'resources.type', Equals: ['AWS::S3::Object']}]}]},
      {AdvancedEventSelectors: [{FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}, {Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::x/']}]}]},
      {AdvancedEventSelectors: [{FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}, {Field: 'resources.type', Equals: ['AWS::S3::Object']}, {Field: 'readOnly', Equals: ['yes']}]}]},
      {EventSelectors: [{ReadWriteType: 'read-only'}]},
      {EventSelectors: Array.from({length: 6}, () => ({ReadWriteType: 'All'}))},
      {AdvancedEventSelectors: [{FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}, {Field: 'resources.type', Equals: ['AWS::S3::Object']}, {Field: 'resources.ARN', StartsWith: Array.from({length: 499}, (_, i) => `arn:aws:s3:::b${i}/`)}]}]},
    ]
    for (const input of refused) expect([input, (await put(input)).name]).toEqual([input, 'InvalidEventSelectorsException'])
    // Nothing refused was stored.
    expect((await cloudtrail.send(new GetEventSelectorsCommand({TrailName: 'lake-trail'}))).EventSelectors).toHaveLength(1)
  })
})
