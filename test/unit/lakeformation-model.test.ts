import {LakeFormationModel, type LocationToVerify} from '../support/lakeformation/model'
import {handleRestJson} from '../support/lakeformation/rest-json'
import {rejection} from '../support/lakeformation/test-helpers'

const ACCOUNT = '123456789012'
const ROLE = `arn:aws:iam::${ACCOUNT}:role/LakeRegistration`
const SLR = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess`
const IAM_ONLY = [{Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Permissions: ['ALL']}]
const T0 = new Date('2026-01-01T00:00:00Z')

function model(verify?: (location: LocationToVerify) => Promise<'VERIFIED' | 'NOT_VERIFIED' | 'VERIFICATION_FAILED'>) {
  return new LakeFormationModel({accountId: ACCOUNT, verify, now: () => T0})
}

async function settingsOf(lf: LakeFormationModel) {
  return ((await lf.handle('GetDataLakeSettings', {})) as {DataLakeSettings: Record<string, unknown>}).DataLakeSettings
}

describe('LakeFormationModel: data lake settings', () => {
  it('starts as a fresh account: no admins, and IAM decides for new databases and tables', async () => {
    expect(await settingsOf(model())).toEqual({
      DataLakeAdmins: [],
      ReadOnlyAdmins: [],
      CreateDatabaseDefaultPermissions: IAM_ONLY,
      CreateTableDefaultPermissions: IAM_ONLY,
      TrustedResourceOwners: [],
      AllowExternalDataFiltering: false,
      ExternalDataFilteringAllowList: [],
      AuthorizedSessionTagValueList: [],
      AllowFullTableExternalDataAccess: false,
    })
  })

  it('replaces the whole object on Put: what is left out is reset, admins included', async () => {
    const lf = model()
    const admin = {DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/Admin`}
    await lf.handle('PutDataLakeSettings', {DataLakeSettings: {DataLakeAdmins: [admin], CreateDatabaseDefaultPermissions: IAM_ONLY, Parameters: {CROSS_ACCOUNT_VERSION: '4'}}})
    expect(await settingsOf(lf)).toMatchObject({
      DataLakeAdmins: [admin],
      CreateDatabaseDefaultPermissions: IAM_ONLY,
      CreateTableDefaultPermissions: [],
      Parameters: {CROSS_ACCOUNT_VERSION: '4'},
    })

    await lf.handle('PutDataLakeSettings', {DataLakeSettings: {ReadOnlyAdmins: [admin]}})
    const after = await settingsOf(lf)
    expect(after).toMatchObject({DataLakeAdmins: [], ReadOnlyAdmins: [admin], CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: []})
    expect(after).not.toHaveProperty('Parameters')
  })

  it('returns copies: changing an answer does not change the account', async () => {
    const lf = model()
    const settings = await settingsOf(lf)
    ;(settings.DataLakeAdmins as unknown[]).push({DataLakePrincipalIdentifier: 'x'})
    expect((await settingsOf(lf)).DataLakeAdmins).toEqual([])
  })

  it.each([
    ['a permission other than ALL', [{Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Permissions: ['SELECT']}]],
    ['ALL plus another permission', [{Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Permissions: ['ALL', 'SELECT']}]],
    ['a principal other than IAM_ALLOWED_PRINCIPALS', [{Principal: {DataLakePrincipalIdentifier: ROLE}, Permissions: ['ALL']}]],
    ['two entries', [...IAM_ONLY, ...IAM_ONLY]],
    ['an entry without a principal', [{Permissions: ['ALL']}]],
  ])('rejects default permissions with %s, and keeps the old settings', async (_, defaults) => {
    for (const field of ['CreateDatabaseDefaultPermissions', 'CreateTableDefaultPermissions']) {
      const lf = model()
      const error = await rejection(lf.handle('PutDataLakeSettings', {DataLakeSettings: {[field]: defaults}}))
      expect(error).toMatchObject({code: 'InvalidInputException', status: 400})
      expect(error.message).toContain(field)
      expect((await settingsOf(lf))[field]).toEqual(IAM_ONLY)
    }
  })

  it.each([
    ['no DataLakeSettings', {}],
    ['an admin that is not an IAM user or role', {DataLakeSettings: {DataLakeAdmins: [{DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}]}}],
    ['an admin without an identifier', {DataLakeSettings: {DataLakeAdmins: [{}]}}],
    ['an unknown CROSS_ACCOUNT_VERSION', {DataLakeSettings: {Parameters: {CROSS_ACCOUNT_VERSION: '6'}}}],
    ['a trusted owner that is not an account id', {DataLakeSettings: {TrustedResourceOwners: ['me']}}],
    // DataLakePrincipalList: "max": 30 in botocore lakeformation/2017-03-31/service-2.json.
    ['31 admins', {DataLakeSettings: {DataLakeAdmins: Array.from({length: 31}, (_, i) => ({DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/A${i}`}))}}],
    ['31 read-only admins', {DataLakeSettings: {ReadOnlyAdmins: Array.from({length: 31}, (_, i) => ({DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/R${i}`}))}}],
    // The API reference, DataLakeSettings.Parameters: SET_SOURCE_IDENTITY is "TRUE" or "FALSE".
    ['SET_SOURCE_IDENTITY other than TRUE or FALSE', {DataLakeSettings: {Parameters: {SET_SOURCE_IDENTITY: 'yes'}}}],
    // CatalogId is the account id ("By default, the account ID"): 12 digits.
    ['a CatalogId that is not an account id', {CatalogId: 'my-catalog', DataLakeSettings: {}}],
  ])('rejects a Put with %s', async (_, input) => {
    const lf = model()
    expect(await rejection(lf.handle('PutDataLakeSettings', input))).toMatchObject({code: 'InvalidInputException', status: 400})
    expect((await settingsOf(lf)).DataLakeAdmins).toEqual([])
  })

  it('takes 30 admins, and SET_SOURCE_IDENTITY TRUE or FALSE', async () => {
    const lf = model()
    const admins = Array.from({length: 30}, (_, i) => ({DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/A${i}`}))
    for (const value of ['TRUE', 'FALSE']) {
      await expect(lf.handle('PutDataLakeSettings', {CatalogId: ACCOUNT, DataLakeSettings: {DataLakeAdmins: admins, Parameters: {SET_SOURCE_IDENTITY: value}}})).resolves.toEqual({})
    }
    expect((await settingsOf(lf)).DataLakeAdmins).toHaveLength(30)
  })

  it("refuses another account's catalog", async () => {
    expect(await rejection(model().handle('GetDataLakeSettings', {CatalogId: '999999999999'}))).toMatchObject({code: 'AccessDeniedException', status: 403})
    await expect(model().handle('GetDataLakeSettings', {CatalogId: ACCOUNT})).resolves.toHaveProperty('DataLakeSettings')
  })
})

describe('LakeFormationModel: registered locations', () => {
  it('registers with a role and describes it, optional fields kept', async () => {
    const lf = model()
    await lf.handle('RegisterResource', {
      ResourceArn: 'arn:aws:s3:::lake/cloudtrail',
      RoleArn: ROLE,
      HybridAccessEnabled: true,
      WithFederation: true,
      WithPrivilegedAccess: true,
      ExpectedResourceOwnerAccount: ACCOUNT,
    })
    expect(await lf.handle('DescribeResource', {ResourceArn: 'arn:aws:s3:::lake/cloudtrail'})).toEqual({
      ResourceInfo: {
        ResourceArn: 'arn:aws:s3:::lake/cloudtrail',
        RoleArn: ROLE,
        LastModified: T0,
        WithFederation: true,
        HybridAccessEnabled: true,
        WithPrivilegedAccess: true,
        VerificationStatus: 'VERIFIED',
        ExpectedResourceOwnerAccount: ACCOUNT,
      },
    })
  })

  it("stores the service-linked role's ARN for UseServiceLinkedRole", async () => {
    const lf = model()
    await lf.handle('RegisterResource', {ResourceArn: 'arn:aws:s3:::lake', UseServiceLinkedRole: true})
    expect(await lf.handle('DescribeResource', {ResourceArn: 'arn:aws:s3:::lake'})).toMatchObject({
      ResourceInfo: {RoleArn: SLR, HybridAccessEnabled: false, WithFederation: false},
    })
  })

  it.each([
    ['no ResourceArn', {RoleArn: ROLE}],
    ['a ResourceArn that is not an S3 location', {ResourceArn: 'arn:aws:glue:us-east-1:123456789012:database/x', RoleArn: ROLE}],
    ['both UseServiceLinkedRole and RoleArn', {ResourceArn: 'arn:aws:s3:::lake', UseServiceLinkedRole: true, RoleArn: ROLE}],
    ['neither UseServiceLinkedRole nor RoleArn', {ResourceArn: 'arn:aws:s3:::lake'}],
    ['UseServiceLinkedRole false and no RoleArn', {ResourceArn: 'arn:aws:s3:::lake', UseServiceLinkedRole: false}],
    ['a RoleArn that is not a role', {ResourceArn: 'arn:aws:s3:::lake', RoleArn: `arn:aws:iam::${ACCOUNT}:user/bob`}],
    ['a malformed ExpectedResourceOwnerAccount', {ResourceArn: 'arn:aws:s3:::lake', RoleArn: ROLE, ExpectedResourceOwnerAccount: '12'}],
  ])('rejects RegisterResource with %s', async (_, input) => {
    const lf = model()
    expect(await rejection(lf.handle('RegisterResource', input))).toMatchObject({code: 'InvalidInputException', status: 400})
    expect(await lf.handle('ListResources', {})).toEqual({ResourceInfoList: []})
  })

  it('refuses to register a location twice, even when both calls race', async () => {
    const lf = model(() => new Promise((resolve) => setTimeout(() => resolve('VERIFIED'), 5)))
    const input = {ResourceArn: 'arn:aws:s3:::lake', RoleArn: ROLE}
    const results = await Promise.allSettled([lf.handle('RegisterResource', input), lf.handle('RegisterResource', input)])
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(await rejection(lf.handle('RegisterResource', input))).toMatchObject({code: 'AlreadyExistsException', status: 400})
  })

  it('answers EntityNotFoundException (HTTP 400) for a location that is not registered', async () => {
    const lf = model()
    for (const operation of ['DescribeResource', 'DeregisterResource']) {
      expect(await rejection(lf.handle(operation, {ResourceArn: 'arn:aws:s3:::nowhere'}))).toMatchObject({code: 'EntityNotFoundException', status: 400})
    }
    expect(await rejection(lf.handle('UpdateResource', {ResourceArn: 'arn:aws:s3:::nowhere', RoleArn: ROLE}))).toMatchObject({code: 'EntityNotFoundException'})
  })

  it('deregisters', async () => {
    const lf = model()
    await lf.handle('RegisterResource', {ResourceArn: 'arn:aws:s3:::lake', RoleArn: ROLE})
    await expect(lf.handle('DeregisterResource', {ResourceArn: 'arn:aws:s3:::lake'})).resolves.toEqual({})
    expect(await rejection(lf.handle('DescribeResource', {ResourceArn: 'arn:aws:s3:::lake'}))).toMatchObject({code: 'EntityNotFoundException'})
    await expect(lf.handle('RegisterResource', {ResourceArn: 'arn:aws:s3:::lake', RoleArn: ROLE})).resolves.toEqual({})
  })

  it('updates the role, keeps the options it is not given, and verifies again', async () => {
    const calls: LocationToVerify[] = []
    const lf = model(async (location) => {
      calls.push(location)
      return location.roleArn === ROLE ? 'VERIFIED' : 'NOT_VERIFIED'
    })
    await lf.handle('RegisterResource', {ResourceArn: 'arn:aws:s3:::lake', RoleArn: `arn:aws:iam::${ACCOUNT}:role/Old`, HybridAccessEnabled: true})
    await lf.handle('UpdateResource', {ResourceArn: 'arn:aws:s3:::lake', RoleArn: ROLE})
    expect(await lf.handle('DescribeResource', {ResourceArn: 'arn:aws:s3:::lake'})).toMatchObject({
      ResourceInfo: {RoleArn: ROLE, HybridAccessEnabled: true, VerificationStatus: 'VERIFIED'},
    })
    expect(calls).toEqual([
      {resourceArn: 'arn:aws:s3:::lake', roleArn: `arn:aws:iam::${ACCOUNT}:role/Old`, useServiceLinkedRole: false},
      {resourceArn: 'arn:aws:s3:::lake', roleArn: ROLE, useServiceLinkedRole: false},
    ])
  })

  it('requires RoleArn on UpdateResource and will not move a service-linked registration to a custom role', async () => {
    const lf = model()
    await lf.handle('RegisterResource', {ResourceArn: 'arn:aws:s3:::lake', UseServiceLinkedRole: true})
    expect(await rejection(lf.handle('UpdateResource', {ResourceArn: 'arn:aws:s3:::lake'}))).toMatchObject({code: 'InvalidInputException'})
    const error = await rejection(lf.handle('UpdateResource', {ResourceArn: 'arn:aws:s3:::lake', RoleArn: ROLE}))
    expect(error).toMatchObject({code: 'InvalidInputException'})
    expect(error.message).toMatch(/service-linked role/)
    expect(await lf.handle('DescribeResource', {ResourceArn: 'arn:aws:s3:::lake'})).toMatchObject({ResourceInfo: {RoleArn: SLR}})
  })

  it.each([
    ['VERIFIED', async () => 'VERIFIED' as const],
    ['NOT_VERIFIED', async () => 'NOT_VERIFIED' as const],
    ['VERIFICATION_FAILED', async () => 'VERIFICATION_FAILED' as const],
    ['VERIFICATION_FAILED', async (): Promise<'VERIFIED'> => Promise.reject(new Error('moto is down'))],
  ])('records %s from the verifier', async (expected, verify) => {
    const lf = model(verify)
    await lf.handle('RegisterResource', {ResourceArn: 'arn:aws:s3:::lake', UseServiceLinkedRole: true})
    expect(await lf.handle('DescribeResource', {ResourceArn: 'arn:aws:s3:::lake'})).toMatchObject({ResourceInfo: {VerificationStatus: expected}})
  })

  it('tells the verifier about the service-linked role', async () => {
    const verify = jest.fn(async () => 'VERIFIED' as const)
    await model(verify).handle('RegisterResource', {ResourceArn: 'arn:aws:s3:::lake/x', UseServiceLinkedRole: true})
    expect(verify).toHaveBeenCalledWith({resourceArn: 'arn:aws:s3:::lake/x', roleArn: undefined, useServiceLinkedRole: true})
  })
})

describe('LakeFormationModel: ListResources', () => {
  async function withLocations(count: number) {
    const lf = model()
    // Registered out of order: the listing must sort them.
    for (let i = count - 1; i >= 0; i--) await lf.handle('RegisterResource', {ResourceArn: `arn:aws:s3:::lake/p${String(i).padStart(3, '0')}`, RoleArn: ROLE})
    return lf
  }

  async function listAll(lf: LakeFormationModel, input: Record<string, unknown>) {
    const pages: string[][] = []
    let token: string | undefined
    do {
      const page = (await lf.handle('ListResources', {...input, ...(token ? {NextToken: token} : {})})) as {ResourceInfoList: {ResourceArn: string}[]; NextToken?: string}
      pages.push(page.ResourceInfoList.map((info) => info.ResourceArn.replace('arn:aws:s3:::lake/', '')))
      token = page.NextToken
    } while (token)
    return pages
  }

  it('pages with MaxResults and NextToken, in a stable order', async () => {
    const lf = await withLocations(5)
    expect(await listAll(lf, {MaxResults: 2})).toEqual([['p000', 'p001'], ['p002', 'p003'], ['p004']])
    expect(await listAll(lf, {MaxResults: 5})).toEqual([['p000', 'p001', 'p002', 'p003', 'p004']])
  })

  it('pages at 100 when MaxResults is left out', async () => {
    const pages = await listAll(await withLocations(101), {})
    expect(pages.map((page) => page.length)).toEqual([100, 1])
  })

  it('keeps a page boundary when a location before it is deregistered', async () => {
    const lf = await withLocations(4)
    const first = (await lf.handle('ListResources', {MaxResults: 2})) as {NextToken: string}
    await lf.handle('DeregisterResource', {ResourceArn: 'arn:aws:s3:::lake/p000'})
    const second = (await lf.handle('ListResources', {MaxResults: 2, NextToken: first.NextToken})) as {ResourceInfoList: {ResourceArn: string}[]}
    expect(second.ResourceInfoList.map((info) => info.ResourceArn)).toEqual(['arn:aws:s3:::lake/p002', 'arn:aws:s3:::lake/p003'])
  })

  it('filters on the resource ARN', async () => {
    const lf = await withLocations(3)
    await lf.handle('RegisterResource', {ResourceArn: 'arn:aws:s3:::other', UseServiceLinkedRole: true})
    const filter = {FilterConditionList: [{Field: 'RESOURCE_ARN', ComparisonOperator: 'BEGINS_WITH', StringValueList: ['arn:aws:s3:::lake/']}]}
    expect(await listAll(lf, {...filter, MaxResults: 2})).toEqual([['p000', 'p001'], ['p002']])
    const bySlr = {FilterConditionList: [{Field: 'ROLE_ARN', ComparisonOperator: 'EQ', StringValueList: [SLR]}]}
    expect(await listAll(lf, bySlr)).toEqual([['arn:aws:s3:::other']])
  })

  it.each([
    ['MaxResults 0', {MaxResults: 0}],
    ['MaxResults 1001', {MaxResults: 1001}],
    ['a token that is not one', {NextToken: 'not-a-token'}],
  ])('rejects %s', async (_, input) => {
    expect(await rejection((await withLocations(3)).handle('ListResources', input))).toMatchObject({code: 'InvalidInputException'})
  })

  it('rejects a token from a listing with other filters', async () => {
    const lf = await withLocations(3)
    const {NextToken} = (await lf.handle('ListResources', {MaxResults: 1})) as {NextToken: string}
    const filter = [{Field: 'RESOURCE_ARN', ComparisonOperator: 'CONTAINS', StringValueList: ['p']}]
    expect(await rejection(lf.handle('ListResources', {MaxResults: 1, NextToken, FilterConditionList: filter}))).toMatchObject({code: 'InvalidInputException'})
  })
})

describe('LakeFormationModel: everything else', () => {
  it.each(['StartQueryPlanning', 'NoSuchOperation', 'toString', '__proto__'])('refuses %s as not modelled yet, never as a success', async (operation) => {
    const error = await rejection(model().handle(operation, {}))
    expect(error).toMatchObject({code: 'UnknownOperationException', status: 400})
    expect(error.message).toContain(`does not model the Lake Formation operation "${operation}" yet`)
  })

  it('rejects a body that is not an object', async () => {
    expect(await rejection(model().handle('ListResources', [1, 2]))).toMatchObject({code: 'InvalidInputException'})
  })

  it('forgets everything on reset', async () => {
    const lf = model()
    await lf.handle('RegisterResource', {ResourceArn: 'arn:aws:s3:::lake', RoleArn: ROLE})
    await lf.handle('PutDataLakeSettings', {DataLakeSettings: {}})
    await lf.handle('CreateLFTag', {TagKey: 'domain', TagValues: ['audit']})
    await lf.handle('GrantPermissions', {Principal: {DataLakePrincipalIdentifier: ROLE}, Resource: {Database: {Name: 'trail'}}, Permissions: ['DESCRIBE']})
    await lf.handle('CreateDataCellsFilter', {
      TableData: {TableCatalogId: ACCOUNT, DatabaseName: 'trail', TableName: 'events', Name: 'f', RowFilter: {AllRowsWildcard: {}}, ColumnWildcard: {}},
    })
    lf.failNextWrites(1)
    lf.reset()
    expect(await lf.handle('ListResources', {})).toEqual({ResourceInfoList: []})
    expect((await settingsOf(lf)).CreateTableDefaultPermissions).toEqual(IAM_ONLY)
    expect(await lf.handle('ListLFTags', {})).toEqual({LFTags: []})
    expect(await lf.handle('ListPermissions', {IncludeRelated: 'TRUE'})).toEqual({PrincipalResourcePermissions: []})
    expect(await lf.handle('ListDataCellsFilter', {})).toEqual({DataCellsFilters: []})
    // The injected failure went with the rest.
    await expect(lf.handle('GrantPermissions', {Principal: {DataLakePrincipalIdentifier: ROLE}, Resource: {Database: {Name: 'trail'}}, Permissions: ['DESCRIBE']})).resolves.toEqual({})
  })
})

describe('restJson1 translation', () => {
  it('answers with the output as JSON, timestamps in epoch seconds', async () => {
    const lf = model()
    await lf.handle('RegisterResource', {ResourceArn: 'arn:aws:s3:::lake', RoleArn: ROLE})
    const response = await handleRestJson(lf, {method: 'POST', path: '/DescribeResource', body: '{"ResourceArn":"arn:aws:s3:::lake"}'}, 'req-1')
    expect(response.status).toBe(200)
    expect(response.headers).toEqual({'content-type': 'application/json', 'x-amzn-requestid': 'req-1'})
    expect(JSON.parse(response.body).ResourceInfo).toMatchObject({ResourceArn: 'arn:aws:s3:::lake', LastModified: T0.getTime() / 1000})
  })

  it('answers errors with x-amzn-ErrorType, the status of the code and a Message', async () => {
    const response = await handleRestJson(model(), {method: 'POST', path: '/DescribeResource', body: '{"ResourceArn":"arn:aws:s3:::lake"}'}, 'req-2')
    expect(response.status).toBe(400)
    expect(response.headers['x-amzn-errortype']).toBe('EntityNotFoundException')
    expect(JSON.parse(response.body)).toEqual({Message: expect.stringContaining('arn:aws:s3:::lake')})
  })

  it('refuses malformed JSON and non-POST calls', async () => {
    const bad = await handleRestJson(model(), {method: 'POST', path: '/ListResources', body: '{'})
    expect([bad.status, bad.headers['x-amzn-errortype']]).toEqual([400, 'SerializationException'])
    const get = await handleRestJson(model(), {method: 'GET', path: '/ListResources', body: ''})
    expect([get.status, get.headers['x-amzn-errortype']]).toEqual([400, 'UnknownOperationException'])
  })
})
