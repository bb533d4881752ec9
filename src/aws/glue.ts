import {CreateDatabaseCommand, GetDatabaseCommand, UpdateDatabaseCommand} from '@aws-sdk/client-glue'

import {resolveEndpoint, type AwsClients} from './clients'
import {callAws, callAwsOrAbsent} from './errors'

/** Reads and writes the Glue catalog. */
export class GlueAdapter {
  private readonly endpoint: string | undefined

  constructor(private readonly clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 'glue')
  }

  /** Whether the database exists, and the principals its new tables are given to by default. */
  async readDatabase(name: string): Promise<{exists: boolean; tableDefaultPrincipals: string[]}> {
    const out = await callAwsOrAbsent('glue:GetDatabase', () => this.clients.glue.send(new GetDatabaseCommand({Name: name})), ['EntityNotFoundException'], this.endpoint)
    if (!out?.Database) return {exists: false, tableDefaultPrincipals: []}
    const principals = (out.Database.CreateTableDefaultPermissions ?? []).map((entry) => entry.Principal?.DataLakePrincipalIdentifier ?? '').filter(Boolean)
    return {exists: true, tableDefaultPrincipals: principals}
  }

  /** Creates the database with no default table permissions, so that Lake Formation governs its tables from the start. */
  async createDatabase(name: string): Promise<void> {
    await callAws(
      'glue:CreateDatabase',
      () => this.clients.glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: name, Description: 'CloudTrail logs (managed by lakegov)', CreateTableDefaultPermissions: []}})),
      this.endpoint,
    )
  }

  /** Empties the database's default table permissions; UpdateDatabase replaces the whole input, so every other field is written back. */
  async clearTableDefaults(name: string): Promise<void> {
    await callAws(
      'glue:UpdateDatabase',
      async () => {
        const {Database} = await this.clients.glue.send(new GetDatabaseCommand({Name: name}))
        await this.clients.glue.send(
          new UpdateDatabaseCommand({
            Name: name,
            DatabaseInput: {
              Name: name,
              Description: Database?.Description,
              LocationUri: Database?.LocationUri,
              Parameters: Database?.Parameters,
              CreateTableDefaultPermissions: [],
            },
          }),
        )
      },
      this.endpoint,
    )
  }
}
