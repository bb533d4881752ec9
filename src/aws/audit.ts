/**
 * The account side of the audit: the reads the bootstrap adapters do not already make. Each reader
 * takes the fewest calls the APIs allow: Glue tables 100 per page, the whole of IAM in one
 * paginated GetAccountAuthorizationDetails walk (policies come inline, so no GetRolePolicy or
 * GetPolicyVersion per principal), crawlers 1,000 per page, one DescribeTrails, and LF-tag
 * assignments only when a tag expression grant could use them.
 */
import {DescribeTrailsCommand, GetTrailStatusCommand} from '@aws-sdk/client-cloudtrail'
import {paginateGetCrawlers, paginateGetDatabases, paginateGetTables, type Table} from '@aws-sdk/client-glue'
import {
  paginateGetAccountAuthorizationDetails,
  type AttachedPolicy,
  type GroupDetail,
  type ManagedPolicyDetail,
  type PolicyDetail,
  type RoleDetail,
  type UserDetail,
} from '@aws-sdk/client-iam'
import {GetResourceLFTagsCommand, type LFTagPair} from '@aws-sdk/client-lakeformation'
import {GetBucketPolicyCommand} from '@aws-sdk/client-s3'

import type {AuditTable, IamPrincipalState} from '../core/audit/access'
import {namedPolicy, policyProblems, type NamedPolicy} from '../core/iam'
import type {ObservedTrail} from '../core/lake/observed'
import {mapLimited} from '../core/map-limited'
import type {AssignmentState} from '../core/plan/objects'
import {resolveEndpoint, type AwsClients} from './clients'
import {callAws, callAwsOrAbsent} from './errors'
import {IamAdapter} from './iam'

/** Glue's and IAM's largest page sizes: fewer, bigger pages are fewer calls. */
const GLUE_TABLES_PAGE = 100
const GLUE_CRAWLERS_PAGE = 1000
const GLUE_DATABASES_PAGE = 100
const IAM_DETAILS_PAGE = 1000
/** Parallel GetResourceLFTags calls: enough to hide latency, few enough not to be throttled. */
const TAG_READ_CONCURRENCY = 8

/** An IAM role as the audit needs it: its policies, already parsed. */
export interface AuditRole {
  /** The role ARN, path included. */
  arn: string
  /** The role name. */
  name: string
  /** Inline and attached managed policies. */
  policies: NamedPolicy[]
  /** The permissions boundary, when set. */
  boundary?: NamedPolicy
}

/** The account's IAM identities, read in one walk. */
export interface IamSnapshot {
  /** Roles and users with every policy that applies to them, sorted by ARN. */
  principals: IamPrincipalState[]
  /** The roles by name, for the registration and crawler role checks. */
  roles: Map<string, AuditRole>
  /** Policies that could not be read or parsed; their principals are evaluated without them. */
  warnings: string[]
}

/** A Glue crawler that writes into the log database or crawls the log bucket. */
export interface AuditCrawler {
  /** The crawler name. */
  name: string
  /** Its role, as an ARN. */
  roleArn: string
}

function tableOf(database: string, table: Table): AuditTable {
  const columns = [...(table.StorageDescriptor?.Columns ?? []), ...(table.PartitionKeys ?? [])].map((column) => (column.Name ?? '').toLowerCase()).filter(Boolean)
  return {
    database: database.toLowerCase(),
    table: (table.Name ?? '').toLowerCase(),
    columns: [...new Set(columns)],
    ...(table.StorageDescriptor?.Location ? {location: table.StorageDescriptor.Location} : {}),
  }
}

function pairs(list: LFTagPair[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {}
  // A resource carries one value per key; values are stored lowercase.
  for (const pair of list ?? []) if (pair.TagKey && pair.TagValues?.length) tags[pair.TagKey.toLowerCase()] = pair.TagValues[0].toLowerCase()
  return tags
}

/** The audit's own reads; the bucket, registration, settings and grants come from the bootstrap and grants adapters. */
export class AuditReader {
  constructor(private readonly clients: AwsClients) {}

  /** Every table of a database with its columns (partition keys included) and location; undefined when the database does not exist. */
  async listTables(database: string): Promise<AuditTable[] | undefined> {
    const tables = await callAwsOrAbsent(
      'glue:GetTables',
      async () => {
        const found: AuditTable[] = []
        for await (const page of paginateGetTables({client: this.clients.glue, pageSize: GLUE_TABLES_PAGE}, {DatabaseName: database})) {
          for (const table of page.TableList ?? []) found.push(tableOf(database, table))
        }
        return found
      },
      ['EntityNotFoundException'],
      resolveEndpoint(this.clients.context, 'glue'),
    )
    return tables?.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0))
  }

  /** The names of the catalog's databases, lowercase: what an error about a missing one lists. */
  async listDatabaseNames(): Promise<string[]> {
    return callAws(
      'glue:GetDatabases',
      async () => {
        const names: string[] = []
        for await (const page of paginateGetDatabases({client: this.clients.glue, pageSize: GLUE_DATABASES_PAGE}, {})) {
          for (const database of page.DatabaseList ?? []) if (database.Name) names.push(database.Name.toLowerCase())
        }
        return names.sort()
      },
      resolveEndpoint(this.clients.context, 'glue'),
    )
  }

  /**
   * Every role and user with its inline, attached managed and (for users) group policies and its
   * boundary, from one paginated GetAccountAuthorizationDetails walk. AWS lists the managed
   * policies in use with their versions; one attached but not listed is read on its own.
   */
  async readIam(): Promise<IamSnapshot> {
    const endpoint = resolveEndpoint(this.clients.context, 'iam')
    const roles: RoleDetail[] = []
    const users: UserDetail[] = []
    const groups: GroupDetail[] = []
    const managed: ManagedPolicyDetail[] = []
    await callAws(
      'iam:GetAccountAuthorizationDetails',
      async () => {
        const filter = ['Role', 'User', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const
        for await (const page of paginateGetAccountAuthorizationDetails({client: this.clients.iam, pageSize: IAM_DETAILS_PAGE}, {Filter: [...filter]})) {
          roles.push(...(page.RoleDetailList ?? []))
          users.push(...(page.UserDetailList ?? []))
          groups.push(...(page.GroupDetailList ?? []))
          managed.push(...(page.Policies ?? []))
        }
      },
      endpoint,
    )
    const warnings: string[] = []
    const parse = (name: string, document: string | undefined): NamedPolicy | undefined => {
      if (document === undefined) return undefined
      const policy = namedPolicy(name, document)
      // What cannot be read is kept: the evaluator makes access through it conditional, never hidden.
      for (const problem of policyProblems(policy.document)) warnings.push(`${name}: ${problem} Access through it is shown as conditional.`)
      return policy
    }
    const managedByArn = new Map<string, NamedPolicy | undefined>()
    for (const policy of managed) {
      const version = policy.PolicyVersionList?.find((candidate) => candidate.IsDefaultVersion)
      if (policy.Arn) managedByArn.set(policy.Arn, parse(policy.Arn, version?.Document))
    }
    const attachedArns = [...roles, ...users, ...groups].flatMap((entity) => [
      ...(entity.AttachedManagedPolicies ?? []).map((attached: AttachedPolicy) => attached.PolicyArn ?? ''),
      ...('PermissionsBoundary' in entity && entity.PermissionsBoundary?.PermissionsBoundaryArn ? [entity.PermissionsBoundary.PermissionsBoundaryArn] : []),
    ])
    for (const arn of new Set(attachedArns)) {
      if (arn && !managedByArn.has(arn)) managedByArn.set(arn, await this.readManagedPolicy(arn, warnings).then((document) => parse(arn, document)))
    }

    const managedOf = (attached: AttachedPolicy[] | undefined) => (attached ?? []).map((entry) => managedByArn.get(entry.PolicyArn ?? '')).filter((policy): policy is NamedPolicy => policy !== undefined)
    const inlineOf = (owner: string, list: PolicyDetail[] | undefined) =>
      (list ?? []).map((entry) => parse(`${owner} inline:${entry.PolicyName}`, entry.PolicyDocument)).filter((policy): policy is NamedPolicy => policy !== undefined)
    const boundaryOf = (arn: string | undefined) => (arn ? managedByArn.get(arn) : undefined)

    const groupPolicies = new Map(groups.map((group) => [group.GroupName ?? '', [...inlineOf(`group/${group.GroupName}`, group.GroupPolicyList), ...managedOf(group.AttachedManagedPolicies)]]))
    const principals: IamPrincipalState[] = []
    const roleMap = new Map<string, AuditRole>()
    for (const role of roles) {
      if (!role.Arn || !role.RoleName) continue
      const policies = [...inlineOf(`role/${role.RoleName}`, role.RolePolicyList), ...managedOf(role.AttachedManagedPolicies)]
      const boundary = boundaryOf(role.PermissionsBoundary?.PermissionsBoundaryArn)
      principals.push({arn: role.Arn, policies, ...(boundary ? {boundary} : {})})
      roleMap.set(role.RoleName, {arn: role.Arn, name: role.RoleName, policies, ...(boundary ? {boundary} : {})})
    }
    for (const user of users) {
      if (!user.Arn) continue
      const fromGroups = (user.GroupList ?? []).flatMap((group) => groupPolicies.get(group) ?? [])
      const boundary = boundaryOf(user.PermissionsBoundary?.PermissionsBoundaryArn)
      principals.push({arn: user.Arn, policies: [...inlineOf(`user/${user.UserName}`, user.UserPolicyList), ...managedOf(user.AttachedManagedPolicies), ...fromGroups], ...(boundary ? {boundary} : {})})
    }
    principals.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0))
    return {principals, roles: roleMap, warnings}
  }

  /** The default version of one managed policy, for the rare one the details walk did not list. */
  private async readManagedPolicy(arn: string, warnings: string[]): Promise<string | undefined> {
    const document = await new IamAdapter(this.clients).readManagedPolicyText(arn)
    if (document === undefined) warnings.push(`${arn}: the managed policy could not be read. It is left out of the evaluation.`)
    return document
  }

  /**
   * The bucket policy alone, for `audit access`: one call where the bootstrap reader's full
   * readBucket makes six. Undefined when the bucket has no policy, or does not exist.
   */
  async readBucketPolicy(bucket: string): Promise<NamedPolicy | undefined> {
    const out = await callAwsOrAbsent(
      's3:GetBucketPolicy',
      () => this.clients.s3.send(new GetBucketPolicyCommand({Bucket: bucket})),
      ['NoSuchBucketPolicy', 'NoSuchBucket'],
      resolveEndpoint(this.clients.context, 's3'),
    )
    return out?.Policy ? namedPolicy('bucket-policy', out.Policy) : undefined
  }

  /** The crawlers that write into the database or crawl the bucket: their roles touch the logs. */
  async listCrawlers(database: string, bucket: string, account: string): Promise<AuditCrawler[]> {
    return callAws(
      'glue:GetCrawlers',
      async () => {
        const crawlers: AuditCrawler[] = []
        for await (const page of paginateGetCrawlers({client: this.clients.glue, pageSize: GLUE_CRAWLERS_PAGE}, {})) {
          for (const crawler of page.Crawlers ?? []) {
            const crawlsBucket = (crawler.Targets?.S3Targets ?? []).some((target) => (target.Path ?? '').replace(/^s3:\/\//, '').split('/')[0] === bucket)
            if (!crawler.Name || !crawler.Role || !(crawlsBucket || crawler.DatabaseName?.toLowerCase() === database.toLowerCase())) continue
            // Glue takes a role name or ARN; a name is a role at the root path.
            crawlers.push({name: crawler.Name, roleArn: crawler.Role.startsWith('arn:') ? crawler.Role : `arn:aws:iam::${account}:role/${crawler.Role}`})
          }
        }
        return crawlers.sort((a, b) => (a.name < b.name ? -1 : 1))
      },
      resolveEndpoint(this.clients.context, 'glue'),
    )
  }

  /** The trails that write into the bucket, with their status: for a lake.yaml that declares no trail. */
  async listTrailsOnBucket(bucket: string): Promise<Array<ObservedTrail & {name: string}>> {
    const endpoint = resolveEndpoint(this.clients.context, 'cloudtrail')
    const out = await callAws('cloudtrail:DescribeTrails', () => this.clients.cloudtrail.send(new DescribeTrailsCommand({includeShadowTrails: true})), endpoint)
    const trails = (out.trailList ?? []).filter((trail) => trail.S3BucketName === bucket && trail.Name)
    return Promise.all(
      trails.map(async (trail) => {
        const status = await callAws('cloudtrail:GetTrailStatus', () => this.clients.cloudtrail.send(new GetTrailStatusCommand({Name: trail.TrailARN ?? trail.Name})), endpoint)
        return {
          name: trail.Name!,
          exists: true,
          s3BucketName: trail.S3BucketName,
          s3KeyPrefix: trail.S3KeyPrefix,
          multiRegion: trail.IsMultiRegionTrail,
          logFileValidation: trail.LogFileValidationEnabled,
          isLogging: status.IsLogging === true,
          homeRegion: trail.HomeRegion,
        }
      }),
    )
  }

  /**
   * The LF-tags assigned directly to each table's database, the table and its columns: one
   * GetResourceLFTags per table (the database's come with every answer), a few in parallel.
   */
  async readTagAssignments(tables: readonly AuditTable[]): Promise<AssignmentState[]> {
    const endpoint = resolveEndpoint(this.clients.context, 'lakeformation')
    const answers = await mapLimited(tables, TAG_READ_CONCURRENCY, (table) =>
      callAws(
        'lakeformation:GetResourceLFTags',
        () => this.clients.lakeformation.send(new GetResourceLFTagsCommand({Resource: {Table: {DatabaseName: table.database, Name: table.table}}, ShowAssignedLFTags: true})),
        endpoint,
      ),
    )
    const assignments: AssignmentState[] = []
    const databases = new Set<string>()
    answers.forEach((answer, index) => {
      const {database, table} = tables[index]
      if (!databases.has(database)) {
        databases.add(database)
        const tags = pairs(answer.LFTagOnDatabase)
        if (Object.keys(tags).length > 0) assignments.push({target: {database}, tags})
      }
      const tags = pairs(answer.LFTagsOnTable)
      if (Object.keys(tags).length > 0) assignments.push({target: {database, table}, tags})
      for (const column of answer.LFTagsOnColumns ?? []) {
        const columnTags = pairs(column.LFTags)
        if (column.Name && Object.keys(columnTags).length > 0) assignments.push({target: {database, table, columns: [column.Name.toLowerCase()]}, tags: columnTags})
      }
    })
    return assignments
  }
}
