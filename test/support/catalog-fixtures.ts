import {CreateDatabaseCommand, CreateTableCommand, GlueClient} from '@aws-sdk/client-glue'
import {LakeFormationClient, PutDataLakeSettingsCommand} from '@aws-sdk/client-lakeformation'

/** The columns of the CloudTrail table AWS documents for Athena (a subset is enough for grants and filters). */
export const CLOUDTRAIL_COLUMNS = [
  'eventversion',
  'useridentity',
  'eventtime',
  'eventsource',
  'eventname',
  'awsregion',
  'sourceipaddress',
  'useragent',
  'errorcode',
  'errormessage',
  'requestparameters',
  'responseelements',
  'requestid',
  'eventid',
  'resources',
  'eventtype',
  'readonly',
  'recipientaccountid',
]

/**
 * What a user has before granting on a catalog: the database and tables in Glue. Lake Formation
 * refuses grants on databases and tables that do not exist, and so does the sandbox. With
 * `lakeFormationDefaults` (the default) the account is first taken out of "Use only IAM access
 * control" mode, as `lakegov bootstrap` does, so that new objects get no IAM_ALLOWED_PRINCIPALS grant;
 * this replaces the data lake settings, so call it before setting admins.
 */
export async function createGlueCatalog(
  config: {endpoint: string; region: string; credentials: {accessKeyId: string; secretAccessKey: string}},
  database: string,
  tables: Record<string, readonly string[]>,
  options: {lakeFormationDefaults?: boolean} = {},
): Promise<void> {
  if (options.lakeFormationDefaults ?? true) {
    await new LakeFormationClient(config).send(new PutDataLakeSettingsCommand({DataLakeSettings: {CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: []}}))
  }
  const glue = new GlueClient(config)
  await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: database}}))
  for (const [name, columns] of Object.entries(tables)) {
    await glue.send(
      new CreateTableCommand({
        DatabaseName: database,
        TableInput: {Name: name, StorageDescriptor: {Columns: columns.map((Name) => ({Name, Type: 'string'}))}, PartitionKeys: [{Name: 'timestamp', Type: 'string'}]},
      }),
    )
  }
}
