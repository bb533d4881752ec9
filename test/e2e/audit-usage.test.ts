/**
 * `audit usage` against the sandbox: Lake Formation grants on the log table to the principals the
 * generated logs read as, plus one grant nobody uses; the unused grant is flagged and proposed for
 * revoking, the used ones carry their last read (counted here from the fixture's own records), and
 * the direct S3 reads, which no grant or policy allows, are listed as unexplained.
 */

import {CreateDatabaseCommand, CreateTableCommand, GlueClient} from '@aws-sdk/client-glue'
import {CreateRoleCommand, CreateUserCommand, IAMClient} from '@aws-sdk/client-iam'
import {GrantPermissionsCommand, LakeFormationClient, PutDataLakeSettingsCommand} from '@aws-sdk/client-lakeformation'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import {buildCloudTrailTable} from '../../src/core/catalog/cloudtrail-table'
import type {UsageOutput} from '../../src/output/activity'
import {type CliResult, type ExampleLakeCli, exampleLakeCli, nowToTheSecond, parseJson} from '../support/cli'
import {type CloudTrailRecord, type GeneratedCloudTrail, generateCloudTrail, uploadGeneratedCloudTrail} from '../support/cloudtrail-fixtures'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

jest.setTimeout(180_000)

const DAY = 86_400_000
const ACCOUNT = '123456789012'
const BUCKET = 'acme-cloudtrail-logs'
const TABLE = 'cloudtrail.cloudtrail_logs'
const arn = (kind: 'role' | 'user', name: string) => `arn:aws:iam::${ACCOUNT}:${kind}/${name}`
const READERS = [arn('role', 'Analyst'), arn('role', 'DataEngineer'), arn('user', 'bob')]
const UNUSED = arn('role', 'NeverReads')

let set: GeneratedCloudTrail
let cli: ExampleLakeCli
let from: string
let to: string

function lakegov(...args: string[]): Promise<CliResult> {
  return cli.run(...args)
}

/** The last granted (not refused) GetDataAccess of a principal in the window, from the records. */
function lastRead(principal: string): string | null {
  const times = set.records
    .filter((record: CloudTrailRecord) => record.eventName === 'GetDataAccess' && !record.errorCode && String(record.eventTime) >= from && String(record.eventTime) < to)
    .filter((record) => (record.additionalEventData as {lakeFormationPrincipal?: string}).lakeFormationPrincipal === principal)
    .map((record) => String(record.eventTime))
    .sort()
  return times.at(-1) ?? null
}

beforeAll(async () => {
  await resetSandbox()
  const config = sandboxSdkConfig(sandboxEndpoint(), 1)
  const s3 = new S3Client({...config, forcePathStyle: true})
  await s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  const first = new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10)
  set = generateCloudTrail({seed: 15, start: first, days: 2, regions: ['us-east-1'], filesPerDay: 3, eventsPerFile: 20, dataEventRate: 0.4, errorRate: 0.05, dataBucket: BUCKET, table: {database: 'cloudtrail', name: 'cloudtrail_logs'}, includeAwsSamples: false})
  await uploadGeneratedCloudTrail(s3, set.files, {bucket: BUCKET})

  const iam = new IAMClient(config)
  const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'athena.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
  for (const name of ['Analyst', 'DataEngineer', 'NeverReads', 'LakeAdmin']) await iam.send(new CreateRoleCommand({RoleName: name, AssumeRolePolicyDocument: trust}))
  await iam.send(new CreateUserCommand({UserName: 'bob'}))
  const lf = new LakeFormationClient(config)
  await lf.send(new PutDataLakeSettingsCommand({DataLakeSettings: {DataLakeAdmins: [{DataLakePrincipalIdentifier: arn('role', 'LakeAdmin')}], CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: []}}))
  const glue = new GlueClient(config)
  await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'cloudtrail', CreateTableDefaultPermissions: []}}))
  const table = buildCloudTrailTable({database: 'cloudtrail', name: 'cloudtrail_logs', bucket: BUCKET, prefix: 'AWSLogs/', accounts: [ACCOUNT], regions: ['us-east-1'], startDate: first.replaceAll('-', '/')})
  await glue.send(new CreateTableCommand({DatabaseName: 'cloudtrail', TableInput: table as never}))
  for (const principal of [...READERS, UNUSED]) {
    await lf.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: principal}, Resource: {Table: {DatabaseName: 'cloudtrail', Name: 'cloudtrail_logs'}}, Permissions: ['SELECT']}))
  }

  cli = exampleLakeCli(sandboxEndpoint())
  from = `${first}T00:00:00Z`
  to = nowToTheSecond()
})

describe('lakegov audit usage', () => {
  it('flags the grant the fixture never used, and dates the used ones by their last read', async () => {
    const result = await lakegov('audit', 'usage', '--engine', 'local', '--from', from, '--to', to, '--json')
    if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`)
    const out = parseJson<UsageOutput>(result)
    const grantRow = (principal: string) => out.rows.find((row) => row.principal === principal && row.table === TABLE && row.path === 'table-grant')
    expect(grantRow(UNUSED)).toMatchObject({used: false, lastUsed: null, reads: 0})
    for (const reader of READERS) {
      expect(lastRead(reader)).not.toBeNull()
      expect(grantRow(reader)).toMatchObject({used: true, lastUsed: lastRead(reader)})
    }
    expect(out.proposal.revoke.map((entry) => entry.principal)).toEqual([UNUSED])
    expect(out.proposal.revoke[0].tables).toEqual([TABLE])
    // The direct reads: no grant, no IAM or bucket policy explains them.
    expect(out.unexplained.length).toBeGreaterThan(0)
    expect(out.unexplained.every((read) => read.path === 'direct-s3')).toBe(true)
  })

  it('prints the same as a table, CSV and markdown', async () => {
    const table = await lakegov('audit', 'usage', '--engine', 'local', '--from', from, '--to', to)
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(new RegExp(`${UNUSED}\\s+${TABLE}\\s+table-grant\\s.*\\sNO\\s`))
    expect(table.stdout).toContain('Proposed (not applied):')
    const csv = await lakegov('audit', 'usage', '--engine', 'local', '--from', from, '--to', to, '--format', 'csv')
    expect(csv.stdout.split('\r\n')[0]).toBe('principal,table,path,via,used,last_used,reads')
    expect(csv.stdout).toContain(`${UNUSED},${TABLE},table-grant,`)
    const markdown = await lakegov('audit', 'usage', '--engine', 'local', '--from', from, '--to', to, '--format', 'markdown')
    expect(markdown.stdout).toContain('#### Proposed (not applied)')
  })
})
