import {CreateDatabaseCommand, CreateTableCommand, GetDatabaseCommand, GlueClient} from '@aws-sdk/client-glue'
import {
  GetDataLakeSettingsCommand,
  GrantPermissionsCommand,
  LakeFormationClient,
  ListPermissionsCommand,
  PutDataLakeSettingsCommand,
  RevokePermissionsCommand,
  BatchGrantPermissionsCommand as LFBatchGrant,
} from '@aws-sdk/client-lakeformation'

import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

jest.setTimeout(30_000)

const ACCOUNT = '123456789012'
const ALICE = `arn:aws:iam::${ACCOUNT}:role/Alice`
const IAM_ALL = [{Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Permissions: ['ALL']}]

function clients(region = 'us-east-1') {
  const config = {...sandboxSdkConfig(sandboxEndpoint(), 1), region}
  return {lakeformation: new LakeFormationClient(config), glue: new GlueClient(config)}
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to fail, but it succeeded')
}

/** The catalog a user creates before granting on it: database trail, table events. */
async function createCatalog(glue: GlueClient) {
  await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'trail'}}))
  await glue.send(
    new CreateTableCommand({
      DatabaseName: 'trail',
      TableInput: {Name: 'events', StorageDescriptor: {Columns: [{Name: 'eventname', Type: 'string'}, {Name: 'awsregion', Type: 'string'}]}, PartitionKeys: [{Name: 'timestamp', Type: 'string'}]},
    }),
  )
}

async function lakeFormationOnly(lakeformation: LakeFormationClient) {
  await lakeformation.send(new PutDataLakeSettingsCommand({DataLakeSettings: {DataLakeAdmins: [], CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: []}}))
}

async function listing(lakeformation: LakeFormationClient, principal = ALICE) {
  const {PrincipalResourcePermissions = []} = await lakeformation.send(new ListPermissionsCommand({Principal: {DataLakePrincipalIdentifier: principal}}))
  return PrincipalResourcePermissions.map((entry) => [entry.Resource, entry.Permissions, entry.PermissionsWithGrantOption])
}

beforeEach(async () => {
  await resetSandbox()
})

describe('sandbox Lake Formation: listings as AWS produces them', () => {
  // The AWS CLI's `lakeformation list-permissions` example 2; terraform-provider-aws filterTablePermissions and issue #46245.
  it('lists ALL on a table as [ALL, ALTER, DELETE, DESCRIBE, DROP, INSERT] on Table plus SELECT on the TableWithColumns twin, and takes back what it lists', async () => {
    const {lakeformation, glue} = clients()
    await lakeFormationOnly(lakeformation)
    await createCatalog(glue)
    await lakeformation.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Table: {DatabaseName: 'trail', Name: 'events'}}, Permissions: ['ALL'], PermissionsWithGrantOption: ['ALL']}))
    await lakeformation.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Table: {DatabaseName: 'trail', TableWildcard: {}}}, Permissions: ['SELECT', 'DESCRIBE']}))
    const expanded = ['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT']
    expect(await listing(lakeformation)).toEqual([
      [{Table: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events'}}, expanded, expanded],
      [{TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events', ColumnWildcard: {}}}, ['SELECT'], ['SELECT']],
      [{Table: {CatalogId: ACCOUNT, DatabaseName: 'trail', TableWildcard: {}}}, ['DESCRIBE'], []],
      [{TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'ALL_TABLES', ColumnWildcard: {}}}, ['SELECT'], []],
    ])

    const {PrincipalResourcePermissions = []} = await lakeformation.send(new ListPermissionsCommand({Principal: {DataLakePrincipalIdentifier: ALICE}}))
    for (const entry of [...PrincipalResourcePermissions].reverse()) {
      await lakeformation.send(new RevokePermissionsCommand({Principal: entry.Principal, Resource: entry.Resource, Permissions: entry.Permissions, PermissionsWithGrantOption: entry.PermissionsWithGrantOption}))
    }
    expect(await listing(lakeformation)).toEqual([])
  })
})

describe('sandbox Lake Formation: grants on Glue objects that do not exist', () => {
  it('refuses a table that is not in the Glue catalog with EntityNotFoundException, and a missing column with InvalidInputException', async () => {
    const {lakeformation, glue} = clients()
    await createCatalog(glue)
    const grant = (Resource: object) => lakeformation.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: ALICE}, Resource, Permissions: ['SELECT']}))
    expect((await failure(grant({Table: {DatabaseName: 'trail', Name: 'evnts'}}))).name).toBe('EntityNotFoundException')
    expect((await failure(grant({Table: {DatabaseName: 'nodb', TableWildcard: {}}}))).name).toBe('EntityNotFoundException')
    expect((await failure(grant({TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['eventnmae']}}))).name).toBe('InvalidInputException')
    // Partition keys are columns too.
    await expect(grant({TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['timestamp']}})).resolves.toBeDefined()

    const {Failures} = await lakeformation.send(
      new LFBatchGrant({Entries: [{Id: 'typo', Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Database: {Name: 'tral'}}, Permissions: ['DESCRIBE']}]}),
    )
    expect(Failures?.map((failure) => failure.Error?.ErrorCode)).toEqual(['EntityNotFoundException'])
  })

  it('checks the catalog of the region the call was signed for', async () => {
    await createCatalog(clients('us-east-1').glue)
    const west = clients('eu-west-1').lakeformation
    const error = await failure(west.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Database: {Name: 'trail'}}, Permissions: ['DESCRIBE']})))
    expect(error.name).toBe('EntityNotFoundException')
  })
})

describe('sandbox Lake Formation: one state per region', () => {
  it('keeps each region’s settings apart, by the SigV4 credential scope', async () => {
    const admin = {DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/LakeAdmin`}
    await clients('us-east-1').lakeformation.send(new PutDataLakeSettingsCommand({DataLakeSettings: {DataLakeAdmins: [admin]}}))
    const west = await clients('eu-west-1').lakeformation.send(new GetDataLakeSettingsCommand({}))
    expect(west.DataLakeSettings?.DataLakeAdmins).toEqual([])
    const east = await clients('us-east-1').lakeformation.send(new GetDataLakeSettingsCommand({}))
    expect(east.DataLakeSettings?.DataLakeAdmins).toEqual([admin])
  })
})

describe('sandbox Lake Formation: new databases and tables in the default mode', () => {
  it('grants IAM_ALLOWED_PRINCIPALS ALL on a new database and table, and GetDatabase shows CreateTableDefaultPermissions', async () => {
    const {lakeformation, glue} = clients()
    await createCatalog(glue)
    const {Database} = await glue.send(new GetDatabaseCommand({Name: 'trail'}))
    expect(Database?.CreateTableDefaultPermissions).toEqual(IAM_ALL)
    expect(await listing(lakeformation, 'IAM_ALLOWED_PRINCIPALS')).toEqual([
      [{Database: {CatalogId: ACCOUNT, Name: 'trail'}}, ['ALL', 'ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP'], []],
      [{Table: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events'}}, ['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT'], []],
      [{TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events', ColumnWildcard: {}}}, ['SELECT'], []],
    ])
    // A column grant on that table is stored as every column: IAM_ALLOWED_PRINCIPALS still holds it.
    await lakeformation.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['awsregion']}}, Permissions: ['SELECT']}))
    expect(await listing(lakeformation)).toEqual([[{TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events', ColumnWildcard: {}}}, ['SELECT'], []]])
  })

  it('grants nothing once the defaults are empty', async () => {
    const {lakeformation, glue} = clients()
    await lakeFormationOnly(lakeformation)
    await createCatalog(glue)
    const {Database} = await glue.send(new GetDatabaseCommand({Name: 'trail'}))
    expect(Database?.CreateTableDefaultPermissions ?? []).toEqual([])
    expect(await listing(lakeformation, 'IAM_ALLOWED_PRINCIPALS')).toEqual([])
  })
})
