import type {LakeFormationModel} from '../../lakeformation/model'
import {IAM_ALLOWED_PRINCIPALS} from '../../lakeformation/state'

/**
 * What the crawl simulation asks Lake Formation, answered from the sandbox's model through its
 * public operations (the same ones the API serves), so the answers agree with what clients see.
 */
export class LakeFormationAccess {
  /** `region`: the crawl's region, whose Lake Formation state decides (it is kept per region). */
  constructor(
    private readonly model: LakeFormationModel,
    private readonly region = 'us-east-1',
  ) {}

  /** The registered location that covers an S3 ARN (itself or a parent), if any. */
  async registrationCovering(s3Arn: string): Promise<string | undefined> {
    const registered: string[] = []
    let NextToken: string | undefined
    do {
      const page = (await this.model.handle('ListResources', {MaxResults: 1000, ...(NextToken ? {NextToken} : {})}, {region: this.region})) as {ResourceInfoList?: {ResourceArn?: string}[]; NextToken?: string}
      for (const info of page.ResourceInfoList ?? []) if (info.ResourceArn) registered.push(info.ResourceArn)
      NextToken = page.NextToken
    } while (NextToken)
    // The most specific registration wins, as it does for Lake Formation's credential vending.
    return registered.filter((arn) => covers(arn, s3Arn)).sort((a, b) => b.length - a.length)[0]
  }

  /** Whether the principal (any of its ARN spellings) is a data lake admin, who holds every permission implicitly. */
  async isDataLakeAdmin(principals: readonly string[]): Promise<boolean> {
    const {DataLakeSettings} = (await this.model.handle('GetDataLakeSettings', {}, {region: this.region})) as {DataLakeSettings?: {DataLakeAdmins?: {DataLakePrincipalIdentifier?: string}[]}}
    return (DataLakeSettings?.DataLakeAdmins ?? []).some((admin) => principals.includes(admin.DataLakePrincipalIdentifier ?? ''))
  }

  /** Whether new databases still grant ALL to IAM_ALLOWED_PRINCIPALS, which leaves them to IAM. */
  async newDatabasesLeftToIam(): Promise<boolean> {
    const {DataLakeSettings} = (await this.model.handle('GetDataLakeSettings', {}, {region: this.region})) as {
      DataLakeSettings?: {CreateDatabaseDefaultPermissions?: {Principal?: {DataLakePrincipalIdentifier?: string}}[]}
    }
    return (DataLakeSettings?.CreateDatabaseDefaultPermissions ?? []).some((entry) => entry.Principal?.DataLakePrincipalIdentifier === IAM_ALLOWED_PRINCIPALS)
  }

  /**
   * The CreateTableDefaultPermissions a new Glue database gets when its DatabaseInput names none:
   * the region's data lake setting, which in "Use only IAM access control" mode (the default until
   * changed) grants ALL to IAM_ALLOWED_PRINCIPALS (Lake Formation developer guide, "Changing the
   * default settings for your data lake"; Glue API, DatabaseInput.CreateTableDefaultPermissions).
   */
  async tableDefaultsForNewDatabase(): Promise<unknown[]> {
    const {DataLakeSettings} = (await this.model.handle('GetDataLakeSettings', {}, {region: this.region})) as {DataLakeSettings?: {CreateTableDefaultPermissions?: unknown[]}}
    return structuredClone(DataLakeSettings?.CreateTableDefaultPermissions ?? [])
  }

  /** A new database gets IAM_ALLOWED_PRINCIPALS ALL when the region's CreateDatabaseDefaultPermissions hold it (same source). */
  async databaseCreated(database: string): Promise<void> {
    const {DataLakeSettings} = (await this.model.handle('GetDataLakeSettings', {}, {region: this.region})) as {DataLakeSettings?: {CreateDatabaseDefaultPermissions?: unknown[]}}
    if (holdsIamAll(DataLakeSettings?.CreateDatabaseDefaultPermissions)) await this.grantIamAll({Database: {Name: database}})
  }

  /** A new table gets IAM_ALLOWED_PRINCIPALS ALL when its database's CreateTableDefaultPermissions hold it (same source). */
  async tableCreated(database: string, table: string, databaseDefaults: unknown): Promise<void> {
    if (holdsIamAll(databaseDefaults)) await this.grantIamAll({Table: {DatabaseName: database, Name: table}})
  }

  private async grantIamAll(resource: object): Promise<void> {
    await this.model.handle('GrantPermissions', {Principal: {DataLakePrincipalIdentifier: IAM_ALLOWED_PRINCIPALS}, Resource: resource, Permissions: ['ALL']}, {region: this.region})
  }

  /** Whether any of the principals holds DATA_LOCATION_ACCESS on a location covering the S3 ARN. */
  async hasDataLocationAccess(principals: readonly string[], s3Arn: string): Promise<boolean> {
    for (const principal of principals) {
      const grants = await this.grantsOf(principal, 'DATA_LOCATION')
      const held = grants.some((grant) => grant.Permissions?.includes('DATA_LOCATION_ACCESS') && covers(grant.Resource?.DataLocation?.ResourceArn ?? '', s3Arn))
      if (held) return true
    }
    return false
  }

  /**
   * The permissions the principals hold on a database: their own grants plus IAM_ALLOWED_PRINCIPALS'
   * (which everyone IAM allows holds), and whether anyone at all holds a grant on it.
   */
  async databasePermissions(principals: readonly string[], database: string): Promise<{held: Set<string>; anyGrant: boolean}> {
    const onDatabase = (await this.grantsOf(undefined, 'DATABASE')).filter((grant) => grant.Resource?.Database?.Name === database)
    const holders = new Set([...principals, IAM_ALLOWED_PRINCIPALS])
    const held = new Set(onDatabase.filter((grant) => holders.has(grant.Principal?.DataLakePrincipalIdentifier ?? '')).flatMap((grant) => grant.Permissions ?? []))
    return {held, anyGrant: onDatabase.length > 0}
  }

  private async grantsOf(principal: string | undefined, resourceType: string): Promise<ListedGrant[]> {
    const grants: ListedGrant[] = []
    let NextToken: string | undefined
    do {
      const input = {ResourceType: resourceType, MaxResults: 1000, ...(principal ? {Principal: {DataLakePrincipalIdentifier: principal}} : {}), ...(NextToken ? {NextToken} : {})}
      const page = (await this.model.handle('ListPermissions', input, {region: this.region})) as {PrincipalResourcePermissions?: ListedGrant[]; NextToken?: string}
      grants.push(...(page.PrincipalResourcePermissions ?? []))
      NextToken = page.NextToken
    } while (NextToken)
    return grants
  }
}

interface ListedGrant {
  Principal?: {DataLakePrincipalIdentifier?: string}
  Resource?: {DataLocation?: {ResourceArn?: string}; Database?: {Name?: string}}
  Permissions?: string[]
}

/** Whether default permissions (a PrincipalPermissions list) grant ALL to IAM_ALLOWED_PRINCIPALS. */
function holdsIamAll(defaults: unknown): boolean {
  if (!Array.isArray(defaults)) return false
  return defaults.some((entry: {Principal?: {DataLakePrincipalIdentifier?: string}; Permissions?: unknown}) => {
    return entry?.Principal?.DataLakePrincipalIdentifier === IAM_ALLOWED_PRINCIPALS && Array.isArray(entry.Permissions) && entry.Permissions.includes('ALL')
  })
}

/** Whether a location ARN is the ARN itself or one of its parent folders. */
export function covers(location: string, s3Arn: string): boolean {
  const base = location.replace(/\/+$/, '')
  const target = s3Arn.replace(/\/+$/, '')
  return base !== '' && (target === base || target.startsWith(`${base}/`))
}

/** `s3://bucket/prefix/` to `arn:aws:s3:::bucket/prefix`. */
export function s3ArnOf(s3Path: string): string {
  return `arn:aws:s3:::${s3Path.replace(/^s3:\/\//, '').replace(/\/+$/, '')}`
}

/**
 * The spellings a role's grants may use: Lake Formation matches the role's ARN, and the grants
 * engine may have written it with or without the IAM path.
 */
export function principalSpellings(roleArn: string): string[] {
  const withoutPath = roleArn.replace(/:role\/.*\/([^/]+)$/, ':role/$1')
  return [...new Set([roleArn, withoutPath])]
}
