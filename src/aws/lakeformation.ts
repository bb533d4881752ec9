import {
  BatchGrantPermissionsCommand,
  BatchRevokePermissionsCommand,
  DescribeResourceCommand,
  GetDataLakeSettingsCommand,
  PutDataLakeSettingsCommand,
  RegisterResourceCommand,
  UpdateResourceCommand,
  type DataLakeSettings as SdkDataLakeSettings,
  paginateListPermissions,
  paginateListResources,
  type BatchPermissionsFailureEntry,
  type PrincipalPermissions as SdkPrincipalPermissions,
} from '@aws-sdk/client-lakeformation'

import type {ObservedRegistration, RawDataLakeSettings} from '../core/lake/observed'
import type {ListedGrant} from '../core/model/grant'
import type {DataLakeSettings, PrincipalPermissions, RegisteredLocation} from '../core/model/lake'
import type {EntryFailure, GrantEntry, GrantReader, GrantWriter, LocationReader, SettingsReader} from '../core/ports'
import type {AwsClients} from './clients'
import {resolveEndpoint} from './clients'
import {callAws, callAwsOrAbsent, errorNameOf, toLakegovError} from './errors'
import {fromPrincipalResourcePermissions, toSdkResource} from './lakeformation-resources'

function toPrincipalPermissions(entries: SdkPrincipalPermissions[] | undefined): PrincipalPermissions[] {
  return (entries ?? []).map((entry) => ({
    principal: entry.Principal?.DataLakePrincipalIdentifier ?? '',
    permissions: [...(entry.Permissions ?? [])].sort(),
  }))
}

/** Failures back to the caller's entry ids (the wire ids are indexes: entry Ids are capped at 255 characters). */
function toFailures(entries: GrantEntry[], failures: BatchPermissionsFailureEntry[] | undefined): EntryFailure[] {
  return (failures ?? []).map((failure) => ({
    id: entries[Number(failure.RequestEntry?.Id)]?.id ?? failure.RequestEntry?.Id ?? '',
    code: failure.Error?.ErrorCode ?? 'Unknown',
    message: failure.Error?.ErrorMessage ?? '',
  }))
}

/** Lake Formation behind the settings, location and grant ports. */
export class LakeFormationAdapter implements SettingsReader, LocationReader, GrantReader, GrantWriter {
  private readonly endpoint: string | undefined

  /** @param catalogId the account id, which data cells filter resources must name. */
  constructor(
    private readonly clients: AwsClients,
    private readonly catalogId = '',
  ) {
    this.endpoint = resolveEndpoint(clients.context, 'lakeformation')
  }

  /**
   * Every grant the caller may see, in the fewest calls: one unfiltered listing, 1,000 per page,
   * with IncludeRelated so that data cells filter grants come too. Scope is applied afterwards.
   */
  async listGrants(): Promise<ListedGrant[]> {
    return callAws(
      'lakeformation:ListPermissions',
      async () => {
        const grants: ListedGrant[] = []
        const pages = paginateListPermissions({client: this.clients.lakeformation, pageSize: 1000}, {IncludeRelated: 'TRUE'})
        for await (const page of pages) {
          for (const entry of page.PrincipalResourcePermissions ?? []) {
            const grant = fromPrincipalResourcePermissions(entry)
            if (grant) grants.push(grant)
          }
        }
        return grants
      },
      this.endpoint,
    )
  }

  async batchGrant(entries: GrantEntry[]): Promise<EntryFailure[]> {
    const out = await callAws(
      'lakeformation:BatchGrantPermissions',
      () => this.clients.lakeformation.send(new BatchGrantPermissionsCommand({Entries: entries.map((entry, index) => this.toSdkEntry(entry, index))})),
      this.endpoint,
    )
    return toFailures(entries, out.Failures)
  }

  async batchRevoke(entries: GrantEntry[]): Promise<EntryFailure[]> {
    const out = await callAws(
      'lakeformation:BatchRevokePermissions',
      () => this.clients.lakeformation.send(new BatchRevokePermissionsCommand({Entries: entries.map((entry, index) => this.toSdkEntry(entry, index))})),
      this.endpoint,
    )
    return toFailures(entries, out.Failures)
  }

  private toSdkEntry(entry: GrantEntry, index: number) {
    return {
      Id: String(index),
      Principal: {DataLakePrincipalIdentifier: entry.principal},
      Resource: toSdkResource(entry.resource, this.catalogId),
      Permissions: entry.permissions,
      PermissionsWithGrantOption: entry.grantable,
    }
  }

  async getDataLakeSettings(): Promise<DataLakeSettings> {
    const out = await callAws(
      'lakeformation:GetDataLakeSettings',
      () => this.clients.lakeformation.send(new GetDataLakeSettingsCommand({})),
      this.endpoint,
    )
    const settings = out.DataLakeSettings ?? {}
    return {
      admins: (settings.DataLakeAdmins ?? []).map((admin) => admin.DataLakePrincipalIdentifier ?? ''),
      readOnlyAdmins: (settings.ReadOnlyAdmins ?? []).map((admin) => admin.DataLakePrincipalIdentifier ?? ''),
      createDatabaseDefaultPermissions: toPrincipalPermissions(settings.CreateDatabaseDefaultPermissions),
      createTableDefaultPermissions: toPrincipalPermissions(settings.CreateTableDefaultPermissions),
    }
  }

  async listRegisteredLocations(): Promise<RegisteredLocation[]> {
    return callAws(
      'lakeformation:ListResources',
      async () => {
        const locations: RegisteredLocation[] = []
        for await (const page of paginateListResources({client: this.clients.lakeformation}, {})) {
          for (const info of page.ResourceInfoList ?? []) {
            locations.push({
              resourceArn: info.ResourceArn ?? '',
              roleArn: info.RoleArn,
              verificationStatus: info.VerificationStatus,
              hybridAccessEnabled: info.HybridAccessEnabled,
            })
          }
        }
        return locations
      },
      this.endpoint,
    )
  }

  /** The settings exactly as Lake Formation returns them, every field, for a read-modify-write. */
  async getRawSettings(): Promise<RawDataLakeSettings> {
    const out = await callAws('lakeformation:GetDataLakeSettings', () => this.clients.lakeformation.send(new GetDataLakeSettingsCommand({})), this.endpoint)
    return (out.DataLakeSettings ?? {}) as RawDataLakeSettings
  }

  /** Writes the whole settings object: PutDataLakeSettings replaces it, so pass what getRawSettings read, modified. */
  async putRawSettings(settings: RawDataLakeSettings): Promise<void> {
    await callAws(
      'lakeformation:PutDataLakeSettings',
      () => this.clients.lakeformation.send(new PutDataLakeSettingsCommand({DataLakeSettings: settings as SdkDataLakeSettings})),
      this.endpoint,
    )
  }

  /** The registration of exactly this location, or undefined. */
  async describeRegistration(resourceArn: string): Promise<ObservedRegistration | undefined> {
    const out = await callAwsOrAbsent(
      'lakeformation:DescribeResource',
      () => this.clients.lakeformation.send(new DescribeResourceCommand({ResourceArn: resourceArn})),
      ['EntityNotFoundException'],
      this.endpoint,
    )
    const info = out?.ResourceInfo
    if (!info) return undefined
    return {
      resourceArn: info.ResourceArn ?? resourceArn,
      ...(info.RoleArn ? {roleArn: info.RoleArn} : {}),
      useServiceLinkedRole: (info.RoleArn ?? '').includes('/aws-service-role/lakeformation.amazonaws.com/'),
      ...(info.VerificationStatus ? {verificationStatus: info.VerificationStatus} : {}),
    }
  }

  /**
   * Registers a location. If someone registered it since it was read (AlreadyExistsException), the
   * registration is updated to the role instead, so that a re-run, or a race, still converges.
   */
  async register(resourceArn: string, roleArn: string | undefined): Promise<void> {
    try {
      await this.clients.lakeformation.send(new RegisterResourceCommand({ResourceArn: resourceArn, ...(roleArn ? {RoleArn: roleArn} : {UseServiceLinkedRole: true})}))
    } catch (error) {
      if (errorNameOf(error) !== 'AlreadyExistsException') throw toLakegovError(error, {operation: 'lakeformation:RegisterResource', endpoint: this.endpoint})
      if (roleArn) await this.updateRegistration(resourceArn, roleArn)
    }
  }

  async updateRegistration(resourceArn: string, roleArn: string): Promise<void> {
    await callAws('lakeformation:UpdateResource', () => this.clients.lakeformation.send(new UpdateResourceCommand({ResourceArn: resourceArn, RoleArn: roleArn})), this.endpoint)
  }
}
