import {GetDatabaseCommand, GetTableCommand, GlueClient} from '@aws-sdk/client-glue'

import type {CatalogLookup} from '../lakeformation/model'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

function isNotFound(error: unknown): boolean {
  return (error as Error).name === 'EntityNotFoundException'
}

/**
 * The Lake Formation model's catalog, answered by moto's Glue in the call's region (moto keeps one
 * catalog per region, as Glue does). It calls moto directly, so the lookups neither count in the
 * stats nor meet injected faults.
 */
export function createMotoCatalog(motoEndpoint: string): CatalogLookup & {close(): void} {
  const clients = new Map<string, GlueClient>()
  const glueIn = (region: string): GlueClient => {
    let client = clients.get(region)
    if (client === undefined) {
      client = new GlueClient({region, endpoint: motoEndpoint, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}, maxAttempts: 1})
      clients.set(region, client)
    }
    return client
  }
  return {
    async hasDatabase(region, database) {
      try {
        await glueIn(region).send(new GetDatabaseCommand({Name: database}))
        return true
      } catch (error) {
        if (isNotFound(error)) return false
        throw error
      }
    },
    async table(region, database, table) {
      try {
        const {Table} = await glueIn(region).send(new GetTableCommand({DatabaseName: database, Name: table}))
        const columns = [...(Table?.StorageDescriptor?.Columns ?? []), ...(Table?.PartitionKeys ?? [])].map((column) => column.Name ?? '')
        return {columns}
      } catch (error) {
        if (isNotFound(error)) return undefined
        throw error
      }
    },
    close() {
      for (const client of clients.values()) client.destroy()
    },
  }
}
