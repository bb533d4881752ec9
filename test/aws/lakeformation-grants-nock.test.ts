import {
  AddLFTagsToResourceCommand,
  AlreadyExistsException,
  BatchGrantPermissionsCommand,
  BatchRevokePermissionsCommand,
  ConcurrentModificationException,
  CreateDataCellsFilterCommand,
  CreateLFTagCommand,
  EntityNotFoundException,
  GetDataCellsFilterCommand,
  GetLFTagCommand,
  GetResourceLFTagsCommand,
  GrantPermissionsCommand,
  InvalidInputException,
  ListPermissionsCommand,
  RevokePermissionsCommand,
  paginateListPermissions,
  type BatchPermissionsRequestEntry,
} from '@aws-sdk/client-lakeformation'
import nock from 'nock'

import {LakeFormationModel} from '../support/lakeformation/model'
import {mountLakeFormationModel} from '../support/lakeformation/nock'
import {failure, modelClient} from '../support/lakeformation/test-helpers'
import {useNock} from '../support/nock-setup'

const ACCOUNT = '123456789012'
const ALICE = `arn:aws:iam::${ACCOUNT}:role/Alice`
const UPDATED = new Date('2026-03-04T05:06:07Z')

const client = modelClient

function databaseEntry(id: string, database: string, permissions: string[] = ['DESCRIBE']): BatchPermissionsRequestEntry {
  return {Id: id, Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Database: {Name: database}}, Permissions: permissions as BatchPermissionsRequestEntry['Permissions']}
}

describe('Lake Formation grants, LF-tags and data cells filters behind nock, through the real SDK', () => {
  let model: LakeFormationModel
  let scope: nock.Scope

  useNock()
  beforeEach(() => {
    model = new LakeFormationModel({accountId: ACCOUNT, now: () => UPDATED})
    scope = mountLakeFormationModel(model)
  })

  it('brings a partial BatchGrantPermissions failure back as Failures, by entry Id, and applies the rest', async () => {
    const lf = client()
    const out = await lf.send(
      new BatchGrantPermissionsCommand({
        Entries: [databaseEntry('0', 'trail'), databaseEntry('1', 'trail', ['SELECT']), databaseEntry('2', 'audit', ['DESCRIBE'])],
      }),
    )
    expect(out.$metadata.httpStatusCode).toBe(200)
    expect(out.Failures).toEqual([
      {
        RequestEntry: {Id: '1', Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Database: {Name: 'trail'}}, Permissions: ['SELECT']},
        Error: {ErrorCode: 'InvalidInputException', ErrorMessage: expect.stringContaining('SELECT is not valid on database trail')},
      },
    ])
    const {PrincipalResourcePermissions} = await lf.send(new ListPermissionsCommand({}))
    expect(PrincipalResourcePermissions?.map((entry) => entry.Resource?.Database?.Name)).toEqual(['audit', 'trail'])
    scope.done()
  })

  it('brings injected contention and revokes of missing grants back as Failures of a batch revoke', async () => {
    const lf = client()
    await lf.send(new BatchGrantPermissionsCommand({Entries: [databaseEntry('0', 'a'), databaseEntry('1', 'b')]}))
    model.failNextWrites(1)
    const out = await lf.send(new BatchRevokePermissionsCommand({Entries: [databaseEntry('0', 'a'), databaseEntry('1', 'b'), databaseEntry('2', 'never')]}))
    expect(out.Failures?.map((entry) => [entry.RequestEntry?.Id, entry.Error?.ErrorCode, entry.Error?.ErrorMessage])).toEqual([
      ['0', 'ConcurrentModificationException', expect.stringContaining('Concurrent modification')],
      ['2', 'InvalidInputException', 'Grantee has no permissions and no grantable permissions on resource'],
    ])
    const {PrincipalResourcePermissions} = await lf.send(new ListPermissionsCommand({}))
    expect(PrincipalResourcePermissions?.map((entry) => entry.Resource?.Database?.Name)).toEqual(['a'])
    scope.done()
  })

  it('walks every page with paginateListPermissions', async () => {
    const lf = client()
    const names = Array.from({length: 45}, (_, i) => `db${String(i).padStart(2, '0')}`)
    for (let start = 0; start < names.length; start += 20) {
      const out = await lf.send(new BatchGrantPermissionsCommand({Entries: names.slice(start, start + 20).map((name, i) => databaseEntry(String(i), name))}))
      expect(out.Failures).toEqual([])
    }
    const pages: string[][] = []
    for await (const page of paginateListPermissions({client: lf, pageSize: 20}, {ResourceType: 'DATABASE'})) {
      pages.push((page.PrincipalResourcePermissions ?? []).map((entry) => entry.Resource?.Database?.Name ?? ''))
    }
    expect(pages).toEqual([names.slice(0, 20), names.slice(20, 40), names.slice(40)])
    scope.done()
  })

  // The split is the AWS CLI's `lakeformation list-permissions` example 2: SELECT only on the twin.
  it('lists a table grant as a Table entry without SELECT and a TableWithColumns entry with it, with LastUpdated as a Date', async () => {
    const lf = client()
    await lf.send(
      new GrantPermissionsCommand({
        Principal: {DataLakePrincipalIdentifier: ALICE},
        Resource: {TableWithColumns: {DatabaseName: 'trail', Name: 'events', ColumnWildcard: {}}},
        Permissions: ['SELECT'],
        PermissionsWithGrantOption: ['SELECT'],
      }),
    )
    await lf.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Table: {DatabaseName: 'trail', Name: 'events'}}, Permissions: ['DESCRIBE']}))
    const {PrincipalResourcePermissions} = await lf.send(new ListPermissionsCommand({Resource: {Table: {DatabaseName: 'trail', Name: 'events'}}}))
    expect(PrincipalResourcePermissions).toEqual([
      {
        Principal: {DataLakePrincipalIdentifier: ALICE},
        Resource: {Table: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events'}},
        Permissions: ['DESCRIBE'],
        PermissionsWithGrantOption: [],
        LastUpdated: UPDATED,
      },
      {
        Principal: {DataLakePrincipalIdentifier: ALICE},
        Resource: {TableWithColumns: {CatalogId: ACCOUNT, DatabaseName: 'trail', Name: 'events', ColumnWildcard: {}}},
        Permissions: ['SELECT'],
        PermissionsWithGrantOption: ['SELECT'],
        LastUpdated: UPDATED,
      },
    ])
    scope.done()
  })

  it('surfaces model errors as the SDK exception classes', async () => {
    const lf = client()
    const revoke = new RevokePermissionsCommand({Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Database: {Name: 'trail'}}, Permissions: ['DESCRIBE']})
    const missing = await failure(lf.send(revoke))
    expect(missing).toBeInstanceOf(InvalidInputException)
    expect(missing.message).toBe('Grantee has no permissions and no grantable permissions on resource')
    expect(missing.$metadata?.httpStatusCode).toBe(400)

    model.failNextWrites(1)
    const grant = new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: ALICE}, Resource: {Database: {Name: 'trail'}}, Permissions: ['DESCRIBE']})
    expect(await failure(lf.send(grant))).toBeInstanceOf(ConcurrentModificationException)
    await expect(lf.send(grant)).resolves.toBeDefined()

    await lf.send(new CreateLFTagCommand({TagKey: 'Domain', TagValues: ['Audit']}))
    expect(await failure(lf.send(new CreateLFTagCommand({TagKey: 'domain', TagValues: ['audit']})))).toBeInstanceOf(AlreadyExistsException)
    expect(await failure(lf.send(new GetLFTagCommand({TagKey: 'owner'})))).toBeInstanceOf(EntityNotFoundException)
    expect(await failure(lf.send(new ListPermissionsCommand({IncludeRelated: 'TRUE', Principal: {DataLakePrincipalIdentifier: ALICE}})))).toBeInstanceOf(InvalidInputException)
    scope.done()
  })

  it('round-trips LF-tags, assignments and data cells filters', async () => {
    const lf = client()
    await lf.send(new CreateLFTagCommand({TagKey: 'Domain', TagValues: ['Audit', 'Sales']}))
    await expect(lf.send(new GetLFTagCommand({TagKey: 'domain'}))).resolves.toMatchObject({TagKey: 'domain', TagValues: ['audit', 'sales']})
    const added = await lf.send(new AddLFTagsToResourceCommand({Resource: {Table: {DatabaseName: 'trail', Name: 'events'}}, LFTags: [{TagKey: 'domain', TagValues: ['audit']}]}))
    expect(added.Failures).toEqual([])
    await expect(lf.send(new GetResourceLFTagsCommand({Resource: {Table: {DatabaseName: 'trail', Name: 'events'}}}))).resolves.toMatchObject({
      LFTagsOnTable: [{CatalogId: ACCOUNT, TagKey: 'domain', TagValues: ['audit']}],
    })

    await lf.send(
      new CreateDataCellsFilterCommand({
        TableData: {TableCatalogId: ACCOUNT, DatabaseName: 'trail', TableName: 'events', Name: 'all_rows', RowFilter: {AllRowsWildcard: {}}, ColumnWildcard: {ExcludedColumnNames: ['sourceipaddress']}},
      }),
    )
    const {DataCellsFilter} = await lf.send(new GetDataCellsFilterCommand({TableCatalogId: ACCOUNT, DatabaseName: 'trail', TableName: 'events', Name: 'all_rows'}))
    expect(DataCellsFilter).toEqual({
      TableCatalogId: ACCOUNT,
      DatabaseName: 'trail',
      TableName: 'events',
      Name: 'all_rows',
      RowFilter: {AllRowsWildcard: {}},
      ColumnWildcard: {ExcludedColumnNames: ['sourceipaddress']},
      VersionId: '1',
    })
    scope.done()
  })
})
