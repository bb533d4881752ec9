/** The account's state as bootstrap reads it: plain data, filled in by src/aws, compared by the core. */
import type {ObservedAlarms} from '../alarms/plan'
import type {Grant} from '../model/grant'
import type {LakeTarget} from './documents'
import type {PolicyDocument} from '../iam'

/** The four Block Public Access settings. */
export interface PublicAccessBlock {
  /** Rejects public ACLs on new objects and the bucket. */
  BlockPublicAcls?: boolean
  /** Ignores public ACLs already there. */
  IgnorePublicAcls?: boolean
  /** Rejects bucket policies that grant public access. */
  BlockPublicPolicy?: boolean
  /** Limits access under a public policy to AWS services and the owner account. */
  RestrictPublicBuckets?: boolean
}

/** An S3 lifecycle rule, as S3 returns it; lakegov reads only its own rule's fields. */
export type LifecycleRule = Record<string, unknown> & {ID?: string}

/** The log bucket. */
export interface ObservedBucket {
  /** Whether the bucket exists (and is this account's). */
  exists: boolean
  /** Block Public Access, undefined when none is set. */
  publicAccessBlock?: PublicAccessBlock
  /** Default encryption: the algorithm and, for aws:kms, the key as S3 reports it. */
  encryption?: {algorithm: string; kmsKeyId?: string; bucketKeyEnabled?: boolean}
  /** Enabled, Suspended, or undefined for never enabled. */
  versioning?: string
  /** The bucket policy, undefined when there is none. */
  policy?: PolicyDocument
  /** The lifecycle rules, empty when there are none. */
  lifecycleRules: LifecycleRule[]
}

/** An IAM role and its policies. */
export interface ObservedRole {
  /** The role name. */
  name: string
  /** Whether it exists. */
  exists: boolean
  /** Its trust policy. */
  trustPolicy?: PolicyDocument
  /** Inline policies by name. */
  inlinePolicies: Record<string, PolicyDocument>
  /** ARNs of attached managed policies. */
  attachedPolicies: string[]
}

/** The bucket's customer managed KMS key. */
export interface ObservedKey {
  /** The key ARN (aliases resolved). */
  arn: string
  /** The key policy, when lakegov may read it. */
  policy?: PolicyDocument
  /** Why lakegov may not change the key policy (another account's key, an AWS managed key, access denied); undefined when it may. */
  cannotChange?: string
}

/** The Lake Formation data lake settings as the API returns them: every field, so that none is lost on write. */
export type RawDataLakeSettings = Record<string, unknown> & {
  /** Data lake administrators. */
  DataLakeAdmins?: {DataLakePrincipalIdentifier?: string}[]
  /** Read-only administrators. */
  ReadOnlyAdmins?: {DataLakePrincipalIdentifier?: string}[]
  /** Default permissions on new databases. */
  CreateDatabaseDefaultPermissions?: unknown[]
  /** Default permissions on new tables. */
  CreateTableDefaultPermissions?: unknown[]
}

/** A Lake Formation registration. */
export interface ObservedRegistration {
  /** The registered S3 ARN. */
  resourceArn: string
  /** The role, when a custom role is used. */
  roleArn?: string
  /** Whether the service-linked role is used. */
  useServiceLinkedRole: boolean
  /** VERIFIED, NOT_VERIFIED or VERIFICATION_FAILED. */
  verificationStatus?: string
}

/** The Glue database and the IAM_ALLOWED_PRINCIPALS grants on it and its tables. */
export interface ObservedDatabase {
  /** Whether the database exists. */
  exists: boolean
  /** The principals of the database's CreateTableDefaultPermissions (IAM_ALLOWED_PRINCIPALS when new tables go to IAM). */
  tableDefaultPrincipals: string[]
  /** IAM_ALLOWED_PRINCIPALS grants on the database and its tables, canonical. */
  iamAllowedGrants: Grant[]
}

/** One condition of an advanced event selector (CloudTrail API reference, AdvancedFieldSelector). */
export interface AdvancedFieldSelector {
  /** The event record field: eventCategory, resources.type, resources.ARN, readOnly, eventName, ... */
  Field: string
  Equals?: string[]
  StartsWith?: string[]
  EndsWith?: string[]
  NotEquals?: string[]
  NotStartsWith?: string[]
  NotEndsWith?: string[]
}

/** An advanced event selector: its conditions all apply (AND); a trail logs an event any selector matches. */
export interface AdvancedEventSelector {
  /** An optional name; lakegov recognises its own selector by it. */
  Name?: string
  /** The conditions. */
  FieldSelectors: AdvancedFieldSelector[]
}

/** A basic event selector (CloudTrail API reference, EventSelector). */
export interface BasicEventSelector {
  /** ReadOnly, WriteOnly or All (the default). */
  ReadWriteType?: string
  /** Whether management events are logged (default true). */
  IncludeManagementEvents?: boolean
  /** Data event resources: a type and ARN prefixes. */
  DataResources?: {Type?: string; Values?: string[]}[]
  /** Management event sources not logged. */
  ExcludeManagementEventSources?: string[]
}

/** A trail's event selectors: a trail has either basic or advanced ones (GetEventSelectors). */
export interface ObservedEventSelectors {
  /** Basic event selectors. */
  basic: BasicEventSelector[]
  /** Advanced event selectors. */
  advanced: AdvancedEventSelector[]
}

/** A CloudTrail trail. */
export interface ObservedTrail {
  /** Whether the trail exists. */
  exists: boolean
  /** The bucket it writes to. */
  s3BucketName?: string
  /** Its S3 key prefix. */
  s3KeyPrefix?: string
  /** Whether it logs every region. */
  multiRegion?: boolean
  /** Whether it writes digest files. */
  logFileValidation?: boolean
  /** The KMS key it encrypts with. */
  kmsKeyId?: string
  /** The CloudWatch Logs log group ARN. */
  cloudWatchLogsLogGroupArn?: string
  /** The role CloudTrail uses for CloudWatch Logs. */
  cloudWatchLogsRoleArn?: string
  /** Whether it is logging now. */
  isLogging?: boolean
  /** The region the trail was created in; it can only be changed from there. */
  homeRegion?: string
  /** Its event selectors, when read (only when lake.yaml sets trail.dataEvents). */
  eventSelectors?: ObservedEventSelectors
}

/** A Glue crawler, as far as lakegov manages it. */
export interface ObservedCrawler {
  /** Whether it exists. */
  exists: boolean
  /** Its role ARN. */
  role?: string
  /** The database it writes to. */
  databaseName?: string
  /** Its S3 targets. */
  s3Targets: {path: string; exclusions: string[]}[]
  /** Names of its custom classifiers. */
  classifiers: string[]
  /** LakeFormationConfiguration.UseLakeFormationCredentials. */
  useLakeFormationCredentials: boolean
  /** The cron schedule, if any. */
  schedule?: string
  /** SchemaChangePolicy. */
  schemaChangePolicy?: {updateBehavior?: string; deleteBehavior?: string}
  /** The crawler's Configuration JSON. */
  configuration?: string
  /** READY, RUNNING or STOPPING. */
  state?: string
  /** The last crawl. */
  lastCrawl?: {status?: string; errorMessage?: string; startTime?: string; logGroup?: string; logStream?: string}
}

/** Everything the crawler step compares: the role, its Lake Formation grants, the classifier and the crawler. */
export interface ObservedCrawlerSetup {
  /** The crawler's role. */
  role: ObservedRole
  /** The grants the crawler role holds now, canonical. */
  grants: Grant[]
  /** The JSON classifier: undefined when missing, else its JsonPath. */
  classifierJsonPath?: string
  /** The crawler. */
  crawler: ObservedCrawler
}

/** Everything bootstrap compares with lake.yaml. */
export interface ObservedLake {
  /** The account and region. */
  target: LakeTarget
  /** The caller's IAM ARN (a session's role), undefined for the root user. */
  caller?: string
  /** The bucket. */
  bucket: ObservedBucket
  /** The key, for SSE-KMS. */
  key?: ObservedKey
  /** The registration role, unless the service-linked role is used. */
  role?: ObservedRole
  /** The data lake settings. */
  settings: RawDataLakeSettings
  /** The registration of the exact location, if any. */
  registration?: ObservedRegistration
  /** Registered locations that contain the location (the whole bucket, say). */
  parentRegistrations: string[]
  /** The database. */
  database: ObservedDatabase
  /** The trail, when declared. */
  trail?: ObservedTrail
  /** The crawler and what it needs, when declared. */
  crawler?: ObservedCrawlerSetup
  /** The CloudWatch Logs side of the trail, when a log group is declared. */
  logs?: {logGroupExists: boolean; role: ObservedRole}
  /** The alarms on the trail's log group, when lake.yaml has `alarms:` and the trail a log group. */
  alarms?: ObservedAlarms
}
