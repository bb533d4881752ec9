/**
 * The audit's domain decisions about what was read, apart from the reading: which grants are one,
 * which catalog objects are worth reading, who is expected to read the logs (the registration role,
 * or lake.yaml's when nothing is registered, and the crawler roles), and which roles the lake
 * findings check (not the service-linked role, which AWS scopes). Pure: a snapshot in, the state
 * computeAccess and the findings read out.
 */
import type {LakeConfig} from '../lake/config'
import type {ObservedBucket, ObservedRegistration} from '../lake/observed'
import type {Grant} from '../model/grant'
import type {DataLakeSettings, RegisteredLocation} from '../model/lake'
import {parseIamIdentity} from '../model/principal'
import type {FilterState, AssignmentState} from '../plan/objects'
import {mergeByKey} from '../plan/diff'
import type {NamedPolicy} from '../iam'
import type {AuditState, AuditTable, ExpectedReader, IamPrincipalState} from './access'
import type {LakeObservation, LakeRole, LakeTrail} from './lake-findings'

/** A crawler whose role touches the logs. */
export interface SnapshotCrawler {
  /** The crawler name. */
  name: string
  /** Its role, as an ARN. */
  roleArn: string
}

/** Everything the audit read from the account, as read. */
export interface AuditSnapshot {
  /** The account id. */
  account: string
  /** The caller's ARN: an audit run by a non-admin sees only part of the grants. */
  callerArn: string
  /** The audited database, lowercase. */
  database: string
  /** Data lake settings. */
  settings: DataLakeSettings
  /** Every grant as ListPermissions lists it (a grant may appear twice: Table and TableWithColumns). */
  rawGrants: Grant[]
  /** The database's tables. */
  tables: AuditTable[]
  /** Roles and users with their policies, and what could not be read. */
  iam: {principals: IamPrincipalState[]; warnings: string[]}
  /** The bucket policy and, for the findings, the bucket's settings. */
  bucket: {policy?: NamedPolicy; observed?: ObservedBucket}
  /** The registration of the log location, or the registered locations containing it. */
  registration: {exact?: ObservedRegistration; parents: RegisteredLocation[]}
  /** The crawlers that write into the database or crawl the bucket. */
  crawlers: SnapshotCrawler[]
  /** The trails, for the findings. */
  trails: LakeTrail[]
  /** Data cells filters, read only when a grant names one. */
  filters: FilterState[]
  /** LF-tag assignments, read only when a tag expression grant could use them. */
  tagAssignments: AssignmentState[]
}

/** The catalog objects worth reading for these grants: filters and tags only matter to grants that name them. */
export function catalogObjectsNeeded(grants: readonly Grant[]): {filters: boolean; tags: boolean} {
  return {
    filters: grants.some((grant) => grant.resource.type === 'dataCellsFilter'),
    tags: grants.some((grant) => grant.resource.type === 'lfTagPolicy' && grant.resource.resourceType === 'TABLE'),
  }
}

/** A grant listed twice (Table and TableWithColumns) is one grant. */
export function distinctGrants(rawGrants: readonly Grant[]): Grant[] {
  return [...mergeByKey([...rawGrants]).values()]
}

/** The registration role: the registered location's, else the role lake.yaml registers with. */
export function registrationRoleOf(snapshot: Pick<AuditSnapshot, 'account' | 'registration'>, config: Pick<LakeConfig, 'registration'>): string | undefined {
  const registered = snapshot.registration.exact ?? snapshot.registration.parents[0]
  const configured = 'role' in config.registration ? `arn:aws:iam::${snapshot.account}:role/${config.registration.role}` : undefined
  return registered?.roleArn ?? configured
}

/** The principals meant to read the log objects: the registration role and the crawler roles. */
export function expectedReadersOf(registrationRole: string | undefined, crawlers: readonly SnapshotCrawler[]): ExpectedReader[] {
  return [...(registrationRole ? [{arn: registrationRole, reason: 'registration-role'}] : []), ...crawlers.map((crawler) => ({arn: crawler.roleArn, reason: `crawler-role:${crawler.name}`}))]
}

/** Whether a role is a service-linked role, which AWS creates and scopes (see lake-findings.ts). */
export function isServiceLinkedRole(arn: string): boolean {
  return arn.includes('/aws-service-role/')
}

function lakeRole(arn: string, purpose: LakeRole['purpose'], principals: readonly IamPrincipalState[]): LakeRole {
  const name = parseIamIdentity(arn)?.name
  const role = principals.find((candidate) => {
    const identity = parseIamIdentity(candidate.arn)
    return identity?.kind === 'role' && identity.name === name
  })
  return {arn, purpose, exists: role !== undefined, policies: role?.policies ?? []}
}

/** The roles the lake findings check: the registration role (unless service-linked) and each crawler's. */
export function lakeRolesOf(registrationRole: string | undefined, crawlers: readonly SnapshotCrawler[], principals: readonly IamPrincipalState[]): LakeRole[] {
  return [
    ...(registrationRole && !isServiceLinkedRole(registrationRole) ? [lakeRole(registrationRole, 'registration', principals)] : []),
    ...crawlers.map((crawler) => lakeRole(crawler.roleArn, `crawler ${crawler.name}`, principals)),
  ]
}

/** What the audit computes from: the effective-access state, and the lake observation when findings are wanted. */
export interface AssembledAudit {
  /** The state computeAccess and the grant-side findings read. */
  state: AuditState
  /** The infrastructure, for the lake findings. */
  lake?: LakeObservation
}

/** Assembles the audit's state (and, with `findings`, the lake observation) from a snapshot. */
export function assembleAudit(snapshot: AuditSnapshot, config: Pick<LakeConfig, 'bucket' | 'registration'>, locationArn: string, findings: boolean): AssembledAudit {
  const registrationRole = registrationRoleOf(snapshot, config)
  const bucketPolicy = snapshot.bucket.policy
  const state: AuditState = {
    account: snapshot.account,
    settings: snapshot.settings,
    databases: [snapshot.database],
    tables: snapshot.tables,
    grants: distinctGrants(snapshot.rawGrants),
    tagAssignments: snapshot.tagAssignments,
    filters: snapshot.filters,
    logs: {bucket: config.bucket.name, prefix: config.bucket.prefix, ...(bucketPolicy ? {bucketPolicy} : {})},
    iamPrincipals: snapshot.iam.principals,
    expectedReaders: expectedReadersOf(registrationRole, snapshot.crawlers),
  }
  if (!findings) return {state}
  const lake: LakeObservation = {
    bucket: {name: config.bucket.name, prefix: config.bucket.prefix, observed: snapshot.bucket.observed ?? {exists: false, lifecycleRules: []}, ...(bucketPolicy ? {policy: bucketPolicy} : {})},
    registration: {locationArn, ...snapshot.registration},
    roles: lakeRolesOf(registrationRole, snapshot.crawlers, snapshot.iam.principals),
    trails: snapshot.trails,
  }
  return {state, lake}
}
