import {paginateGetDatabases} from '@aws-sdk/client-glue'

import type {CatalogReader} from '../core/ports'
import type {CatalogSnapshot} from '../core/policy/references'
import {AuditReader} from './audit'
import {resolveEndpoint, type AwsClients} from './clients'
import {callAws} from './errors'

/** The Glue catalog behind the CatalogReader port: GetDatabases, then GetTables of the named databases. */
export class GlueCatalogReader implements CatalogReader {
  constructor(private readonly clients: AwsClients) {}

  async readCatalog(databases: string[]): Promise<CatalogSnapshot> {
    const names = await callAws(
      'glue:GetDatabases',
      async () => {
        const found: string[] = []
        for await (const page of paginateGetDatabases({client: this.clients.glue}, {})) {
          for (const database of page.DatabaseList ?? []) if (database.Name) found.push(database.Name.toLowerCase())
        }
        return found
      },
      resolveEndpoint(this.clients.context, 'glue'),
    )
    const tables: CatalogSnapshot['tables'] = {}
    const reader = new AuditReader(this.clients)
    for (const database of databases.filter((name) => names.includes(name))) {
      tables[database] = ((await reader.listTables(database)) ?? []).map((table) => ({name: table.table, columns: table.columns}))
    }
    return {databases: names, tables}
  }
}
