import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {DeleteDatabaseCommand, GetTableCommand, GlueClient, UpdateTableCommand} from '@aws-sdk/client-glue'
import {GetDataLakeSettingsCommand, GrantPermissionsCommand, LakeFormationClient, ListPermissionsCommand, PutDataLakeSettingsCommand} from '@aws-sdk/client-lakeformation'

import type {TableOutput} from '../../src/commands/table'
import {parseJson, runCli, sandboxEnv, type CliResult} from '../support/cli'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig, sandboxStats} from '../support/sandbox/client'

const ROOT = path.resolve(__dirname, '..', '..')
const ACCOUNT = '123456789012'
const POLICIES = path.join('test', 'fixtures', 'policies', 'lake-aes')
const LOCATION = `s3://legacy-trail-logs/logs/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1`

function lakegov(...args: string[]): Promise<CliResult> {
  return runCli([...args, '--policies', POLICIES], sandboxEnv(sandboxEndpoint()), ROOT)
}

function glue(): GlueClient {
  return new GlueClient(sandboxSdkConfig(sandboxEndpoint(), 1))
}

async function getTable(name = 'cloudtrail_logs') {
  return (await glue().send(new GetTableCommand({DatabaseName: 'legacy', Name: name}))).Table!
}

async function iamAllowedOnTable(): Promise<string[]> {
  const lf = new LakeFormationClient(sandboxSdkConfig(sandboxEndpoint(), 1))
  const out = await lf.send(new ListPermissionsCommand({Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, ResourceType: 'TABLE'}))
  // Lake Formation lists a table grant on two entries: SELECT on the TableWithColumns twin, the rest on the Table.
  const onTable = (entry: {Resource?: {Table?: {Name?: string}; TableWithColumns?: {Name?: string}}}) =>
    entry.Resource?.Table?.Name === 'cloudtrail_logs' || entry.Resource?.TableWithColumns?.Name === 'cloudtrail_logs'
  const permissions = (out.PrincipalResourcePermissions ?? []).flatMap((entry) => (onTable(entry) ? (entry.Permissions ?? []) : []))
  return [...new Set(permissions)].sort()
}

/** Call counts at the last markCalls(): the sandbox resets its counts only with everything else. */
let baseline: Record<string, number> = {}

async function callCounts(): Promise<Record<string, number>> {
  const stats = await sandboxStats()
  return Object.fromEntries(Object.entries(stats.services).flatMap(([service, operations]) => Object.entries(operations).map(([operation, count]) => [`${service}:${operation}`, count])))
}

async function markCalls(): Promise<void> {
  baseline = await callCounts()
}

async function callsSince(): Promise<string[]> {
  const now = await callCounts()
  return Object.keys(now)
    .filter((key) => now[key] !== (baseline[key] ?? 0))
    .sort()
}

/** Calls since the baseline that change something: anything but Get, List and Describe. */
async function writesSince(): Promise<string[]> {
  return (await callsSince()).filter((key) => !/:(Get|List|Describe)/.test(key))
}

describe('table (e2e, against the sandbox)', () => {
  beforeEach(async () => {
    await resetSandbox()
    // The lake-aes fixture: bootstrap creates its bucket, role, registration and database `legacy`, Lake Formation-governed.
    const bootstrap = await lakegov('bootstrap', '--json')
    expect(bootstrap.code).toBe(0)
  })

  it('creates the documented table, converges, and revokes IAM_ALLOWED_PRINCIPALS granted on it later', async () => {
    const first = await lakegov('table', '--json')
    expect(first.code).toBe(0)
    const output = parseJson<TableOutput>(first)
    expect(output.plan).toMatchObject({database: 'legacy', table: 'cloudtrail_logs', action: 'create', governed: true})
    expect(output.target).toEqual({accounts: [ACCOUNT], regions: ['us-east-1'], startDate: '2020/01/01'})
    expect(output.result).toMatchObject({table: 'created', ok: true, revoked: []})

    // The catalog, read back through the SDK: every field lakegov sent is there.
    const table = await getTable()
    expect(table.TableType).toBe('EXTERNAL_TABLE')
    expect(table.PartitionKeys).toEqual([{Name: 'timestamp', Type: 'string'}])
    const sd = table.StorageDescriptor!
    expect(sd.Location).toBe(LOCATION)
    expect(sd.InputFormat).toBe('com.amazon.emr.cloudtrail.CloudTrailInputFormat')
    expect(sd.OutputFormat).toBe('org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat')
    expect(sd.SerdeInfo?.SerializationLibrary).toBe('org.apache.hive.hcatalog.data.JsonSerDe')
    expect(sd.Columns?.map((column) => column.Name)).toEqual(expect.arrayContaining(['eventversion', 'useridentity', 'eventtime', 'eventsource', 'eventname', 'resources', 'tlsdetails']))
    expect(sd.Columns).toHaveLength(29)
    expect(sd.Columns?.find((column) => column.Name === 'resources')?.Type).toBe('array<struct<arn:string,accountid:string,type:string>>')
    expect(table.Parameters).toMatchObject({
      classification: 'cloudtrail',
      EXTERNAL: 'TRUE',
      'projection.enabled': 'true',
      'projection.timestamp.type': 'date',
      'projection.timestamp.format': 'yyyy/MM/dd',
      'projection.timestamp.interval': '1',
      'projection.timestamp.interval.unit': 'DAYS',
      'projection.timestamp.range': '2020/01/01,NOW',
      'storage.location.template': `${LOCATION}/\${timestamp}`,
    })

    // A second run changes nothing and writes nothing.
    await markCalls()
    const second = await lakegov('table', '--json')
    expect(second.code).toBe(0)
    const again = parseJson<TableOutput>(second)
    expect(again.plan).toMatchObject({action: 'none', differences: [], revokes: [], changes: 0})
    expect(again.result).toBeUndefined()
    expect(await callsSince()).toEqual(expect.arrayContaining(['glue:GetTable', 'lakeformation:GetDataLakeSettings', 'lakeformation:ListPermissions']))
    expect(await writesSince()).toEqual([])

    // IAM_ALLOWED_PRINCIPALS granted on the table afterwards is revoked by the next run.
    const lf = new LakeFormationClient(sandboxSdkConfig(sandboxEndpoint(), 1))
    await lf.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Resource: {Table: {DatabaseName: 'legacy', Name: 'cloudtrail_logs'}}, Permissions: ['ALL']}))
    // Lake Formation lists ALL on a table next to its expansion (the AWS CLI's list-permissions example 2).
    expect(await iamAllowedOnTable()).toEqual(['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'])
    const human = await lakegov('table')
    expect(human.code).toBe(0)
    expect(human.stdout).toContain('Table legacy.cloudtrail_logs: up to date')
    expect(human.stdout).toContain('revoke IAM_ALLOWED_PRINCIPALS ALL on legacy.cloudtrail_logs')
    expect(human.stdout).toContain('Revoked IAM_ALLOWED_PRINCIPALS on legacy.cloudtrail_logs (1 grant(s)).')
    expect(await iamAllowedOnTable()).toEqual([])
    expect(parseJson<TableOutput>(await lakegov('table', '--json')).plan.changes).toBe(0)
  })

  it('prints what differs and updates the table, keeping properties it does not own; --dry-run changes nothing', async () => {
    expect((await lakegov('table', '--json')).code).toBe(0)
    const table = await getTable()
    await glue().send(
      new UpdateTableCommand({
        DatabaseName: 'legacy',
        TableInput: {
          Name: 'cloudtrail_logs',
          TableType: table.TableType,
          PartitionKeys: table.PartitionKeys,
          StorageDescriptor: {...table.StorageDescriptor, Location: 's3://legacy-trail-logs/elsewhere'},
          Parameters: {...table.Parameters, 'projection.timestamp.range': '2024/01/01,NOW', owner_team: 'security'},
        },
      }),
    )

    const dryRun = await lakegov('table', '--dry-run', '--start', '2021/06/01')
    expect(dryRun.code).toBe(0)
    expect(dryRun.stdout).toContain('Table legacy.cloudtrail_logs: update (2 difference(s))')
    expect(dryRun.stdout).toContain(`~ location: s3://legacy-trail-logs/elsewhere -> ${LOCATION}`)
    expect(dryRun.stdout).toContain('~ parameter projection.timestamp.range: 2024/01/01,NOW -> 2021/06/01,NOW')
    expect((await getTable()).StorageDescriptor?.Location).toBe('s3://legacy-trail-logs/elsewhere')

    const run = parseJson<TableOutput>(await lakegov('table', '--start', '2021/06/01', '--json'))
    expect(run.result).toMatchObject({table: 'updated', ok: true})
    const updated = await getTable()
    expect(updated.StorageDescriptor?.Location).toBe(LOCATION)
    expect(updated.Parameters).toMatchObject({'projection.timestamp.range': '2021/06/01,NOW', owner_team: 'security'})
    expect(parseJson<TableOutput>(await lakegov('table', '--start', '2021/06/01', '--json')).plan.changes).toBe(0)
  })

  it('makes an all-regions table with a projected region partition', async () => {
    const run = await lakegov('table', '--name', 'cloudtrail_all', '--regions', 'all', '--json')
    expect(run.code).toBe(0)
    const table = await getTable('cloudtrail_all')
    expect(table.PartitionKeys?.map((key) => key.Name)).toEqual(['region', 'timestamp'])
    expect(table.StorageDescriptor?.Location).toBe(`s3://legacy-trail-logs/logs/AWSLogs/${ACCOUNT}/CloudTrail`)
    expect(table.Parameters?.['projection.region.type']).toBe('enum')
    expect(table.Parameters?.['projection.region.values']?.split(',')).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-northeast-1']))
    expect(table.Parameters?.['storage.location.template']).toBe(`s3://legacy-trail-logs/logs/AWSLogs/${ACCOUNT}/CloudTrail/\${region}/\${timestamp}`)
  })

  it('leaves IAM_ALLOWED_PRINCIPALS alone, and says why, when IAM governs new tables', async () => {
    expect((await lakegov('table', '--json')).code).toBe(0)
    const lf = new LakeFormationClient(sandboxSdkConfig(sandboxEndpoint(), 1))
    const settings = (await lf.send(new GetDataLakeSettingsCommand({}))).DataLakeSettings
    const iamMode = [{Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Permissions: ['ALL' as const]}]
    await lf.send(new PutDataLakeSettingsCommand({DataLakeSettings: {...settings, CreateTableDefaultPermissions: iamMode}}))
    await lf.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Resource: {Table: {DatabaseName: 'legacy', Name: 'cloudtrail_logs'}}, Permissions: ['SELECT']}))

    const run = await lakegov('table')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Lake Formation: not governed')
    expect(await iamAllowedOnTable()).toEqual(['SELECT'])
  })

  it('stops with exit 3, naming lake.yaml, when the database does not exist', async () => {
    await glue().send(new DeleteDatabaseCommand({Name: 'legacy'}))
    const run = await lakegov('table', '--json')
    expect(run.code).toBe(3)
    const {error} = parseJson<{error: {code: string; message: string; suggestions: string[]}}>(run)
    expect(error.code).toBe('DATABASE_NOT_FOUND')
    expect(error.message).toMatch(/lake\.yaml:\d+:\d+ \(database\): Glue database legacy does not exist in us-east-1/)
    expect(error.suggestions.join(' ')).toContain('lakegov bootstrap')
    await expect(getTable()).rejects.toThrow()
  })

  it.each([
    [['--start', '2024-01-01'], /--start 2024-01-01 is not a date/],
    [['--organization-id', 'org-1'], /--organization-id org-1 is not an organization id/],
    [['--accounts', '1234'], /1234 is not a 12-digit account id/],
  ])('refuses %j with exit 64 before any AWS call', async (args, message) => {
    await markCalls()
    const run = await lakegov('table', ...args, '--json')
    expect(run.code).toBe(64)
    expect(parseJson<{error: {message: string}}>(run).error.message).toMatch(message)
    expect(await callsSince()).toEqual([])
  })

  describe("lake.yaml's table section", () => {
    /** The lake-aes fixture plus a table section, in a fresh folder. */
    function policiesWith(table: string): string {
      const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-table-'))
      writeFileSync(path.join(dir, 'lake.yaml'), `${readFileSync(path.join(ROOT, POLICIES, 'lake.yaml'), 'utf8')}table:\n${table}`)
      return dir
    }

    function tableRun(policies: string, ...args: string[]): Promise<CliResult> {
      return runCli(['table', ...args, '--policies', policies], sandboxEnv(sandboxEndpoint()), ROOT)
    }

    it('is the source of the settings; a flag overrides it for one run and says so, and the next run goes back to the file', async () => {
      const policies = policiesWith('  name: trail_logs\n  start: 2024/01/01\n  regions: [us-east-1, eu-west-1]\n')
      const first = parseJson<TableOutput>(await tableRun(policies, '--json'))
      expect(first.target).toEqual({accounts: [ACCOUNT], regions: ['eu-west-1', 'us-east-1'], startDate: '2024/01/01'})
      expect(first.overrides).toEqual([])
      expect((await getTable('trail_logs')).Parameters?.['projection.region.values']).toBe('eu-west-1,us-east-1')

      const override = await tableRun(policies, '--regions', 'us-east-1', '--dry-run')
      expect(override.code).toBe(0)
      expect(override.stdout).toContain('--regions us-east-1: this run overrides lake.yaml table.regions (eu-west-1,us-east-1); the next run without the flag reverts it.')
      expect(override.stdout).toContain('Table legacy.trail_logs: update')

      // Without flags: nothing to do, the table is what lake.yaml says.
      const again = parseJson<TableOutput>(await tableRun(policies, '--json'))
      expect(again.plan.changes).toBe(0)
      expect(again.overrides).toEqual([])
    })

    it.each([
      ['  regions: [us-east-1, xx-foo-1]\n', 'table.regions[1]', 'xx-foo-1 is not an AWS region'],
      ['  start: 2999/01/01\n', 'table.start', '2999/01/01 is in the future'],
    ])('refuses %j with exit 3 at its line, before any AWS call', async (table, field, message) => {
      await markCalls()
      const run = await tableRun(policiesWith(table), '--json')
      expect(run.code).toBe(3)
      const {error} = parseJson<{error: {issues: {file: string; line: number; field: string; message: string}[]}}>(run)
      expect(error.issues).toEqual([expect.objectContaining({file: expect.stringMatching(/lake\.yaml$/), line: 12, field, message: expect.stringContaining(message)})])
      expect(await callsSince()).toEqual([])
    })
  })
})
