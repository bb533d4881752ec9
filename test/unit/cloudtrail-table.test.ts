import {readFileSync, readdirSync} from 'node:fs'
import path from 'node:path'
import {gunzipSync} from 'node:zlib'

import {
  CLOUDTRAIL_COLUMNS,
  buildCloudTrailTable,
  diffCloudTrailTable,
  logRootOf,
  tableInputForUpdate,
  type CloudTrailTableInput,
  type CloudTrailTableOptions,
  type ExistingTable,
} from '../../src/core/catalog/cloudtrail-table'
import {COMMERCIAL_REGIONS, logTableOf, resolveTableFlags, resolveTableOptions, utcDay} from '../../src/core/catalog/table-options'
import {planTable} from '../../src/core/catalog/table-plan'
import {LakegovError} from '../../src/core/errors'
import type {Grant} from '../../src/core/model/grant'

const ACCOUNT = '123456789012'
const OTHER = '444455556666'
const ORG = 'o-a1b2c3d4e5'

function options(overrides: Partial<CloudTrailTableOptions> = {}): CloudTrailTableOptions {
  return {database: 'cloudtrail', name: 'cloudtrail_logs', bucket: 'logs', prefix: 'AWSLogs/', accounts: [ACCOUNT], regions: ['us-east-1'], startDate: '2020/01/01', ...overrides}
}

/** The table as GetTable returns one lakegov created: the input plus what Glue adds. */
function asExisting(input: CloudTrailTableInput): ExistingTable {
  const copy = JSON.parse(JSON.stringify(input)) as ExistingTable
  return {...copy, Parameters: {...copy.Parameters, transient_lastDdlTime: '1700000000'}}
}

const GOVERNED = {createTableDefaultPermissions: []}
const IAM_MODE = {createTableDefaultPermissions: [{principal: 'IAM_ALLOWED_PRINCIPALS', permissions: ['ALL']}]}

describe('buildCloudTrailTable', () => {
  it('reads one account and one region the way AWS documents it: a timestamp partition under .../CloudTrail/REGION', () => {
    const table = buildCloudTrailTable(options())
    expect(table.TableType).toBe('EXTERNAL_TABLE')
    expect(table.PartitionKeys).toEqual([{Name: 'timestamp', Type: 'string'}])
    expect(table.StorageDescriptor).toMatchObject({
      Location: `s3://logs/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1`,
      InputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      SerdeInfo: {SerializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe'},
    })
    expect(table.Parameters).toEqual({
      EXTERNAL: 'TRUE',
      classification: 'cloudtrail',
      'projection.enabled': 'true',
      'projection.timestamp.format': 'yyyy/MM/dd',
      'projection.timestamp.interval': '1',
      'projection.timestamp.interval.unit': 'DAYS',
      'projection.timestamp.range': '2020/01/01,NOW',
      'projection.timestamp.type': 'date',
      'storage.location.template': `s3://logs/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/\${timestamp}`,
    })
  })

  it('adds a region partition, projected as an enum, for all regions; the location moves up to CloudTrail/', () => {
    const table = buildCloudTrailTable(options({regions: [...COMMERCIAL_REGIONS].reverse()}))
    expect(table.PartitionKeys.map((key) => key.Name)).toEqual(['region', 'timestamp'])
    expect(table.StorageDescriptor.Location).toBe(`s3://logs/AWSLogs/${ACCOUNT}/CloudTrail`)
    expect(table.Parameters['storage.location.template']).toBe(`s3://logs/AWSLogs/${ACCOUNT}/CloudTrail/\${region}/\${timestamp}`)
    expect(table.Parameters['projection.region.type']).toBe('enum')
    expect(table.Parameters['projection.region.values'].split(',')).toEqual([...COMMERCIAL_REGIONS].sort())
    expect(table.Parameters['projection.region.values'].split(',')).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-southeast-2']))
    expect(table.Parameters['projection.account.type']).toBeUndefined()
  })

  it('reads an organization trail of several accounts under AWSLogs/ORG_ID/, with account and region partitions', () => {
    const table = buildCloudTrailTable(options({accounts: [OTHER, ACCOUNT, OTHER], regions: ['eu-west-1', 'us-east-1'], organizationId: ORG}))
    expect(table.PartitionKeys.map((key) => key.Name)).toEqual(['account', 'region', 'timestamp'])
    expect(table.StorageDescriptor.Location).toBe(`s3://logs/AWSLogs/${ORG}`)
    expect(table.Parameters['storage.location.template']).toBe(`s3://logs/AWSLogs/${ORG}/\${account}/CloudTrail/\${region}/\${timestamp}`)
    expect(table.Parameters).toMatchObject({
      'projection.account.type': 'enum',
      'projection.account.values': `${ACCOUNT},${OTHER}`,
      'projection.region.type': 'enum',
      'projection.region.values': 'eu-west-1,us-east-1',
    })
  })

  it('reads an organization trail of several accounts in one region with an account partition only', () => {
    const table = buildCloudTrailTable(options({accounts: [ACCOUNT, OTHER], organizationId: ORG, prefix: 'logs/AWSLogs/'}))
    expect(table.PartitionKeys.map((key) => key.Name)).toEqual(['account', 'timestamp'])
    expect(table.Parameters['storage.location.template']).toBe(`s3://logs/logs/AWSLogs/${ORG}/\${account}/CloudTrail/us-east-1/\${timestamp}`)
  })

  it.each([
    ['AWSLogs/', 'AWSLogs/'],
    ['logs/AWSLogs/', 'logs/AWSLogs/'],
    ['logs/AWSLogs', 'logs/AWSLogs/'],
    ['', 'AWSLogs/'],
    ['org/', 'org/AWSLogs/'],
  ])('finds the AWSLogs/ folder under the lake.yaml prefix %j', (prefix, root) => {
    expect(logRootOf(prefix)).toBe(root)
    expect(buildCloudTrailTable(options({prefix})).StorageDescriptor.Location).toBe(`s3://logs/${root}${ACCOUNT}/CloudTrail/us-east-1`)
  })

  it('has a column for every top-level field of the documented table, in its order', () => {
    expect(CLOUDTRAIL_COLUMNS.map((column) => column.Name)).toEqual([
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
      'additionaleventdata',
      'requestid',
      'eventid',
      'readonly',
      'resources',
      'eventtype',
      'apiversion',
      'recipientaccountid',
      'serviceeventdetails',
      'sharedeventid',
      'vpcendpointid',
      'vpcendpointaccountid',
      'eventcategory',
      'addendum',
      'sessioncredentialfromconsole',
      'edgedevicedetails',
      'tlsdetails',
    ])
    const types = Object.fromEntries(CLOUDTRAIL_COLUMNS.map((column) => [column.Name, column.Type]))
    expect(types.resources).toBe('array<struct<arn:string,accountid:string,type:string>>')
    expect(types.tlsdetails).toBe('struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>')
    expect(types.addendum).toBe('struct<reason:string,updatedfields:string,originalrequestid:string,originaleventid:string>')
    expect(types.useridentity).toContain('onbehalfof:struct<userid:string,identitystorearn:string>')
    expect(types.useridentity).toContain('webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>')
    // Values whose shape depends on the service stay strings, as AWS documents them.
    expect([types.requestparameters, types.responseelements, types.additionaleventdata, types.serviceeventdetails]).toEqual(['string', 'string', 'string', 'string'])
  })

  it('covers every top-level field of real CloudTrail records but managementEvent, which the documented table leaves out', () => {
    const files: string[] = []
    const walk = (directory: string) => {
      for (const entry of readdirSync(directory, {withFileTypes: true})) {
        const full = path.join(directory, entry.name)
        if (entry.isDirectory()) walk(full)
        else if (full.endsWith('.json.gz') && !full.includes('CloudTrail-Digest')) files.push(full)
      }
    }
    walk(path.join(__dirname, '..', 'fixtures', 'cloudtrail', 'AWSLogs'))
    const fields = new Set(files.flatMap((file) => (JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {Records: object[]}).Records.flatMap((record) => Object.keys(record))))
    expect(fields.size).toBeGreaterThan(20)
    const columns = new Set(CLOUDTRAIL_COLUMNS.map((column) => column.Name))
    expect([...fields].filter((field) => !columns.has(field.toLowerCase())).sort()).toEqual(['managementEvent'])
  })
})

describe('diffCloudTrailTable', () => {
  const desired = buildCloudTrailTable(options())

  it('finds nothing for the table lakegov made, whatever Glue added to it', () => {
    expect(diffCloudTrailTable(asExisting(desired), desired)).toEqual([])
  })

  it('finds nothing for the same table written as Athena DDL: uppercase types, spaces, a trailing slash, enum values in another order', () => {
    const allRegions = buildCloudTrailTable(options({regions: ['us-east-1', 'eu-west-1']}))
    const existing = asExisting(allRegions)
    existing.StorageDescriptor!.Columns = existing.StorageDescriptor!.Columns!.map((column) => ({Name: column.Name.toUpperCase(), Type: column.Type!.toUpperCase().replace(/,/g, ', ')}))
    existing.StorageDescriptor!.Location += '/'
    existing.Parameters!['projection.region.values'] = 'us-east-1, eu-west-1'
    existing.Parameters!.comment = 'made by hand'
    expect(diffCloudTrailTable(existing, allRegions)).toEqual([])
  })

  it('lists a changed column type, a missing column and an extra one', () => {
    const existing = asExisting(desired)
    const columns = existing.StorageDescriptor!.Columns!.filter((column) => column.Name !== 'tlsdetails')
    existing.StorageDescriptor!.Columns = [...columns.map((column) => (column.Name === 'readonly' ? {...column, Type: 'boolean'} : column)), {Name: 'extra', Type: 'int'}]
    expect(diffCloudTrailTable(existing, desired)).toEqual([
      {field: 'column readonly', before: 'boolean', after: 'string'},
      {field: 'column tlsdetails', after: 'struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>'},
      {field: 'column extra', before: 'int'},
    ])
  })

  it('lists a changed location, SerDe and projection range', () => {
    const existing = asExisting(desired)
    existing.StorageDescriptor!.Location = 's3://logs/AWSLogs/'
    existing.StorageDescriptor!.SerdeInfo = {SerializationLibrary: 'com.amazon.emr.hive.serde.CloudTrailSerde'}
    existing.Parameters!['projection.timestamp.range'] = '2023/01/01,NOW'
    expect(diffCloudTrailTable(existing, desired)).toEqual([
      {field: 'location', before: 's3://logs/AWSLogs/', after: `s3://logs/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1`},
      {field: 'SerDe', before: 'com.amazon.emr.hive.serde.CloudTrailSerde', after: 'org.apache.hive.hcatalog.data.JsonSerDe'},
      {field: 'parameter projection.timestamp.range', before: '2023/01/01,NOW', after: '2020/01/01,NOW'},
    ])
  })

  it('lists partition keys and projection keys that no longer apply when regions go from several to one', () => {
    const existing = asExisting(buildCloudTrailTable(options({regions: ['eu-west-1', 'us-east-1']})))
    const differences = diffCloudTrailTable(existing, desired)
    expect(differences.map((difference) => difference.field)).toEqual([
      'partition key region',
      'location',
      'parameter projection.region.type',
      'parameter projection.region.values',
      'parameter storage.location.template',
    ])
    expect(differences.find((difference) => difference.field === 'parameter projection.region.type')).toEqual({field: 'parameter projection.region.type', before: 'enum'})
  })

  it('sees a table with no storage descriptor (a bare CreateTable) as different in every part', () => {
    const fields = diffCloudTrailTable({Name: 'cloudtrail_logs'}, desired).map((difference) => difference.field)
    expect(fields).toEqual(expect.arrayContaining(['table type', 'column eventversion', 'partition key timestamp', 'location', 'input format', 'output format', 'SerDe', 'parameter projection.enabled']))
  })
})

describe('tableInputForUpdate', () => {
  it("keeps what others set and drops lakegov's stale projection keys", () => {
    const existing = asExisting(buildCloudTrailTable(options({regions: ['eu-west-1', 'us-east-1']})))
    existing.Description = 'Our audit table'
    existing.Owner = 'security'
    existing.StorageDescriptor!.SerdeInfo!.Parameters = {'serialization.format': '1'}
    const input = tableInputForUpdate(existing, buildCloudTrailTable(options()))
    expect(input.Description).toBe('Our audit table')
    expect(input.Owner).toBe('security')
    expect(input.StorageDescriptor.SerdeInfo).toEqual({SerializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe', Parameters: {'serialization.format': '1'}})
    expect(input.Parameters.transient_lastDdlTime).toBe('1700000000')
    expect(Object.keys(input.Parameters).filter((key) => key.startsWith('projection.region'))).toEqual([])
    expect(input.PartitionKeys.map((key) => key.Name)).toEqual(['timestamp'])
    expect(diffCloudTrailTable(asExisting(input), buildCloudTrailTable(options()))).toEqual([])
  })
})

describe('planTable', () => {
  const desired = buildCloudTrailTable(options())
  const iamAllowed = (resource: Grant['resource']): Grant => ({principal: 'IAM_ALLOWED_PRINCIPALS', resource, permissions: ['ALL'], grantable: []})
  const grants: Grant[] = [
    iamAllowed({type: 'table', database: 'cloudtrail', table: 'cloudtrail_logs'}),
    // Lake Formation lists one table grant as Table and as TableWithColumns; canonical, both are the table.
    {...iamAllowed({type: 'table', database: 'cloudtrail', table: 'cloudtrail_logs'}), permissions: ['SELECT']},
    iamAllowed({type: 'table', database: 'cloudtrail', table: 'other'}),
    iamAllowed({type: 'database', database: 'cloudtrail'}),
    {principal: `arn:aws:iam::${ACCOUNT}:role/Analyst`, resource: {type: 'table', database: 'cloudtrail', table: 'cloudtrail_logs'}, permissions: ['SELECT'], grantable: []},
  ]

  it('creates a missing table, with nothing to revoke until it exists', () => {
    const plan = planTable(desired, undefined, 'cloudtrail', GOVERNED, grants)
    expect(plan).toMatchObject({action: 'create', differences: [], governed: true, revokes: [], changes: 1})
    expect(plan.input).toBe(desired)
  })

  it("revokes IAM_ALLOWED_PRINCIPALS on the table, once, and nobody else's grant, when the lake is governed", () => {
    const plan = planTable(desired, asExisting(desired), 'cloudtrail', GOVERNED, grants)
    expect(plan.action).toBe('none')
    expect(plan.revokes.map((change) => [change.action, change.principal, change.resource, change.remove.permissions])).toEqual([
      ['revoke', 'IAM_ALLOWED_PRINCIPALS', {type: 'table', database: 'cloudtrail', table: 'cloudtrail_logs'}, ['ALL']],
    ])
    expect(plan.changes).toBe(1)
  })

  it('leaves grants alone when IAM governs new tables', () => {
    const plan = planTable(desired, asExisting(desired), 'cloudtrail', IAM_MODE, grants)
    expect(plan).toMatchObject({action: 'none', governed: false, revokes: [], changes: 0})
  })

  it("refuses to take over a crawler's table (exit 64), which the crawler would rewrite", () => {
    const existing = asExisting(desired)
    existing.Parameters = {...existing.Parameters, UPDATED_BY_CRAWLER: 'lake-crawler'}
    expect(() => planTable(desired, existing, 'cloudtrail', GOVERNED, [])).toThrow(
      expect.objectContaining({exitCode: 64, code: 'TABLE_OWNED_BY_CRAWLER', message: expect.stringContaining('crawler lake-crawler')}),
    )
  })

  it('updates a table that differs, sending what the existing table keeps', () => {
    const existing = {...asExisting(desired), Description: 'theirs'}
    existing.Parameters = {...existing.Parameters, 'projection.timestamp.range': '2024/01/01,NOW'}
    const plan = planTable(desired, existing, 'cloudtrail', GOVERNED, [])
    expect(plan.action).toBe('update')
    expect(plan.differences).toEqual([{field: 'parameter projection.timestamp.range', before: '2024/01/01,NOW', after: '2020/01/01,NOW'}])
    expect(plan.input.Description).toBe('theirs')
    expect(plan.input.Parameters['projection.timestamp.range']).toBe('2020/01/01,NOW')
  })
})

const TODAY = '2026/12/02'

describe('resolveTableFlags', () => {
  it('accepts today as --start, and the lake region even when it is not commercial', () => {
    expect(resolveTableFlags({start: TODAY}, 'us-east-1', TODAY).startDate).toBe(TODAY)
    expect(resolveTableFlags({regions: 'us-gov-west-1'}, 'us-gov-west-1', TODAY).regions).toEqual(['us-gov-west-1'])
    expect(utcDay(new Date(Date.UTC(2026, 0, 5, 23, 59)))).toBe('2026/01/05')
  })

  it("lists exactly the AWS SDK's commercial regions (the aws partition)", () => {
    // The SDK's partition table, as its endpoint resolver reads it.
    const text = readFileSync(require.resolve('@aws-sdk/core/package.json').replace('package.json', 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js'), 'utf8')
    const aws = text.slice(text.indexOf('"id": "aws"'), text.indexOf('"id": "aws-cn"'))
    const regions = [...aws.matchAll(/^\s+"([a-z]{2}-[a-z]+-\d+)": \{/gm)].map((match) => match[1]).sort()
    expect(regions.length).toBeGreaterThan(30)
    expect([...COMMERCIAL_REGIONS]).toEqual(regions)
  })

  it('defaults to cloudtrail_logs, 2020/01/01, the lake region and the caller account', () => {
    expect(resolveTableFlags({}, 'eu-west-1', TODAY)).toEqual({name: 'cloudtrail_logs', startDate: '2020/01/01', regions: ['eu-west-1']})
  })

  it('sorts and dedupes lists, and expands all to every commercial region', () => {
    expect(resolveTableFlags({regions: 'us-west-2, eu-west-1,us-west-2', accounts: `${OTHER},${ACCOUNT}`, organizationId: ORG}, 'us-east-1', TODAY)).toEqual({
      name: 'cloudtrail_logs',
      startDate: '2020/01/01',
      regions: ['eu-west-1', 'us-west-2'],
      accounts: [ACCOUNT, OTHER],
      organizationId: ORG,
    })
    expect(resolveTableFlags({regions: 'all'}, 'us-east-1', TODAY).regions).toEqual(COMMERCIAL_REGIONS)
  })

  it.each([
    [{start: '2020-01-01'}, /--start 2020-01-01 is not a date in the form yyyy\/MM\/dd/],
    [{start: '2021/02/30'}, /--start 2021\/02\/30/],
    [{organizationId: 'o-short'}, /--organization-id o-short is not an organization id/],
    [{organizationId: 'O-A1B2C3D4E5'}, /--organization-id/],
    [{accounts: '12345'}, /12345 is not a 12-digit account id/],
    [{accounts: ' , '}, /no account given/],
    [{regions: 'us-east-1,Mars'}, /Mars is not an AWS region/],
    [{regions: 'xx-foo-1'}, /--regions xx-foo-1: xx-foo-1 is not an AWS region/],
    [{regions: 'us-east-9,eu-west-1'}, /us-east-9 is not an AWS region/],
    [{start: '2030/01/01'}, /--start 2030\/01\/01 is in the future \(today is 2026\/12\/02, UTC\)/],
    [{start: '2026/12/03'}, /is in the future/],
    [{name: 'CloudTrail-Logs'}, /--name CloudTrail-Logs is not a valid Athena table name/],
  ])('refuses %j with a usage error (exit 64)', (flags, message) => {
    let error: unknown
    try {
      resolveTableFlags(flags, 'us-east-1', TODAY)
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(LakegovError)
    expect((error as LakegovError).exitCode).toBe(64)
    expect((error as LakegovError).message).toMatch(message)
    expect((error as LakegovError).suggestions.length).toBeGreaterThan(0)
  })
})

describe('resolveTableOptions', () => {
  const TODAY = '2026/12/02'
  const lake = {region: 'us-east-1', table: {name: 'trail_logs', startDate: '2024/01/01', regions: ['eu-west-1', 'us-east-1'], accounts: ['111122223333']}}

  it("uses lake.yaml's table section when no flag is given, and reports no override", () => {
    expect(resolveTableOptions({}, lake, TODAY)).toEqual({
      selection: {name: 'trail_logs', startDate: '2024/01/01', regions: ['eu-west-1', 'us-east-1'], accounts: ['111122223333']},
      overrides: [],
    })
    expect(resolveTableOptions({}, {region: 'eu-west-1'}, TODAY).selection).toEqual({name: 'cloudtrail_logs', startDate: '2020/01/01', regions: ['eu-west-1']})
  })

  it('lets each flag override its field for the run, and names every flag that differs from the file', () => {
    const {selection, overrides} = resolveTableOptions({regions: 'us-east-1', start: '2024/01/01', organizationId: 'o-a1b2c3d4e5'}, lake, TODAY)
    expect(selection).toEqual({name: 'trail_logs', startDate: '2024/01/01', regions: ['us-east-1'], accounts: ['111122223333'], organizationId: 'o-a1b2c3d4e5'})
    expect(overrides).toEqual([
      {field: 'table.regions', flag: '--regions', file: 'eu-west-1,us-east-1', run: 'us-east-1'},
      {field: 'table.organizationId', flag: '--organization-id', file: 'none', run: 'o-a1b2c3d4e5'},
    ])
    // Without a table section, a flag still differs from the default lake.yaml implies.
    expect(resolveTableOptions({accounts: '444455556666'}, {region: 'us-east-1'}, TODAY).overrides).toEqual([
      {field: 'table.accounts', flag: '--accounts', file: "the caller's account", run: '444455556666'},
    ])
  })

  it('still refuses a bad flag with a usage error', () => {
    expect(() => resolveTableOptions({regions: 'xx-foo-1'}, lake, TODAY)).toThrow('--regions xx-foo-1: xx-foo-1 is not an AWS region.')
  })
})

describe('the table the activity commands read', () => {
  it('is --table, else lake.yaml table.name (the file is the one source), else cloudtrail_logs', () => {
    expect(logTableOf('adhoc', {table: {name: 'trail_logs'}})).toBe('adhoc')
    expect(logTableOf(undefined, {table: {name: 'trail_logs'}})).toBe('trail_logs')
    expect(logTableOf(undefined, {})).toBe('cloudtrail_logs')
    expect(logTableOf(undefined, undefined)).toBe('cloudtrail_logs')
  })
})
