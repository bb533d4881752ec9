import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {CloudTrailClient, CreateTrailCommand} from '@aws-sdk/client-cloudtrail'
import {CreateDatabaseCommand, CreateTableCommand, GlueClient} from '@aws-sdk/client-glue'
import {AddUserToGroupCommand, AttachGroupPolicyCommand, CreateGroupCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutRolePolicyCommand} from '@aws-sdk/client-iam'
import {GrantPermissionsCommand, LakeFormationClient, PutDataLakeSettingsCommand, RegisterResourceCommand, type Permission, type Resource} from '@aws-sdk/client-lakeformation'
import {CreateBucketCommand, PutBucketPolicyCommand, S3Client} from '@aws-sdk/client-s3'

import type {AccessReport, FindingsReport} from '../../src/output/audit'
import type {SarifLog} from '../../src/output/sarif'
import {parseJson, runCli, sandboxEnv, type CliResult} from '../support/cli'
import {validateSarif} from '../support/sarif'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

const ROOT = path.resolve(__dirname, '..', '..')
const ACCOUNT = '123456789012'
const PARTNER = '210987654321'
const BUCKET = 'seeded-logs'
const LOGS = `s3://${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/`
const arn = (kind: 'role' | 'user', name: string) => `arn:aws:iam::${ACCOUNT}:${kind}/${name}`

function sdk() {
  return sandboxSdkConfig(sandboxEndpoint(), 1)
}

function lakegov(cwd: string, ...args: string[]): Promise<CliResult> {
  return runCli([...args, '--policies', 'policies'], sandboxEnv(sandboxEndpoint()), cwd)
}

const SEEDED_LAKE = `region: us-east-1
admins: [${arn('user', 'alice')}]
bucket:
  name: ${BUCKET}
  prefix: AWSLogs/
  encryption: {type: AES256}
registration:
  role: seeded-registration
database: cloudtrail
trail:
  name: seeded-trail
  multiRegion: true
  logFileValidation: true
`

// The one grant the files declare: its LG011 finding must point here, at line 8.
const SEEDED_GRANTS = `principals:
  analyst: ${arn('role', 'Analyst')}
scope:
  databases: [cloudtrail]
grants:
  - principal: analyst
    database: cloudtrail
    table: events
    permissions: [SELECT]
    grantable: [SELECT]
`

/** A working directory with policies/lake.yaml and policies/grants/declared.yaml, as a user's repository. */
function seededRepository(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-audit-'))
  mkdirSync(path.join(dir, 'policies', 'grants'), {recursive: true})
  writeFileSync(path.join(dir, 'policies', 'lake.yaml'), SEEDED_LAKE)
  writeFileSync(path.join(dir, 'policies', 'grants', 'declared.yaml'), SEEDED_GRANTS)
  return dir
}

const TRUST = (service: string) => JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: service}, Action: 'sts:AssumeRole'}]})
const POLICY = (statements: object[]) => JSON.stringify({Version: '2012-10-17', Statement: statements})
const COLUMNS = ['eventtime', 'eventname', 'useridentity', 'sourceipaddress'].map((Name) => ({Name, Type: 'string'}))

/**
 * An account with one of each misconfiguration the audit reports: a bucket without public access
 * block, default encryption, TLS-only policy or versioning that another account may read, IAM
 * identities that read it directly, a broad registration role Lake Formation cannot assume, IAM_ALLOWED_PRINCIPALS
 * on the database and a table, a grantable SELECT, an ALL grant, an undeclared cross-account
 * grant, a single IAM-user admin, default permissions for IAM, and a stopped single-region trail.
 */
async function seedMisconfiguredAccount(): Promise<void> {
  const s3 = new S3Client({...sdk(), forcePathStyle: true})
  await s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: BUCKET,
      // CloudTrail's two statements (CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail"): CreateTrail refuses the bucket without them.
      Policy: POLICY([
        {Sid: 'PartnerReads', Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${PARTNER}:root`}, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/*`},
        {Sid: 'CloudTrailAclCheck', Effect: 'Allow', Principal: {Service: 'cloudtrail.amazonaws.com'}, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${BUCKET}`},
        {Sid: 'CloudTrailWrite', Effect: 'Allow', Principal: {Service: 'cloudtrail.amazonaws.com'}, Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/*`},
      ]),
    }),
  )

  const iam = new IAMClient(sdk())
  await iam.send(new CreateRoleCommand({RoleName: 'LogHoarder', AssumeRolePolicyDocument: TRUST('ec2.amazonaws.com')}))
  await iam.send(new PutRolePolicyCommand({RoleName: 'LogHoarder', PolicyName: 'hoard', PolicyDocument: POLICY([{Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}/*`}])}))
  // Trusts Glue, not Lake Formation: the registration fails verification.
  await iam.send(new CreateRoleCommand({RoleName: 'seeded-registration', AssumeRolePolicyDocument: TRUST('glue.amazonaws.com')}))
  await iam.send(new PutRolePolicyCommand({RoleName: 'seeded-registration', PolicyName: 'everything', PolicyDocument: POLICY([{Sid: 'AllS3', Effect: 'Allow', Action: 's3:*', Resource: '*'}])}))
  await iam.send(new CreateUserCommand({UserName: 'alice'}))
  await iam.send(new CreateUserCommand({UserName: 'bob'}))
  await iam.send(new CreateGroupCommand({GroupName: 'log-readers'}))
  await iam.send(new AddUserToGroupCommand({GroupName: 'log-readers', UserName: 'bob'}))
  const managed = await iam.send(
    new CreatePolicyCommand({PolicyName: 'ReadLogs', PolicyDocument: POLICY([{Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/AWSLogs/*`]}])}),
  )
  await iam.send(new AttachGroupPolicyCommand({GroupName: 'log-readers', PolicyArn: managed.Policy!.Arn!}))

  const lf = new LakeFormationClient(sdk())
  await lf.send(
    new PutDataLakeSettingsCommand({
      DataLakeSettings: {
        DataLakeAdmins: [{DataLakePrincipalIdentifier: arn('user', 'alice')}],
        CreateDatabaseDefaultPermissions: [],
        CreateTableDefaultPermissions: [{Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Permissions: ['ALL']}],
      },
    }),
  )
  // The settings come first, and the database opts out of IAM defaults for its tables, so that
  // IAM_ALLOWED_PRINCIPALS holds exactly what is granted below: on AWS a table created in the default
  // mode gets IAM_ALLOWED_PRINCIPALS ALL, and a column grant on it would become all-column SELECT.
  const glue = new GlueClient(sdk())
  await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'cloudtrail', CreateTableDefaultPermissions: []}}))
  for (const Name of ['events', 'management']) {
    await glue.send(
      new CreateTableCommand({
        DatabaseName: 'cloudtrail',
        TableInput: {Name, StorageDescriptor: {Columns: COLUMNS, Location: LOGS}, PartitionKeys: [{Name: 'timestamp', Type: 'string'}]},
      }),
    )
  }
  await lf.send(new RegisterResourceCommand({ResourceArn: `arn:aws:s3:::${BUCKET}/AWSLogs`, RoleArn: arn('role', 'seeded-registration')}))
  const grant = (principal: string, resource: Resource, permissions: Permission[], grantable: Permission[] = []) =>
    lf.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: principal}, Resource: resource, Permissions: permissions, PermissionsWithGrantOption: grantable}))
  const events = {Table: {DatabaseName: 'cloudtrail', Name: 'events'}}
  await grant('IAM_ALLOWED_PRINCIPALS', {Database: {Name: 'cloudtrail'}}, ['ALL'])
  await grant('IAM_ALLOWED_PRINCIPALS', events, ['ALL'])
  await grant(arn('role', 'Analyst'), events, ['SELECT'], ['SELECT'])
  await grant(PARTNER, events, ['SELECT'])
  await grant(arn('role', 'Ops'), {Table: {DatabaseName: 'cloudtrail', Name: 'management'}}, ['ALL'])
  await grant(arn('role', 'Auditor'), {TableWithColumns: {DatabaseName: 'cloudtrail', Name: 'management', ColumnNames: ['eventname', 'eventtime']}}, ['SELECT'])

  await new CloudTrailClient(sdk()).send(new CreateTrailCommand({Name: 'seeded-trail', S3BucketName: BUCKET}))
}

describe('audit (e2e, against the sandbox)', () => {
  beforeEach(() => resetSandbox())

  it('lists who can read a misconfigured lake, reports each misconfiguration, and writes valid SARIF', async () => {
    await seedMisconfiguredAccount()
    const repo = seededRepository()

    const access = await lakegov(repo, 'audit', 'access', '--json')
    expect(access.code).toBe(0)
    const report = parseJson<AccessReport>(access)
    // The sandbox's caller (moto's user) is not among the seeded admins, so the audit says it may be incomplete.
    expect(report).toMatchObject({account: ACCOUNT, database: 'cloudtrail', tables: 2, warnings: [expect.stringMatching(/^This audit may be incomplete: the caller arn:aws:iam::123456789012:user\/moto is not a data lake administrator/)]})
    const s3Readers = (table: string) => [
      [table, arn('role', 'LogHoarder'), 's3-bypass-iam'],
      [table, arn('role', 'seeded-registration'), 's3-bypass-iam'],
      [table, arn('user', 'bob'), 's3-bypass-iam'],
      [table, `arn:aws:iam::${PARTNER}:root`, 's3-bypass-bucket-policy'],
    ]
    const sortRows = (rows: string[][]) => rows.sort((a, b) => a.join(' ').localeCompare(b.join(' ')))
    expect(sortRows(report.rows.map((row) => [row.table, row.principal, row.path]))).toEqual(
      sortRows([
        ['events', 'IAM_ALLOWED_PRINCIPALS', 'iam-allowed-principals'],
        ['events', arn('role', 'Analyst'), 'table-grant'],
        ['events', arn('user', 'alice'), 'admin'],
        ['events', PARTNER, 'table-grant'],
        ...s3Readers('events'),
        ['management', arn('role', 'Auditor'), 'column-grant'],
        ['management', arn('role', 'Ops'), 'table-grant'],
        ['management', arn('user', 'alice'), 'admin'],
        ...s3Readers('management'),
      ]),
    )
    const row = (table: string, principal: string, pathName: string) => report.rows.find((candidate) => candidate.table === table && candidate.principal === principal && candidate.path === pathName)
    expect(row('events', arn('role', 'Analyst'), 'table-grant')).toMatchObject({grantable: true, columns: 'all'})
    expect(row('events', PARTNER, 'table-grant')).toMatchObject({crossAccount: true})
    expect(row('events', 'IAM_ALLOWED_PRINCIPALS', 'iam-allowed-principals')).toMatchObject({ungoverned: true})
    expect(row('management', arn('role', 'Auditor'), 'column-grant')).toMatchObject({columns: ['eventname', 'eventtime']})
    expect(row('management', arn('role', 'seeded-registration'), 's3-bypass-iam')).toMatchObject({expected: 'registration-role', ungoverned: true})
    expect(row('management', arn('user', 'bob'), 's3-bypass-iam')?.via).toContain('ReadLogs')

    // The table output leads with IAM_ALLOWED_PRINCIPALS; --principal narrows to what one principal reaches.
    const table = await lakegov(repo, 'audit', 'access')
    expect(table.code).toBe(0)
    expect(table.stdout.split('\n')[0]).toBe('!! IAM_ALLOWED_PRINCIPALS can read 1 table(s): cloudtrail.events. IAM policies, not Lake Formation, decide who reads them.')
    const analyst = parseJson<AccessReport>(await lakegov(repo, 'audit', 'access', '--principal', arn('role', 'Analyst'), '--table', 'events', '--json'))
    expect(analyst.rows.map((candidate) => [candidate.principal, candidate.path])).toEqual([
      ['IAM_ALLOWED_PRINCIPALS', 'iam-allowed-principals'],
      [arn('role', 'Analyst'), 'table-grant'],
    ])
    const csv = await lakegov(repo, 'audit', 'access', '--format', 'csv')
    expect(csv.stdout.split('\r\n')[0]).toBe('database,table,principal,path,columns,row_filter,permissions,grantable,cross_account,conditional,ungoverned,reads_data,expected,via')

    const sarifRun = await lakegov(repo, 'audit', 'findings', '--format', 'sarif', '--fail-on', 'high')
    expect(sarifRun.code).toBe(7)
    const sarif = parseJson<SarifLog>(sarifRun)
    expect(validateSarif(sarif) ? [] : validateSarif.errors).toEqual([])
    const results = sarif.runs[0].results
    const reported = results.map((result) => `${result.ruleId} ${result.properties.resource}${result.properties.principal ? ` ${result.properties.principal}` : ''}`).sort()
    expect(reported).toEqual(
      [
        'LG001 data-lake-settings:CreateTableDefaultPermissions',
        'LG002 IAM_ALLOWED_PRINCIPALS database:cloudtrail IAM_ALLOWED_PRINCIPALS',
        'LG002 IAM_ALLOWED_PRINCIPALS table:cloudtrail.events IAM_ALLOWED_PRINCIPALS',
        `LG003 arn:aws:s3:::${BUCKET}/AWSLogs/* arn:aws:iam::${PARTNER}:root`,
        `LG003 arn:aws:s3:::${BUCKET}/AWSLogs/* ${arn('role', 'LogHoarder')}`,
        `LG003 arn:aws:s3:::${BUCKET}/AWSLogs/* ${arn('user', 'bob')}`,
        `LG004 arn:aws:s3:::${BUCKET}`,
        `LG005 arn:aws:s3:::${BUCKET}`,
        `LG006 arn:aws:s3:::${BUCKET}`,
        `LG007 arn:aws:s3:::${BUCKET}`,
        `LG009 arn:aws:s3:::${BUCKET}/AWSLogs ${arn('role', 'seeded-registration')}`,
        `LG010 ${arn('role', 'seeded-registration')} ${arn('role', 'seeded-registration')}`,
        `LG011 ${arn('role', 'Analyst')} table:cloudtrail.events ${arn('role', 'Analyst')}`,
        `LG012 ${arn('role', 'Ops')} table:cloudtrail.management ${arn('role', 'Ops')}`,
        `LG013 ${PARTNER} table:cloudtrail.events ${PARTNER}`,
        'LG014 data-lake-settings:DataLakeAdmins',
        `LG015 data-lake-settings:DataLakeAdmins ${arn('user', 'alice')}`,
        'LG016 trail/seeded-trail',
        'LG017 trail/seeded-trail',
        'LG018 trail/seeded-trail',
      ].sort(),
    )
    // Results point at the line that declares the cause: the grant in the grants file, the trail and bucket in lake.yaml.
    const locationOf = (ruleId: string) => results.find((result) => result.ruleId === ruleId)?.locations[0].physicalLocation
    expect(locationOf('LG011')).toEqual({artifactLocation: {uri: 'policies/grants/declared.yaml'}, region: {startLine: 6}})
    expect(locationOf('LG016')).toEqual({artifactLocation: {uri: 'policies/lake.yaml'}, region: {startLine: 11}})
    expect(locationOf('LG004')).toEqual({artifactLocation: {uri: 'policies/lake.yaml'}, region: {startLine: 4}})
    expect(locationOf('LG015')).toEqual({artifactLocation: {uri: 'policies/lake.yaml'}, region: {startLine: 2}})

    // --fail-on critical: nothing that severe, so exit 0; the JSON report carries the counts.
    const json = await lakegov(repo, 'audit', 'findings', '--fail-on', 'critical', '--json')
    expect(json.code).toBe(0)
    expect(parseJson<FindingsReport>(json).counts).toEqual({critical: 0, high: 10, medium: 8, low: 2})
  })

  it('lists a bucket-policy reader whose role has a narrow permissions boundary, and a role whose one session a Deny names', async () => {
    const exporter = `arn:aws:sts::${ACCOUNT}:assumed-role/BoundedExporter/nightly`
    const s3 = new S3Client({...sdk(), forcePathStyle: true})
    await s3.send(new CreateBucketCommand({Bucket: BUCKET}))
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: BUCKET,
        Policy: POLICY([
          // Granted to the session itself: its role's boundary does not limit it (Permissions boundaries for IAM entities).
          {Sid: 'NightlyExport', Effect: 'Allow', Principal: {AWS: exporter}, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/*`},
          // Names one session of Reporter: the role's other sessions still read (IAM JSON policy elements: Principal).
          {Sid: 'NotTheCiJob', Effect: 'Deny', Principal: {AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/Reporter/ci-job`}, Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}/*`},
        ]),
      }),
    )
    const iam = new IAMClient(sdk())
    const boundary = await iam.send(new CreatePolicyCommand({PolicyName: 'OnlyWhoAmI', PolicyDocument: POLICY([{Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*'}])}))
    await iam.send(new CreateRoleCommand({RoleName: 'BoundedExporter', AssumeRolePolicyDocument: TRUST('ec2.amazonaws.com'), PermissionsBoundary: boundary.Policy!.Arn!}))
    await iam.send(new CreateRoleCommand({RoleName: 'Reporter', AssumeRolePolicyDocument: TRUST('ec2.amazonaws.com')}))
    await iam.send(new PutRolePolicyCommand({RoleName: 'Reporter', PolicyName: 'read', PolicyDocument: POLICY([{Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`}])}))
    const glue = new GlueClient(sdk())
    await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'cloudtrail'}}))
    await glue.send(new CreateTableCommand({DatabaseName: 'cloudtrail', TableInput: {Name: 'events', StorageDescriptor: {Columns: COLUMNS, Location: LOGS}}}))
    const repo = seededRepository()

    const access = await lakegov(repo, 'audit', 'access', '--json')
    expect(access.code).toBe(0)
    const bypass = parseJson<AccessReport>(access)
      .rows.filter((row) => row.path.startsWith('s3-bypass'))
      .map((row) => [row.principal, row.path, row.conditional])
    expect(bypass).toEqual([
      [arn('role', 'Reporter'), 's3-bypass-iam', false],
      [exporter, 's3-bypass-bucket-policy', false],
    ])

    // A filter that matches nothing says what exists, with exit 64.
    const typo = await lakegov(repo, 'audit', 'access', '--table', 'evnts')
    expect(typo.code).toBe(64)
    expect(typo.stderr.replaceAll(/\s*\n\s*›\s*/g, ' ')).toContain('--table evnts matches no table of database cloudtrail. Its tables: events.')
    const nodb = await lakegov(repo, 'audit', 'access', '--database', 'nosuchdb', '--json')
    expect(nodb.code).toBe(64)
    expect(parseJson<{error: {message: string}}>(nodb).error.message).toBe('--database nosuchdb matches no database. Databases: cloudtrail.')
    // --principal takes a name from the grants files. The table was created in the default mode, so
    // IAM_ALLOWED_PRINCIPALS holds it (as on AWS) and the analyst reads through it, as anyone does.
    const byName = parseJson<AccessReport>(await lakegov(repo, 'audit', 'access', '--principal', 'analyst', '--json'))
    expect(byName.rows.map((row) => row.principal)).toEqual(['IAM_ALLOWED_PRINCIPALS'])
  })

  it('finds nothing on a lake bootstrap built, and passes --fail-on low', async () => {
    const bootstrap = await runCli(['bootstrap', '--exact-admins', '--policies', 'test/fixtures/policies/audit-clean', '--json'], sandboxEnv(sandboxEndpoint()), ROOT)
    expect(bootstrap.code).toBe(0)

    const findings = await runCli(['audit', 'findings', '--fail-on', 'low', '--policies', 'test/fixtures/policies/audit-clean', '--json'], sandboxEnv(sandboxEndpoint()), ROOT)
    expect(parseJson<FindingsReport>(findings).findings).toEqual([])
    expect(findings.code).toBe(0)

    const text = await runCli(['audit', 'findings', '--policies', 'test/fixtures/policies/audit-clean'], sandboxEnv(sandboxEndpoint()), ROOT)
    expect(text.stdout.trim()).toBe(`No findings for cloudtrail (account ${ACCOUNT}, us-east-1).`)
  })
})
