/**
 * Bootstrap as a reconciliation: for each step, compare lake.yaml with what the account has and
 * plan the changes that close the gap. The plan is data; src/aws carries it out, in step order,
 * through the one apply flow (applyBootstrapPlan in ./apply.ts, core/reconcile).
 *
 * Where a bootstrap step is planned: here, one `planX(config, observed)` function per entry of
 * STEPS, called in STEPS order by planBootstrap at the bottom of this file.
 *
 * To add a step (an alarms step, say):
 * 1. Add its name to STEPS, where it runs: each step may rely on the ones before it.
 * 2. Add what it needs to read to ObservedLake (./observed.ts), read by LakeAdapter.observe (aws/lake.ts).
 * 3. Add its change variants to BootstrapChange: an AWS action name, the data the write needs, and
 *    a `summary` line for people.
 * 4. Write `planX(config, observed): StepPlan` with `step(...)`: no changes means ok; `missing`
 *    when its main resource does not exist; `blocked` (with a fix) for what lakegov must not do.
 * 5. Call it from planBootstrap, in STEPS order.
 * 6. Dispatch each new action in LakeAdapter.apply (aws/lake.ts): one `case` per action.
 * Nothing else changes: apply order, outcomes, status, --dry-run, the exit codes and the output
 * all follow the plan (core/reconcile/plans.ts maps every change to the shared vocabulary).
 */
import {LakegovError} from '../errors'
import {ExitCode} from '../exit-codes'
import {IAM_ALLOWED_PRINCIPALS} from '../model/lake'
import {canonicalGrant, grantKey, type Grant, type Permission} from '../model/grant'
import {isSamePrincipal} from '../model/principal'
import {changeFor, revokeAll, type GrantChange} from '../plan/diff'
import {locationArnOf, locationUrlOf, trailKeyPrefixOf, type LakeConfig} from './config'
import {
  MANAGED_POLICY_NAME,
  bucketPolicyStatements,
  cloudWatchRolePolicy,
  crawlerRolePolicy,
  keyPolicyStatements,
  logGroupArnOf,
  registrationRolePolicy,
  roleArnOf,
  serviceTrustPolicy,
  type LakeTarget,
} from './documents'
import {planLogReadsSelectors} from './event-selectors'
import type {AdvancedEventSelector, LifecycleRule, ObservedCrawlerSetup, ObservedLake, ObservedRole, PublicAccessBlock, RawDataLakeSettings} from './observed'
import {mergeStatements, sameDocument, type PolicyDocument, type PolicyStatement} from '../iam'
import {planAlarms, type AlarmChange} from '../alarms/plan'

/** The steps, in the order they run: each may rely on the ones before it. */
export const STEPS = ['bucket', 'role', 'key', 'settings', 'registration', 'database', 'crawler', 'trail', 'alarms'] as const

/** One bootstrap step. */
export type StepName = (typeof STEPS)[number]

/** A role's desired shape. */
export interface RoleSpec {
  /** The role name. */
  name: string
  /** The trust policy. */
  trustPolicy: PolicyDocument
  /** The inline policy lakegov owns (named "lakegov"). */
  policy: PolicyDocument
  /** The role's description. */
  description: string
}

/** The trail's desired settings. */
export interface TrailSpec {
  /** The trail name. */
  name: string
  /** The bucket. */
  s3BucketName: string
  /** CloudTrail's key prefix, before AWSLogs/. */
  s3KeyPrefix?: string
  /** Log every region. */
  multiRegion: boolean
  /** Write digest files. */
  logFileValidation: boolean
  /** Encrypt with this key. */
  kmsKeyId?: string
  /** Also deliver to this log group. */
  cloudWatchLogsLogGroupArn?: string
  /** With this role. */
  cloudWatchLogsRoleArn?: string
}

/** The crawler's desired shape. */
export interface CrawlerSpec {
  /** The crawler name. */
  name: string
  /** Its role ARN. */
  role: string
  /** The database its tables go to. */
  databaseName: string
  /** The log location, with what not to crawl. */
  s3Targets: {path: string; exclusions: string[]}[]
  /** The JSON classifier that makes one row per CloudTrail event. */
  classifiers: string[]
  /** Crawl with Lake Formation's credentials: without it, a registered location fails with "User does not have access to target". */
  useLakeFormationCredentials: true
  /** The cron schedule, if any. */
  schedule?: string
  /** Update tables in place; never delete them (a crawl of an empty day must not drop the table). */
  schemaChangePolicy: {updateBehavior: 'UPDATE_IN_DATABASE'; deleteBehavior: 'LOG'}
  /** One table for compatible schemas, rather than one per folder. */
  configuration: string
}

/** One change bootstrap makes: an AWS write, described as data. */
export type BootstrapChange = {summary: string} & (
  | {action: 'CreateBucket'; bucket: string; region: string}
  | {action: 'PutPublicAccessBlock'; bucket: string}
  | {action: 'PutBucketEncryption'; bucket: string; algorithm: 'AES256' | 'aws:kms'; kmsKeyArn?: string}
  | {action: 'PutBucketVersioning'; bucket: string}
  | {action: 'PutBucketPolicy'; bucket: string; policy: PolicyDocument}
  | {action: 'PutBucketLifecycleConfiguration'; bucket: string; rules: LifecycleRule[]}
  | {action: 'CreateRole'; role: RoleSpec}
  | {action: 'UpdateAssumeRolePolicy'; role: RoleSpec}
  | {action: 'PutRolePolicy'; role: RoleSpec}
  | {action: 'PutKeyPolicy'; keyArn: string; policy: PolicyDocument}
  | {action: 'PutDataLakeSettings'; settings: RawDataLakeSettings}
  | {action: 'RegisterResource'; resourceArn: string; roleArn?: string}
  | {action: 'UpdateResource'; resourceArn: string; roleArn: string}
  | {action: 'CreateDatabase'; database: string}
  | {action: 'UpdateDatabase'; database: string}
  | {action: 'RevokeIamAllowedPrincipals'; changes: GrantChange[]}
  | {action: 'GrantCrawlerPermissions'; changes: GrantChange[]}
  | {action: 'CreateClassifier'; name: string; jsonPath: string}
  | {action: 'UpdateClassifier'; name: string; jsonPath: string}
  | {action: 'CreateCrawler'; crawler: CrawlerSpec}
  | {action: 'UpdateCrawler'; crawler: CrawlerSpec}
  | {action: 'CreateLogGroup'; logGroup: string}
  | {action: 'CreateTrail'; trail: TrailSpec}
  | {action: 'UpdateTrail'; trail: TrailSpec}
  | {action: 'StartLogging'; trail: string}
  | {action: 'PutEventSelectors'; trail: string; advancedEventSelectors: AdvancedEventSelector[]}
  | AlarmChange
)

/** ok: nothing to do; missing: the step's main resource does not exist; drifted: it exists but differs; blocked: lakegov cannot fix it. */
export type StepStatus = 'ok' | 'missing' | 'drifted' | 'blocked'

/** A step's plan. */
export interface StepPlan {
  /** The step. */
  step: StepName
  /** What the step manages, for people. */
  title: string
  /** Its state. */
  status: StepStatus
  /** The changes, in order. */
  changes: BootstrapChange[]
  /** Things worth knowing that need no change (a verification status, extra policies left alone). */
  notes: string[]
  /** For a blocked step: why, and what to do by hand. */
  blocked?: {reason: string; fix: string}
}

/** The whole bootstrap plan. */
export interface BootstrapPlan {
  /** The account. */
  account: string
  /** The region. */
  region: string
  /** One entry per step, in order. */
  steps: StepPlan[]
  /** Counts for the summary line. */
  summary: {changes: number} & Record<StepStatus, number>
}

/** Options of the plan. */
export interface BootstrapOptions {
  /** Make the admin lists exactly the declared ones, removing the others. */
  exactAdmins?: boolean
  /** The declared readers of the log tables, from the grants files, for the alarms' reader rule. */
  readers?: readonly string[]
}

const ALL_BLOCKED: Required<PublicAccessBlock> = {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
const RETENTION_RULE = 'lakegov-retention'
/** Days a replaced or expired log version is kept before S3 removes it: a window to recover from mistakes. */
export const NONCURRENT_DAYS = 30

function step(stepName: StepName, title: string, changes: BootstrapChange[], options: {missing?: boolean; notes?: string[]; blocked?: StepPlan['blocked']} = {}): StepPlan {
  const status: StepStatus = options.blocked ? 'blocked' : changes.length === 0 ? 'ok' : options.missing ? 'missing' : 'drifted'
  return {step: stepName, title, status, changes, notes: options.notes ?? [], ...(options.blocked ? {blocked: options.blocked} : {})}
}

function retentionRule(config: LakeConfig): LifecycleRule | undefined {
  const days = config.bucket.retentionDays
  if (days === undefined) return undefined
  return {
    ID: RETENTION_RULE,
    Status: 'Enabled',
    Filter: {Prefix: config.bucket.prefix},
    Expiration: {Days: days},
    // Versioning is on: without this, expired logs would live on as noncurrent versions forever.
    NoncurrentVersionExpiration: {NoncurrentDays: NONCURRENT_DAYS},
  }
}

function sameRule(a: LifecycleRule, b: LifecycleRule): boolean {
  const pick = (rule: LifecycleRule) => {
    const filter = (rule.Filter ?? {}) as {Prefix?: string}
    return JSON.stringify([rule.Status, filter.Prefix ?? rule.Prefix ?? '', (rule.Expiration as {Days?: number})?.Days, (rule.NoncurrentVersionExpiration as {NoncurrentDays?: number})?.NoncurrentDays])
  }
  return pick(a) === pick(b)
}

function keyMatches(observed: string | undefined, keyArn: string): boolean {
  return observed !== undefined && (observed === keyArn || keyArn.endsWith(`/${observed}`))
}

function planBucket(config: LakeConfig, observed: ObservedLake): StepPlan {
  const {bucket} = observed
  const name = config.bucket.name
  const changes: BootstrapChange[] = []
  if (!bucket.exists) changes.push({action: 'CreateBucket', bucket: name, region: observed.target.region, summary: `create bucket ${name} in ${observed.target.region}`})
  const block = bucket.publicAccessBlock ?? {}
  const open = (Object.keys(ALL_BLOCKED) as (keyof PublicAccessBlock)[]).filter((setting) => block[setting] !== true)
  if (open.length > 0) changes.push({action: 'PutPublicAccessBlock', bucket: name, summary: `turn on Block Public Access: ${open.join(', ')} from off to on`})

  const wanted = config.bucket.encryption
  const keyArn = observed.key?.arn
  const encryptionOk =
    bucket.encryption?.algorithm === wanted.type && (wanted.type === 'AES256' || (keyMatches(bucket.encryption.kmsKeyId, keyArn ?? '') && bucket.encryption.bucketKeyEnabled === true))
  if (!encryptionOk) {
    const now = bucket.encryption ? `${bucket.encryption.algorithm}${bucket.encryption.kmsKeyId ? ` ${bucket.encryption.kmsKeyId}` : ''}` : 'none'
    changes.push({
      action: 'PutBucketEncryption',
      bucket: name,
      algorithm: wanted.type,
      ...(wanted.type === 'aws:kms' ? {kmsKeyArn: keyArn} : {}),
      summary: `default encryption from ${now} to ${wanted.type}${keyArn && wanted.type === 'aws:kms' ? ` with ${keyArn}` : ''}`,
    })
  }
  if (bucket.versioning !== 'Enabled') changes.push({action: 'PutBucketVersioning', bucket: name, summary: `versioning from ${bucket.versioning ?? 'never enabled'} to Enabled`})

  const merge = mergeStatements(bucket.policy, bucketPolicyStatements(config, observed.target))
  if (merge.added.length + merge.replaced.length > 0) {
    const kept = bucket.policy?.Statement.length ?? 0
    changes.push({
      action: 'PutBucketPolicy',
      bucket: name,
      policy: merge.document,
      summary: `bucket policy: ${describeMerge(merge.added, merge.replaced)}${kept > 0 ? `; the other ${kept - merge.replaced.length} statement(s) kept` : ''}`,
    })
  }

  const notes: string[] = []
  const rule = retentionRule(config)
  const current = bucket.lifecycleRules.find((candidate) => candidate.ID === RETENTION_RULE)
  if (rule && !(current && sameRule(current, rule))) {
    const rules = [...bucket.lifecycleRules.filter((candidate) => candidate.ID !== RETENTION_RULE), rule]
    changes.push({action: 'PutBucketLifecycleConfiguration', bucket: name, rules, summary: `expire logs after ${config.bucket.retentionDays} days (rule ${RETENTION_RULE}; other rules kept)`})
  }
  if (!rule && current) notes.push(`lifecycle rule ${RETENTION_RULE} is left in place: lake.yaml no longer sets retentionDays, and lakegov never removes rules`)
  return step('bucket', `S3 bucket ${name}`, changes, {missing: !bucket.exists, notes})
}

function describeMerge(added: string[], replaced: string[]): string {
  return [added.length > 0 ? `add ${added.join(', ')}` : '', replaced.length > 0 ? `update ${replaced.join(', ')}` : ''].filter(Boolean).join('; ')
}

/** The registration role's desired shape, or undefined with the service-linked role. */
export function registrationRoleSpec(config: LakeConfig, target: LakeTarget, keyArn: string | undefined): RoleSpec | undefined {
  if (!('role' in config.registration)) return undefined
  return {
    name: config.registration.role,
    trustPolicy: serviceTrustPolicy('lakeformation.amazonaws.com', target, {setSourceIdentity: config.registration.sourceIdentity === true}),
    policy: registrationRolePolicy(config, target, keyArn),
    description: `Lake Formation registration of ${locationArnOf(config.bucket)} (managed by lakegov)`,
  }
}

function planRole(spec: RoleSpec, observed: ObservedRole): {changes: BootstrapChange[]; notes: string[]} {
  const changes: BootstrapChange[] = []
  if (!observed.exists) changes.push({action: 'CreateRole', role: spec, summary: `create role ${spec.name}`})
  else if (!sameDocument(observed.trustPolicy, spec.trustPolicy)) changes.push({action: 'UpdateAssumeRolePolicy', role: spec, summary: `role ${spec.name}: reset the trust policy`})
  if (!sameDocument(observed.inlinePolicies[MANAGED_POLICY_NAME], spec.policy)) {
    changes.push({action: 'PutRolePolicy', role: spec, summary: `role ${spec.name}: ${observed.exists && observed.inlinePolicies[MANAGED_POLICY_NAME] ? 'update' : 'put'} inline policy ${MANAGED_POLICY_NAME}`})
  }
  const extra = [...Object.keys(observed.inlinePolicies).filter((name) => name !== MANAGED_POLICY_NAME), ...observed.attachedPolicies]
  const notes = extra.length > 0 ? [`role ${spec.name} has other policies that lakegov leaves alone and that may grant more than the prefix: ${extra.sort().join(', ')}`] : []
  return {changes, notes}
}

function planRegistrationRole(config: LakeConfig, observed: ObservedLake): StepPlan {
  const spec = registrationRoleSpec(config, observed.target, observed.key?.arn)
  if (!spec || !observed.role) return step('role', 'registration role (service-linked role: nothing to manage)', [])
  const {changes, notes} = planRole(spec, observed.role)
  return step('role', `IAM role ${spec.name}`, changes, {missing: !observed.role.exists, notes})
}

function planKey(config: LakeConfig, observed: ObservedLake): StepPlan {
  const key = observed.key
  if (config.bucket.encryption.type !== 'aws:kms' || !key) return step('key', 'KMS key (SSE-S3: none)', [])
  const roleArn = 'role' in config.registration ? roleArnOf(observed.target, config.registration.role) : undefined
  const desired = keyPolicyStatements(config, observed.target, roleArn)
  const merge = mergeStatements(key.policy, desired)
  if (merge.added.length + merge.replaced.length === 0) return step('key', `KMS key ${key.arn}`, [])
  if (key.cannotChange) {
    const missing = desired.filter((statement) => [...merge.added, ...merge.replaced].includes(statement.Sid ?? ''))
    return step('key', `KMS key ${key.arn}`, [], {
      blocked: {reason: `lakegov cannot change this key's policy (${key.cannotChange}), and it lacks ${describeMissing(missing)}`, fix: `Add these statements to the key policy:\n${JSON.stringify(missing, null, 2)}`},
    })
  }
  return step('key', `KMS key ${key.arn}`, [{action: 'PutKeyPolicy', keyArn: key.arn, policy: merge.document, summary: `key policy: ${describeMerge(merge.added, merge.replaced)}; the other statements kept`}])
}

function describeMissing(statements: PolicyStatement[]): string {
  return statements.map((statement) => statement.Sid).join(', ')
}

function principalsOf(list: {DataLakePrincipalIdentifier?: string}[] | undefined): string[] {
  return (list ?? []).map((entry) => entry.DataLakePrincipalIdentifier ?? '').filter(Boolean)
}

function mergePrincipals(current: string[], declared: string[], exact: boolean): string[] {
  if (exact) return [...declared]
  return [...current, ...declared.filter((principal) => !current.some((existing) => isSamePrincipal(existing, principal)))]
}

/** The data lake parameter that makes Lake Formation stamp a source identity on the sessions it starts (AWS-FACTS: TRUE or FALSE). */
export const SOURCE_IDENTITY_PARAMETER = 'SET_SOURCE_IDENTITY'

function parametersOf(settings: RawDataLakeSettings): Record<string, string> {
  return (settings.Parameters ?? {}) as Record<string, string>
}

/** The Parameters after the merge: SET_SOURCE_IDENTITY set when lake.yaml says, every other parameter as it was. */
function mergeParameters(current: RawDataLakeSettings, config: LakeConfig): {Parameters?: Record<string, string>} {
  const wanted = config.registration.sourceIdentity
  if (wanted === undefined) return {}
  return {Parameters: {...parametersOf(current), [SOURCE_IDENTITY_PARAMETER]: wanted ? 'TRUE' : 'FALSE'}}
}

/** The settings after the merge: admins added (or made exact), the defaults emptied, SET_SOURCE_IDENTITY as declared, every other field as it was. */
export function mergeSettings(current: RawDataLakeSettings, config: LakeConfig, options: BootstrapOptions = {}): RawDataLakeSettings {
  const toEntries = (principals: string[]) => principals.map((principal) => ({DataLakePrincipalIdentifier: principal}))
  return {
    ...current,
    ...mergeParameters(current, config),
    DataLakeAdmins: toEntries(mergePrincipals(principalsOf(current.DataLakeAdmins), config.admins, options.exactAdmins === true)),
    ReadOnlyAdmins: toEntries(mergePrincipals(principalsOf(current.ReadOnlyAdmins), config.readOnlyAdmins, options.exactAdmins === true)),
    CreateDatabaseDefaultPermissions: [],
    CreateTableDefaultPermissions: [],
  }
}

function planSettings(config: LakeConfig, observed: ObservedLake, options: BootstrapOptions): StepPlan {
  const current = observed.settings
  const merged = mergeSettings(current, config, options)
  const diff = (before: string[], after: string[]) => ({
    added: after.filter((principal) => !before.includes(principal)),
    removed: before.filter((principal) => !after.includes(principal)),
  })
  const admins = diff(principalsOf(current.DataLakeAdmins), principalsOf(merged.DataLakeAdmins))
  const readOnly = diff(principalsOf(current.ReadOnlyAdmins), principalsOf(merged.ReadOnlyAdmins))
  const defaults = [
    (current.CreateDatabaseDefaultPermissions ?? []).length > 0 ? 'CreateDatabaseDefaultPermissions' : '',
    (current.CreateTableDefaultPermissions ?? []).length > 0 ? 'CreateTableDefaultPermissions' : '',
  ].filter(Boolean)
  const parts = [
    ...admins.added.map((principal) => `add admin ${principal}`),
    ...admins.removed.map((principal) => `REMOVE admin ${principal}`),
    ...readOnly.added.map((principal) => `add read-only admin ${principal}`),
    ...readOnly.removed.map((principal) => `REMOVE read-only admin ${principal}`),
    ...defaults.map((field) => `${field} -> [] (Lake Formation decides, not IAM)`),
    ...sourceIdentityChange(current, merged),
  ]
  const changes: BootstrapChange[] = parts.length > 0 ? [{action: 'PutDataLakeSettings', settings: merged, summary: `data lake settings: ${parts.join('; ')}; other fields kept`}] : []
  return step('settings', 'Lake Formation data lake settings', changes)
}

function sourceIdentityChange(current: RawDataLakeSettings, merged: RawDataLakeSettings): string[] {
  const before = parametersOf(current)[SOURCE_IDENTITY_PARAMETER]
  const after = parametersOf(merged)[SOURCE_IDENTITY_PARAMETER]
  return before === after ? [] : [`${SOURCE_IDENTITY_PARAMETER} ${before ?? 'unset'} -> ${after}`]
}

function planRegistration(config: LakeConfig, observed: ObservedLake): StepPlan {
  const resourceArn = locationArnOf(config.bucket)
  const roleArn = 'role' in config.registration ? roleArnOf(observed.target, config.registration.role) : undefined
  const current = observed.registration
  const title = `registration of ${resourceArn}`
  const notes = current?.verificationStatus && current.verificationStatus !== 'VERIFIED' ? [`verification status ${current.verificationStatus}: Lake Formation could not confirm that the role reaches the location`] : []
  if (!current) {
    notes.push(...observed.parentRegistrations.map((parent) => `${parent} is registered and contains this location`))
    return step('registration', title, [{action: 'RegisterResource', resourceArn, ...(roleArn ? {roleArn} : {}), summary: `register ${resourceArn} with ${roleArn ?? 'the service-linked role'}`}], {missing: true, notes})
  }
  if (!roleArn || current.roleArn === roleArn) return step('registration', title, [], {notes})
  if (current.useServiceLinkedRole) {
    // AWS-FACTS: a location registered with the service-linked role cannot switch to a custom role in
    // place, and deregistering would leave the lake ungoverned meanwhile: a person decides.
    return step('registration', title, [], {
      notes,
      blocked: {
        reason: `${resourceArn} is registered with the service-linked role, and Lake Formation cannot switch it to ${roleArn} in place`,
        fix: `Deregister it (aws lakeformation deregister-resource --resource-arn ${resourceArn}) when no query needs it, then run bootstrap again.`,
      },
    })
  }
  return step('registration', title, [{action: 'UpdateResource', resourceArn, roleArn, summary: `registration role from ${current.roleArn ?? 'unknown'} to ${roleArn}`}], {notes})
}

function planDatabase(config: LakeConfig, observed: ObservedLake): StepPlan {
  const name = config.database
  const changes: BootstrapChange[] = []
  const {database} = observed
  if (!database.exists) changes.push({action: 'CreateDatabase', database: name, summary: `create Glue database ${name} (new tables get no IAM_ALLOWED_PRINCIPALS grant)`})
  else if (database.tableDefaultPrincipals.includes(IAM_ALLOWED_PRINCIPALS)) {
    changes.push({action: 'UpdateDatabase', database: name, summary: `database ${name}: stop giving new tables to IAM_ALLOWED_PRINCIPALS`})
  }
  const revokes = revokeAll(database.iamAllowedGrants)
  if (revokes.length > 0) {
    changes.push({
      action: 'RevokeIamAllowedPrincipals',
      changes: revokes,
      summary: `revoke IAM_ALLOWED_PRINCIPALS on ${revokes.map((change) => ('table' in change.resource ? `${name}.${change.resource.table}` : name)).join(', ')}`,
    })
  }
  return step('database', `Glue database ${name}`, changes, {missing: !database.exists})
}

/** The classifier's JsonPath: one row per CloudTrail event instead of one per file. */
export const CLOUDTRAIL_JSON_PATH = '$.Records[*]'

/** Objects under the log prefix that are not events: digests, Insights, and CloudTrail's write checks. */
export const CRAWLER_EXCLUSIONS = ['**/CloudTrail-Digest/**', '**/CloudTrail-Insight/**', '**/ConfigWritabilityCheckFile']

/** What the crawler needs in Lake Formation: the location, and creating and altering tables in the database. */
export const CRAWLER_PERMISSIONS: ReadonlyArray<{resource: 'location' | 'database'; permissions: Permission[]}> = [
  {resource: 'location', permissions: ['DATA_LOCATION_ACCESS']},
  {resource: 'database', permissions: ['ALTER', 'CREATE_TABLE', 'DESCRIBE']},
]

/** The classifier lakegov makes for a crawler. */
export function classifierNameOf(crawler: string): string {
  return `${crawler}-records`
}

/** The crawler's desired shape. */
export function crawlerSpecOf(config: LakeConfig, target: LakeTarget): CrawlerSpec | undefined {
  const crawler = config.crawler
  if (!crawler) return undefined
  return {
    name: crawler.name,
    role: roleArnOf(target, crawler.role),
    databaseName: config.database,
    s3Targets: [{path: locationUrlOf(config.bucket), exclusions: [...CRAWLER_EXCLUSIONS]}],
    classifiers: [classifierNameOf(crawler.name)],
    useLakeFormationCredentials: true,
    ...(crawler.schedule ? {schedule: crawler.schedule} : {}),
    schemaChangePolicy: {updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG'},
    configuration: JSON.stringify({Version: 1, Grouping: {TableGroupingPolicy: 'CombineCompatibleSchemas'}}),
  }
}

/** The Lake Formation grants the crawler role needs, canonical. */
export function crawlerGrantsOf(config: LakeConfig, roleArn: string): Grant[] {
  return CRAWLER_PERMISSIONS.map(({resource, permissions}) =>
    canonicalGrant({
      principal: roleArn,
      resource: resource === 'location' ? {type: 'dataLocation', path: locationArnOf(config.bucket)} : {type: 'database', database: config.database},
      permissions,
      grantable: [],
    }),
  )
}

/**
 * The Lake Formation grants lake.yaml implies and bootstrap makes: today the crawler role's
 * (DATA_LOCATION_ACCESS on the location; ALTER, CREATE_TABLE, DESCRIBE on the database). The
 * registration itself is no grant. The grants engine shows these as managed by bootstrap and
 * never revokes them, so that `grants apply --prune` and bootstrap do not undo each other.
 */
export function bootstrapGrantsOf(config: LakeConfig, target: LakeTarget): Grant[] {
  return config.crawler ? crawlerGrantsOf(config, roleArnOf(target, config.crawler.role)) : []
}

function crawlerDrift(spec: CrawlerSpec, observed: ObservedCrawlerSetup['crawler']): string[] {
  const targets = (list: {path: string; exclusions: string[]}[]) => JSON.stringify(list.map((target) => [target.path, [...target.exclusions].sort()]))
  const fields: [string, unknown, unknown][] = [
    ['role', spec.role, observed.role],
    ['database', spec.databaseName, observed.databaseName],
    ['targets', targets(spec.s3Targets), targets(observed.s3Targets)],
    ['classifiers', spec.classifiers.join(','), observed.classifiers.join(',')],
    ['Lake Formation credentials', true, observed.useLakeFormationCredentials],
    ['schedule', spec.schedule ?? '', observed.schedule ?? ''],
    ['schema change policy', `${spec.schemaChangePolicy.updateBehavior}/${spec.schemaChangePolicy.deleteBehavior}`, `${observed.schemaChangePolicy?.updateBehavior}/${observed.schemaChangePolicy?.deleteBehavior}`],
    ['configuration', spec.configuration, observed.configuration ?? ''],
  ]
  return fields.filter(([, want, have]) => want !== have).map(([field]) => field)
}

function planCrawler(config: LakeConfig, observed: ObservedLake): StepPlan {
  const spec = crawlerSpecOf(config, observed.target)
  const setup = observed.crawler
  if (!spec || !setup || !config.crawler) return step('crawler', 'Glue crawler (not declared)', [])
  const role = planRole(
    {
      name: config.crawler.role,
      trustPolicy: serviceTrustPolicy('glue.amazonaws.com', observed.target),
      policy: crawlerRolePolicy(config, observed.target),
      description: `Glue crawler ${spec.name} over ${locationUrlOf(config.bucket)} (managed by lakegov)`,
    },
    setup.role,
  )
  const changes = [...role.changes]
  // Additive: what the crawler needs is added; anything else it holds is the grants engine's business.
  const grants = crawlerGrantsOf(config, spec.role)
    .map((wanted) => {
      const current = setup.grants.find((grant) => grantKey(grant) === grantKey(wanted))
      const union = current ? canonicalGrant({...wanted, permissions: [...new Set([...current.permissions, ...wanted.permissions])], grantable: current.grantable}) : wanted
      return changeFor(grantKey(wanted), current, union)
    })
    .filter((change): change is GrantChange => change !== undefined)
  if (grants.length > 0) {
    changes.push({action: 'GrantCrawlerPermissions', changes: grants, summary: `grant the crawler role ${grants.map((change) => `${change.add.permissions.join(', ')} on ${change.resource.type === 'dataLocation' ? change.resource.path : change.resource.type === 'database' ? change.resource.database : change.key}`).join('; ')} (grants engine)`})
  }
  const classifier = classifierNameOf(spec.name)
  if (setup.classifierJsonPath === undefined) changes.push({action: 'CreateClassifier', name: classifier, jsonPath: CLOUDTRAIL_JSON_PATH, summary: `create JSON classifier ${classifier} (${CLOUDTRAIL_JSON_PATH}: one row per event)`})
  else if (setup.classifierJsonPath !== CLOUDTRAIL_JSON_PATH) changes.push({action: 'UpdateClassifier', name: classifier, jsonPath: CLOUDTRAIL_JSON_PATH, summary: `classifier ${classifier}: JsonPath ${setup.classifierJsonPath} -> ${CLOUDTRAIL_JSON_PATH}`})
  if (!setup.crawler.exists) changes.push({action: 'CreateCrawler', crawler: spec, summary: `create crawler ${spec.name} on ${spec.s3Targets[0].path} with Lake Formation credentials${spec.schedule ? `, ${spec.schedule}` : ''}`})
  else {
    const drift = crawlerDrift(spec, setup.crawler)
    if (drift.length > 0) changes.push({action: 'UpdateCrawler', crawler: spec, summary: `crawler ${spec.name}: update ${drift.join(', ')}`})
  }
  return step('crawler', `Glue crawler ${spec.name}`, changes, {missing: !setup.crawler.exists, notes: role.notes})
}

/** The trail's desired settings. */
export function trailSpecOf(config: LakeConfig, target: LakeTarget, keyArn: string | undefined): TrailSpec | undefined {
  const trail = config.trail
  if (!trail) return undefined
  const keyPrefix = trailKeyPrefixOf(config.bucket.prefix)
  return {
    name: trail.name,
    s3BucketName: config.bucket.name,
    ...(keyPrefix ? {s3KeyPrefix: keyPrefix} : {}),
    multiRegion: trail.multiRegion,
    logFileValidation: trail.logFileValidation,
    ...(keyArn ? {kmsKeyId: keyArn} : {}),
    ...(trail.cloudWatchLogGroup
      ? {cloudWatchLogsLogGroupArn: logGroupArnOf(target, trail.cloudWatchLogGroup), cloudWatchLogsRoleArn: roleArnOf(target, trail.cloudWatchRole)}
      : {}),
  }
}

function trailDrift(spec: TrailSpec, observed: NonNullable<ObservedLake['trail']>): string[] {
  const fields: [string, unknown, unknown][] = [
    ['bucket', spec.s3BucketName, observed.s3BucketName],
    ['key prefix', spec.s3KeyPrefix ?? '', observed.s3KeyPrefix ?? ''],
    ['multi-region', spec.multiRegion, observed.multiRegion === true],
    ['log file validation', spec.logFileValidation, observed.logFileValidation === true],
    ['KMS key', spec.kmsKeyId ?? '', observed.kmsKeyId ?? ''],
    ['log group', spec.cloudWatchLogsLogGroupArn ?? '', observed.cloudWatchLogsLogGroupArn ?? ''],
    ['log role', spec.cloudWatchLogsRoleArn ?? '', observed.cloudWatchLogsRoleArn ?? ''],
  ]
  return fields.filter(([, want, have]) => want !== have).map(([field, want, have]) => `${field} ${JSON.stringify(have)} -> ${JSON.stringify(want)}`)
}

function planTrail(config: LakeConfig, observed: ObservedLake): StepPlan {
  const spec = trailSpecOf(config, observed.target, observed.key?.arn)
  if (!spec || !observed.trail) return step('trail', 'CloudTrail trail (not declared)', [])
  const changes: BootstrapChange[] = []
  const notes: string[] = []
  const logGroup = config.trail?.cloudWatchLogGroup
  if (logGroup && observed.logs) {
    if (!observed.logs.logGroupExists) changes.push({action: 'CreateLogGroup', logGroup, summary: `create log group ${logGroup}`})
    const role = planRole(
      {
        name: config.trail!.cloudWatchRole,
        trustPolicy: serviceTrustPolicy('cloudtrail.amazonaws.com', observed.target),
        policy: cloudWatchRolePolicy(observed.target, logGroup),
        description: `CloudTrail delivery of ${spec.name} to ${logGroup} (managed by lakegov)`,
      },
      observed.logs.role,
    )
    changes.push(...role.changes)
    notes.push(...role.notes)
  }
  const trail = observed.trail
  if (trail.exists && trail.homeRegion && trail.homeRegion !== observed.target.region) {
    return step('trail', `CloudTrail trail ${spec.name}`, changes, {
      notes,
      blocked: {reason: `trail ${spec.name} was created in ${trail.homeRegion}; it can only be changed there`, fix: `Set region: ${trail.homeRegion} in lake.yaml, or name another trail.`},
    })
  }
  if (!trail.exists) changes.push({action: 'CreateTrail', trail: spec, summary: `create trail ${spec.name} writing to s3://${spec.s3BucketName}/${spec.s3KeyPrefix ? `${spec.s3KeyPrefix}/` : ''}AWSLogs/`})
  else {
    const drift = trailDrift(spec, trail)
    if (drift.length > 0) changes.push({action: 'UpdateTrail', trail: spec, summary: `trail ${spec.name}: ${drift.join('; ')}`})
  }
  if (!trail.isLogging) changes.push({action: 'StartLogging', trail: spec.name, summary: `start logging on ${spec.name}`})
  changes.push(...planDataEvents(config, trail))
  return step('trail', `CloudTrail trail ${spec.name}`, changes, {missing: !trail.exists, notes})
}

/** The trail's S3 data events on the log location (trail.dataEvents.logReads), merged into its selectors (./event-selectors). */
function planDataEvents(config: LakeConfig, trail: NonNullable<ObservedLake['trail']>): BootstrapChange[] {
  const logReads = config.trail?.dataEvents?.logReads
  if (logReads === undefined || !config.trail) return []
  // A trail about to be created has CloudTrail's default selectors.
  const current = trail.eventSelectors ?? {basic: [], advanced: []}
  const planned = planLogReadsSelectors(current, logReads, `${locationArnOf(config.bucket)}/`)
  if (!planned) return []
  return [{action: 'PutEventSelectors', trail: config.trail.name, advancedEventSelectors: planned.selectors, summary: `trail ${config.trail.name}: ${planned.summary}`}]
}

/** The alarms step (core/alarms/plan): filters, alarms, topic and subscriptions on the trail's log group. */
function planAlarmsStep(config: LakeConfig, observed: ObservedLake, readers?: readonly string[]): StepPlan {
  const planned = planAlarms(config, observed.target, observed.alarms, readers)
  return step('alarms', planned.title, planned.changes, {missing: planned.missing, notes: planned.notes, ...(planned.blocked ? {blocked: planned.blocked} : {})})
}

/** Plans every step against the account as read. Pure: the same inputs give the same plan. */
export function planBootstrap(config: LakeConfig, observed: ObservedLake, options: BootstrapOptions = {}): BootstrapPlan {
  const steps = [
    planBucket(config, observed),
    planRegistrationRole(config, observed),
    planKey(config, observed),
    planSettings(config, observed, options),
    planRegistration(config, observed),
    planDatabase(config, observed),
    planCrawler(config, observed),
    planTrail(config, observed),
    planAlarmsStep(config, observed, options.readers),
  ]
  const count = (status: StepStatus) => steps.filter((planned) => planned.status === status).length
  return {
    account: observed.target.account,
    region: observed.target.region,
    steps,
    summary: {changes: steps.reduce((total, planned) => total + planned.changes.length, 0), ok: count('ok'), missing: count('missing'), drifted: count('drifted'), blocked: count('blocked')},
  }
}

/**
 * Refuses a bootstrap that would leave the lake without an administrator, or that nobody could
 * finish: registering and revoking need a data lake admin, so a caller who is not one must declare one.
 */
export function checkAdminSafety(config: LakeConfig, observed: ObservedLake, options: BootstrapOptions = {}): void {
  const current = principalsOf(observed.settings.DataLakeAdmins)
  const merged = principalsOf(mergeSettings(observed.settings, config, options).DataLakeAdmins)
  const where = config.sources.admins
  if (merged.length === 0) {
    throw new LakegovError('Refusing to leave the data lake without an administrator: lake.yaml declares no admins and there are none now.', {
      exitCode: ExitCode.InvalidPolicy,
      code: 'BOOTSTRAP_NO_ADMIN',
      suggestions: [`Declare at least one admin in ${where ? `${where.file}:${where.line}` : 'lake.yaml'} (admins: [arn:aws:iam::ACCOUNT:role/NAME]).`],
    })
  }
  const callerIsAdmin = observed.caller !== undefined && current.some((admin) => isSamePrincipal(admin, observed.caller!))
  // As grants apply never revokes from the caller, --exact-admins never removes the caller unless
  // lake.yaml declares it: the run would lock out the identity that is running it.
  if (options.exactAdmins && callerIsAdmin && !merged.some((admin) => isSamePrincipal(admin, observed.caller!))) {
    throw new LakegovError(`Refusing --exact-admins: it would remove the caller (${observed.caller}) from the data lake administrators, and lake.yaml does not declare it.`, {
      exitCode: ExitCode.InvalidPolicy,
      code: 'BOOTSTRAP_REMOVES_CALLER',
      suggestions: [`Add ${observed.caller} to admins in ${where ? `${where.file}:${where.line}` : 'lake.yaml'}, or run as one of the declared admins, or drop --exact-admins.`],
    })
  }
  if (config.admins.length === 0 && !callerIsAdmin) {
    throw new LakegovError(`Refusing to bootstrap: the caller (${observed.caller ?? 'the root user'}) is not a data lake administrator and lake.yaml declares none.`, {
      exitCode: ExitCode.InvalidPolicy,
      code: 'BOOTSTRAP_NO_ADMIN',
      suggestions: ['Declare the admins in lake.yaml (admins: [...]), including the role bootstrap runs as, or run as an existing data lake admin.'],
    })
  }
}
