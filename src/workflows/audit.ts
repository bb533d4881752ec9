/**
 * The composition root of the audit commands: lake.yaml and the grants files (io), the account
 * (aws), and the pure effective-access and findings computations (core). Every read that does not
 * depend on another runs in parallel.
 */
import {AuditReader, type IamSnapshot} from '../aws/audit'
import type {AwsClients} from '../aws/clients'
import {resolveEndpoint} from '../aws/clients'
import {CloudTrailAdapter} from '../aws/cloudtrail'
import {LakeFormationAdapter} from '../aws/lakeformation'
import {LakeFormationObjects} from '../aws/lakeformation-objects'
import {S3Adapter} from '../aws/s3'
import {StsIdentityReader} from '../aws/sts'
import {findS3Readers, type AuditState, type ExpectedReader} from '../core/audit/access'
import {findingsFromAccess, type DeclaredGrant, type Finding} from '../core/audit/findings'
import {toNamedPolicy, type NamedPolicy} from '../core/audit/iam-policy'
import {findingsFromLake, locateInLakeFile, sortFindings, type LakeObservation, type LakeRole, type LakeTrail} from '../core/audit/lake-findings'
import {LakegovError} from '../core/errors'
import {locationArnOf, type LakeConfig} from '../core/lake/config'
import type {ObservedBucket, ObservedRegistration} from '../core/lake/observed'
import type {Grant} from '../core/model/grant'
import type {RegisteredLocation} from '../core/model/lake'
import {parseIamIdentity} from '../core/model/principal'
import {mergeByKey} from '../core/plan/diff'
import type {DesiredState} from '../core/policy/types'
import {loadLakeConfig} from '../io/lake-file'
import {loadDesiredState} from '../io/policy-files'
import {incompleteViewWarning} from '../core/visibility'
import {clientsForLake} from './bootstrap'

/** What the audit reads from the policy directory. */
export interface AuditInputs {
  /** lake.yaml: where the logs are, and the positions findings point at. */
  config: LakeConfig
  /** lake.yaml's path, relative to the working directory. */
  lakeFile: string
  /** The grants files, when policies/grants exists; undefined means nothing is declared. */
  desired?: DesiredState
}

/** Reads lake.yaml (required) and the grants files (optional); invalid files exit 3 before any AWS call. */
export async function loadAuditInputs(policiesDir: string): Promise<AuditInputs> {
  const {config, file} = await loadLakeConfig(policiesDir)
  let desired: DesiredState | undefined
  try {
    desired = (await loadDesiredState(policiesDir)).state
  } catch (error) {
    // No grants directory, or an empty one: the audit still runs, with nothing declared.
    if (!(error instanceof LakegovError && (error.code === 'POLICY_DIR_MISSING' || error.code === 'POLICY_DIR_EMPTY'))) throw error
  }
  return {config, lakeFile: file, ...(desired ? {desired} : {})}
}

/** The account as the audit sees it. */
export interface AuditView {
  /** The account id. */
  account: string
  /** The region. */
  region: string
  /** The log database audited, lowercase. */
  database: string
  /** The state effective access is computed from. */
  state: AuditState
  /** The infrastructure, for the lake findings; read only when findings are wanted. */
  lake?: LakeObservation
  /** What could not be read fully; the audit went on without it. */
  warnings: string[]
}

/** What to read. */
export interface AuditReadOptions {
  /** The log database; lake.yaml's by default. */
  database?: string
  /** Also read what only the findings need (bucket hardening, trails). */
  findings?: boolean
  /** --region, which must agree with lake.yaml. */
  flagRegion?: string
}

function roleNameOf(arn: string): string | undefined {
  const identity = parseIamIdentity(arn)
  return identity?.kind === 'role' ? identity.name : undefined
}

function lakeRole(arn: string, purpose: LakeRole['purpose'], iam: IamSnapshot): LakeRole {
  const role = iam.roles.get(roleNameOf(arn) ?? '')
  return {arn, purpose, exists: role !== undefined, policies: role?.policies ?? []}
}

async function readRegistration(lakeformation: LakeFormationAdapter, locationArn: string): Promise<{exact?: ObservedRegistration; parents: RegisteredLocation[]}> {
  const exact = await lakeformation.describeRegistration(locationArn)
  if (exact) return {exact, parents: []}
  const parents = (await lakeformation.listRegisteredLocations()).filter((location) => locationArn.startsWith(`${location.resourceArn}/`))
  return {parents}
}

async function readTrails(clients: AwsClients, reader: AuditReader, config: LakeConfig): Promise<LakeTrail[]> {
  if (config.trail) {
    const name = config.trail.name
    return [{name, declared: true, observed: await new CloudTrailAdapter(clients).readTrail(name)}]
  }
  return (await reader.listTrailsOnBucket(config.bucket.name)).map(({name, ...observed}) => ({name, declared: false, observed}))
}

/**
 * Reads everything the audit needs. The grants come in one unfiltered ListPermissions walk, IAM in
 * one GetAccountAuthorizationDetails walk, tables in GetTables pages; LF-tag assignments are read
 * only when a tag expression grant exists to use them.
 */
export async function readAudit(baseClients: AwsClients, inputs: AuditInputs, options: AuditReadOptions = {}): Promise<AuditView> {
  const {config} = inputs
  const clients = clientsForLake(baseClients, config, options.flagRegion)
  const database = (options.database ?? config.database).toLowerCase()
  const identity = await new StsIdentityReader(clients).getCallerIdentity()
  const account = identity.account
  const reader = new AuditReader(clients)
  const lakeformation = new LakeFormationAdapter(clients, account)
  const objects = new LakeFormationObjects(clients.lakeformation, account, resolveEndpoint(clients.context, 'lakeformation'))
  const locationArn = locationArnOf(config.bucket)

  // `audit access` needs only the bucket policy; the findings need every bucket setting.
  const readBucket = async (): Promise<{observed?: ObservedBucket; policy?: NamedPolicy}> => {
    if (!options.findings) return {policy: await reader.readBucketPolicy(config.bucket.name)}
    const observed = await new S3Adapter(clients).readBucket(config.bucket.name)
    return {observed, ...(observed.policy ? {policy: toNamedPolicy('bucket-policy', observed.policy)} : {})}
  }
  const [settings, rawGrants, tables, iam, bucket, registration, crawlers, trails] = await Promise.all([
    lakeformation.getDataLakeSettings(),
    lakeformation.listGrants(),
    reader.listTables(database),
    reader.readIam(),
    readBucket(),
    readRegistration(lakeformation, locationArn),
    reader.listCrawlers(database, config.bucket.name, account),
    options.findings ? readTrails(clients, reader, config) : Promise.resolve([]),
  ])
  // A grant listed twice (Table and TableWithColumns) is one grant.
  const grants: Grant[] = [...mergeByKey(rawGrants).values()]
  // Filters and tags only matter to the grants that name them: without such grants, skip the reads.
  const usesFilters = grants.some((grant) => grant.resource.type === 'dataCellsFilter')
  const usesTags = grants.some((grant) => grant.resource.type === 'lfTagPolicy' && grant.resource.resourceType === 'TABLE')
  const catalogObjects = usesFilters || usesTags ? await objects.readObjects([database], []) : {tags: [], filters: [], assignments: []}
  const tagAssignments = usesTags && catalogObjects.tags.length > 0 ? await reader.readTagAssignments(tables) : []

  const bucketPolicy = bucket.policy
  const registered = registration.exact ?? registration.parents[0]
  const configuredRole = 'role' in config.registration ? `arn:aws:iam::${account}:role/${config.registration.role}` : undefined
  const registrationRoleArn = registered?.roleArn ?? configuredRole
  const expectedReaders: ExpectedReader[] = [
    ...(registrationRoleArn ? [{arn: registrationRoleArn, reason: 'registration-role'}] : []),
    ...crawlers.map((crawler) => ({arn: crawler.roleArn, reason: `crawler-role:${crawler.name}`})),
  ]
  const roles: LakeRole[] = [
    // The service-linked role is AWS's own, scoped by AWS (see lake-findings.ts).
    ...(registrationRoleArn && !registrationRoleArn.includes('/aws-service-role/') ? [lakeRole(registrationRoleArn, 'registration', iam)] : []),
    ...crawlers.map((crawler) => lakeRole(crawler.roleArn, `crawler ${crawler.name}`, iam)),
  ]

  const state: AuditState = {
    account,
    settings,
    databases: [database],
    tables,
    grants,
    tagAssignments,
    filters: catalogObjects.filters,
    logs: {bucket: config.bucket.name, prefix: config.bucket.prefix, ...(bucketPolicy ? {bucketPolicy} : {})},
    iamPrincipals: iam.principals,
    expectedReaders,
  }
  const lake: LakeObservation | undefined = options.findings
    ? {
        bucket: {name: config.bucket.name, prefix: config.bucket.prefix, observed: bucket.observed ?? {exists: false, lifecycleRules: []}, ...(bucketPolicy ? {policy: bucketPolicy} : {})},
        registration: {locationArn, ...registration},
        roles,
        trails,
      }
    : undefined
  const incomplete = incompleteViewWarning(identity.arn, settings, 'audit')
  return {account, region: config.region, database, state, ...(lake ? {lake} : {}), warnings: [...(incomplete ? [incomplete] : []), ...iam.warnings]}
}

/** Every finding, grant-side and infrastructure-side, placed at its policy file line where one exists, sorted. */
export function computeFindings(view: AuditView, inputs: AuditInputs): Finding[] {
  const declared: DeclaredGrant[] = (inputs.desired?.grants ?? []).map((grant) => ({principal: grant.principal, resource: grant.resource, source: {file: grant.source.file, line: grant.source.line}}))
  const fromAccess = findingsFromAccess(view.state, {
    declared,
    declaredPrincipals: Object.values(inputs.desired?.principals ?? {}),
    readers: findS3Readers(view.state),
  })
  const fromLake = view.lake ? findingsFromLake(view.lake, inputs.config.sources) : []
  return sortFindings(locateInLakeFile([...fromAccess, ...fromLake], inputs.config.sources))
}
