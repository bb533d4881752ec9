import {hiveType, inferColumns, inferType, mergeTypes, selectJsonPath} from '../support/sandbox/glue/schema-inference'
import {tableNameOf, splitS3Path} from '../support/sandbox/glue/crawl'
import {policiesAllow, roleNameOf} from '../support/sandbox/glue/iam-policy'

describe('JsonPath selection', () => {
  const document = {Records: [{a: 1}, {a: 2}], nested: {list: [[1, 2], [3]]}}

  it.each([
    ['$', [document]],
    ['$.Records[*]', [{a: 1}, {a: 2}]],
    ['$.Records[1]', [{a: 2}]],
    ["$['Records'][0].a", [1]],
    ['$.nested.list[*]', [[1, 2], [3]]],
    ['$.missing[*]', []],
    ['$.Records.*', [{a: 1}, {a: 2}]],
  ])('%s', (path, expected) => {
    expect(selectJsonPath(document, path)).toEqual(expected)
  })

  it('spreads a top-level array with $[*]', () => {
    expect(selectJsonPath([{a: 1}, {b: 2}], '$[*]')).toEqual([{a: 1}, {b: 2}])
  })

  it('refuses what it does not support, rather than selecting nothing', () => {
    expect(() => selectJsonPath(document, 'Records')).toThrow(/must start with \$/)
    expect(() => selectJsonPath(document, '$..a')).toThrow(/not supported/)
  })
})

describe('schema inference', () => {
  it.each([
    ['text', 'string'],
    [42, 'bigint'],
    [4.2, 'double'],
    [true, 'boolean'],
    [null, 'string'],
    [[], 'array<string>'],
    [[1, 2.5], 'array<double>'],
    [{}, 'string'],
    [{Type: 'x', N: 1}, 'struct<type:string,n:bigint>'],
    [[{a: 1}, {b: 'x'}], 'array<struct<a:bigint,b:string>>'],
  ])('types %j as %s', (value, type) => {
    expect(hiveType(inferType(value))).toBe(type)
  })

  it('merges across records: null yields, bigint widens to double, disagreement falls back to string', () => {
    const merged = (values: unknown[]) => hiveType(values.map(inferType).reduce(mergeTypes))
    expect(merged([null, 3])).toBe('bigint')
    expect(merged([3, 3.5])).toBe('double')
    expect(merged(['3', 3])).toBe('string')
    expect(merged([{a: 1}, 'text'])).toBe('string')
    expect(merged([{a: {x: 1}}, {a: {y: true}}, {a: null}])).toBe('struct<a:struct<x:bigint,y:boolean>>')
  })

  it('lower-cases names as Glue does, keeps first-seen order, and merges fields that differ only in case', () => {
    const columns = inferColumns([{eventVersion: '1.09', userIdentity: {type: 'IAMUser', principalId: 'A'}}, {EventVersion: '1.10', readOnly: true, userIdentity: {sessionContext: {attributes: {mfaAuthenticated: 'false'}}}}])
    expect(columns).toEqual([
      {Name: 'eventversion', Type: 'string'},
      {Name: 'useridentity', Type: 'struct<type:string,principalid:string,sessioncontext:struct<attributes:struct<mfaauthenticated:string>>>'},
      {Name: 'readonly', Type: 'boolean'},
    ])
  })

  it('ignores rows that are not objects', () => {
    expect(inferColumns(['a', 1, null, {a: 1}])).toEqual([{Name: 'a', Type: 'bigint'}])
  })
})

describe('crawler naming and IAM', () => {
  it.each([
    ['s3://lake-data/cloudtrail', '', 'cloudtrail'],
    ['s3://lake-data/cloudtrail/', '', 'cloudtrail'],
    ['s3://lake-data/logs/Cloud-Trail', 'ct_', 'ct_cloud_trail'],
    ['s3://lake-data', '', 'lake_data'],
  ])('names the table of %s (prefix %j) %s', (path, prefix, name) => {
    expect(tableNameOf(path, prefix)).toBe(name)
  })

  it('splits S3 paths into bucket and key prefix', () => {
    expect(splitS3Path('s3://b/a/c')).toEqual({bucket: 'b', prefix: 'a/c/'})
    expect(splitS3Path('s3://b/')).toEqual({bucket: 'b', prefix: ''})
    expect(splitS3Path('s3://b')).toEqual({bucket: 'b', prefix: ''})
  })

  it('reads the role name from a name, a path or an ARN', () => {
    expect(roleNameOf('Crawler')).toBe('Crawler')
    expect(roleNameOf('service-role/Crawler')).toBe('Crawler')
    expect(roleNameOf('arn:aws:iam::123456789012:role/service-role/Crawler')).toBe('Crawler')
  })

  it.each([
    [{Statement: [{Effect: 'Allow', Action: 'lakeformation:GetDataAccess', Resource: '*'}]}, true],
    [{Statement: {Effect: 'Allow', Action: ['s3:GetObject', 'LakeFormation:GetData*'], Resource: '*'}}, true],
    [{Statement: [{Effect: 'Allow', Action: 'lakeformation:*', Resource: '*'}]}, true],
    [{Statement: [{Effect: 'Allow', Action: '*', Resource: '*'}]}, true],
    [{Statement: [{Effect: 'Allow', NotAction: 'iam:*', Resource: '*'}]}, true],
    [{Statement: [{Effect: 'Allow', Action: 'lakeformation:GetDataLakeSettings', Resource: '*'}]}, false],
    [{Statement: [{Effect: 'Allow', Action: 'glue:*', Resource: '*'}]}, false],
    [
      {
        Statement: [
          {Effect: 'Allow', Action: '*', Resource: '*'},
          {Effect: 'Deny', Action: 'lakeformation:GetDataAccess', Resource: '*'},
        ],
      },
      false,
    ],
  ])('policy %j allows lakeformation:GetDataAccess: %s', (policy, allowed) => {
    expect(policiesAllow([policy], 'lakeformation:GetDataAccess')).toBe(allowed)
  })
})
