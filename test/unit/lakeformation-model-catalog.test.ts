import {type CatalogLookup, LakeFormationModel} from '../support/lakeformation/model'
import {rejection} from '../support/lakeformation/test-helpers'

const ACCOUNT = '123456789012'
const ALICE = `arn:aws:iam::${ACCOUNT}:role/Alice`
const T0 = new Date('2026-01-01T00:00:00Z')

/** A Glue catalog stub: region -> database -> table -> columns. */
function catalogOf(regions: Record<string, Record<string, Record<string, string[]>>>): CatalogLookup & {asked: string[]} {
  const asked: string[] = []
  return {
    asked,
    async hasDatabase(region, database) {
      asked.push(`${region} ${database}`)
      return regions[region]?.[database] !== undefined
    },
    async table(region, database, table) {
      asked.push(`${region} ${database}.${table}`)
      const columns = regions[region]?.[database]?.[table]
      return columns === undefined ? undefined : {columns}
    },
  }
}

const CATALOG = {'us-east-1': {trail: {events: ['eventname', 'awsregion', 'sourceipaddress'], empty: []}}}

function model() {
  return new LakeFormationModel({accountId: ACCOUNT, now: () => T0, catalog: catalogOf(CATALOG)})
}

function grant(lf: LakeFormationModel, resource: Record<string, unknown>, permissions: string[], principal = ALICE) {
  return lf.handle('GrantPermissions', {Principal: {DataLakePrincipalIdentifier: principal}, Resource: resource, Permissions: permissions})
}

async function listed(lf: LakeFormationModel, region?: string) {
  const {PrincipalResourcePermissions} = (await lf.handle('ListPermissions', {}, {region})) as {PrincipalResourcePermissions: {Principal: {DataLakePrincipalIdentifier: string}; Resource: object; Permissions: string[]}[]}
  return PrincipalResourcePermissions.map((entry) => [entry.Principal.DataLakePrincipalIdentifier, entry.Resource, entry.Permissions])
}

// Source: the Lake Formation API reference lists EntityNotFoundException ("A specified entity does
// not exist") for GrantPermissions, RevokePermissions, AddLFTagsToResource, GetResourceLFTags and
// CreateDataCellsFilter; BatchGrantPermissions reports per-entry errors in Failures[]
// (botocore lakeformation/2017-03-31/service-2.json, BatchPermissionsFailureEntry).
describe('LakeFormationModel: grants on Glue objects that do not exist', () => {
  it.each([
    ['a database', {Database: {Name: 'nodb'}}, ['DESCRIBE']],
    ['a table', {Table: {DatabaseName: 'trail', Name: 'evnts'}}, ['SELECT']],
    ['a table of a database that does not exist', {Table: {DatabaseName: 'nodb', Name: 'events'}}, ['SELECT']],
    ['every table of a database that does not exist', {Table: {DatabaseName: 'nodb', TableWildcard: {}}}, ['SELECT']],
    ['columns of a table that does not exist', {TableWithColumns: {DatabaseName: 'trail', Name: 'evnts', ColumnNames: ['eventname']}}, ['SELECT']],
    ['ALL_TABLES of a database that does not exist', {TableWithColumns: {DatabaseName: 'nodb', Name: 'ALL_TABLES', ColumnWildcard: {}}}, ['SELECT']],
  ])('refuses a grant on %s with EntityNotFoundException and stores nothing', async (_, resource, permissions) => {
    const lf = model()
    expect(await rejection(grant(lf, resource, permissions))).toMatchObject({code: 'EntityNotFoundException', status: 400})
    expect(await listed(lf)).toEqual([])
  })

  it('refuses a column the table does not have with InvalidInputException (the code is undocumented; the model chooses it)', async () => {
    const lf = model()
    for (const columns of [{ColumnNames: ['eventname', 'eventnmae']}, {ColumnWildcard: {ExcludedColumnNames: ['nope']}}]) {
      const error = await rejection(grant(lf, {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ...columns}}, ['SELECT']))
      expect(error).toMatchObject({code: 'InvalidInputException'})
      expect(error.message).toMatch(/not found in table trail\.events/)
    }
    expect(await listed(lf)).toEqual([])
  })

  it('accepts grants on what exists', async () => {
    const lf = model()
    await grant(lf, {Database: {Name: 'trail'}}, ['DESCRIBE'])
    await grant(lf, {Table: {DatabaseName: 'trail', Name: 'events'}}, ['SELECT'])
    await grant(lf, {Table: {DatabaseName: 'trail', TableWildcard: {}}}, ['DESCRIBE'])
    await grant(lf, {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['awsregion']}}, ['SELECT'])
    expect(await listed(lf)).toHaveLength(4)
  })

  it('reports a missing table as a Failures[] entry of BatchGrantPermissions and applies the rest', async () => {
    const lf = model()
    const entry = (Id: string, Name: string) => ({Id, Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Table: {DatabaseName: 'trail', Name}}, Permissions: ['DESCRIBE']})
    const output = await lf.handle('BatchGrantPermissions', {Entries: [entry('ok', 'events'), entry('typo', 'evnts')]})
    expect(output).toEqual({Failures: [{RequestEntry: entry('typo', 'evnts'), Error: {ErrorCode: 'EntityNotFoundException', ErrorMessage: expect.stringContaining('evnts')}}]})
    expect(await listed(lf)).toHaveLength(1)
  })

  it('refuses a revoke on a table that does not exist with EntityNotFoundException, not "no permissions"', async () => {
    const error = await rejection(model().handle('RevokePermissions', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Table: {DatabaseName: 'trail', Name: 'gone'}}, Permissions: ['SELECT']}))
    expect(error).toMatchObject({code: 'EntityNotFoundException'})
  })

  it('refuses LF-tags on, and LF-tag reads of, databases, tables and columns that do not exist', async () => {
    const lf = model()
    await lf.handle('CreateLFTag', {TagKey: 'domain', TagValues: ['audit']})
    const tags = [{TagKey: 'domain', TagValues: ['audit']}]
    for (const resource of [{Database: {Name: 'nodb'}}, {Table: {DatabaseName: 'trail', Name: 'evnts'}}]) {
      expect(await rejection(lf.handle('AddLFTagsToResource', {Resource: resource, LFTags: tags}))).toMatchObject({code: 'EntityNotFoundException'})
      expect(await rejection(lf.handle('GetResourceLFTags', {Resource: resource}))).toMatchObject({code: 'EntityNotFoundException'})
    }
    const column = {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['nope']}}
    expect(await rejection(lf.handle('AddLFTagsToResource', {Resource: column, LFTags: tags}))).toMatchObject({code: 'InvalidInputException'})
    await expect(lf.handle('AddLFTagsToResource', {Resource: {Table: {DatabaseName: 'trail', Name: 'events'}}, LFTags: tags})).resolves.toEqual({Failures: []})
  })

  it('refuses a data cells filter on a table that does not exist, or naming a column it does not have', async () => {
    const lf = model()
    const filter = (TableName: string, columns: Record<string, unknown>) => ({
      TableData: {TableCatalogId: ACCOUNT, DatabaseName: 'trail', TableName, Name: 'f', RowFilter: {AllRowsWildcard: {}}, ...columns},
    })
    expect(await rejection(lf.handle('CreateDataCellsFilter', filter('evnts', {ColumnWildcard: {}})))).toMatchObject({code: 'EntityNotFoundException'})
    expect(await rejection(lf.handle('CreateDataCellsFilter', filter('events', {ColumnNames: ['nope']})))).toMatchObject({code: 'InvalidInputException'})
    await expect(lf.handle('CreateDataCellsFilter', filter('events', {ColumnNames: ['eventname']}))).resolves.toEqual({})
  })
})

// Lake Formation is regional: each region has its own settings, registrations, grants, LF-tags and
// data cells filters (its endpoints are regional: https://docs.aws.amazon.com/general/latest/gr/lake-formation.html).
describe('LakeFormationModel: one Lake Formation per region', () => {
  it('keeps settings, registrations, grants, tags and filters apart per region, and asks the catalog of the region', async () => {
    const catalog = catalogOf({...CATALOG, 'eu-west-1': {}})
    const lf = new LakeFormationModel({accountId: ACCOUNT, now: () => T0, catalog})
    const admin = {DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/Admin`}
    await lf.handle('PutDataLakeSettings', {DataLakeSettings: {DataLakeAdmins: [admin]}})
    await lf.handle('RegisterResource', {ResourceArn: 'arn:aws:s3:::lake', UseServiceLinkedRole: true})
    await lf.handle('CreateLFTag', {TagKey: 'domain', TagValues: ['audit']})
    await grant(lf, {Table: {DatabaseName: 'trail', Name: 'events'}}, ['SELECT'])

    const west = async (operation: string, input: object = {}) => lf.handle(operation, input, {region: 'eu-west-1'})
    expect(await west('GetDataLakeSettings')).toMatchObject({DataLakeSettings: {DataLakeAdmins: []}})
    expect(await west('ListResources')).toEqual({ResourceInfoList: []})
    expect(await west('ListLFTags')).toEqual({LFTags: []})
    expect(await listed(lf, 'eu-west-1')).toEqual([])
    // The table exists in us-east-1 only, so a grant on it in eu-west-1 is refused.
    expect(await rejection(west('GrantPermissions', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Table: {DatabaseName: 'trail', Name: 'events'}}, Permissions: ['SELECT']}))).toMatchObject({
      code: 'EntityNotFoundException',
    })
    expect(catalog.asked).toContain('eu-west-1 trail')
    expect(await lf.handle('GetDataLakeSettings', {})).toMatchObject({DataLakeSettings: {DataLakeAdmins: [admin]}})
    expect(await listed(lf, 'us-east-1')).toHaveLength(1)
  })

  it('forgets every region on reset', async () => {
    const lf = model()
    await lf.handle('CreateLFTag', {TagKey: 'domain', TagValues: ['audit']}, {region: 'eu-west-1'})
    lf.reset()
    expect(await lf.handle('ListLFTags', {}, {region: 'eu-west-1'})).toEqual({LFTags: []})
  })
})

describe('LakeFormationModel: column grants while IAM_ALLOWED_PRINCIPALS holds the table', () => {
  // Lake Formation developer guide, "Changing the default settings for your data lake": do not mix
  // IAMAllowedPrincipals with fine-grained grants; a column grant then becomes a column wildcard.
  it('stores a column grant as SELECT on every column while IAM_ALLOWED_PRINCIPALS holds the table', async () => {
    const lf = model()
    await grant(lf, {Table: {DatabaseName: 'trail', Name: 'events'}}, ['ALL'], 'IAM_ALLOWED_PRINCIPALS')
    await grant(lf, {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['awsregion']}}, ['SELECT'])
    expect((await listed(lf)).filter(([principal]) => principal === ALICE)).toEqual([
      [ALICE, {TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events', ColumnWildcard: {}}}, ['SELECT']],
    ])
  })

  it('does the same while IAM_ALLOWED_PRINCIPALS holds every table of the database', async () => {
    const lf = model()
    await grant(lf, {Table: {DatabaseName: 'trail', TableWildcard: {}}}, ['ALL'], 'IAM_ALLOWED_PRINCIPALS')
    await grant(lf, {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnWildcard: {ExcludedColumnNames: ['sourceipaddress']}}}, ['SELECT'])
    expect((await listed(lf)).filter(([principal]) => principal === ALICE)).toEqual([
      [ALICE, {TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events', ColumnWildcard: {}}}, ['SELECT']],
    ])
  })

  it('keeps the column grant as given once IAM_ALLOWED_PRINCIPALS is gone', async () => {
    const lf = model()
    await grant(lf, {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['awsregion']}}, ['SELECT'])
    expect(await listed(lf)).toEqual([[ALICE, {TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events', ColumnNames: ['awsregion']}}, ['SELECT']]])
  })
})

// The Lake Formation developer guide, "PartiQL support in row filter expressions":
// https://docs.aws.amazon.com/lake-formation/latest/dg/partiql-support.html
describe('LakeFormationModel: data cells filter row expressions', () => {
  const create = (lf: LakeFormationModel, expression: string, name = 'f') =>
    lf.handle('CreateDataCellsFilter', {
      TableData: {TableCatalogId: ACCOUNT, DatabaseName: 'trail', TableName: 'events', Name: name, RowFilter: {FilterExpression: expression}, ColumnWildcard: {}},
    })

  it.each([
    "awsregion = 'eu-west-1'",
    "awsregion LIKE 'eu-%' AND eventname <> 'ConsoleLogin'",
    "(awsregion = 'US' or eventname != 'x') and not (sourceipaddress IS NULL)",
    "awsregion BETWEEN 'a' AND 'f'",
    "eventname NOT IN ('GetObject', 'PutObject')",
    "sourceipaddress IS NOT NULL",
    '"eventname" = \'x\'',
    'AWSREGION = 1.5',
  ])('accepts the documented subset: %s', async (expression) => {
    await expect(create(model(), expression)).resolves.toEqual({})
  })

  it.each([
    ['a column the table does not have', "region = 'eu-west-1'"],
    ['a function', "lower(awsregion) = 'eu-west-1'"],
    ['a function on the value side', "awsregion = upper('x')"],
    ['a column compared with another column', 'awsregion = eventname'],
    ['a dangling operator', "awsregion = 'x' AND"],
    ['an expression of 2048 characters', `awsregion IN (${Array.from({length: 400}, () => "'abc'").join(',')})`.slice(0, 2040) + "'x')".padEnd(8, ' ')],
    ['an empty expression', '   '],
    ['an unterminated string', "awsregion = 'eu"],
  ])('refuses %s with InvalidInputException', async (_, expression) => {
    expect(await rejection(create(model(), expression))).toMatchObject({code: 'InvalidInputException'})
  })
})
