/**
 * The composition root of the audit commands: lake.yaml and the grants files (io), the account
 * (aws), and the pure effective-access and findings computations (core). Every read that does not
 * depend on another runs in parallel.
 */
import type {AwsClients} from '../aws/clients'
import {CloudTrailAdapter} from '../aws/cloudtrail'
import {GlueAdapter} from '../aws/glue'
import {IamAdapter} from '../aws/iam'
import {LakeFormationAdapter} from '../aws/lakeformation'
import {S3Adapter} from '../aws/s3'
import {StsAdapter} from '../aws/sts'
import {findS3Readers, type AuditState} from '../core/audit/access'
import {assembleAudit, catalogObjectsNeeded, distinctGrants, type AuditSnapshot} from '../core/audit/assemble'
import type {DeclaredGrant, Finding} from '../core/audit/findings'
import {namedPolicy} from '../core/iam'
import type {LakeObservation, LakeTrail} from '../core/audit/lake-findings'
import {findingsFromAccess, findingsFromAlarms, findingsFromLake, locateInLakeFile, sortFindings} from '../core/audit/rules'
import type {AlarmObservation} from '../core/audit/alarm-findings'
import {readAlarmObservation} from './alarms'
import {noMatchError} from '../core/audit/query'
import {LakegovError} from '../core/errors'
import {locationArnOf, type LakeConfig} from '../core/lake/config'
import type {ObservedRegistration} from '../core/lake/observed'
import type {RegisteredLocation} from '../core/model/lake'
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
  /** The alarms path, for the alarm findings; read only when findings are wanted. */
  alarms?: AlarmObservation
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

async function readRegistration(lakeformation: LakeFormationAdapter, locationArn: string): Promise<{exact?: ObservedRegistration; parents: RegisteredLocation[]}> {
  const exact = await lakeformation.describeRegistration(locationArn)
  if (exact) return {exact, parents: []}
  const parents = (await lakeformation.listRegisteredLocations()).filter((location) => locationArn.startsWith(`${location.resourceArn}/`))
  return {parents}
}

async function readTrails(cloudtrail: CloudTrailAdapter, config: LakeConfig): Promise<LakeTrail[]> {
  if (config.trail) {
    const name = config.trail.name
    return [{name, declared: true, observed: await cloudtrail.readTrail(name)}]
  }
  return (await cloudtrail.listTrailsOnBucket(config.bucket.name)).map(({name, ...observed}) => ({name, declared: false, observed}))
}

/**
 * Reads everything the audit needs, and nothing more. The grants come in one unfiltered
 * ListPermissions walk, IAM in one GetAccountAuthorizationDetails walk, tables in GetTables pages;
 * filters and LF-tag assignments are read only when a grant could use them. A --database that does
 * not exist is a usage error listing the databases that do.
 */
export async function readAuditSnapshot(clients: AwsClients, config: LakeConfig, options: {database: string; databaseFlag: boolean; findings: boolean}): Promise<AuditSnapshot> {
  const {database} = options
  const identity = await new StsAdapter(clients).getCallerIdentity()
  const account = identity.account
  const lakeformation = new LakeFormationAdapter(clients, account)
  const glue = new GlueAdapter(clients)
  const s3 = new S3Adapter(clients)

  // `audit access` needs only the bucket policy; the findings need every bucket setting.
  const readBucket = async (): Promise<AuditSnapshot['bucket']> => {
    if (!options.findings) {
      const policy = await s3.readBucketPolicy(config.bucket.name)
      return policy ? {policy} : {}
    }
    const observed = await s3.readBucket(config.bucket.name)
    return {observed, ...(observed.policy ? {policy: namedPolicy('bucket-policy', observed.policy)} : {})}
  }
  const [settings, rawGrants, tables, iam, bucket, registration, crawlers, trails] = await Promise.all([
    lakeformation.getDataLakeSettings(),
    lakeformation.listGrants(),
    glue.listTables(database),
    new IamAdapter(clients).readIam(),
    readBucket(),
    readRegistration(lakeformation, locationArnOf(config.bucket)),
    glue.listCrawlers(database, config.bucket.name, account),
    options.findings ? readTrails(new CloudTrailAdapter(clients), config) : Promise.resolve([]),
  ])
  if (tables === undefined && options.databaseFlag) throw noMatchError('--database', database, 'database', {label: 'Databases', names: await glue.listDatabaseNames()})
  const needed = catalogObjectsNeeded(distinctGrants(rawGrants))
  const catalogObjects = needed.filters || needed.tags ? await lakeformation.readObjects([database], []) : {tags: [], filters: [], assignments: []}
  const tagAssignments = needed.tags && catalogObjects.tags.length > 0 ? await lakeformation.readTagAssignments(tables ?? []) : []
  return {
    account,
    callerArn: identity.arn,
    database,
    settings,
    rawGrants,
    tables: tables ?? [],
    iam,
    bucket,
    registration,
    crawlers,
    trails,
    filters: catalogObjects.filters,
    tagAssignments,
  }
}

/** Reads the account (readAuditSnapshot) and assembles the audit's state from it (assembleAudit, pure). */
export async function readAudit(baseClients: AwsClients, inputs: AuditInputs, options: AuditReadOptions = {}): Promise<AuditView> {
  const {config} = inputs
  const clients = clientsForLake(baseClients, config, options.flagRegion)
  const database = (options.database ?? config.database).toLowerCase()
  const findings = options.findings ?? false
  const snapshot = await readAuditSnapshot(clients, config, {database, databaseFlag: options.database !== undefined, findings})
  const incomplete = incompleteViewWarning(snapshot.callerArn, snapshot.settings, 'audit')
  const {state, lake} = assembleAudit(snapshot, config, locationArnOf(config.bucket), findings)
  const alarms = findings ? await readAlarmObservation(clients, config) : undefined
  return {account: snapshot.account, region: config.region, database, state, ...(lake ? {lake} : {}), ...(alarms ? {alarms} : {}), warnings: [...(incomplete ? [incomplete] : []), ...snapshot.iam.warnings]}
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
  const fromAlarms = view.alarms ? findingsFromAlarms(view.alarms, inputs.config.sources['trail.name']) : []
  return sortFindings(locateInLakeFile([...fromAccess, ...fromLake, ...fromAlarms], inputs.config.sources))
}
