import type {DataLakeSettings, VerificationStatus} from '@aws-sdk/client-lakeformation'

import type {CanonicalResource} from './resource-shapes'

/** An S3 location registered with Lake Formation, as the service keeps it. */
export interface RegisteredResource {
  /** The S3 ARN, `arn:aws:s3:::bucket[/prefix]`, exactly as registered. */
  resourceArn: string
  /** The role Lake Formation assumes; the service-linked role's ARN when registered with it. */
  roleArn: string
  /** Whether the location was registered with the service-linked role; it cannot move to a custom role in place. */
  useServiceLinkedRole: boolean
  /** WithFederation from RegisterResource or UpdateResource. */
  withFederation: boolean
  /** HybridAccessEnabled: IAM and S3 policies keep granting access next to Lake Formation. */
  hybridAccessEnabled: boolean
  /** WithPrivilegedAccess from RegisterResource. */
  withPrivilegedAccess: boolean
  /** The account that must own the bucket, when the caller asked for the check. */
  expectedResourceOwnerAccount?: string
  /** Whether the role could reach the location when it was last registered or updated. */
  verificationStatus: VerificationStatus
  /** When the registration last changed. */
  lastModified: Date
}

/**
 * Everything one account's Lake Formation holds. Each kind of object gets its own field, keyed by
 * its identity, so that grants, LF-tags and data cells filters can join without touching the rest.
 */
export interface LakeFormationState {
  /** The data lake settings, exactly as the last PutDataLakeSettings left them. */
  settings: DataLakeSettings
  /** Registered locations, keyed by ResourceArn. */
  resources: Map<string, RegisteredResource>
  /** Explicit grants, keyed by grantKey(principal, resourceKey(resource)). */
  grants: Map<string, StoredGrant>
  /** Declared LF-tags, keyed by their lower-cased key. */
  lfTags: Map<string, StoredLFTag>
  /** LF-tags assigned to databases, tables and columns: target key (see operations/lf-tags.ts) to tag key to value. */
  lfTagAssignments: Map<string, Map<string, string>>
  /** Data cells filters, keyed by dataCellsFilterKey(database, table, name). */
  dataCellsFilters: Map<string, StoredDataCellsFilter>
}

/** What one principal explicitly holds on one resource. */
export interface StoredGrant {
  /** The DataLakePrincipalIdentifier, as granted. */
  principal: string
  /** The resource, canonical. */
  resource: CanonicalResource
  /** The permissions held, ALL expanded where Lake Formation expands it; never empty. */
  permissions: Set<string>
  /** The permissions held with the grant option; always a subset of permissions. */
  grantable: Set<string>
  /** When a grant or revoke last changed this entry. */
  lastUpdated: Date
}

/** A declared LF-tag. */
export interface StoredLFTag {
  /** The key, lower-cased. */
  tagKey: string
  /** The allowed values, lower-cased. */
  tagValues: Set<string>
}

/** A data cells filter: some rows and some columns of one table. */
export interface StoredDataCellsFilter {
  /** The table's database. */
  database: string
  /** The table. */
  table: string
  /** The filter's name, unique per table. */
  name: string
  /** The row filter: a PartiQL predicate, or every row. */
  rowFilter: {FilterExpression: string} | {AllRowsWildcard: Record<string, never>}
  /** ColumnNames, when the filter names its columns. */
  columnNames?: string[]
  /** ColumnWildcard.ExcludedColumnNames, when the filter takes every column but these. */
  excludedColumnNames?: string[]
  /** Bumped by every update; UpdateDataCellsFilter with a stale VersionId fails. */
  version: number
}

/** The key of a principal's grant on a resource: sorts by principal, then by resource. */
export function grantKey(principal: string, resourceKey: string): string {
  return `${principal}\u0000${resourceKey}`
}

/** The key of a data cells filter. */
export function dataCellsFilterKey(database: string, table: string, name: string): string {
  return JSON.stringify([database, table, name])
}

/** The pseudo-principal that stands for "whatever IAM allows". */
export const IAM_ALLOWED_PRINCIPALS = 'IAM_ALLOWED_PRINCIPALS'

/**
 * The settings of an account that has never touched Lake Formation: no admins, and new databases
 * and tables grant ALL to IAM_ALLOWED_PRINCIPALS, so IAM alone decides access.
 */
export function freshSettings(): DataLakeSettings {
  return {
    DataLakeAdmins: [],
    ReadOnlyAdmins: [],
    CreateDatabaseDefaultPermissions: [{Principal: {DataLakePrincipalIdentifier: IAM_ALLOWED_PRINCIPALS}, Permissions: ['ALL']}],
    CreateTableDefaultPermissions: [{Principal: {DataLakePrincipalIdentifier: IAM_ALLOWED_PRINCIPALS}, Permissions: ['ALL']}],
    TrustedResourceOwners: [],
    AllowExternalDataFiltering: false,
    ExternalDataFilteringAllowList: [],
    AuthorizedSessionTagValueList: [],
    AllowFullTableExternalDataAccess: false,
  }
}

export function createState(): LakeFormationState {
  return {settings: freshSettings(), resources: new Map(), grants: new Map(), lfTags: new Map(), lfTagAssignments: new Map(), dataCellsFilters: new Map()}
}
