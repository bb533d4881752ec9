import {LakeFormationError, LakeFormationModel, type LakeFormationModelOptions} from '../support/lakeformation/model'
import {rejection} from '../support/lakeformation/test-helpers'

const ACCOUNT = '123456789012'
const T0 = new Date('2026-01-01T00:00:00Z')
const ALICE = `arn:aws:iam::${ACCOUNT}:role/Alice`
const BOB = `arn:aws:iam::${ACCOUNT}:role/Bob`
// How ALL is listed on a Table entry (SELECT goes to the TableWithColumns twin) and on a database:
// ALL next to its expansion. Source: the AWS CLI's `lakeformation list-permissions` example 2.
const TABLE_ALL = ['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT']
const DATABASE_ALL = ['ALL', 'ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP']
const NOTHING_TO_REVOKE = 'Grantee has no permissions and no grantable permissions on resource'

type Resource = Record<string, unknown>
interface Listed {
  Principal: {DataLakePrincipalIdentifier: string}
  Resource: Resource
  Permissions: string[]
  PermissionsWithGrantOption: string[]
  LastUpdated: Date
}
interface ListOutput {
  PrincipalResourcePermissions: Listed[]
  NextToken?: string
}

const TABLE = {Table: {DatabaseName: 'trail', Name: 'events'}}
const TABLE_AS_COLUMNS = {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnWildcard: {}}}
const DATABASE = {Database: {Name: 'trail'}}
const WILDCARD = {Table: {DatabaseName: 'trail', TableWildcard: {}}}
const FILTER = {DataCellsFilter: {TableCatalogId: ACCOUNT, DatabaseName: 'trail', TableName: 'events', Name: 'eu_only'}}

function model(options: Partial<LakeFormationModelOptions> = {}) {
  return new LakeFormationModel({accountId: ACCOUNT, now: () => T0, ...options})
}

function grant(lf: LakeFormationModel, principal: string, resource: Resource, permissions: string[], grantable: string[] = []) {
  return lf.handle('GrantPermissions', {Principal: {DataLakePrincipalIdentifier: principal}, Resource: resource, Permissions: permissions, PermissionsWithGrantOption: grantable})
}

function revoke(lf: LakeFormationModel, principal: string, resource: Resource, permissions: string[], grantable?: string[]) {
  return lf.handle('RevokePermissions', {
    Principal: {DataLakePrincipalIdentifier: principal},
    Resource: resource,
    Permissions: permissions,
    ...(grantable ? {PermissionsWithGrantOption: grantable} : {}),
  })
}

async function list(lf: LakeFormationModel, input: Record<string, unknown> = {}): Promise<ListOutput> {
  return (await lf.handle('ListPermissions', input)) as ListOutput
}

/** Listed entries as [principal, resource, permissions, grantable], the compact form most tests compare. */
async function entries(lf: LakeFormationModel, input: Record<string, unknown> = {}) {
  return (await list(lf, input)).PrincipalResourcePermissions.map((entry) => [
    entry.Principal.DataLakePrincipalIdentifier,
    entry.Resource,
    entry.Permissions,
    entry.PermissionsWithGrantOption,
  ])
}

const wireTable = {Table: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events'}}
const wireTableColumns = {TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events', ColumnWildcard: {}}}

async function withLake(options: Partial<LakeFormationModelOptions> = {}) {
  const lf = model(options)
  await lf.handle('RegisterResource', {ResourceArn: 'arn:aws:s3:::lake', UseServiceLinkedRole: true})
  await lf.handle('CreateLFTag', {TagKey: 'Domain', TagValues: ['Audit', 'Sales']})
  await lf.handle('CreateDataCellsFilter', {
    TableData: {TableCatalogId: ACCOUNT, DatabaseName: 'trail', TableName: 'events', Name: 'eu_only', RowFilter: {FilterExpression: "awsregion LIKE 'eu-%'"}, ColumnWildcard: {}},
  })
  return lf
}

// Sources for this block: the AWS CLI's `lakeformation list-permissions` example 2
// (awscli/examples/lakeformation/list-permissions.rst), and terraform-provider-aws
// internal/service/lakeformation/filter.go (filterTablePermissions) with its issue #46245.
describe('LakeFormationModel: the Table / TableWithColumns duality', () => {
  it('lists SELECT on a table only on a TableWithColumns entry with a bare ColumnWildcard, the rest on the Table entry', async () => {
    const lf = model()
    await grant(lf, ALICE, TABLE, ['SELECT', 'DESCRIBE'], ['SELECT'])
    expect(await entries(lf)).toEqual([
      [ALICE, wireTable, ['DESCRIBE'], []],
      [ALICE, wireTableColumns, ['SELECT'], ['SELECT']],
    ])
  })

  it('lists a SELECT-only table grant as the TableWithColumns entry alone', async () => {
    const lf = model()
    await grant(lf, ALICE, TABLE, ['SELECT'])
    expect(await entries(lf)).toEqual([[ALICE, wireTableColumns, ['SELECT'], []]])
  })

  it('lists a grant on every table as Table{TableWildcard} without SELECT and TableWithColumns{Name: ALL_TABLES, ColumnWildcard} with it', async () => {
    const lf = model()
    await grant(lf, ALICE, WILDCARD, ['SELECT', 'DESCRIBE'], ['SELECT'])
    expect(await entries(lf)).toEqual([
      [ALICE, {Table: {CatalogId: ACCOUNT, DatabaseName: 'trail', TableWildcard: {}}}, ['DESCRIBE'], []],
      [ALICE, {TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'ALL_TABLES', ColumnWildcard: {}}}, ['SELECT'], ['SELECT']],
    ])
  })

  it('takes back what the listing shows: each listed entry revokes as listed, and all of them leave nothing', async () => {
    const revokeListed = (lf: LakeFormationModel, listed: Listed) =>
      lf.handle('RevokePermissions', {Principal: listed.Principal, Resource: listed.Resource, Permissions: listed.Permissions, PermissionsWithGrantOption: listed.PermissionsWithGrantOption})
    for (const resource of [TABLE, WILDCARD, DATABASE]) {
      const granted = async () => {
        const lf = model()
        await grant(lf, ALICE, resource, ['ALL'], ['ALL'])
        return lf
      }
      const listing = (await list(await granted())).PrincipalResourcePermissions
      for (const listed of listing) await expect(revokeListed(await granted(), listed)).resolves.toEqual({})
      // The twin first: ALL on the Table entry includes SELECT (undocumented; the stricter reading), so
      // once it is revoked the twin has nothing left to take.
      const lf = await granted()
      for (const listed of [...listing].reverse()) await revokeListed(lf, listed)
      expect(await entries(lf)).toEqual([])
    }
  })

  it('grants and revokes SELECT on every table through TableWithColumns{Name: ALL_TABLES}, the shape the listing shows', async () => {
    const lf = model()
    await grant(lf, ALICE, {TableWithColumns: {DatabaseName: 'trail', Name: 'ALL_TABLES', ColumnWildcard: {}}}, ['SELECT'])
    await grant(lf, ALICE, WILDCARD, ['DESCRIBE'])
    expect((await entries(lf)).map(([, , permissions]) => permissions)).toEqual([['DESCRIBE'], ['SELECT']])
    await revoke(lf, ALICE, WILDCARD, ['SELECT', 'DESCRIBE'])
    expect(await entries(lf)).toEqual([])
  })

  it('refuses columns of ALL_TABLES: only a bare ColumnWildcard names every table', async () => {
    for (const columns of [{ColumnNames: ['a']}, {ColumnWildcard: {ExcludedColumnNames: ['a']}}]) {
      expect(await rejection(grant(model(), ALICE, {TableWithColumns: {DatabaseName: 'trail', Name: 'ALL_TABLES', ...columns}}, ['SELECT']))).toMatchObject({code: 'InvalidInputException'})
    }
  })

  it('lists no TableWithColumns entry for a table grant without SELECT', async () => {
    const lf = model()
    await grant(lf, ALICE, TABLE, ['DESCRIBE'])
    expect(await entries(lf)).toEqual([[ALICE, wireTable, ['DESCRIBE'], []]])
  })

  it('mirrors only the grant option of SELECT on the TableWithColumns entry', async () => {
    const lf = model()
    await grant(lf, ALICE, TABLE, ['SELECT', 'DESCRIBE'], ['DESCRIBE'])
    expect(await entries(lf)).toEqual([
      [ALICE, wireTable, ['DESCRIBE'], ['DESCRIBE']],
      [ALICE, wireTableColumns, ['SELECT'], []],
    ])
  })

  it('stores a grant on TableWithColumns{ColumnWildcard:{}} as SELECT on the table: both spellings are one grant', async () => {
    const viaColumns = model()
    await grant(viaColumns, ALICE, TABLE_AS_COLUMNS, ['SELECT'])
    const viaTable = model()
    await grant(viaTable, ALICE, TABLE, ['SELECT'])
    expect(await entries(viaColumns)).toEqual(await entries(viaTable))

    // Granted one way, revoked the other: nothing is left.
    await revoke(viaColumns, ALICE, TABLE, ['SELECT'])
    await revoke(viaTable, ALICE, {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnWildcard: {ExcludedColumnNames: []}}}, ['SELECT'])
    expect(await entries(viaColumns)).toEqual([])
    expect(await entries(viaTable)).toEqual([])
  })

  it('keeps TableWithColumns with ColumnNames or ExcludedColumnNames as a resource of its own, columns in canonical order', async () => {
    const lf = model()
    await grant(lf, ALICE, {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['eventname', 'awsregion', 'eventname']}}, ['SELECT'])
    await grant(lf, BOB, {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnWildcard: {ExcludedColumnNames: ['sourceipaddress']}}}, ['SELECT'])
    expect(await entries(lf)).toEqual([
      [ALICE, {TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events', ColumnNames: ['awsregion', 'eventname']}}, ['SELECT'], []],
      [BOB, {TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events', ColumnWildcard: {ExcludedColumnNames: ['sourceipaddress']}}}, ['SELECT'], []],
    ])
    await revoke(lf, ALICE, {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['eventname', 'awsregion']}}, ['SELECT'])
    expect((await entries(lf)).map(([principal]) => principal)).toEqual([BOB])
  })
})

describe('LakeFormationModel: ALL', () => {
  it.each([
    ['a table', TABLE, [[wireTable, TABLE_ALL], [wireTableColumns, ['SELECT']]]],
    [
      'every table of a database',
      WILDCARD,
      [
        [{Table: {CatalogId: ACCOUNT, DatabaseName: 'trail', TableWildcard: {}}}, TABLE_ALL],
        [{TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'ALL_TABLES', ColumnWildcard: {}}}, ['SELECT']],
      ],
    ],
    ['a database', DATABASE, [[{Database: {CatalogId: ACCOUNT, Name: 'trail'}}, DATABASE_ALL]]],
    ['the catalog, where ALL stays ALL', {Catalog: {}}, [[{Catalog: {}}, ['ALL']]]],
  ])('is listed next to its expansion on %s, grant option likewise', async (_, resource, expected) => {
    const lf = model()
    await grant(lf, ALICE, resource, ['ALL'], ['ALL'])
    expect(await entries(lf)).toEqual(expected.map(([wire, permissions]) => [ALICE, wire, permissions, permissions]))
  })

  it.each([
    ['TABLE', ['ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT']],
    ['DATABASE', ['ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP']],
  ])('is listed back expanded, without ALL, on an LF-tag policy on %s (undocumented)', async (resourceType, expected) => {
    const lf = await withLake()
    await grant(lf, ALICE, {LFTagPolicy: {ResourceType: resourceType, Expression: [{TagKey: 'domain', TagValues: ['audit']}]}}, ['ALL'])
    expect((await list(lf)).PrincipalResourcePermissions.map((entry) => entry.Permissions)).toEqual([expected])
  })

  it('can lose one permission, which takes ALL with it, and revoking ALL takes the rest', async () => {
    const lf = model()
    await grant(lf, ALICE, TABLE, ['ALL'], ['ALL'])
    await revoke(lf, ALICE, TABLE, ['DROP'])
    expect(await entries(lf, {Resource: TABLE})).toEqual([
      [ALICE, wireTable, ['ALTER', 'DELETE', 'DESCRIBE', 'INSERT'], ['ALTER', 'DELETE', 'DESCRIBE', 'INSERT']],
      [ALICE, wireTableColumns, ['SELECT'], ['SELECT']],
    ])
    await revoke(lf, ALICE, TABLE, ['ALL'], ['ALL'])
    expect(await entries(lf)).toEqual([])
  })

  it('merges with what is held: SELECT then ALL is ALL, once', async () => {
    const lf = model()
    await grant(lf, ALICE, DATABASE, ['DESCRIBE'])
    await grant(lf, ALICE, DATABASE, ['ALL'])
    await grant(lf, ALICE, DATABASE, ['ALL'])
    expect(await entries(lf)).toEqual([[ALICE, {Database: {CatalogId: ACCOUNT, Name: 'trail'}}, DATABASE_ALL, []]])
  })
})

describe('LakeFormationModel: revoking', () => {
  it('takes a permission together with its grant option', async () => {
    const lf = model()
    await grant(lf, ALICE, DATABASE, ['DESCRIBE', 'CREATE_TABLE'], ['DESCRIBE', 'CREATE_TABLE'])
    await revoke(lf, ALICE, DATABASE, ['CREATE_TABLE'])
    expect((await list(lf)).PrincipalResourcePermissions[0]).toMatchObject({Permissions: ['DESCRIBE'], PermissionsWithGrantOption: ['DESCRIBE']})
  })

  it('takes only the grant option when the permission is named in PermissionsWithGrantOption alone (Permissions may be empty)', async () => {
    const lf = model()
    await grant(lf, ALICE, DATABASE, ['DESCRIBE'], ['DESCRIBE'])
    await revoke(lf, ALICE, DATABASE, [], ['DESCRIBE'])
    expect((await list(lf)).PrincipalResourcePermissions[0]).toMatchObject({Permissions: ['DESCRIBE'], PermissionsWithGrantOption: []})
  })

  it('drops the grant when nothing is left', async () => {
    const lf = model()
    await grant(lf, ALICE, DATABASE, ['DESCRIBE'])
    await revoke(lf, ALICE, DATABASE, ['DESCRIBE'])
    expect(await entries(lf)).toEqual([])
  })

  it('takes what is held of a partly held list', async () => {
    const lf = model()
    await grant(lf, ALICE, TABLE, ['SELECT', 'DESCRIBE'])
    await revoke(lf, ALICE, TABLE, ['SELECT', 'INSERT'])
    expect(await entries(lf)).toEqual([[ALICE, wireTable, ['DESCRIBE'], []]])
  })

  it.each([
    ['a grant that was never made', async (lf: LakeFormationModel) => revoke(lf, ALICE, TABLE, ['SELECT'])],
    ['a grant already revoked', async (lf: LakeFormationModel) => {
      await grant(lf, ALICE, TABLE, ['SELECT'])
      await revoke(lf, ALICE, TABLE, ['SELECT'])
      return revoke(lf, ALICE, TABLE, ['SELECT'])
    }],
    ['a permission the principal does not hold', async (lf: LakeFormationModel) => {
      await grant(lf, ALICE, TABLE, ['SELECT'])
      return revoke(lf, ALICE, TABLE, ['INSERT'])
    }],
    ['a grant option the principal does not hold', async (lf: LakeFormationModel) => {
      await grant(lf, ALICE, TABLE, ['SELECT'])
      return revoke(lf, ALICE, TABLE, [], ['SELECT'])
    }],
    ["another principal's grant", async (lf: LakeFormationModel) => {
      await grant(lf, BOB, TABLE, ['SELECT'])
      return revoke(lf, ALICE, TABLE, ['SELECT'])
    }],
  ])('refuses to revoke %s: "Grantee has no permissions"', async (_, act) => {
    const error = await rejection(act(model()))
    expect(error).toMatchObject({code: 'InvalidInputException', status: 400, message: NOTHING_TO_REVOKE})
  })

  it('refuses a revoke that names nothing', async () => {
    const lf = model()
    await grant(lf, ALICE, TABLE, ['SELECT'])
    expect(await rejection(revoke(lf, ALICE, TABLE, [], []))).toMatchObject({code: 'InvalidInputException'})
  })

  it('lets a grant on a location or filter that has since gone be revoked', async () => {
    const lf = await withLake()
    await grant(lf, ALICE, {DataLocation: {ResourceArn: 'arn:aws:s3:::lake/logs'}}, ['DATA_LOCATION_ACCESS'])
    await lf.handle('DeregisterResource', {ResourceArn: 'arn:aws:s3:::lake'})
    await expect(revoke(lf, ALICE, {DataLocation: {ResourceArn: 'arn:aws:s3:::lake/logs'}}, ['DATA_LOCATION_ACCESS'])).resolves.toEqual({})
  })
})

describe('LakeFormationModel: grant validation', () => {
  const lfTagPolicy = (resourceType: string) => ({LFTagPolicy: {ResourceType: resourceType, Expression: [{TagKey: 'domain', TagValues: ['audit']}]}})

  it.each([
    ['CREATE_TABLE on a table', TABLE, ['CREATE_TABLE']],
    ['SELECT on a database', DATABASE, ['SELECT']],
    ['INSERT on a TableWithColumns', TABLE_AS_COLUMNS, ['INSERT']],
    ['DESCRIBE on named columns', {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['a']}}, ['DESCRIBE']],
    ['SELECT on a data location', {DataLocation: {ResourceArn: 'arn:aws:s3:::lake'}}, ['SELECT']],
    ['SELECT on the catalog', {Catalog: {}}, ['SELECT']],
    ['ALL on a data cells filter', FILTER, ['ALL']],
    ['SELECT on an LF-tag', {LFTag: {TagKey: 'domain', TagValues: ['audit']}}, ['SELECT']],
    ['CREATE_TABLE on an LF-tag policy on tables', lfTagPolicy('TABLE'), ['CREATE_TABLE']],
    ['SELECT on an LF-tag policy on databases', lfTagPolicy('DATABASE'), ['SELECT']],
    ['a permission that does not exist', TABLE, ['READ']],
  ])('refuses %s', async (_, resource, permissions) => {
    const lf = await withLake()
    const error = await rejection(grant(lf, ALICE, resource, permissions))
    expect(error).toMatchObject({code: 'InvalidInputException', status: 400})
    expect(await entries(lf)).toEqual([])
  })

  it.each([
    ['every catalog permission', {Catalog: {}}, ['CREATE_DATABASE', 'CREATE_LF_TAG', 'CREATE_CATALOG', 'CREATE_LF_TAG_EXPRESSION', 'SUPER_USER', 'ALL']],
    ['every table permission', TABLE, ['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT']],
    ['every database permission', DATABASE, ['ALL', 'ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP']],
    ['DATA_LOCATION_ACCESS on a registered location', {DataLocation: {ResourceArn: 'arn:aws:s3:::lake'}}, ['DATA_LOCATION_ACCESS']],
    ['DATA_LOCATION_ACCESS under a registered location', {DataLocation: {ResourceArn: 'arn:aws:s3:::lake/AWSLogs/'}}, ['DATA_LOCATION_ACCESS']],
    ['every data cells filter permission', FILTER, ['DESCRIBE', 'DROP', 'SELECT']],
    ['every LF-tag permission', {LFTag: {TagKey: 'domain', TagValues: ['audit']}}, ['ALTER', 'ASSOCIATE', 'DESCRIBE', 'DROP', 'GRANT_WITH_LF_TAG_EXPRESSION']],
    ['every value of an LF-tag', {LFTag: {TagKey: 'domain', TagValues: ['*']}}, ['ASSOCIATE']],
    ['CREATE_TABLE on an LF-tag policy on databases', lfTagPolicy('DATABASE'), ['CREATE_TABLE']],
  ])('accepts %s', async (_, resource, permissions) => {
    const lf = await withLake()
    await expect(grant(lf, ALICE, resource, permissions)).resolves.toEqual({})
  })

  it.each([
    ['no Principal', {Resource: TABLE, Permissions: ['SELECT']}],
    ['an empty principal', {Principal: {DataLakePrincipalIdentifier: ''}, Resource: TABLE, Permissions: ['SELECT']}],
    ['no Resource', {Principal: {DataLakePrincipalIdentifier: ALICE}, Permissions: ['SELECT']}],
    ['no Permissions', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: TABLE}],
    ['empty Permissions', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: TABLE, Permissions: []}],
    ['a grant option without the permission', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: TABLE, Permissions: ['DESCRIBE'], PermissionsWithGrantOption: ['SELECT']}],
    ['two resources', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {...TABLE, ...DATABASE}, Permissions: ['DESCRIBE']}],
    ['an empty Resource', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {}, Permissions: ['DESCRIBE']}],
    ['a Table with both Name and TableWildcard', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Table: {DatabaseName: 'trail', Name: 'events', TableWildcard: {}}}, Permissions: ['SELECT']}],
    ['a Table with neither', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Table: {DatabaseName: 'trail'}}, Permissions: ['SELECT']}],
    ['a TableWithColumns with ColumnNames and ColumnWildcard', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['a'], ColumnWildcard: {}}}, Permissions: ['SELECT']}],
    ['a TableWithColumns with no columns', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: []}}, Permissions: ['SELECT']}],
    ['an unregistered location', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {DataLocation: {ResourceArn: 'arn:aws:s3:::elsewhere'}}, Permissions: ['DATA_LOCATION_ACCESS']}],
    ['a location that only shares a prefix with a registered one', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {DataLocation: {ResourceArn: 'arn:aws:s3:::lakehouse'}}, Permissions: ['DATA_LOCATION_ACCESS']}],
    ['a data cells filter that does not exist', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {DataCellsFilter: {...FILTER.DataCellsFilter, Name: 'nope'}}, Permissions: ['SELECT']}],
    ['an LF-tag that does not exist', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {LFTag: {TagKey: 'owner', TagValues: ['x']}}, Permissions: ['ASSOCIATE']}],
    ['an LF-tag value that does not exist', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {LFTag: {TagKey: 'domain', TagValues: ['audit', 'hr']}}, Permissions: ['ASSOCIATE']}],
    ['an LF-tag policy on an undeclared value', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {LFTagPolicy: {ResourceType: 'TABLE', Expression: [{TagKey: 'domain', TagValues: ['hr']}]}}, Permissions: ['SELECT']}],
    ['an LF-tag policy naming a key twice', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {LFTagPolicy: {ResourceType: 'TABLE', Expression: [{TagKey: 'domain', TagValues: ['audit']}, {TagKey: 'Domain', TagValues: ['sales']}]}}, Permissions: ['SELECT']}],
    ['an LF-tag policy on another resource type', {Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {LFTagPolicy: {ResourceType: 'CATALOG', Expression: [{TagKey: 'domain', TagValues: ['audit']}]}}, Permissions: ['SELECT']}],
  ])('refuses a grant with %s', async (_, input) => {
    const lf = await withLake()
    expect(await rejection(lf.handle('GrantPermissions', input))).toMatchObject({code: 'InvalidInputException', status: 400})
    expect(await entries(lf)).toEqual([])
  })

  it('answers named LF-tag expressions as not modelled, never as a success or an InvalidInputException', async () => {
    const lf = await withLake()
    for (const resource of [{LFTagExpression: {Name: 'audit'}}, {LFTagPolicy: {ResourceType: 'TABLE', ExpressionName: 'audit'}}]) {
      expect(await rejection(grant(lf, ALICE, resource, ['SELECT']))).toMatchObject({code: 'UnknownOperationException'})
    }
  })

  it('treats every database and table as existing when the model has no catalog to ask (see lakeformation-model-catalog.test.ts)', async () => {
    await expect(grant(model(), ALICE, {Table: {DatabaseName: 'no_such_db', Name: 'no_such_table'}}, ['SELECT'])).resolves.toEqual({})
  })

  it('ignores CatalogIds: granted with them, revoked without', async () => {
    const lf = model()
    await lf.handle('GrantPermissions', {
      CatalogId: ACCOUNT,
      Principal: {DataLakePrincipalIdentifier: ALICE},
      Resource: {Table: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events'}},
      Permissions: ['SELECT'],
    })
    await revoke(lf, ALICE, TABLE, ['SELECT'])
    expect(await entries(lf)).toEqual([])
  })

  it('stores LF-tag keys and values lower-cased, so any spelling names the same grant', async () => {
    const lf = await withLake()
    await grant(lf, ALICE, {LFTag: {TagKey: 'DOMAIN', TagValues: ['Sales', 'AUDIT']}}, ['ASSOCIATE'])
    expect(await entries(lf)).toEqual([[ALICE, {LFTag: {CatalogId: ACCOUNT, TagKey: 'domain', TagValues: ['audit', 'sales']}}, ['ASSOCIATE'], []]])
    await revoke(lf, ALICE, {LFTag: {TagKey: 'domain', TagValues: ['audit', 'sales']}}, ['ASSOCIATE'])
    expect(await entries(lf)).toEqual([])
  })
})

describe('LakeFormationModel: batch grants and revokes', () => {
  const entry = (id: string, resource: Resource, permissions: string[], extra: Record<string, unknown> = {}) => ({
    Id: id,
    Principal: {DataLakePrincipalIdentifier: ALICE},
    Resource: resource,
    Permissions: permissions,
    ...extra,
  })

  it('applies the good entries and reports the bad one in Failures[], by its Id, with a 200', async () => {
    const lf = model()
    const bad = entry('bad', DATABASE, ['SELECT'])
    const output = await lf.handle('BatchGrantPermissions', {Entries: [entry('a', TABLE, ['SELECT']), bad, entry('c', DATABASE, ['DESCRIBE'])]})
    expect(output).toEqual({Failures: [{RequestEntry: bad, Error: {ErrorCode: 'InvalidInputException', ErrorMessage: expect.stringContaining('SELECT is not valid on database trail')}}]})
    expect((await entries(lf)).map(([, resource]) => Object.keys(resource as Resource)[0])).toEqual(['Database', 'TableWithColumns'])
  })

  it('answers {Failures: []} when every entry applies', async () => {
    await expect(model().handle('BatchGrantPermissions', {Entries: [entry('a', TABLE, ['SELECT'])]})).resolves.toEqual({Failures: []})
  })

  it('reports a revoke of a missing grant as a Failures[] entry, and still applies the rest', async () => {
    const lf = model()
    await grant(lf, ALICE, DATABASE, ['DESCRIBE'])
    const output = (await lf.handle('BatchRevokePermissions', {Entries: [entry('gone', TABLE, ['SELECT']), entry('held', DATABASE, ['DESCRIBE'])]})) as {Failures: {RequestEntry: {Id: string}; Error: unknown}[]}
    expect(output.Failures).toEqual([{RequestEntry: expect.objectContaining({Id: 'gone'}), Error: {ErrorCode: 'InvalidInputException', ErrorMessage: NOTHING_TO_REVOKE}}])
    expect(await entries(lf)).toEqual([])
  })

  it('reads PermissionsWithGrantOption by its real name (moto reads a misspelled one)', async () => {
    const lf = model()
    await lf.handle('BatchGrantPermissions', {
      Entries: [entry('right', DATABASE, ['DESCRIBE'], {PermissionsWithGrantOption: ['DESCRIBE']}), entry('misspelled', WILDCARD, ['DESCRIBE'], {PermissionsWithGrantOptions: ['DESCRIBE']})],
    })
    expect((await list(lf)).PrincipalResourcePermissions.map((listed) => listed.PermissionsWithGrantOption)).toEqual([['DESCRIBE'], []])
  })

  it('applies entries in order, so a later entry sees an earlier one', async () => {
    const lf = model()
    await expect(lf.handle('BatchGrantPermissions', {Entries: [entry('1', DATABASE, ['DESCRIBE']), entry('2', TABLE, ['SELECT'])]})).resolves.toEqual({Failures: []})
    await expect(lf.handle('BatchRevokePermissions', {Entries: [entry('1', DATABASE, ['DESCRIBE']), entry('2', DATABASE, ['DESCRIBE'])]})).resolves.toMatchObject({
      Failures: [{RequestEntry: {Id: '2'}, Error: {ErrorMessage: NOTHING_TO_REVOKE}}],
    })
  })

  it.each([
    ['21 entries', Array.from({length: 21}, (_, i) => entry(String(i), {Database: {Name: `db${i}`}}, ['DESCRIBE']))],
    ['no entries', []],
    ['an entry without an Id', [entry('a', DATABASE, ['DESCRIBE']), {...entry('b', TABLE, ['SELECT']), Id: undefined}]],
    ['a repeated Id', [entry('a', DATABASE, ['DESCRIBE']), entry('a', TABLE, ['SELECT'])]],
  ])('fails the whole call, applying nothing, for %s', async (_, batch) => {
    const lf = model()
    expect(await rejection(lf.handle('BatchGrantPermissions', {Entries: batch}))).toMatchObject({code: 'InvalidInputException'})
    expect(await entries(lf)).toEqual([])
  })

  it('takes 20 entries', async () => {
    const lf = model()
    const batch = Array.from({length: 20}, (_, i) => entry(String(i), {Database: {Name: `db${String(i).padStart(2, '0')}`}}, ['DESCRIBE']))
    await expect(lf.handle('BatchGrantPermissions', {Entries: batch})).resolves.toEqual({Failures: []})
    expect((await list(lf)).PrincipalResourcePermissions).toHaveLength(20)
  })
})

describe('LakeFormationModel: ConcurrentModificationException', () => {
  it('is off by default: fifty grants on one table all go through', async () => {
    const lf = model()
    for (let i = 0; i < 50; i++) await grant(lf, `arn:aws:iam::${ACCOUNT}:role/R${i}`, TABLE, ['SELECT', 'DESCRIBE'])
    expect((await list(lf, {MaxResults: 1000})).PrincipalResourcePermissions).toHaveLength(100)
  })

  it('fails the next writes on demand: a single grant rejects and changes nothing, the retry succeeds', async () => {
    const lf = model()
    lf.failNextWrites(1)
    const error = await rejection(grant(lf, ALICE, TABLE, ['SELECT']))
    expect(error).toMatchObject({code: 'ConcurrentModificationException', status: 400})
    expect(await entries(lf)).toEqual([])
    await expect(grant(lf, ALICE, TABLE, ['SELECT'])).resolves.toEqual({})
  })

  it('reports injected failures in a batch as Failures[] entries and applies the rest', async () => {
    const lf = model()
    lf.failNextWrites(2)
    const batch = ['a', 'b', 'c'].map((id) => ({Id: id, Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Database: {Name: id}}, Permissions: ['DESCRIBE']}))
    const output = (await lf.handle('BatchGrantPermissions', {Entries: batch})) as {Failures: {RequestEntry: {Id: string}; Error: {ErrorCode: string}}[]}
    expect(output.Failures.map((failure) => [failure.RequestEntry.Id, failure.Error.ErrorCode])).toEqual([
      ['a', 'ConcurrentModificationException'],
      ['b', 'ConcurrentModificationException'],
    ])
    expect((await list(lf)).PrincipalResourcePermissions.map((listed) => listed.Resource)).toEqual([{Database: {CatalogId: ACCOUNT, Name: 'c'}}])
  })

  it('fails revokes too, and keeps the grant', async () => {
    const lf = model()
    await grant(lf, ALICE, DATABASE, ['DESCRIBE'])
    lf.failNextWrites(1)
    expect(await rejection(revoke(lf, ALICE, DATABASE, ['DESCRIBE']))).toMatchObject({code: 'ConcurrentModificationException'})
    expect(await entries(lf)).toHaveLength(1)
  })

  it('does not spend an injected failure on a write refused for its input', async () => {
    const lf = model()
    lf.failNextWrites(1)
    expect(await rejection(grant(lf, ALICE, DATABASE, ['SELECT']))).toMatchObject({code: 'InvalidInputException'})
    expect(await rejection(grant(lf, ALICE, DATABASE, ['DESCRIBE']))).toMatchObject({code: 'ConcurrentModificationException'})
  })

  it('injects other codes with their status', async () => {
    const lf = model()
    lf.failNextWrites(1, 'ThrottledException')
    expect(await rejection(grant(lf, ALICE, DATABASE, ['DESCRIBE']))).toMatchObject({code: 'ThrottledException', status: 429})
  })

  it('forgets injected failures on reset', async () => {
    const lf = model()
    lf.failNextWrites(3)
    lf.reset()
    await expect(grant(lf, ALICE, DATABASE, ['DESCRIBE'])).resolves.toEqual({})
  })

  it('fails every Nth write to one resource, counting each resource apart, with concurrency.everyNth', async () => {
    const lf = model({concurrency: {everyNth: 3}})
    const outcomes: string[] = []
    for (const resource of [TABLE, TABLE, DATABASE, TABLE, TABLE, TABLE, DATABASE, DATABASE]) {
      outcomes.push(await grant(lf, ALICE, resource, ['DESCRIBE']).then(() => 'ok', (error: LakeFormationError) => error.code))
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ConcurrentModificationException', 'ok', 'ok', 'ok', 'ConcurrentModificationException'])
  })

  it('refuses a concurrency option that is not a positive integer', () => {
    expect(() => model({concurrency: {everyNth: 0}})).toThrow(/everyNth/)
  })
})

describe('LakeFormationModel: ListPermissions', () => {
  async function listAll(lf: LakeFormationModel, input: Record<string, unknown>) {
    const pages: Listed[][] = []
    let token: string | undefined
    do {
      const page = await list(lf, {...input, ...(token ? {NextToken: token} : {})})
      pages.push(page.PrincipalResourcePermissions)
      token = page.NextToken
    } while (token)
    return pages
  }

  const keyOf = (listed: Listed) => `${listed.Principal.DataLakePrincipalIdentifier} ${JSON.stringify(listed.Resource)}`

  it('pages 2500 grants at MaxResults 1000: three pages, no duplicates, no gaps, in order', async () => {
    const lf = model()
    // Granted in reverse so that the listing has to sort.
    for (let p = 49; p >= 0; p--) {
      for (let d = 49; d >= 0; d--) await grant(lf, `arn:aws:iam::${ACCOUNT}:role/P${String(p).padStart(2, '0')}`, {Database: {Name: `db${String(d).padStart(2, '0')}`}}, ['DESCRIBE'])
    }
    const pages = await listAll(lf, {MaxResults: 1000})
    expect(pages.map((page) => page.length)).toEqual([1000, 1000, 500])
    const keys = pages.flat().map(keyOf)
    expect(new Set(keys).size).toBe(2500)
    expect(keys).toEqual([...keys].sort())
    expect(pages[1][0]).toMatchObject({Principal: {DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/P20`}, Resource: {Database: {Name: 'db00'}}})
  })

  it('pages at 100 when MaxResults is left out', async () => {
    const lf = model()
    for (let d = 0; d < 101; d++) await grant(lf, ALICE, {Database: {Name: `db${String(d).padStart(3, '0')}`}}, ['DESCRIBE'])
    expect((await listAll(lf, {})).map((page) => page.length)).toEqual([100, 1])
  })

  it('keeps its place when an entry before the page boundary is revoked', async () => {
    const lf = model()
    for (const name of ['a', 'b', 'c', 'd']) await grant(lf, ALICE, {Database: {Name: name}}, ['DESCRIBE'])
    const first = await list(lf, {MaxResults: 2})
    await revoke(lf, ALICE, {Database: {Name: 'a'}}, ['DESCRIBE'])
    const second = await list(lf, {MaxResults: 2, NextToken: first.NextToken})
    expect(second.PrincipalResourcePermissions.map((listed) => (listed.Resource.Database as {Name: string}).Name)).toEqual(['c', 'd'])
    expect(second.NextToken).toBeUndefined()
  })

  it('lists the Table and TableWithColumns twins on the same page boundary rules', async () => {
    const lf = model()
    await grant(lf, ALICE, TABLE, ['SELECT', 'DESCRIBE'])
    const pages = await listAll(lf, {MaxResults: 1})
    expect(pages.map((page) => Object.keys(page[0].Resource)[0])).toEqual(['Table', 'TableWithColumns'])
  })

  it('stamps LastUpdated from the clock', async () => {
    const lf = model()
    await grant(lf, ALICE, DATABASE, ['DESCRIBE'])
    expect((await list(lf)).PrincipalResourcePermissions[0].LastUpdated).toEqual(T0)
  })

  it.each([
    ['MaxResults 0', {MaxResults: 0}],
    ['MaxResults 1001', {MaxResults: 1001}],
    ['a token that is not one', {NextToken: 'garbage'}],
    ['an unknown ResourceType', {ResourceType: 'COLUMN'}],
    ['a TableWithColumns Resource', {Resource: TABLE_AS_COLUMNS}],
    ['IncludeRelated with a Principal', {IncludeRelated: 'TRUE', Principal: {DataLakePrincipalIdentifier: ALICE}}],
    ['IncludeRelated that is neither TRUE nor FALSE', {IncludeRelated: 'yes'}],
  ])('refuses %s', async (_, input) => {
    const lf = model()
    await grant(lf, ALICE, DATABASE, ['DESCRIBE'])
    expect(await rejection(list(lf, input))).toMatchObject({code: 'InvalidInputException'})
  })

  it('refuses a token from a listing with other filters', async () => {
    const lf = model()
    for (const name of ['a', 'b']) await grant(lf, ALICE, {Database: {Name: name}}, ['DESCRIBE'])
    const {NextToken} = await list(lf, {MaxResults: 1})
    expect(await rejection(list(lf, {MaxResults: 1, NextToken, ResourceType: 'DATABASE'}))).toMatchObject({code: 'InvalidInputException'})
  })

  describe('filters', () => {
    let lf: LakeFormationModel
    const names = async (input: Record<string, unknown>) =>
      (await list(lf, {...input, MaxResults: 1000})).PrincipalResourcePermissions.map((listed) => `${listed.Principal.DataLakePrincipalIdentifier.replace(/.*\//, '')} ${Object.keys(listed.Resource)[0]}`)

    beforeAll(async () => {
      lf = await withLake()
      await grant(lf, ALICE, {Catalog: {}}, ['CREATE_DATABASE'])
      await grant(lf, ALICE, DATABASE, ['DESCRIBE'])
      await grant(lf, ALICE, TABLE, ['SELECT', 'DESCRIBE'])
      await grant(lf, BOB, {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['eventname']}}, ['SELECT'])
      await grant(lf, BOB, {Table: {DatabaseName: 'trail', Name: 'other'}}, ['DESCRIBE'])
      await grant(lf, BOB, WILDCARD, ['DESCRIBE'])
      await grant(lf, BOB, {DataLocation: {ResourceArn: 'arn:aws:s3:::lake'}}, ['DATA_LOCATION_ACCESS'])
      await grant(lf, BOB, FILTER, ['SELECT'])
      await grant(lf, BOB, {LFTag: {TagKey: 'domain', TagValues: ['audit']}}, ['ASSOCIATE'])
      await grant(lf, BOB, {LFTagPolicy: {ResourceType: 'DATABASE', Expression: [{TagKey: 'domain', TagValues: ['audit']}]}}, ['DESCRIBE'])
      await grant(lf, BOB, {LFTagPolicy: {ResourceType: 'TABLE', Expression: [{TagKey: 'domain', TagValues: ['sales']}]}}, ['SELECT'])
      // An admin gets no implicit entries: the model lists explicit grants only.
      await lf.handle('PutDataLakeSettings', {DataLakeSettings: {DataLakeAdmins: [{DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/Admin`}]}})
    })

    it('lists everything but data cells filter grants without a filter, sorted by principal then resource', async () => {
      expect(await names({})).toEqual([
        'Alice Catalog',
        'Alice Database',
        'Alice Table',
        'Alice TableWithColumns',
        'Bob DataLocation',
        'Bob LFTag',
        'Bob LFTagPolicy',
        'Bob LFTagPolicy',
        'Bob TableWithColumns',
        'Bob Table',
        'Bob Table',
      ])
    })

    it('filters by Principal', async () => {
      expect(await names({Principal: {DataLakePrincipalIdentifier: ALICE}})).toEqual(['Alice Catalog', 'Alice Database', 'Alice Table', 'Alice TableWithColumns'])
      expect(await names({Principal: {DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/Admin`}})).toEqual([])
    })

    it.each([
      ['CATALOG', ['Alice Catalog']],
      ['DATABASE', ['Alice Database']],
      ['TABLE', ['Alice Table', 'Alice TableWithColumns', 'Bob TableWithColumns', 'Bob Table', 'Bob Table']],
      ['DATA_LOCATION', ['Bob DataLocation']],
      ['LF_TAG', ['Bob LFTag']],
      ['LF_TAG_POLICY', ['Bob LFTagPolicy', 'Bob LFTagPolicy']],
      ['LF_TAG_POLICY_DATABASE', ['Bob LFTagPolicy']],
      ['LF_TAG_POLICY_TABLE', ['Bob LFTagPolicy']],
      ['LF_NAMED_TAG_EXPRESSION', []],
    ])('filters by ResourceType %s', async (resourceType, expected) => {
      expect(await names({ResourceType: resourceType})).toEqual(expected)
    })

    it('filters by a Table Resource: its Table and TableWithColumns entries, not other tables or the wildcard', async () => {
      expect(await names({Resource: TABLE})).toEqual(['Alice Table', 'Alice TableWithColumns', 'Bob TableWithColumns'])
    })

    it.each([
      ['the catalog', {Catalog: {}}, ['Alice Catalog']],
      ['a database, not its tables', DATABASE, ['Alice Database']],
      ['the table wildcard', WILDCARD, ['Bob Table']],
      ['a location', {DataLocation: {ResourceArn: 'arn:aws:s3:::lake'}}, ['Bob DataLocation']],
      ['a data cells filter', FILTER, ['Bob DataCellsFilter']],
      ['an LF-tag, in any case', {LFTag: {TagKey: 'Domain', TagValues: ['AUDIT']}}, ['Bob LFTag']],
      ['an LF-tag policy', {LFTagPolicy: {ResourceType: 'TABLE', Expression: [{TagKey: 'domain', TagValues: ['sales']}]}}, ['Bob LFTagPolicy']],
    ])('filters by a Resource: %s', async (_, resource, expected) => {
      expect(await names({Resource: resource})).toEqual(expected)
    })

    it('combines Principal and Resource', async () => {
      expect(await names({Principal: {DataLakePrincipalIdentifier: BOB}, Resource: TABLE})).toEqual(['Bob TableWithColumns'])
    })

    it('adds data cells filter grants with IncludeRelated=TRUE: all of them, or those on a Table Resource', async () => {
      expect(await names({IncludeRelated: 'TRUE'})).toContain('Bob DataCellsFilter')
      expect(await names({IncludeRelated: 'TRUE', Resource: TABLE})).toEqual(['Alice Table', 'Alice TableWithColumns', 'Bob DataCellsFilter', 'Bob TableWithColumns'])
      expect(await names({IncludeRelated: 'TRUE', Resource: {Table: {DatabaseName: 'trail', Name: 'other'}}})).toEqual(['Bob Table'])
      expect(await names({IncludeRelated: 'TRUE', ResourceType: 'TABLE'})).toContain('Bob DataCellsFilter')
      expect(await names({IncludeRelated: 'TRUE', ResourceType: 'DATABASE'})).toEqual(['Alice Database'])
      expect(await names({IncludeRelated: 'FALSE', Resource: TABLE})).not.toContain('Bob DataCellsFilter')
    })
  })
})

describe('LakeFormationModel: LF-tags', () => {
  it('creates a tag lower-cased, and gets it', async () => {
    const lf = model()
    await lf.handle('CreateLFTag', {TagKey: 'Domain', TagValues: ['Sales', 'Audit', 'audit']})
    await expect(lf.handle('GetLFTag', {TagKey: 'DOMAIN'})).resolves.toEqual({CatalogId: ACCOUNT, TagKey: 'domain', TagValues: ['audit', 'sales']})
  })

  it.each([
    ['a key that exists, in another case', {TagKey: 'DOMAIN', TagValues: ['x']}, 'AlreadyExistsException'],
    ['no values', {TagKey: 'owner', TagValues: []}, 'InvalidInputException'],
    ['51 values', {TagKey: 'owner', TagValues: Array.from({length: 51}, (_, i) => `v${i}`)}, 'InvalidInputException'],
    ['a key with a forbidden character', {TagKey: 'owner!', TagValues: ['x']}, 'InvalidInputException'],
    ['the wildcard as a value', {TagKey: 'owner', TagValues: ['*']}, 'InvalidInputException'],
  ])('refuses to create a tag with %s', async (_, input, code) => {
    const lf = model()
    await lf.handle('CreateLFTag', {TagKey: 'domain', TagValues: ['audit']})
    expect(await rejection(lf.handle('CreateLFTag', input))).toMatchObject({code})
  })

  it('answers EntityNotFoundException for a tag that does not exist', async () => {
    const lf = model()
    for (const [operation, input] of [
      ['GetLFTag', {TagKey: 'nope'}],
      ['UpdateLFTag', {TagKey: 'nope', TagValuesToAdd: ['x']}],
      ['DeleteLFTag', {TagKey: 'nope'}],
    ] as const) {
      expect(await rejection(lf.handle(operation, input))).toMatchObject({code: 'EntityNotFoundException', status: 400})
    }
  })

  it('stops at 1000 tags per account with ResourceNumberLimitExceededException', async () => {
    const lf = model()
    for (let i = 0; i < 1000; i++) await lf.handle('CreateLFTag', {TagKey: `k${i}`, TagValues: ['v']})
    expect(await rejection(lf.handle('CreateLFTag', {TagKey: 'one_too_many', TagValues: ['v']}))).toMatchObject({code: 'ResourceNumberLimitExceededException'})
  })

  it('adds and deletes values, up to 1000 per tag', async () => {
    const lf = model()
    await lf.handle('CreateLFTag', {TagKey: 'bucket', TagValues: Array.from({length: 50}, (_, i) => `v${String(i).padStart(4, '0')}`)})
    for (let call = 1; call < 20; call++) {
      await lf.handle('UpdateLFTag', {TagKey: 'bucket', TagValuesToAdd: Array.from({length: 50}, (_, i) => `v${String(call * 50 + i).padStart(4, '0')}`)})
    }
    expect(((await lf.handle('GetLFTag', {TagKey: 'bucket'})) as {TagValues: string[]}).TagValues).toHaveLength(1000)
    expect(await rejection(lf.handle('UpdateLFTag', {TagKey: 'bucket', TagValuesToAdd: ['extra']}))).toMatchObject({code: 'InvalidInputException'})
    await lf.handle('UpdateLFTag', {TagKey: 'bucket', TagValuesToAdd: ['extra'], TagValuesToDelete: ['v0000', 'v0001']})
    const values = ((await lf.handle('GetLFTag', {TagKey: 'bucket'})) as {TagValues: string[]}).TagValues
    expect(values).toHaveLength(999)
    expect(values).toContain('extra')
    expect(values).not.toContain('v0000')
  })

  it.each([
    ['nothing to change', {}],
    ['a value to delete that is not declared', {TagValuesToDelete: ['hr']}],
    ['deleting every value', {TagValuesToDelete: ['audit', 'sales']}],
  ])('refuses an update with %s', async (_, change) => {
    const lf = model()
    await lf.handle('CreateLFTag', {TagKey: 'domain', TagValues: ['audit', 'sales']})
    expect(await rejection(lf.handle('UpdateLFTag', {TagKey: 'domain', ...change}))).toMatchObject({code: 'InvalidInputException'})
  })

  it('refuses to delete a value still assigned ("Update not allowed")', async () => {
    const lf = model()
    await lf.handle('CreateLFTag', {TagKey: 'domain', TagValues: ['audit', 'sales']})
    await lf.handle('AddLFTagsToResource', {Resource: DATABASE, LFTags: [{TagKey: 'domain', TagValues: ['audit']}]})
    const error = await rejection(lf.handle('UpdateLFTag', {TagKey: 'domain', TagValuesToDelete: ['audit']}))
    expect(error).toMatchObject({code: 'InvalidInputException', message: expect.stringContaining('Update not allowed')})
    await expect(lf.handle('UpdateLFTag', {TagKey: 'domain', TagValuesToDelete: ['sales']})).resolves.toEqual({})
  })

  it('deletes a tag, takes it off resources, and leaves the grants on it', async () => {
    const lf = model()
    await lf.handle('CreateLFTag', {TagKey: 'domain', TagValues: ['audit']})
    await lf.handle('AddLFTagsToResource', {Resource: DATABASE, LFTags: [{TagKey: 'domain', TagValues: ['audit']}]})
    await grant(lf, ALICE, {LFTag: {TagKey: 'domain', TagValues: ['audit']}}, ['ASSOCIATE'])
    await lf.handle('DeleteLFTag', {TagKey: 'Domain'})
    expect(await lf.handle('GetResourceLFTags', {Resource: DATABASE})).toEqual({})
    expect(await entries(lf)).toHaveLength(1)
    await lf.handle('CreateLFTag', {TagKey: 'domain', TagValues: ['audit']})
    expect(await lf.handle('GetResourceLFTags', {Resource: DATABASE})).toEqual({})
  })

  it('lists tags sorted by key, at most 50 a page, and nothing for FOREIGN', async () => {
    const lf = model()
    for (let i = 119; i >= 0; i--) await lf.handle('CreateLFTag', {TagKey: `k${String(i).padStart(3, '0')}`, TagValues: ['v']})
    const sizes: number[] = []
    const keys: string[] = []
    let token: string | undefined
    do {
      const page = (await lf.handle('ListLFTags', {MaxResults: 1000, ...(token ? {NextToken: token} : {})})) as {LFTags: {TagKey: string}[]; NextToken?: string}
      sizes.push(page.LFTags.length)
      keys.push(...page.LFTags.map((tag) => tag.TagKey))
      token = page.NextToken
    } while (token)
    expect(sizes).toEqual([50, 50, 20])
    expect(keys).toEqual([...keys].sort())
    expect(new Set(keys).size).toBe(120)
    expect(await lf.handle('ListLFTags', {ResourceShareType: 'FOREIGN'})).toEqual({LFTags: []})
    expect(((await lf.handle('ListLFTags', {MaxResults: 2, ResourceShareType: 'ALL'})) as {LFTags: unknown[]}).LFTags).toHaveLength(2)
  })
})

describe('LakeFormationModel: LF-tag assignments', () => {
  const COLUMNS = {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['sourceipaddress', 'useridentity']}}
  const tag = (key: string, value: string) => ({CatalogId: ACCOUNT, TagKey: key, TagValues: [value]})

  async function tagged() {
    const lf = model()
    await lf.handle('CreateLFTag', {TagKey: 'domain', TagValues: ['audit', 'sales']})
    await lf.handle('CreateLFTag', {TagKey: 'pii', TagValues: ['true', 'false']})
    await lf.handle('CreateLFTag', {TagKey: 'tier', TagValues: ['gold']})
    return lf
  }

  it('assigns to a database, a table and columns, and shows what each level inherits', async () => {
    const lf = await tagged()
    await expect(lf.handle('AddLFTagsToResource', {Resource: DATABASE, LFTags: [{TagKey: 'Domain', TagValues: ['Audit']}, {TagKey: 'pii', TagValues: ['false']}]})).resolves.toEqual({Failures: []})
    await lf.handle('AddLFTagsToResource', {Resource: TABLE, LFTags: [{TagKey: 'tier', TagValues: ['gold']}]})
    await lf.handle('AddLFTagsToResource', {Resource: COLUMNS, LFTags: [{TagKey: 'pii', TagValues: ['true']}]})

    expect(await lf.handle('GetResourceLFTags', {Resource: DATABASE})).toEqual({LFTagOnDatabase: [tag('domain', 'audit'), tag('pii', 'false')]})
    expect(await lf.handle('GetResourceLFTags', {Resource: TABLE})).toEqual({
      LFTagOnDatabase: [tag('domain', 'audit'), tag('pii', 'false')],
      LFTagsOnTable: [tag('domain', 'audit'), tag('pii', 'false'), tag('tier', 'gold')],
      LFTagsOnColumns: [
        {Name: 'sourceipaddress', LFTags: [tag('domain', 'audit'), tag('pii', 'true'), tag('tier', 'gold')]},
        {Name: 'useridentity', LFTags: [tag('domain', 'audit'), tag('pii', 'true'), tag('tier', 'gold')]},
      ],
    })
    expect(await lf.handle('GetResourceLFTags', {Resource: {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnNames: ['eventname', 'useridentity']}}, ShowAssignedLFTags: true})).toEqual({
      LFTagOnDatabase: [tag('domain', 'audit'), tag('pii', 'false')],
      LFTagsOnTable: [tag('tier', 'gold')],
      LFTagsOnColumns: [{Name: 'useridentity', LFTags: [tag('pii', 'true')]}],
    })
  })

  it('replaces the value of a key already on the resource', async () => {
    const lf = await tagged()
    await lf.handle('AddLFTagsToResource', {Resource: DATABASE, LFTags: [{TagKey: 'domain', TagValues: ['audit']}]})
    await lf.handle('AddLFTagsToResource', {Resource: DATABASE, LFTags: [{TagKey: 'domain', TagValues: ['sales']}]})
    expect(await lf.handle('GetResourceLFTags', {Resource: DATABASE})).toEqual({LFTagOnDatabase: [tag('domain', 'sales')]})
  })

  it.each([
    ['an undeclared key', {Resource: DATABASE, LFTags: [{TagKey: 'owner', TagValues: ['me']}]}, 'EntityNotFoundException', 'owner'],
    ['an undeclared value', {Resource: DATABASE, LFTags: [{TagKey: 'domain', TagValues: ['hr']}]}, 'InvalidInputException', 'hr'],
    ['two values for one key', {Resource: DATABASE, LFTags: [{TagKey: 'domain', TagValues: ['audit', 'sales']}]}, 'InvalidInputException', 'size not equal to 1'],
    ['the wildcard', {Resource: DATABASE, LFTags: [{TagKey: 'domain', TagValues: ['*']}]}, 'InvalidInputException', 'wild card'],
    ['one key twice', {Resource: DATABASE, LFTags: [{TagKey: 'domain', TagValues: ['audit']}, {TagKey: 'DOMAIN', TagValues: ['sales']}]}, 'InvalidInputException', 'duplicate tag key'],
    ['no tags', {Resource: DATABASE, LFTags: []}, 'InvalidInputException', 'LFTags'],
    ['a table wildcard', {Resource: WILDCARD, LFTags: [{TagKey: 'domain', TagValues: ['audit']}]}, 'InvalidInputException', 'attach to'],
    ['a column wildcard', {Resource: TABLE_AS_COLUMNS, LFTags: [{TagKey: 'domain', TagValues: ['audit']}]}, 'InvalidInputException', 'attach to'],
    ['a data location', {Resource: {DataLocation: {ResourceArn: 'arn:aws:s3:::lake'}}, LFTags: [{TagKey: 'domain', TagValues: ['audit']}]}, 'InvalidInputException', 'attach to'],
  ])('refuses to assign %s, and assigns nothing', async (_, input, code, message) => {
    const lf = await tagged()
    // A valid tag goes first: the call is all or nothing, so it must not be assigned either.
    const lfTags = input.LFTags as object[]
    const error = await rejection(lf.handle('AddLFTagsToResource', {...input, LFTags: lfTags.length > 0 ? [{TagKey: 'tier', TagValues: ['gold']}, ...lfTags] : []}))
    expect(error).toMatchObject({code})
    expect(error.message).toContain(message)
    expect(await lf.handle('GetResourceLFTags', {Resource: DATABASE})).toEqual({})
  })

  it('allows 50 tags on a resource and refuses the 51st', async () => {
    const lf = model()
    for (let i = 0; i < 51; i++) await lf.handle('CreateLFTag', {TagKey: `k${String(i).padStart(2, '0')}`, TagValues: ['v']})
    const pairs = (from: number, to: number) => Array.from({length: to - from}, (_, i) => ({TagKey: `k${String(from + i).padStart(2, '0')}`, TagValues: ['v']}))
    await lf.handle('AddLFTagsToResource', {Resource: TABLE, LFTags: pairs(0, 50)})
    expect(await rejection(lf.handle('AddLFTagsToResource', {Resource: TABLE, LFTags: pairs(50, 51)}))).toMatchObject({code: 'InvalidInputException'})
    await expect(lf.handle('AddLFTagsToResource', {Resource: TABLE, LFTags: pairs(0, 1)})).resolves.toEqual({Failures: []})
  })

  it('removes tags, and reports one that is not on the resource in Failures[]', async () => {
    const lf = await tagged()
    await lf.handle('AddLFTagsToResource', {Resource: TABLE, LFTags: [{TagKey: 'domain', TagValues: ['audit']}, {TagKey: 'tier', TagValues: ['gold']}]})
    const output = await lf.handle('RemoveLFTagsFromResource', {Resource: TABLE, LFTags: [{TagKey: 'domain', TagValues: ['audit']}, {TagKey: 'pii', TagValues: ['true']}]})
    expect(output).toEqual({Failures: [{LFTag: tag('pii', 'true'), Error: {ErrorCode: 'InvalidInputException', ErrorMessage: expect.stringContaining('not assigned')}}]})
    expect(await lf.handle('GetResourceLFTags', {Resource: TABLE, ShowAssignedLFTags: true})).toEqual({LFTagsOnTable: [tag('tier', 'gold')]})
    expect(await rejection(lf.handle('RemoveLFTagsFromResource', {Resource: TABLE, LFTags: [{TagKey: 'owner', TagValues: ['me']}]}))).toMatchObject({code: 'EntityNotFoundException'})
  })

  it('meets injected contention on assignment writes too', async () => {
    const lf = await tagged()
    lf.failNextWrites(1)
    expect(await rejection(lf.handle('AddLFTagsToResource', {Resource: DATABASE, LFTags: [{TagKey: 'tier', TagValues: ['gold']}]}))).toMatchObject({code: 'ConcurrentModificationException'})
    expect(await lf.handle('GetResourceLFTags', {Resource: DATABASE})).toEqual({})
  })
})

describe('LakeFormationModel: data cells filters', () => {
  const tableData = (name: string, extra: Record<string, unknown> = {}) => ({
    TableCatalogId: ACCOUNT,
    DatabaseName: 'trail',
    TableName: 'events',
    Name: name,
    RowFilter: {AllRowsWildcard: {}},
    ColumnNames: ['eventname', 'awsregion'],
    ...extra,
  })
  const identity = (name: string) => ({TableCatalogId: ACCOUNT, DatabaseName: 'trail', TableName: 'events', Name: name})

  it('creates and gets a filter, columns in the order given, at version 1', async () => {
    const lf = model()
    await lf.handle('CreateDataCellsFilter', {TableData: tableData('names')})
    await lf.handle('CreateDataCellsFilter', {TableData: tableData('no_ip', {RowFilter: {FilterExpression: "awsregion = 'eu-west-1'"}, ColumnNames: undefined, ColumnWildcard: {ExcludedColumnNames: ['sourceipaddress']}})})
    await expect(lf.handle('GetDataCellsFilter', identity('names'))).resolves.toEqual({DataCellsFilter: {...tableData('names'), VersionId: '1'}})
    await expect(lf.handle('GetDataCellsFilter', identity('no_ip'))).resolves.toEqual({
      DataCellsFilter: {...identity('no_ip'), RowFilter: {FilterExpression: "awsregion = 'eu-west-1'"}, ColumnWildcard: {ExcludedColumnNames: ['sourceipaddress']}, VersionId: '1'},
    })
  })

  it.each([
    ['no RowFilter', tableData('f', {RowFilter: undefined})],
    ['a RowFilter with both forms', tableData('f', {RowFilter: {FilterExpression: 'true', AllRowsWildcard: {}}})],
    ['both ColumnNames and ColumnWildcard', tableData('f', {ColumnWildcard: {}})],
    ['neither ColumnNames nor ColumnWildcard', tableData('f', {ColumnNames: undefined})],
    ['no TableCatalogId', tableData('f', {TableCatalogId: undefined})],
    ['no Name', tableData('', {})],
  ])('refuses to create a filter with %s', async (_, data) => {
    expect(await rejection(model().handle('CreateDataCellsFilter', {TableData: data}))).toMatchObject({code: 'InvalidInputException'})
  })

  it('refuses a filter that exists with AlreadyExistsException', async () => {
    const lf = model()
    await lf.handle('CreateDataCellsFilter', {TableData: tableData('f')})
    expect(await rejection(lf.handle('CreateDataCellsFilter', {TableData: tableData('f')}))).toMatchObject({code: 'AlreadyExistsException'})
  })

  it('updates a filter, bumps its version, and refuses a stale VersionId with ConcurrentModificationException', async () => {
    const lf = model()
    await lf.handle('CreateDataCellsFilter', {TableData: tableData('f')})
    await lf.handle('UpdateDataCellsFilter', {TableData: tableData('f', {ColumnNames: ['eventname'], VersionId: '1'})})
    await expect(lf.handle('GetDataCellsFilter', identity('f'))).resolves.toMatchObject({DataCellsFilter: {ColumnNames: ['eventname'], VersionId: '2'}})
    expect(await rejection(lf.handle('UpdateDataCellsFilter', {TableData: tableData('f', {VersionId: '1'})}))).toMatchObject({code: 'ConcurrentModificationException'})
    expect(await rejection(lf.handle('UpdateDataCellsFilter', {TableData: tableData('missing')}))).toMatchObject({code: 'EntityNotFoundException'})
  })

  it('deletes a filter and the grants on it', async () => {
    const lf = model()
    await lf.handle('CreateDataCellsFilter', {TableData: tableData('eu_only')})
    await grant(lf, ALICE, FILTER, ['SELECT', 'DESCRIBE'])
    await grant(lf, ALICE, TABLE, ['DESCRIBE'])
    await lf.handle('DeleteDataCellsFilter', identity('eu_only'))
    expect(await rejection(lf.handle('GetDataCellsFilter', identity('eu_only')))).toMatchObject({code: 'EntityNotFoundException'})
    expect((await entries(lf, {IncludeRelated: 'TRUE'})).map(([, resource]) => Object.keys(resource as Resource)[0])).toEqual(['Table'])
    expect(await rejection(lf.handle('DeleteDataCellsFilter', identity('eu_only')))).toMatchObject({code: 'EntityNotFoundException'})
    expect(await rejection(grant(lf, ALICE, FILTER, ['SELECT']))).toMatchObject({code: 'InvalidInputException'})
  })

  it('lists filters in pages, for a table or a database', async () => {
    const lf = model()
    for (const [table, name] of [['events', 'b'], ['events', 'a'], ['other', 'c']]) {
      await lf.handle('CreateDataCellsFilter', {TableData: {...tableData(name), TableName: table}})
    }
    await lf.handle('CreateDataCellsFilter', {TableData: {...tableData('d'), DatabaseName: 'elsewhere'}})
    const names = async (input: Record<string, unknown>) => {
      const found: string[][] = []
      let token: string | undefined
      do {
        const page = (await lf.handle('ListDataCellsFilter', {...input, ...(token ? {NextToken: token} : {})})) as {DataCellsFilters: {Name: string}[]; NextToken?: string}
        found.push(page.DataCellsFilters.map((filter) => filter.Name))
        token = page.NextToken
      } while (token)
      return found
    }
    expect(await names({MaxResults: 2})).toEqual([['d', 'a'], ['b', 'c']])
    expect(await names({Table: {DatabaseName: 'trail', Name: 'events'}})).toEqual([['a', 'b']])
    expect(await names({Table: {DatabaseName: 'trail', TableWildcard: {}}})).toEqual([['a', 'b', 'c']])
    expect(await rejection(lf.handle('ListDataCellsFilter', {MaxResults: 0}))).toMatchObject({code: 'InvalidInputException'})
  })
})

describe('LakeFormationModel: operations', () => {
  it('registers one handler per grant, LF-tag and data cells filter operation', () => {
    expect(LakeFormationModel.operations).toEqual(
      expect.arrayContaining([
        'GrantPermissions',
        'RevokePermissions',
        'BatchGrantPermissions',
        'BatchRevokePermissions',
        'ListPermissions',
        'CreateLFTag',
        'GetLFTag',
        'UpdateLFTag',
        'DeleteLFTag',
        'ListLFTags',
        'AddLFTagsToResource',
        'RemoveLFTagsFromResource',
        'GetResourceLFTags',
        'CreateDataCellsFilter',
        'GetDataCellsFilter',
        'UpdateDataCellsFilter',
        'DeleteDataCellsFilter',
        'ListDataCellsFilter',
      ]),
    )
  })
})
