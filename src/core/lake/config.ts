import type {AlarmsConfig} from '../alarms/types'
import type {TableConfig} from '../catalog/table-options'
import {LakegovError} from '../errors'
import {ExitCode} from '../exit-codes'
import type {SourceRef} from '../policy/source-map'

/**
 * Refuses a --region that contradicts lake.yaml's region: a lake half built, or governed, in two
 * regions is worse than an error. `where` is lake.yaml's region line, when known.
 */
export function checkRegionAgrees(flagRegion: string | undefined, lakeRegion: string, where: SourceRef | undefined): void {
  if (!flagRegion || flagRegion === lakeRegion) return
  throw new LakegovError(`--region ${flagRegion} contradicts region: ${lakeRegion} in ${where ? `${where.file}:${where.line}` : 'lake.yaml'}.`, {
    exitCode: ExitCode.Usage,
    code: 'REGION_MISMATCH',
    suggestions: ['Drop --region, or change lake.yaml.'],
  })
}

/** How the log bucket encrypts objects by default. */
export type BucketEncryption = {type: 'AES256'} | {type: 'aws:kms'; kmsKeyArn: string}

/** The S3 bucket CloudTrail writes to. */
export interface BucketConfig {
  /** The bucket name; created when missing, adopted and hardened when present. */
  name: string
  /** The key prefix of the logs, without a leading slash and with a trailing one ("AWSLogs/"); "" is the whole bucket. */
  prefix: string
  /** Default encryption. */
  encryption: BucketEncryption
  /** Days after which log objects expire (a lifecycle rule); undefined leaves lifecycle alone. */
  retentionDays?: number
}

/**
 * How Lake Formation reaches the location: a role lakegov manages, or the service-linked role.
 * sourceIdentity (role only): true sets the data lake parameter SET_SOURCE_IDENTITY to TRUE and lets
 * Lake Formation call sts:SetSourceIdentity on the role; false sets it to FALSE; undefined leaves it alone.
 */
export type RegistrationConfig = ({role: string} | {useServiceLinkedRole: true}) & {sourceIdentity?: boolean}

/** The CloudTrail trail that writes into the bucket. */
export interface TrailConfig {
  /** The trail name. */
  name: string
  /** Whether the trail logs every region. */
  multiRegion: boolean
  /** Whether CloudTrail writes digest files that prove the logs were not changed. */
  logFileValidation: boolean
  /** A CloudWatch Logs log group that also receives the events; undefined for none. */
  cloudWatchLogGroup?: string
  /** The role CloudTrail assumes to write to the log group (created by lakegov). */
  cloudWatchRole: string
  /** S3 data events: logReads true adds the selector of reads of the logs, false removes it, undefined leaves it alone. */
  dataEvents?: {logReads?: boolean}
}

/** The Glue crawler that catalogs the logs. */
export interface CrawlerConfig {
  /** The crawler name. */
  name: string
  /** The crawler's IAM role, created and kept least-privilege by lakegov. */
  role: string
  /** A Glue cron schedule, for example cron(0 2 * * ? *); undefined runs only on demand. */
  schedule?: string
}

/** policies/lake.yaml, validated. */
export interface LakeConfig {
  /** The region the lake lives in. */
  region: string
  /** Data lake administrators to add (or, with --exact-admins, the whole list). */
  admins: string[]
  /** Read-only administrators to add, like admins. */
  readOnlyAdmins: string[]
  /** The log bucket. */
  bucket: BucketConfig
  /** The registration of the bucket and prefix with Lake Formation. */
  registration: RegistrationConfig
  /** The Glue database of the logs. */
  database: string
  /** The trail, when lakegov manages it. */
  trail?: TrailConfig
  /** The crawler, when the logs are cataloged by crawling. */
  crawler?: CrawlerConfig
  /** Where `activity --engine athena` runs (workgroup, result location), when set. */
  athena?: {workgroup?: string; outputLocation?: string}
  /** The alarms section: bootstrap's alarms step and `alarms test` read it. */
  alarms?: AlarmsConfig
  /** The CloudTrail table `lakegov table` makes; its flags override it for one run. */
  table?: TableConfig
  /** Where each field was declared, keyed by its path (bucket.encryption.kmsKeyArn), for errors found later in AWS. */
  sources: Record<string, SourceRef>
}

/** The S3 ARN Lake Formation registers: the bucket, or the bucket and prefix without its trailing slash. */
export function locationArnOf(bucket: Pick<BucketConfig, 'name' | 'prefix'>): string {
  const prefix = bucket.prefix.replace(/\/$/, '')
  return prefix ? `arn:aws:s3:::${bucket.name}/${prefix}` : `arn:aws:s3:::${bucket.name}`
}

/** The s3:// URL of the logs. */
export function locationUrlOf(bucket: Pick<BucketConfig, 'name' | 'prefix'>): string {
  return `s3://${bucket.name}/${bucket.prefix}`
}

/**
 * CloudTrail's S3KeyPrefix for a log prefix. CloudTrail always writes under `[S3KeyPrefix/]AWSLogs/`,
 * so a log prefix of "AWSLogs/" means no key prefix, and "org/AWSLogs/" means "org". A prefix that
 * does not end in AWSLogs/ is used as is: the logs land in `prefix/AWSLogs/...`, still under it.
 */
export function trailKeyPrefixOf(prefix: string): string | undefined {
  const keyPrefix = prefix.replace(/(^|\/)AWSLogs\/$/, '').replace(/\/$/, '')
  return keyPrefix === '' ? undefined : keyPrefix
}
