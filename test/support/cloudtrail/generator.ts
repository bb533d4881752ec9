/**
 * A generator of real-format CloudTrail logs: many days, regions, accounts, principals and event
 * types, laid out as a trail delivers them, deterministic from a seed. It also returns what it
 * wrote, the ground truth, so that tests compute their expected answers from it and not from the
 * code under test.
 *
 * What it imitates, and where that is documented:
 * - Key layout `[prefix/]AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz`,
 *   UNIQUE being 16 characters (CloudTrail User Guide, "CloudTrail log file examples", "CloudTrail log
 *   file name format"; "Finding your CloudTrail log files" for the organization id).
 * - One file is `{"Records":[...]}` in no particular order; the time in the name is the delivery
 *   time, and "a log file delivered at a specific time can contain records written at any point
 *   before that time" (same page). So most files hold the last few minutes, some (lateRate) hold
 *   events up to maxLateHours older, and a file delivered just after midnight holds the previous day's events.
 * - Events can be delivered twice, with the same eventID (duplicateRate), in another file.
 * - IAM, STS and console sign-in are global services recorded in us-east-1 (CloudTrail User Guide,
 *   "AWS Management Console sign-in events", the note of November 22, 2021).
 * - Record fields and userIdentity types: "CloudTrail record contents" and "userIdentity element".
 * - Lake Formation credential vending: `GetDataAccess` from lakeformation.amazonaws.com, read-only
 *   management event, `requestParameters.tableArn`, `additionalEventData.lakeFormationPrincipal` and
 *   `lakeFormationRoleSessionName` (`AWSLF-00-AT-...` for Athena); the S3 GetObject data events made
 *   with those credentials end their `userIdentity.arn` with the same session name (Lake Formation
 *   Developer Guide, "Logging Lake Formation API calls using AWS CloudTrail").
 *
 * Speed: records are built from a seeded PRNG per record (no hashing, no clock), so the benchmark's
 * ~1,000,000 events in ~26,000 files are produced file by file with `cloudTrailFiles`, without
 * holding them all in memory.
 */
import {gzipSync} from 'node:zlib'

import {AWS_SAMPLE_RECORDS} from './aws-samples'

/** A CloudTrail record: plain JSON. */
export type CloudTrailRecord = Record<string, unknown>

/** What to generate. Every field has a default; the same options give the same bytes. */
export interface CloudTrailGeneratorOptions {
  /** Seed of every random choice; 1 when absent. */
  seed?: number
  /**
   * The first delivery day, `YYYY-MM-DD` (UTC). When absent: `days` days before today, so that the
   * logs are recent (LookupEvents serves only the last 90 days). Give it for byte-identical output.
   */
  start?: string
  /** How many days of deliveries; 3 when absent. */
  days?: number
  /** The accounts; ['123456789012'] when absent. */
  accounts?: string[]
  /** The regions; ['us-east-1', 'eu-west-1'] when absent. us-east-1 gets the global services' events. */
  regions?: string[]
  /** An organization id (`o-` and 10 to 32 lowercase letters or digits): the organization trail layout. */
  organizationId?: string
  /** Files delivered per account, region and day; 8 when absent. */
  filesPerDay?: number
  /** Average events per file (each file holds between half and one and a half of it); 20 when absent. */
  eventsPerFile?: number
  /** Share (0..1) of files that also redeliver events of an earlier file, same eventIDs; 0.05 when absent. */
  duplicateRate?: number
  /** Share (0..1) of files whose events are 1 to maxLateHours hours older than their delivery time; 0.05 when absent. */
  lateRate?: number
  /**
   * How late a late file is, at most, in hours; 20 when absent. Other files hold events 1 to 15 minutes
   * old. So with the default every event is in its own day's folder or the next day's: a reader of a
   * window must list the day folders of the window plus the day after.
   */
  maxLateHours?: number
  /** Share (0..1) of S3 GetObject data events; 0.15 when absent. */
  dataEventRate?: number
  /** Share (0..1) of calls that fail with AccessDenied or UnauthorizedOperation; 0.04 when absent. */
  errorRate?: number
  /** Deliver AWS's published sample records (aws-samples.ts), verbatim, under their own dates; true when absent. */
  includeAwsSamples?: boolean
  /** The bucket that Lake Formation registered (data events read from it); 'lake-data' when absent. */
  dataBucket?: string
  /** The Glue database and table that GetDataAccess names; cloudtrail.cloudtrail_logs when absent. */
  table?: {database: string; name: string}
  /** gzip level, 1 to 9; 6 when absent (lower is faster). */
  gzipLevel?: number
}

/** One generated log file. */
export interface GeneratedLogFile {
  /** The key relative to the trail's S3 prefix: `AWSLogs/...json.gz`. */
  key: string
  /** The account whose folder holds it. */
  account: string
  /** The region folder. */
  region: string
  /** The delivery time in the name, ISO. */
  deliveredAt: string
  /** The records in the file, in file order (no particular order), redelivered ones included. */
  records: CloudTrailRecord[]
  /** How many of the records are redeliveries of records first delivered in an earlier file. */
  redelivered: number
  /** The gzipped `{"Records":[...]}`, as it goes to S3. */
  body(): Buffer
}

/** A whole generated set. */
export interface GeneratedCloudTrail {
  /** The options in force, defaults filled in. */
  options: Required<Omit<CloudTrailGeneratorOptions, 'organizationId'>> & {organizationId?: string}
  /** Every file, sorted by key. */
  files: GeneratedLogFile[]
  /** Ground truth: every distinct event once (by eventID), sorted by eventTime then eventID. */
  records: CloudTrailRecord[]
  /** How many records the files hold in all, redeliveries included. */
  deliveredRecords: number
}

const DEFAULTS = {
  seed: 1,
  days: 3,
  accounts: ['123456789012'],
  regions: ['us-east-1', 'eu-west-1'],
  filesPerDay: 8,
  eventsPerFile: 20,
  duplicateRate: 0.05,
  lateRate: 0.05,
  maxLateHours: 20,
  dataEventRate: 0.15,
  errorRate: 0.04,
  includeAwsSamples: true,
  dataBucket: 'lake-data',
  table: {database: 'cloudtrail', name: 'cloudtrail_logs'},
  gzipLevel: 6,
}

/** mulberry32, the sandbox's PRNG (faults.ts), repeated here so the generator stands alone. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** FNV-1a over a string: seeds per file and per record. */
function fnv(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

class Rng {
  readonly next: () => number
  constructor(seed: number) {
    this.next = mulberry32(seed)
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]
  }
  chance(rate: number): boolean {
    return this.next() < rate
  }
  chars(alphabet: string, length: number): string {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)]
    return out
  }
  hex(length: number): string {
    return this.chars('0123456789abcdef', length)
  }
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${this.hex(3)}-${this.hex(12)}`
  }
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A stable id derived from a name only (principal ids, access keys of users). */
function stableId(prefix: string, name: string, length: number): string {
  return prefix + new Rng(fnv(name, 7)).chars(UPPER, length)
}

const two = (n: number) => String(n).padStart(2, '0')
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

// ---- principals -------------------------------------------------------------------------------

interface Principal {
  /** A label for tests: the user or role name, root, or the service. */
  label: string
  identity(account: string, rng: Rng, eventMs: number): Record<string, unknown>
  /** Where its calls come from. */
  source(rng: Rng): {ip: string; agent: string}
}

const CLI_AGENT = 'aws-cli/2.22.0 md/awscrt#0.23.4 ua/2.1 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe'
const SDK_AGENT = 'aws-sdk-js/3.1169.0 ua/2.1 os/linux#6.8.0 lang/js md/nodejs#20.19.0'
const CONSOLE_AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
const IPS = ['198.51.100.23', '198.51.100.87', '203.0.113.40', '203.0.113.77', '192.0.2.15', '192.0.2.201']

function iamUser(name: string): Principal {
  return {
    label: name,
    identity: (account) => ({
      type: 'IAMUser',
      principalId: stableId('AIDA', `${account}/${name}`, 17),
      arn: `arn:aws:iam::${account}:user/${name}`,
      accountId: account,
      accessKeyId: stableId('AKIA', `${account}/${name}/key`, 16),
      userName: name,
    }),
    source: (rng) => ({ip: rng.pick(IPS), agent: rng.pick([CLI_AGENT, SDK_AGENT, CONSOLE_AGENT])}),
  }
}

/** A role, called through several sessions (each its own session name and temporary key). */
function role(name: string, sessions: readonly string[], path = ''): Principal {
  return {
    label: name,
    identity: (account, rng, eventMs) => {
      const session = rng.pick(sessions)
      const rolePrincipal = stableId('AROA', `${account}/${name}`, 17)
      return assumedRoleIdentity(account, name, path, rolePrincipal, session, stableId('ASIA', `${account}/${name}/${session}`, 16), eventMs)
    },
    source: (rng) => ({ip: rng.pick(IPS), agent: rng.pick([CLI_AGENT, SDK_AGENT])}),
  }
}

function assumedRoleIdentity(account: string, name: string, path: string, rolePrincipal: string, session: string, accessKeyId: string, eventMs: number, invokedBy?: string) {
  // The session started at the top of the hour of the call: sessions last an hour by default.
  const created = Math.floor(eventMs / 3_600_000) * 3_600_000
  return {
    type: 'AssumedRole',
    principalId: `${rolePrincipal}:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${name}/${session}`,
    accountId: account,
    accessKeyId,
    sessionContext: {
      sessionIssuer: {type: 'Role', principalId: rolePrincipal, arn: `arn:aws:iam::${account}:role/${path}${name}`, accountId: account, userName: name},
      attributes: {creationDate: iso(created), mfaAuthenticated: 'false'},
    },
    ...(invokedBy ? {invokedBy} : {}),
  }
}

const ROOT: Principal = {
  label: 'root',
  identity: (account) => ({type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId: stableId('ASIA', `${account}/root`, 16)}),
  source: (rng) => ({ip: rng.pick(IPS), agent: CONSOLE_AGENT}),
}

function service(host: string): Principal {
  return {
    label: host,
    identity: () => ({type: 'AWSService', invokedBy: host}),
    source: () => ({ip: host, agent: host}),
  }
}

const USERS = ['alice', 'bob', 'carol'].map(iamUser)
const ROLES = [
  role('Deployer', ['github-actions-1', 'github-actions-2', 'github-actions-3']),
  role('Analyst', ['dana', 'erin']),
  role('LakeAdmin', ['alice', 'frank']),
  role('DataEngineer', ['etl-nightly', 'grace']),
]
const SERVICES = ['cloudtrail.amazonaws.com', 'config.amazonaws.com', 'glue.amazonaws.com', 'ec2.amazonaws.com'].map(service)

// ---- event catalog ------------------------------------------------------------------------------

interface EventContext {
  account: string
  region: string
  rng: Rng
  bucket: string
  tableArn: string
  ms: number
}

interface EventType {
  source: string
  name: string
  readOnly: boolean
  /** Recorded in us-east-1 only (IAM, STS's global endpoint, sign-in). */
  global?: boolean
  /** Who calls it; any user or role when absent. */
  callers?: readonly Principal[]
  eventType?: string
  params?(ctx: EventContext): unknown
  response?(ctx: EventContext): unknown
  resources?(ctx: EventContext): unknown[]
  extra?(ctx: EventContext): Record<string, unknown>
  /** The error code the call gets when it fails. */
  deniedCode?: string
}

const PEOPLE = [...USERS, ...ROLES]
const instanceId = (rng: Rng) => `i-0${rng.hex(16)}`
const groupId = (rng: Rng) => `sg-0${rng.hex(16)}`

const MANAGEMENT: EventType[] = [
  {source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true, params: () => ({instancesSet: {}, filterSet: {}}), deniedCode: 'Client.UnauthorizedOperation'},
  {source: 'ec2.amazonaws.com', name: 'DescribeSecurityGroups', readOnly: true, params: () => ({securityGroupSet: {}, filterSet: {}}), deniedCode: 'Client.UnauthorizedOperation'},
  {
    source: 'ec2.amazonaws.com',
    name: 'RunInstances',
    readOnly: false,
    callers: [ROLES[0]],
    params: (c) => ({instanceType: c.rng.pick(['t3.micro', 'm7g.large']), minCount: 1, maxCount: 1}),
    response: (c) => ({instancesSet: {items: [{instanceId: instanceId(c.rng)}]}}),
    resources: (c) => [{accountId: c.account, type: 'AWS::EC2::Instance', ARN: `arn:aws:ec2:${c.region}:${c.account}:instance/${instanceId(c.rng)}`}],
    deniedCode: 'Client.UnauthorizedOperation',
  },
  {
    source: 'ec2.amazonaws.com',
    name: 'AuthorizeSecurityGroupIngress',
    readOnly: false,
    callers: [ROLES[0], USERS[2]],
    params: (c) => ({groupId: groupId(c.rng), ipPermissions: {items: [{ipProtocol: 'tcp', fromPort: 443, toPort: 443}]}}),
    response: () => ({_return: true}),
    deniedCode: 'Client.UnauthorizedOperation',
  },
  {source: 's3.amazonaws.com', name: 'ListBuckets', readOnly: true, params: () => ({Host: 's3.amazonaws.com'}), deniedCode: 'AccessDenied'},
  {
    source: 's3.amazonaws.com',
    name: 'GetBucketPolicy',
    readOnly: true,
    params: (c) => ({bucketName: c.bucket, Host: `${c.bucket}.s3.amazonaws.com`, policy: ''}),
    resources: (c) => [{accountId: c.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${c.bucket}`}],
    deniedCode: 'AccessDenied',
  },
  {
    source: 's3.amazonaws.com',
    name: 'PutBucketPolicy',
    readOnly: false,
    callers: [ROLES[2], USERS[2]],
    params: (c) => ({bucketName: c.bucket, Host: `${c.bucket}.s3.amazonaws.com`, policy: ''}),
    resources: (c) => [{accountId: c.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${c.bucket}`}],
    deniedCode: 'AccessDenied',
  },
  {source: 'glue.amazonaws.com', name: 'GetTables', readOnly: true, params: (c) => ({databaseName: c.tableArn.split('/')[1]}), deniedCode: 'AccessDeniedException'},
  {
    source: 'glue.amazonaws.com',
    name: 'GetTable',
    readOnly: true,
    params: (c) => ({databaseName: c.tableArn.split('/')[1], name: c.tableArn.split('/')[2]}),
    deniedCode: 'AccessDeniedException',
  },
  {source: 'lakeformation.amazonaws.com', name: 'ListPermissions', readOnly: true, callers: [ROLES[2]], params: () => ({maxResults: 100}), deniedCode: 'AccessDeniedException'},
  {
    source: 'lakeformation.amazonaws.com',
    name: 'GrantPermissions',
    readOnly: false,
    callers: [ROLES[2]],
    params: (c) => ({principal: {dataLakePrincipalIdentifier: `arn:aws:iam::${c.account}:role/Analyst`}, resource: {table: {databaseName: c.tableArn.split('/')[1], name: c.tableArn.split('/')[2]}}, permissions: ['SELECT']}),
    deniedCode: 'AccessDeniedException',
  },
  {
    source: 'athena.amazonaws.com',
    name: 'StartQueryExecution',
    readOnly: false,
    callers: [ROLES[1], USERS[1]],
    params: (c) => ({
      queryString: `SELECT eventname, count(*) FROM ${c.tableArn.split('/')[1]}.${c.tableArn.split('/')[2]} GROUP BY 1`,
      clientRequestToken: c.rng.uuid(),
      queryExecutionContext: {database: c.tableArn.split('/')[1], catalog: 'AwsDataCatalog'},
      workGroup: 'primary',
    }),
    response: (c) => ({queryExecutionId: c.rng.uuid()}),
    deniedCode: 'AccessDeniedException',
  },
  {source: 'athena.amazonaws.com', name: 'GetQueryExecution', readOnly: true, callers: [ROLES[1], USERS[1]], params: (c) => ({queryExecutionId: c.rng.uuid()}), deniedCode: 'AccessDeniedException'},
  {source: 'kms.amazonaws.com', name: 'Decrypt', readOnly: true, callers: SERVICES.slice(0, 1), params: () => ({encryptionAlgorithm: 'SYMMETRIC_DEFAULT'}), deniedCode: 'AccessDeniedException'},
  {
    source: 'kms.amazonaws.com',
    name: 'GenerateDataKey',
    readOnly: true,
    callers: SERVICES.slice(0, 1),
    params: () => ({keySpec: 'AES_256'}),
    resources: (c) => [{accountId: c.account, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${c.region}:${c.account}:key/${c.rng.uuid()}`}],
  },
  {source: 'config.amazonaws.com', name: 'DescribeConfigurationRecorders', readOnly: true, callers: SERVICES.slice(1, 2), params: () => ({})},
  {source: 'cloudtrail.amazonaws.com', name: 'DescribeTrails', readOnly: true, params: () => ({includeShadowTrails: false}), deniedCode: 'AccessDeniedException'},
  {source: 'cloudtrail.amazonaws.com', name: 'StopLogging', readOnly: false, callers: [ROOT], params: (c) => ({name: `arn:aws:cloudtrail:${c.region}:${c.account}:trail/org-trail`})},
  // Global services, recorded in us-east-1.
  {source: 'iam.amazonaws.com', name: 'ListRoles', readOnly: true, global: true, params: () => ({}), deniedCode: 'AccessDenied'},
  {source: 'iam.amazonaws.com', name: 'GetRole', readOnly: true, global: true, params: () => ({roleName: 'Analyst'}), deniedCode: 'AccessDenied'},
  {
    source: 'iam.amazonaws.com',
    name: 'PutRolePolicy',
    readOnly: false,
    global: true,
    callers: [ROLES[0], ROOT],
    params: () => ({roleName: 'Analyst', policyName: 'inline-read'}),
    deniedCode: 'AccessDenied',
  },
  {source: 'iam.amazonaws.com', name: 'CreateAccessKey', readOnly: false, global: true, callers: [ROOT, USERS[0]], params: () => ({userName: 'carol'}), deniedCode: 'AccessDenied'},
  {
    source: 'sts.amazonaws.com',
    name: 'AssumeRole',
    readOnly: true,
    global: true,
    callers: [...USERS, SERVICES[2]],
    params: (c) => ({roleArn: `arn:aws:iam::${c.account}:role/${c.rng.pick(ROLES).label}`, roleSessionName: c.rng.pick(['alice', 'bob', 'carol']), durationSeconds: 3600}),
    response: (c) => ({credentials: {accessKeyId: `ASIA${c.rng.chars(UPPER, 16)}`, expiration: iso(c.ms + 3_600_000)}}),
    extra: (c) => ({sharedEventID: c.rng.uuid()}),
    deniedCode: 'AccessDenied',
  },
  {source: 'sts.amazonaws.com', name: 'GetCallerIdentity', readOnly: true, global: true, params: () => null},
  {
    source: 'signin.amazonaws.com',
    name: 'ConsoleLogin',
    readOnly: false,
    global: true,
    callers: [...USERS, ROOT],
    eventType: 'AwsConsoleSignIn',
    params: () => null,
    response: (c) => ({ConsoleLogin: c.rng.chance(0.9) ? 'Success' : 'Failure'}),
    extra: (c) => ({additionalEventData: {LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: c.rng.chance(0.7) ? 'Yes' : 'No'}}),
  },
]

/** Whether an event type may be recorded in this region. */
function allowedIn(type: EventType, region: string): boolean {
  return type.global ? region === 'us-east-1' : true
}

// ---- records ------------------------------------------------------------------------------------

/** CloudTrail's own field order; crawlers and readers meet fields in this order. */
/** CloudTrail's field order in a record, as its log files write it; the static fixtures use it too. */
export const FIELD_ORDER = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'readOnly',
  'resources',
  'eventType',
  'managementEvent',
  'recipientAccountId',
  'sharedEventID',
  'vpcEndpointId',
  'eventCategory',
  'tlsDetails',
]
const RANK = new Map(FIELD_ORDER.map((key, index) => [key, index]))

function ordered(record: Record<string, unknown>): CloudTrailRecord {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (RANK.get(a) ?? 99) - (RANK.get(b) ?? 99)))
}

function hostOf(source: string, region: string): string {
  const service = source.replace('.amazonaws.com', '')
  return service === 'iam' || service === 'signin' ? `${service}.amazonaws.com` : `${service}.${region}.amazonaws.com`
}

function managementRecord(type: EventType, ctx: EventContext, errorRate: number): CloudTrailRecord {
  const {rng} = ctx
  const caller = rng.pick(type.callers ?? PEOPLE)
  const {ip, agent} = caller.source(rng)
  const failed = type.deniedCode !== undefined && rng.chance(errorRate)
  const extra = type.extra?.(ctx) ?? {}
  const resources = type.resources?.(ctx)
  const isSignIn = type.eventType === 'AwsConsoleSignIn'
  const response = type.response?.(ctx) ?? null
  const signInFailed = isSignIn && (response as {ConsoleLogin?: string} | null)?.ConsoleLogin === 'Failure'
  return ordered({
    eventVersion: isSignIn ? '1.09' : '1.10',
    userIdentity: caller.identity(ctx.account, rng, ctx.ms),
    eventTime: iso(ctx.ms),
    eventSource: type.source,
    eventName: type.name,
    awsRegion: ctx.region,
    sourceIPAddress: ip,
    userAgent: agent,
    ...(failed
      ? {errorCode: type.deniedCode, errorMessage: type.deniedCode === 'Client.UnauthorizedOperation' ? 'You are not authorized to perform this operation.' : `User is not authorized to perform: ${type.source.split('.')[0]}:${type.name}`}
      : {}),
    ...(signInFailed ? {errorMessage: 'Failed authentication'} : {}),
    requestParameters: type.params?.(ctx) ?? null,
    responseElements: failed ? null : response,
    ...extra,
    requestID: rng.uuid(),
    eventID: rng.uuid(),
    readOnly: type.readOnly,
    ...(resources ? {resources} : {}),
    eventType: type.eventType ?? 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ctx.account,
    eventCategory: 'Management',
    ...(isSignIn || caller.label.endsWith('.amazonaws.com') ? {} : {tlsDetails: {tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: hostOf(type.source, ctx.region)}}),
  })
}

/** The Lake Formation registration role whose AWSLF- sessions read the data (Lake Formation's service-linked role). */
const LF_ROLE = 'AWSServiceRoleForLakeFormationDataAccess'
const LF_ROLE_PATH = 'aws-service-role/lakeformation.amazonaws.com/'

/** Athena reading a Lake Formation table: GetDataAccess, then the GetObject data events it enables. */
function lakeFormationRead(ctx: EventContext, errorRate: number, objects: number): CloudTrailRecord[] {
  const {rng, account} = ctx
  const reader = rng.pick([ROLES[1], USERS[1], ROLES[3]])
  const denied = rng.chance(errorRate * 2)
  const lfSession = `AWSLF-00-AT-${account}-${rng.chars('0123456789', 10)}`
  const principalArn = reader.label === 'bob' ? `arn:aws:iam::${account}:user/bob` : `arn:aws:iam::${account}:role/${reader.label}`
  const identity = reader.identity(account, rng, ctx.ms)
  // Built in CloudTrail's field order already, as is getObject's record (ordered() costs time at benchmark sizes).
  const grant: CloudTrailRecord = {
    eventVersion: '1.09',
    userIdentity: {...identity, invokedBy: 'athena.amazonaws.com'},
    eventTime: iso(ctx.ms),
    eventSource: 'lakeformation.amazonaws.com',
    eventName: 'GetDataAccess',
    awsRegion: ctx.region,
    sourceIPAddress: 'athena.amazonaws.com',
    userAgent: 'athena.amazonaws.com',
    ...(denied ? {errorCode: 'AccessDeniedException', errorMessage: `Insufficient Lake Formation permission(s) on ${ctx.tableArn.split('/')[2]}`} : {}),
    requestParameters: {
      tableArn: ctx.tableArn,
      durationSeconds: 3600,
      auditContext: {additionalAuditContext: `{queryId: ${rng.uuid()}}`},
      cellLevelSecurityEnforced: true,
      permissions: ['SELECT'],
      supportedPermissionTypes: ['TABLE_PERMISSION', 'COLUMN_PERMISSION', 'CELL_FILTER_PERMISSION'],
    },
    responseElements: null,
    additionalEventData: {requesterService: 'ATHENA', lakeFormationPrincipal: principalArn, lakeFormationRoleSessionName: lfSession},
    requestID: rng.uuid(),
    eventID: rng.uuid(),
    readOnly: true,
    resources: [{accountId: account, type: 'AWS::Glue::Table', ARN: ctx.tableArn}],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
  }
  if (denied) return [grant]
  const reads: CloudTrailRecord[] = []
  const rolePrincipal = stableId('AROA', `${account}/${LF_ROLE}`, 17)
  for (let i = 0; i < objects; i++) {
    const ms = ctx.ms + 1000 + i * 150
    reads.push(
      getObject({...ctx, ms}, assumedRoleIdentity(account, LF_ROLE, LF_ROLE_PATH, rolePrincipal, lfSession, stableId('ASIA', `${account}/${lfSession}`, 16), ctx.ms, 'lakeformation.amazonaws.com'), {
        ip: 'lakeformation.amazonaws.com',
        agent: 'lakeformation.amazonaws.com',
      }),
    )
  }
  return [grant, ...reads]
}

function dataKey(ctx: EventContext): string {
  const day = new Date(ctx.ms)
  return `AWSLogs/${ctx.account}/CloudTrail/${ctx.region}/${day.getUTCFullYear()}/${two(day.getUTCMonth() + 1)}/${two(day.getUTCDate())}/${ctx.account}_CloudTrail_${ctx.region}_${ctx.rng.chars(ALNUM, 16)}.json.gz`
}

/** An S3 GetObject data event (managementEvent false, eventCategory Data). */
function getObject(ctx: EventContext, identity: Record<string, unknown>, from: {ip: string; agent: string}, failed = false): CloudTrailRecord {
  const {rng} = ctx
  const key = dataKey(ctx)
  return {
    eventVersion: '1.10',
    userIdentity: identity,
    eventTime: iso(ctx.ms),
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: ctx.region,
    sourceIPAddress: from.ip,
    userAgent: from.agent,
    ...(failed ? {errorCode: 'AccessDenied', errorMessage: 'Access Denied'} : {}),
    requestParameters: {bucketName: ctx.bucket, Host: `${ctx.bucket}.s3.${ctx.region}.amazonaws.com`, key},
    responseElements: null,
    additionalEventData: {SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': rng.chars(ALNUM, 40), bytesTransferredOut: failed ? 243 : rng.int(800, 60_000)},
    requestID: rng.chars('0123456789ABCDEF', 16),
    eventID: rng.uuid(),
    readOnly: true,
    resources: [
      {type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${ctx.bucket}/${key}`},
      {accountId: ctx.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${ctx.bucket}`},
    ],
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: ctx.account,
    eventCategory: 'Data',
    tlsDetails: {tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${ctx.bucket}.s3.${ctx.region}.amazonaws.com`},
  }
}

/** A read of the registered bucket without Lake Formation: no AWSLF- session. */
function directRead(ctx: EventContext, errorRate: number): CloudTrailRecord {
  const reader = ctx.rng.pick([ROLES[3], USERS[2]])
  return getObject(ctx, reader.identity(ctx.account, ctx.rng, ctx.ms), reader.source(ctx.rng), ctx.rng.chance(errorRate))
}

// ---- files --------------------------------------------------------------------------------------

type Resolved = GeneratedCloudTrail['options']

/** The options with defaults filled in, checked. */
export function resolveOptions(options: CloudTrailGeneratorOptions = {}): Resolved {
  const days = options.days ?? DEFAULTS.days
  const start = options.start ?? new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - days + 1)).toISOString().slice(0, 10)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(Date.parse(`${start}T00:00:00Z`))) throw new Error(`start must be a date YYYY-MM-DD, not ${JSON.stringify(start)}`)
  if (options.organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(options.organizationId)) throw new Error(`organizationId must look like o-exampleorgid, not ${JSON.stringify(options.organizationId)}`)
  const resolved = {...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)), start, days} as Resolved
  for (const account of resolved.accounts) if (!/^\d{12}$/.test(account)) throw new Error(`accounts: ${JSON.stringify(account)} is not a 12-digit account id`)
  if (resolved.filesPerDay < 1 || resolved.eventsPerFile < 1 || resolved.days < 1) throw new Error('days, filesPerDay and eventsPerFile must be at least 1')
  return resolved
}

interface FileSpec {
  account: string
  region: string
  /** Day index from the start. */
  day: number
  /** File number within the day. */
  n: number
}

function logKey(organizationId: string | undefined, account: string, region: string, deliveredMs: number, unique: string): string {
  const d = new Date(deliveredMs)
  const [y, m, day, h, min] = [d.getUTCFullYear(), two(d.getUTCMonth() + 1), two(d.getUTCDate()), two(d.getUTCHours()), two(d.getUTCMinutes())]
  const org = organizationId ? `${organizationId}/` : ''
  return `AWSLogs/${org}${account}/CloudTrail/${region}/${y}/${m}/${day}/${account}_CloudTrail_${region}_${y}${m}${day}T${h}${min}Z_${unique}.json.gz`
}

class Plan {
  readonly startMs: number
  readonly tableArnByAccount = new Map<string, string>()
  constructor(readonly o: Resolved) {
    this.startMs = Date.parse(`${o.start}T00:00:00Z`)
  }

  seedOf(spec: FileSpec, salt: string): number {
    return fnv(`${spec.account}/${spec.region}/${spec.day}/${spec.n}/${salt}`, this.o.seed)
  }

  /** Delivery time, event count, lateness and uniqueness of one file: a pure function of its place. */
  shape(spec: FileSpec) {
    const rng = new Rng(this.seedOf(spec, 'shape'))
    const slot = 1440 / this.o.filesPerDay
    const minute = Math.floor(spec.n * slot) + rng.int(0, Math.max(0, Math.floor(slot) - 1))
    const deliveredMs = this.startMs + spec.day * 86_400_000 + (minute * 60 + rng.int(0, 59)) * 1000
    const count = Math.max(1, Math.round(this.o.eventsPerFile * (0.5 + rng.next())))
    const late = rng.chance(this.o.lateRate)
    const duplicates = rng.chance(this.o.duplicateRate)
    const unique = rng.chars(ALNUM, 16)
    return {deliveredMs, count, late, duplicates, unique}
  }

  /** The events first delivered in this file. */
  records(spec: FileSpec): CloudTrailRecord[] {
    const shape = this.shape(spec)
    const tableArn = `arn:aws:glue:${spec.region}:${spec.account}:table/${this.o.table.database}/${this.o.table.name}`
    const out: CloudTrailRecord[] = []
    const types = MANAGEMENT.filter((type) => allowedIn(type, spec.region))
    for (let i = 0; out.length < shape.count; i++) {
      const rng = new Rng(this.seedOf(spec, `record ${i}`))
      // Usual files hold the last 1 to 15 minutes; late ones events 1 to maxLateHours hours old.
      const ageMs = shape.late ? rng.int(3600, Math.max(3600, this.o.maxLateHours * 3600)) * 1000 : rng.int(60, 900) * 1000
      const ctx: EventContext = {account: spec.account, region: spec.region, rng, bucket: this.o.dataBucket, tableArn, ms: shape.deliveredMs - ageMs}
      const draw = rng.next()
      if (draw < this.o.dataEventRate * 0.7) out.push(...lakeFormationRead(ctx, this.o.errorRate, rng.int(1, 3)))
      else if (draw < this.o.dataEventRate) out.push(directRead(ctx, this.o.errorRate))
      else out.push(managementRecord(rng.pick(types), ctx, this.o.errorRate))
    }
    return out
  }

  previous(spec: FileSpec): FileSpec | undefined {
    if (spec.n > 0) return {...spec, n: spec.n - 1}
    if (spec.day > 0) return {...spec, day: spec.day - 1, n: this.o.filesPerDay - 1}
    return undefined
  }

  file(spec: FileSpec): GeneratedLogFile {
    const shape = this.shape(spec)
    const own = this.records(spec)
    let redelivered: CloudTrailRecord[] = []
    const previous = shape.duplicates ? this.previous(spec) : undefined
    if (previous) {
      const earlier = this.records(previous)
      const rng = new Rng(this.seedOf(spec, 'redeliver'))
      const count = rng.int(1, Math.max(1, Math.ceil(earlier.length / 4)))
      const start = rng.int(0, earlier.length - count)
      redelivered = earlier.slice(start, start + count)
    }
    const records = [...own, ...redelivered]
    // No particular order within a file: a seeded shuffle.
    const rng = new Rng(this.seedOf(spec, 'shuffle'))
    for (let i = records.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1))
      ;[records[i], records[j]] = [records[j], records[i]]
    }
    return fileOf(logKey(this.o.organizationId, spec.account, spec.region, shape.deliveredMs, shape.unique), spec.account, spec.region, shape.deliveredMs, records, redelivered.length, this.o.gzipLevel)
  }
}

function fileOf(key: string, account: string, region: string, deliveredMs: number, records: CloudTrailRecord[], redelivered: number, level: number): GeneratedLogFile {
  return {key, account, region, deliveredAt: iso(deliveredMs), records, redelivered, body: () => gzipSync(Buffer.from(JSON.stringify({Records: records})), {level})}
}

/** AWS's samples, each in a file of its own account, region and day, delivered five minutes after the event. */
function sampleFiles(o: Resolved): GeneratedLogFile[] {
  const rng = new Rng(fnv('aws samples', o.seed))
  return Object.values(AWS_SAMPLE_RECORDS).map(({record}) => {
    const account = String(record.recipientAccountId ?? (record.userIdentity as {accountId?: string}).accountId)
    const region = String(record.awsRegion)
    const deliveredMs = Date.parse(String(record.eventTime)) + 5 * 60_000
    return fileOf(logKey(o.organizationId, account, region, deliveredMs, rng.chars(ALNUM, 16)), account, region, deliveredMs, [record], 0, o.gzipLevel)
  })
}

/**
 * The files, one at a time, in a fixed order (account, region, day, delivery), then AWS's samples.
 * For large sets (the benchmark): nothing is kept, so memory stays flat.
 */
export function* cloudTrailFiles(options: CloudTrailGeneratorOptions = {}): Generator<GeneratedLogFile> {
  const o = resolveOptions(options)
  const plan = new Plan(o)
  for (const account of o.accounts)
    for (const region of o.regions)
      for (let day = 0; day < o.days; day++) for (let n = 0; n < o.filesPerDay; n++) yield plan.file({account, region, day, n})
  if (o.includeAwsSamples) yield* sampleFiles(o)
}

/** How many files `cloudTrailFiles` yields for these options. */
export function cloudTrailFileCount(options: CloudTrailGeneratorOptions = {}): number {
  const o = resolveOptions(options)
  return o.accounts.length * o.regions.length * o.days * o.filesPerDay + (o.includeAwsSamples ? Object.keys(AWS_SAMPLE_RECORDS).length : 0)
}

/** Sorts by eventTime, then eventID. */
export function byTimeThenId(a: CloudTrailRecord, b: CloudTrailRecord): number {
  const [ta, tb] = [String(a.eventTime), String(b.eventTime)]
  if (ta !== tb) return ta < tb ? -1 : 1
  const [ia, ib] = [String(a.eventID), String(b.eventID)]
  return ia < ib ? -1 : ia > ib ? 1 : 0
}

/** Generates a whole set in memory, with its ground truth. For sets up to some hundred thousand events. */
export function generateCloudTrail(options: CloudTrailGeneratorOptions = {}): GeneratedCloudTrail {
  const resolved = resolveOptions(options)
  const files = [...cloudTrailFiles(resolved)].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const unique = new Map<string, CloudTrailRecord>()
  let delivered = 0
  for (const file of files) {
    delivered += file.records.length
    for (const record of file.records) if (!unique.has(String(record.eventID))) unique.set(String(record.eventID), record)
  }
  return {options: resolved, files, records: [...unique.values()].sort(byTimeThenId), deliveredRecords: delivered}
}

/** Whether a record is a management event, as LookupEvents and the CIS alarms see it (records before eventVersion 1.08 lack the fields, and were management events). */
export function isManagementEvent(record: CloudTrailRecord): boolean {
  return record.managementEvent !== false && record.eventCategory !== 'Data' && record.eventCategory !== 'Insight' && record.eventCategory !== 'NetworkActivity'
}
