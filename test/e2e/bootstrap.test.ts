import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {CloudTrailClient, GetTrailCommand, GetTrailStatusCommand} from '@aws-sdk/client-cloudtrail'
import {CreateDatabaseCommand, CreateTableCommand, GetDatabaseCommand, GlueClient} from '@aws-sdk/client-glue'
import {GetRoleCommand, GetRolePolicyCommand, IAMClient} from '@aws-sdk/client-iam'
import {CreateAliasCommand, CreateKeyCommand, GetKeyPolicyCommand, KMSClient} from '@aws-sdk/client-kms'
import {DescribeResourceCommand, GetDataLakeSettingsCommand, GrantPermissionsCommand, LakeFormationClient, ListPermissionsCommand, PutDataLakeSettingsCommand} from '@aws-sdk/client-lakeformation'
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3'

import type {BootstrapPlan} from '../../src/core/lake/bootstrap'
import type {BootstrapOutput} from '../../src/commands/bootstrap'
import {parseJson, runCli, sandboxEnv, type CliResult} from '../support/cli'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

const ROOT = path.resolve(__dirname, '..', '..')
const ACCOUNT = '123456789012'
const BUCKET = 'acme-cloudtrail-logs'

function sdk() {
  return sandboxSdkConfig(sandboxEndpoint(), 1)
}

function lakegov(policies: string, ...args: string[]): Promise<CliResult> {
  return runCli([...args, '--policies', policies], sandboxEnv(sandboxEndpoint()), ROOT)
}

function policyOf(text: string | undefined): {Statement: {Sid?: string}[]} {
  return JSON.parse(decodeURIComponent(text ?? '{}'))
}

/** The one prerequisite of the example lake.yaml: the security team's KMS key, under its alias. */
async function createKey(): Promise<string> {
  const kms = new KMSClient(sdk())
  const key = await kms.send(new CreateKeyCommand({Description: 'CloudTrail logs'}))
  await kms.send(new CreateAliasCommand({AliasName: 'alias/lake-logs', TargetKeyId: key.KeyMetadata!.KeyId}))
  return key.KeyMetadata!.Arn!
}

describe('bootstrap and status (e2e, against the sandbox)', () => {
  beforeEach(() => resetSandbox())

  it('builds the example lake on an empty account, converges, detects drift and repairs it', async () => {
    const keyArn = await createKey()

    const first = await lakegov('policies', 'bootstrap', '--json')
    expect(first.code).toBe(0)
    const output = parseJson<BootstrapOutput>(first)
    expect(output.plan.steps.map((step) => [step.step, step.status])).toEqual([
      ['bucket', 'missing'],
      ['role', 'missing'],
      ['key', 'drifted'],
      ['settings', 'drifted'],
      ['registration', 'missing'],
      ['database', 'missing'],
      ['crawler', 'missing'],
      ['trail', 'missing'],
      ['alarms', 'missing'],
    ])
    expect(output.result).toMatchObject({ok: true, exitCode: 0, verificationStatus: 'VERIFIED'})
    expect(output.result!.outcomes.every((outcome) => outcome.status === 'applied')).toBe(true)

    // The account, read back through the SDK.
    const s3 = new S3Client({...sdk(), forcePathStyle: true})
    expect((await s3.send(new GetPublicAccessBlockCommand({Bucket: BUCKET}))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    })
    const encryption = (await s3.send(new GetBucketEncryptionCommand({Bucket: BUCKET}))).ServerSideEncryptionConfiguration?.Rules?.[0]
    expect(encryption?.ApplyServerSideEncryptionByDefault).toEqual({SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn})
    expect((await s3.send(new GetBucketVersioningCommand({Bucket: BUCKET}))).Status).toBe('Enabled')
    const bucketPolicy = policyOf((await s3.send(new GetBucketPolicyCommand({Bucket: BUCKET}))).Policy)
    expect(bucketPolicy.Statement.map((statement) => statement.Sid)).toEqual(['LakegovDenyInsecureTransport', 'LakegovCloudTrailAclCheck', 'LakegovCloudTrailWrite'])
    expect(JSON.stringify(bucketPolicy)).toContain(`arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/lake-trail`)
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({Bucket: BUCKET}))
    expect(lifecycle.Rules?.[0]).toMatchObject({ID: 'lakegov-retention', Expiration: {Days: 400}})

    const iam = new IAMClient(sdk())
    const role = await iam.send(new GetRoleCommand({RoleName: 'lakegov-registration'}))
    expect(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)).toContain('lakeformation.amazonaws.com')
    const rolePolicy = JSON.parse(decodeURIComponent((await iam.send(new GetRolePolicyCommand({RoleName: 'lakegov-registration', PolicyName: 'lakegov'}))).PolicyDocument!))
    const resources = rolePolicy.Statement.flatMap((statement: {Resource: string | string[]}) => [statement.Resource].flat())
    expect(resources).toEqual([`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/AWSLogs/*`, keyArn])
    expect(rolePolicy.Statement[0].Condition).toEqual({StringLike: {'s3:prefix': ['AWSLogs/', 'AWSLogs/*']}})

    const keyPolicy = policyOf((await new KMSClient(sdk()).send(new GetKeyPolicyCommand({KeyId: keyArn, PolicyName: 'default'}))).Policy)
    expect(keyPolicy.Statement.map((statement) => statement.Sid)).toEqual([
      'Enable IAM User Permissions',
      'LakegovCloudTrailEncrypt',
      'LakegovCloudTrailDescribeKey',
      'LakegovRegistrationRoleDecrypt',
    ])

    const lf = new LakeFormationClient(sdk())
    const settings = (await lf.send(new GetDataLakeSettingsCommand({}))).DataLakeSettings
    expect(settings?.DataLakeAdmins).toEqual([{DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/LakeAdmin`}])
    expect(settings?.ReadOnlyAdmins).toEqual([{DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/Auditor`}])
    expect(settings?.CreateDatabaseDefaultPermissions).toEqual([])
    expect(settings?.CreateTableDefaultPermissions).toEqual([])
    const registration = await lf.send(new DescribeResourceCommand({ResourceArn: `arn:aws:s3:::${BUCKET}/AWSLogs`}))
    expect(registration.ResourceInfo).toMatchObject({RoleArn: `arn:aws:iam::${ACCOUNT}:role/lakegov-registration`, VerificationStatus: 'VERIFIED'})

    expect((await new GlueClient(sdk()).send(new GetDatabaseCommand({Name: 'cloudtrail'}))).Database?.Name).toBe('cloudtrail')
    const cloudtrail = new CloudTrailClient(sdk())
    expect((await cloudtrail.send(new GetTrailCommand({Name: 'lake-trail'}))).Trail).toMatchObject({
      S3BucketName: BUCKET,
      IsMultiRegionTrail: true,
      LogFileValidationEnabled: true,
      KmsKeyId: keyArn,
      CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/lake/cloudtrail:*`,
      CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/lakegov-cloudtrail-logs`,
    })
    expect((await cloudtrail.send(new GetTrailStatusCommand({Name: 'lake-trail'}))).IsLogging).toBe(true)

    // Converged: a second run has nothing to do.
    const second = await lakegov('policies', 'bootstrap', '--json')
    expect(second.code).toBe(0)
    expect(parseJson<BootstrapOutput>(second).plan.summary).toEqual({changes: 0, ok: 9, missing: 0, drifted: 0, blocked: 0})
    expect(parseJson<BootstrapOutput>(second).result).toBeUndefined()
    expect((await lakegov('policies', 'status', '--detailed-exitcode')).code).toBe(0)

    // Out-of-band drift: someone removes Block Public Access.
    await s3.send(new DeletePublicAccessBlockCommand({Bucket: BUCKET}))
    const status = await lakegov('policies', 'status', '--detailed-exitcode', '--json')
    expect(status.code).toBe(2)
    const drifted = parseJson<BootstrapPlan>(status).steps.filter((step) => step.status !== 'ok')
    expect(drifted.map((step) => [step.step, step.status, step.changes.map((change) => change.action)])).toEqual([['bucket', 'drifted', ['PutPublicAccessBlock']]])

    const repair = await lakegov('policies', 'bootstrap')
    expect(repair.code).toBe(0)
    expect(repair.stdout).toContain('+ turn on Block Public Access: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets from off to on')
    expect((await s3.send(new GetPublicAccessBlockCommand({Bucket: BUCKET}))).PublicAccessBlockConfiguration?.BlockPublicPolicy).toBe(true)
    expect((await lakegov('policies', 'status', '--detailed-exitcode')).code).toBe(0)
  })

  it('adopts an existing bucket and database: keeps their statements and admins, revokes IAM_ALLOWED_PRINCIPALS', async () => {
    const policies = path.join('test', 'fixtures', 'policies', 'lake-aes')
    const s3 = new S3Client({...sdk(), forcePathStyle: true})
    await s3.send(new CreateBucketCommand({Bucket: 'legacy-trail-logs'}))
    const theirs = {Sid: 'AuditorsRead', Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCOUNT}:role/Auditor`}, Action: 's3:GetObject', Resource: 'arn:aws:s3:::legacy-trail-logs/*'}
    await s3.send(new PutBucketPolicyCommand({Bucket: 'legacy-trail-logs', Policy: JSON.stringify({Version: '2012-10-17', Statement: [theirs]})}))
    const glue = new GlueClient(sdk())
    await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'legacy'}}))
    await glue.send(new CreateTableCommand({DatabaseName: 'legacy', TableInput: {Name: 'events'}}))
    const lf = new LakeFormationClient(sdk())
    const existingAdmin = {DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:user/moto`}
    await lf.send(
      new PutDataLakeSettingsCommand({
        DataLakeSettings: {DataLakeAdmins: [existingAdmin], TrustedResourceOwners: ['444455556666'], Parameters: {CROSS_ACCOUNT_VERSION: '4'}},
      }),
    )
    for (const resource of [{Database: {Name: 'legacy'}}, {Table: {DatabaseName: 'legacy', Name: 'events'}}]) {
      await lf.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Resource: resource, Permissions: ['ALL']}))
    }

    const run = await lakegov(policies, 'bootstrap', '--json')
    expect(run.code).toBe(0)
    const steps = parseJson<BootstrapOutput>(run).plan.steps
    // The database was created in the default mode, so (as on AWS) it gives new tables to IAM_ALLOWED_PRINCIPALS too.
    expect(steps.find((step) => step.step === 'database')?.changes.map((change) => change.action)).toEqual(['UpdateDatabase', 'RevokeIamAllowedPrincipals'])
    expect(steps.find((step) => step.step === 'trail')?.status).toBe('ok')

    const policy = policyOf((await s3.send(new GetBucketPolicyCommand({Bucket: 'legacy-trail-logs'}))).Policy)
    expect(policy.Statement[0]).toEqual(theirs)
    expect(policy.Statement.map((statement) => statement.Sid)).toEqual(['AuditorsRead', 'LakegovDenyInsecureTransport', 'LakegovCloudTrailAclCheck', 'LakegovCloudTrailWrite'])
    // No trail declared: CloudTrail may write for any trail of this account, under the key prefix.
    expect(JSON.stringify(policy)).toContain(`arn:aws:s3:::legacy-trail-logs/logs/AWSLogs/${ACCOUNT}/*`)

    const settings = (await lf.send(new GetDataLakeSettingsCommand({}))).DataLakeSettings
    expect(settings?.DataLakeAdmins).toEqual([existingAdmin, {DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/LakeAdmin`}])
    expect(settings?.TrustedResourceOwners).toEqual(['444455556666'])
    expect(settings?.Parameters).toMatchObject({CROSS_ACCOUNT_VERSION: '4'})
    const remaining = await lf.send(new ListPermissionsCommand({Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}}))
    expect(remaining.PrincipalResourcePermissions ?? []).toEqual([])

    expect(parseJson<BootstrapOutput>(await lakegov(policies, 'bootstrap', '--json')).plan.summary.changes).toBe(0)
  })

  it('reports a KMS key that does not exist at its line in lake.yaml, before changing anything', async () => {
    const run = await lakegov('policies', 'bootstrap', '--json')
    expect(run.code).toBe(3)
    const {error} = parseJson<{error: {code: string; message: string}}>(run)
    expect(error.code).toBe('KMS_KEY_NOT_FOUND')
    expect(error.message).toMatch(/^policies\/lake\.yaml:11:\d+ \(bucket\.encryption\.kmsKeyArn\): KMS key alias\/lake-logs does not exist/)
    const buckets = await new S3Client({...sdk(), forcePathStyle: true}).send(new GetPublicAccessBlockCommand({Bucket: BUCKET})).catch((error: Error) => error.name)
    expect(buckets).toBe('NoSuchBucket')
  })

  it('with no admin anywhere, --dry-run refuses (exit 3) exactly as the real run does', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-noadmin-'))
    const lake = readFileSync(path.join(ROOT, 'test', 'fixtures', 'policies', 'lake-aes', 'lake.yaml'), 'utf8').replace(/^admins: .*$/m, '')
    writeFileSync(path.join(dir, 'lake.yaml'), lake)
    const dryRun = await lakegov(dir, 'bootstrap', '--dry-run', '--json')
    const real = await lakegov(dir, 'bootstrap', '--json')
    for (const run of [dryRun, real]) {
      expect(run.code).toBe(3)
      expect(parseJson<{error: {code: string}}>(run).error.code).toBe('BOOTSTRAP_NO_ADMIN')
    }
  })

  it('refuses --exact-admins that would remove the caller, in the dry run too, unless lake.yaml declares the caller', async () => {
    const caller = `arn:aws:iam::${ACCOUNT}:user/moto`
    await new LakeFormationClient(sdk()).send(
      new PutDataLakeSettingsCommand({DataLakeSettings: {DataLakeAdmins: [{DataLakePrincipalIdentifier: caller}, {DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/LakeAdmin`}]}}),
    )
    const policies = path.join('test', 'fixtures', 'policies', 'lake-aes')
    const refused = await lakegov(policies, 'bootstrap', '--dry-run', '--exact-admins', '--json')
    expect(refused.code).toBe(3)
    const {error} = parseJson<{error: {code: string; message: string}}>(refused)
    expect(error.code).toBe('BOOTSTRAP_REMOVES_CALLER')
    expect(error.message).toContain(caller)

    const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-caller-'))
    writeFileSync(path.join(dir, 'lake.yaml'), readFileSync(path.join(ROOT, policies, 'lake.yaml'), 'utf8').replace(/^admins: \[(.*)\]$/m, `admins: [$1, ${caller}]`))
    const declared = await lakegov(dir, 'bootstrap', '--dry-run', '--exact-admins', '--json')
    expect(declared.code).toBe(0)
  })
})
