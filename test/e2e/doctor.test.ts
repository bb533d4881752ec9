import {GetDataLakeSettingsCommand, LakeFormationClient, PutDataLakeSettingsCommand, RegisterResourceCommand} from '@aws-sdk/client-lakeformation'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import type {DoctorReport} from '../../src/core/doctor/doctor'
import {parseJson, runCli, sandboxEnv} from '../support/cli'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig, sandboxStats, setSandboxFaults} from '../support/sandbox/client'

/** moto's identity for any access key it did not issue. */
const CALLER = 'arn:aws:sts::123456789012:user/moto'

function sdk() {
  return sandboxSdkConfig(sandboxEndpoint(), 1)
}

function statuses(report: DoctorReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((check) => [check.id, check.status]))
}

describe('lakegov doctor (e2e, against the sandbox)', () => {
  beforeEach(resetSandbox)

  it('on a fresh account: fails because the caller is not a data lake admin, and exits 4', async () => {
    const result = await runCli(['doctor', '--json'], sandboxEnv(sandboxEndpoint()))
    const report = parseJson<DoctorReport>(result)

    expect(result.code).toBe(4)
    expect(report.identity?.arn).toBe(CALLER)
    expect(report.region).toBe('us-east-1')
    expect(report.endpoint).toBe(sandboxEndpoint())
    expect(statuses(report)).toEqual({identity: 'ok', 'lake-admin': 'fail', 'iam-defaults': 'warn', locations: 'warn'})
    // The fix names the IAM ARN Lake Formation accepts, not the sts form moto reports.
    expect(report.checks.find((check) => check.id === 'lake-admin')?.fix).toContain('Add arn:aws:iam::123456789012:user/moto to')
  })

  it('once the caller is an admin, the defaults are Lake Formation and a location is verified: all ok, exit 0', async () => {
    const lakeformation = new LakeFormationClient(sdk())
    await lakeformation.send(
      new PutDataLakeSettingsCommand({
        DataLakeSettings: {
          DataLakeAdmins: [{DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:user/moto'}],
          CreateDatabaseDefaultPermissions: [],
          CreateTableDefaultPermissions: [],
        },
      }),
    )
    await new S3Client({...sdk(), forcePathStyle: true}).send(new CreateBucketCommand({Bucket: 'acme-cloudtrail-logs'}))
    await lakeformation.send(new RegisterResourceCommand({ResourceArn: 'arn:aws:s3:::acme-cloudtrail-logs/AWSLogs', UseServiceLinkedRole: true}))

    const result = await runCli(['doctor', '--json'], sandboxEnv(sandboxEndpoint()))
    const report = parseJson<DoctorReport>(result)

    expect(result.code).toBe(0)
    expect(statuses(report)).toEqual({identity: 'ok', 'lake-admin': 'ok', 'iam-defaults': 'ok', 'location:arn:aws:s3:::acme-cloudtrail-logs/AWSLogs': 'ok'})
    // doctor reads; it must not have changed the settings it inspected.
    const after = await lakeformation.send(new GetDataLakeSettingsCommand({}))
    expect(after.DataLakeSettings?.DataLakeAdmins).toEqual([{DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:user/moto'}])
  })

  it('prints a readable report without --json', async () => {
    const result = await runCli(['doctor'], sandboxEnv(sandboxEndpoint()))
    expect(result.code).toBe(4)
    expect(result.stdout).toMatch(/^ok {4}Calling as arn:aws:sts::123456789012:user\/moto/m)
    expect(result.stdout).toMatch(/^fail {2}The caller is not a data lake administrator/m)
    expect(result.stdout).toMatch(/^ {6}fix: Add arn:aws:iam::123456789012:user\/moto to/m)
    expect(result.stdout).toContain('1 ok, 2 warn, 1 fail')
  })

  it('retries injected throttling and still succeeds', async () => {
    await setSandboxFaults({failNext: [{service: 'lakeformation', operation: 'GetDataLakeSettings', kind: 'throttle', count: 2}]})

    const result = await runCli(['doctor', '--json', '--max-attempts', '3'], sandboxEnv(sandboxEndpoint()))

    expect(statuses(parseJson<DoctorReport>(result))['lake-admin']).toBe('fail')
    const stats = await sandboxStats()
    expect(stats.faults.throttle).toBe(2)
    expect(stats.services.lakeformation.GetDataLakeSettings).toBe(3)
  }, 20_000)

  it('reports throttling that outlasts the retries as a failed check', async () => {
    await setSandboxFaults({failNext: [{service: 'lakeformation', operation: 'GetDataLakeSettings', kind: 'throttle', count: 5}]})

    const result = await runCli(['doctor', '--json', '--max-attempts', '2'], sandboxEnv(sandboxEndpoint()))

    const settings = parseJson<DoctorReport>(result).checks.find((check) => check.id === 'lake-settings')
    expect(settings).toMatchObject({status: 'fail', exitCode: 1, fix: expect.stringContaining('--max-attempts')})
    expect(result.code).toBe(1)
  }, 20_000)
})

describe('lakegov CLI basics (e2e)', () => {
  it('exits 4 with a fix when there are no credentials', async () => {
    const env = sandboxEnv(sandboxEndpoint(), {AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined})
    const result = await runCli(['doctor', '--json'], env)
    const report = parseJson<DoctorReport>(result)
    expect(result.code).toBe(4)
    expect(report.checks).toEqual([expect.objectContaining({id: 'identity', status: 'fail', fix: expect.stringContaining('--profile')})])
  })

  it('exits 64 on an unknown flag, naming it', async () => {
    const result = await runCli(['doctor', '--no-such-flag'], sandboxEnv(sandboxEndpoint()))
    expect(result.code).toBe(64)
    expect(result.stderr).toContain('Nonexistent flag: --no-such-flag')
  })

  it('exits 64 on an unknown flag with --json too, as JSON', async () => {
    const result = await runCli(['doctor', '--json', '--no-such-flag'], sandboxEnv(sandboxEndpoint()))
    expect(result.code).toBe(64)
    expect(parseJson<{error: {code: string; exitCode: number}}>(result).error).toMatchObject({code: 'USAGE', exitCode: 64})
  })

  it('shows help with the exit codes', async () => {
    const result = await runCli(['doctor', '--help'], sandboxEnv(sandboxEndpoint()))
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('EXIT CODES')
    expect(result.stdout).toContain('--endpoint-url')
    const root = await runCli(['--help'], sandboxEnv(sandboxEndpoint()))
    expect(root.stdout).toMatch(/doctor\s+Check that lakegov can reach AWS/)
  })

  it('prints its version', async () => {
    const result = await runCli(['--version'], sandboxEnv(sandboxEndpoint()))
    expect(result.stdout).toMatch(/^lakegov\/\d+\.\d+\.\d+ /)
  })
})
