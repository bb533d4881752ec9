import type {DataLakeSettings, VerificationStatus} from '@aws-sdk/client-lakeformation'

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
  return {settings: freshSettings(), resources: new Map()}
}
