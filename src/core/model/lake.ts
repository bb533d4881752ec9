/** The identity lakegov runs as, from STS GetCallerIdentity. */
export interface CallerIdentity {
  /** The 12-digit account id. */
  account: string
  /** The caller's ARN as STS reports it (an assumed-role ARN for roles). */
  arn: string
  /** The unique id of the user or role session. */
  userId: string
}

/** A principal and the Lake Formation permissions it holds by default on new catalog objects. */
export interface PrincipalPermissions {
  /** The principal's identifier: an IAM ARN, an account id, or IAM_ALLOWED_PRINCIPALS. */
  principal: string
  /** Permission names, for example ALL or SELECT. */
  permissions: string[]
}

/** The part of the data lake settings lakegov reasons about. */
export interface DataLakeSettings {
  /** Principals that administer the lake (DataLakeAdmins). */
  admins: string[]
  /** Principals that may read every grant and resource but change nothing (ReadOnlyAdmins). */
  readOnlyAdmins: string[]
  /** Permissions given to the creator's peers on each new database. */
  createDatabaseDefaultPermissions: PrincipalPermissions[]
  /** Permissions given on each new table. */
  createTableDefaultPermissions: PrincipalPermissions[]
}

/** An S3 location registered with Lake Formation. */
export interface RegisteredLocation {
  /** The registered S3 ARN, for example arn:aws:s3:::bucket/prefix. */
  resourceArn: string
  /** The role Lake Formation uses to reach the location; the service-linked role when so registered. */
  roleArn?: string
  /** Whether the role can actually reach the location: VERIFIED, NOT_VERIFIED or VERIFICATION_FAILED. */
  verificationStatus?: string
  /** Whether both Lake Formation and IAM/S3 policies govern access (hybrid access mode). */
  hybridAccessEnabled?: boolean
}

/** The pseudo-principal that stands for "whatever IAM allows". */
export const IAM_ALLOWED_PRINCIPALS = 'IAM_ALLOWED_PRINCIPALS'
