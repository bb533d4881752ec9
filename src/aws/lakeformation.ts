import {
  GetDataLakeSettingsCommand,
  paginateListResources,
  type PrincipalPermissions as SdkPrincipalPermissions,
} from '@aws-sdk/client-lakeformation'

import type {DataLakeSettings, PrincipalPermissions, RegisteredLocation} from '../core/model/lake'
import type {LocationReader, SettingsReader} from '../core/ports'
import type {AwsClients} from './clients'
import {resolveEndpoint} from './clients'
import {callAws} from './errors'

function toPrincipalPermissions(entries: SdkPrincipalPermissions[] | undefined): PrincipalPermissions[] {
  return (entries ?? []).map((entry) => ({
    principal: entry.Principal?.DataLakePrincipalIdentifier ?? '',
    permissions: [...(entry.Permissions ?? [])].sort(),
  }))
}

/** Lake Formation behind the settings and location ports. */
export class LakeFormationAdapter implements SettingsReader, LocationReader {
  private readonly endpoint: string | undefined

  constructor(private readonly clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 'lakeformation')
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
}
