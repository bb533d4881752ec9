import {CreateTableCommand, GetTableCommand, UpdateTableCommand, type Column, type Table} from '@aws-sdk/client-glue'

import type {CloudTrailTableInput, ExistingTable} from '../core/catalog/cloudtrail-table'
import {resolveEndpoint, type AwsClients} from './clients'
import {callAws, callAwsOrAbsent} from './errors'

function columnsOf(columns: Column[] | undefined): {Name: string; Type?: string}[] | undefined {
  return columns?.map((column) => ({Name: column.Name ?? '', ...(column.Type === undefined ? {} : {Type: column.Type})}))
}

/** A GetTable answer as plain data: only what lakegov compares or keeps on update. */
function toExistingTable(table: Table): ExistingTable {
  const sd = table.StorageDescriptor
  const existing: ExistingTable = {
    Name: table.Name ?? '',
    Description: table.Description,
    Owner: table.Owner,
    Retention: table.Retention,
    TableType: table.TableType,
    PartitionKeys: columnsOf(table.PartitionKeys),
    Parameters: table.Parameters,
    StorageDescriptor: sd && {
      Columns: columnsOf(sd.Columns),
      Location: sd.Location,
      InputFormat: sd.InputFormat,
      OutputFormat: sd.OutputFormat,
      SerdeInfo: sd.SerdeInfo && {SerializationLibrary: sd.SerdeInfo.SerializationLibrary, Parameters: sd.SerdeInfo.Parameters},
      Parameters: sd.Parameters,
    },
  }
  // Undefined fields would show up as keys in --json and in test snapshots; drop them.
  return JSON.parse(JSON.stringify(existing)) as ExistingTable
}

/** Reads and writes Glue tables. */
export class GlueTableAdapter {
  private readonly endpoint: string | undefined

  constructor(private readonly clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 'glue')
  }

  /** The table, or undefined when it (or its database) does not exist. */
  async readTable(database: string, name: string): Promise<ExistingTable | undefined> {
    const out = await callAwsOrAbsent('glue:GetTable', () => this.clients.glue.send(new GetTableCommand({DatabaseName: database, Name: name})), ['EntityNotFoundException'], this.endpoint)
    return out?.Table ? toExistingTable(out.Table) : undefined
  }

  async createTable(database: string, input: CloudTrailTableInput): Promise<void> {
    await callAws('glue:CreateTable', () => this.clients.glue.send(new CreateTableCommand({DatabaseName: database, TableInput: input})), this.endpoint)
  }

  /** Replaces the table's definition: UpdateTable takes the whole TableInput, so `input` must carry what is to be kept. */
  async updateTable(database: string, input: CloudTrailTableInput): Promise<void> {
    await callAws('glue:UpdateTable', () => this.clients.glue.send(new UpdateTableCommand({DatabaseName: database, TableInput: input})), this.endpoint)
  }
}
