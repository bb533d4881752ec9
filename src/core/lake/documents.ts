/**
 * The policies bootstrap writes, built from lake.yaml and the account. Each one grants only what
 * its user needs, on the bucket and prefix of the logs: no `*` resources.
 */
import {trailKeyPrefixOf, type LakeConfig, type TrailConfig} from './config'
import {policyDocument, type PolicyDocument, type PolicyStatement} from '../iam'

/** Where the lake lives: the account and region the names below are built from. */
export interface LakeTarget {
  /** The 12-digit account id. */
  account: string
  /** The region. */
  region: string
  /** The partition of ARNs: aws, aws-cn, aws-us-gov. */
  partition: string
}

/** The inline policy name lakegov owns on the roles it manages. */
export const MANAGED_POLICY_NAME = 'lakegov'

/** The ARN of a role created at the root path. */
export function roleArnOf(target: LakeTarget, name: string): string {
  return `arn:${target.partition}:iam::${target.account}:role/${name}`
}

/** The trail's ARN. */
export function trailArnOf(target: LakeTarget, trail: Pick<TrailConfig, 'name'>): string {
  return `arn:${target.partition}:cloudtrail:${target.region}:${target.account}:trail/${trail.name}`
}

/** The ARN of a CloudWatch Logs log group, as CloudTrail wants it (with the trailing :*). */
export function logGroupArnOf(target: LakeTarget, logGroup: string): string {
  return `arn:${target.partition}:logs:${target.region}:${target.account}:log-group:${logGroup}:*`
}

/**
 * The trails CloudTrail statements are conditioned on: the declared trail, or without one every
 * trail of this account (the bucket then serves a trail lakegov does not manage).
 */
function sourceTrailArn(config: LakeConfig, target: LakeTarget): string {
  return config.trail ? trailArnOf(target, config.trail) : `arn:${target.partition}:cloudtrail:*:${target.account}:trail/*`
}

function bucketArn(config: LakeConfig, target: LakeTarget): string {
  return `arn:${target.partition}:s3:::${config.bucket.name}`
}

/** The statements bootstrap keeps in the bucket policy. */
export function bucketPolicyStatements(config: LakeConfig, target: LakeTarget): PolicyStatement[] {
  const bucket = bucketArn(config, target)
  const keyPrefix = trailKeyPrefixOf(config.bucket.prefix)
  const sourceArn = sourceTrailArn(config, target)
  // A declared trail is one ARN; otherwise a pattern, which needs StringLike.
  const operator = config.trail ? 'StringEquals' : 'StringLike'
  return [
    {
      Sid: 'LakegovDenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucket, `${bucket}/*`],
      Condition: {Bool: {'aws:SecureTransport': 'false'}},
    },
    {
      Sid: 'LakegovCloudTrailAclCheck',
      Effect: 'Allow',
      Principal: {Service: 'cloudtrail.amazonaws.com'},
      Action: 's3:GetBucketAcl',
      Resource: bucket,
      Condition: {[operator]: {'aws:SourceArn': sourceArn}},
    },
    {
      Sid: 'LakegovCloudTrailWrite',
      Effect: 'Allow',
      Principal: {Service: 'cloudtrail.amazonaws.com'},
      Action: 's3:PutObject',
      Resource: `${bucket}/${keyPrefix ? `${keyPrefix}/` : ''}AWSLogs/${target.account}/*`,
      Condition: config.trail
        ? {StringEquals: {'s3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': sourceArn}}
        : {StringEquals: {'s3:x-amz-acl': 'bucket-owner-full-control'}, StringLike: {'aws:SourceArn': sourceArn}},
    },
  ]
}

/** A trust policy that lets one AWS service assume the role. */
export function serviceTrustPolicy(service: string, target: LakeTarget, options: {setSourceIdentity?: boolean} = {}): PolicyDocument {
  return policyDocument([
    {
      Effect: 'Allow',
      Principal: {Service: service},
      // sts:SetSourceIdentity lets the service stamp a source identity on the sessions it starts (Lake Formation's SET_SOURCE_IDENTITY).
      Action: options.setSourceIdentity ? ['sts:AssumeRole', 'sts:SetSourceIdentity'] : 'sts:AssumeRole',
      // Confused-deputy protection: only on behalf of this account.
      Condition: {StringEquals: {'aws:SourceAccount': target.account}},
    },
  ])
}

/**
 * The registration role's inline policy: list the prefix, read and write objects under it, and use
 * the bucket's key. ListBucket is on the bucket ARN (S3 has no narrower resource for it), limited
 * to the prefix by its condition.
 */
export function registrationRolePolicy(config: LakeConfig, target: LakeTarget, keyArn: string | undefined): PolicyDocument {
  const bucket = bucketArn(config, target)
  const prefix = config.bucket.prefix
  const statements: PolicyStatement[] = [
    {
      Sid: 'ListLogPrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucket,
      ...(prefix ? {Condition: {StringLike: {'s3:prefix': [prefix, `${prefix}*`]}}} : {}),
    },
    {Sid: 'ReadWriteLogObjects', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: `${bucket}/${prefix}*`},
  ]
  if (keyArn) statements.push({Sid: 'UseLogKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: keyArn})
  return policyDocument(statements)
}

/** What the key policy must allow: CloudTrail to encrypt for this account's trail, and the registration role to decrypt. */
export function keyPolicyStatements(config: LakeConfig, target: LakeTarget, registrationRoleArn: string | undefined): PolicyStatement[] {
  const context = {'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${target.partition}:cloudtrail:*:${target.account}:trail/*`}
  const sourceArn = {'aws:SourceArn': sourceTrailArn(config, target)}
  const statements: PolicyStatement[] = [
    {
      Sid: 'LakegovCloudTrailEncrypt',
      Effect: 'Allow',
      Principal: {Service: 'cloudtrail.amazonaws.com'},
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      // Without a declared trail the source is any trail of the account: a pattern needs StringLike.
      Condition: config.trail ? {StringEquals: sourceArn, StringLike: context} : {StringLike: {...sourceArn, ...context}},
    },
    {
      Sid: 'LakegovCloudTrailDescribeKey',
      Effect: 'Allow',
      Principal: {Service: 'cloudtrail.amazonaws.com'},
      Action: 'kms:DescribeKey',
      Resource: '*',
    },
  ]
  if (registrationRoleArn) {
    statements.push({
      Sid: 'LakegovRegistrationRoleDecrypt',
      Effect: 'Allow',
      Principal: {AWS: registrationRoleArn},
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      // In a key policy, "*" means this key.
      Resource: '*',
    })
  }
  return statements
}

/** The inline policy of the role CloudTrail uses to write to the log group. */
export function cloudWatchRolePolicy(target: LakeTarget, logGroup: string): PolicyDocument {
  return policyDocument([
    {
      Sid: 'WriteTrailEvents',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:${target.partition}:logs:${target.region}:${target.account}:log-group:${logGroup}:log-stream:*`,
    },
  ])
}

/**
 * The crawler role's inline policy: read the prefix, get Lake Formation's temporary credentials,
 * write the log database's tables and partitions, and write its own CloudWatch logs. GetDataAccess
 * has no resource-level permissions, so it alone is on "*"; no S3 statement is.
 */
export function crawlerRolePolicy(config: LakeConfig, target: LakeTarget): PolicyDocument {
  const bucket = bucketArn(config, target)
  const prefix = config.bucket.prefix
  const glue = `arn:${target.partition}:glue:${target.region}:${target.account}`
  return policyDocument([
    {
      Sid: 'ListLogPrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucket,
      ...(prefix ? {Condition: {StringLike: {'s3:prefix': [prefix, `${prefix}*`]}}} : {}),
    },
    {Sid: 'ReadLogObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/${prefix}*`},
    {Sid: 'LakeFormationCredentials', Effect: 'Allow', Action: 'lakeformation:GetDataAccess', Resource: '*'},
    {
      Sid: 'CatalogLogTables',
      Effect: 'Allow',
      Action: [
        'glue:BatchCreatePartition',
        'glue:BatchGetPartition',
        'glue:CreateTable',
        'glue:GetDatabase',
        'glue:GetPartition',
        'glue:GetPartitions',
        'glue:GetTable',
        'glue:GetTables',
        'glue:UpdatePartition',
        'glue:UpdateTable',
      ],
      Resource: [`${glue}:catalog`, `${glue}:database/${config.database}`, `${glue}:table/${config.database}/*`],
    },
    {
      Sid: 'CrawlerLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:${target.partition}:logs:${target.region}:${target.account}:log-group:/aws-glue/crawlers*`,
    },
  ])
}
