import {checkAdmin, checkDefaults, checkLocations, runDoctor, type DoctorPorts} from '../../src/core/doctor/doctor'
import {LakegovError} from '../../src/core/errors'
import {ExitCode} from '../../src/core/exit-codes'
import type {CallerIdentity, DataLakeSettings, RegisteredLocation} from '../../src/core/model/lake'

const caller: CallerIdentity = {account: '111122223333', arn: 'arn:aws:sts::111122223333:assumed-role/LakeAdmin/ci', userId: 'AROA:ci'}
const IAM_DEFAULT = [{principal: 'IAM_ALLOWED_PRINCIPALS', permissions: ['ALL']}]

function settings(overrides: Partial<DataLakeSettings> = {}): DataLakeSettings {
  return {admins: [], readOnlyAdmins: [], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: [], ...overrides}
}

function ports(overrides: {identity?: () => Promise<CallerIdentity>; settings?: () => Promise<DataLakeSettings>; locations?: () => Promise<RegisteredLocation[]>}): DoctorPorts {
  return {
    identity: {getCallerIdentity: overrides.identity ?? (async () => caller)},
    settings: {getDataLakeSettings: overrides.settings ?? (async () => settings({admins: ['arn:aws:iam::111122223333:role/LakeAdmin']}))},
    locations: {listRegisteredLocations: overrides.locations ?? (async () => [{resourceArn: 'arn:aws:s3:::logs/AWSLogs/', verificationStatus: 'VERIFIED'}])},
  }
}

const target = {region: 'us-east-1', endpoint: 'AWS'}

describe('checkAdmin', () => {
  it.each([
    ['an admin role, called through an assumed-role session', settings({admins: ['arn:aws:iam::111122223333:role/LakeAdmin']}), 'ok'],
    ['a read-only admin', settings({readOnlyAdmins: ['arn:aws:iam::111122223333:role/LakeAdmin']}), 'warn'],
    ['neither', settings({admins: ['arn:aws:iam::111122223333:role/Other']}), 'fail'],
    ['a lake with no admin at all', settings(), 'fail'],
  ])('%s', (_name, lake, status) => {
    expect(checkAdmin(caller, lake).status).toBe(status)
  })

  it('names the existing admins and the fix when the caller is not one', () => {
    const check = checkAdmin(caller, settings({admins: ['arn:aws:iam::111122223333:role/Other']}))
    expect(check.detail).toContain('arn:aws:iam::111122223333:role/Other')
    expect(check.fix).toMatch(/^Add the role arn:aws:iam::111122223333:role\/LakeAdmin \(not the session arn:aws:sts::111122223333:assumed-role\/LakeAdmin\/ci\)/)
    expect(check.exitCode).toBe(ExitCode.AwsAccess)
  })

  it('names an IAM user by its IAM ARN, never an sts ARN', () => {
    const user: CallerIdentity = {account: '111122223333', arn: 'arn:aws:iam::111122223333:user/alice', userId: 'AIDA'}
    expect(checkAdmin(user, settings()).fix).toMatch(/^Add arn:aws:iam::111122223333:user\/alice to/)
  })
})

describe('checkDefaults', () => {
  it.each([
    [[], [], 'ok', undefined],
    [IAM_DEFAULT, [], 'warn', 'databases'],
    [[], IAM_DEFAULT, 'warn', 'tables'],
    [IAM_DEFAULT, IAM_DEFAULT, 'warn', 'databases and tables'],
  ])('database defaults %j, table defaults %j -> %s', (db, table, status, named) => {
    const check = checkDefaults(settings({createDatabaseDefaultPermissions: db, createTableDefaultPermissions: table}))
    expect(check.status).toBe(status)
    if (named) expect(check.detail).toContain(`New ${named} grant ALL`)
  })
})

describe('checkLocations', () => {
  it('warns when nothing is registered', () => {
    expect(checkLocations([])).toEqual([expect.objectContaining({id: 'locations', status: 'warn'})])
  })

  it('gives one check per location, sorted, by verification status', () => {
    const checks = checkLocations([
      {resourceArn: 'arn:aws:s3:::z', verificationStatus: 'NOT_VERIFIED'},
      {resourceArn: 'arn:aws:s3:::a', verificationStatus: 'VERIFIED', roleArn: 'arn:aws:iam::1:role/r'},
      {resourceArn: 'arn:aws:s3:::m', verificationStatus: 'VERIFICATION_FAILED'},
    ])
    expect(checks.map((check) => [check.id, check.status])).toEqual([
      ['location:arn:aws:s3:::a', 'ok'],
      ['location:arn:aws:s3:::m', 'warn'],
      ['location:arn:aws:s3:::z', 'fail'],
    ])
  })
})

describe('runDoctor', () => {
  it('exits 0 when every check passes', async () => {
    const report = await runDoctor(ports({}), target)
    expect(report.checks.map((check) => check.status)).toEqual(['ok', 'ok', 'ok', 'ok'])
    expect(report.exitCode).toBe(ExitCode.Ok)
    expect(report.identity).toEqual(caller)
  })

  it('stops after the identity check when there are no credentials, and exits 4', async () => {
    const noCredentials = new LakegovError('No AWS credentials found.', {exitCode: ExitCode.AwsAccess, code: 'AWS_NO_CREDENTIALS', suggestions: ['Pass --profile']})
    const report = await runDoctor(
      ports({
        identity: async () => {
          throw noCredentials
        },
      }),
      target,
    )
    expect(report.checks).toEqual([{id: 'identity', status: 'fail', detail: 'No AWS credentials found.', fix: 'Pass --profile', exitCode: 4}])
    expect(report.exitCode).toBe(ExitCode.AwsAccess)
  })

  it('keeps checking locations when the settings cannot be read', async () => {
    const denied = new LakegovError('Access denied', {exitCode: ExitCode.AwsAccess, code: 'AWS_ACCESS_DENIED'})
    const report = await runDoctor(
      ports({
        settings: async () => {
          throw denied
        },
      }),
      target,
    )
    expect(report.checks.map((check) => `${check.id}:${check.status}`)).toEqual(['identity:ok', 'lake-settings:fail', 'location:arn:aws:s3:::logs/AWSLogs/:ok'])
    expect(report.exitCode).toBe(ExitCode.AwsAccess)
  })

  it('reports an unexpected error as an internal one', async () => {
    const report = await runDoctor(
      ports({
        locations: async () => {
          throw new TypeError('boom')
        },
      }),
      target,
    )
    expect(report.checks.at(-1)).toMatchObject({id: 'locations', status: 'fail', exitCode: ExitCode.Internal})
    expect(report.exitCode).toBe(ExitCode.Internal)
  })

  it('warnings alone do not fail the run', async () => {
    const report = await runDoctor(
      ports({
        settings: async () => settings({admins: [caller.arn], createDatabaseDefaultPermissions: IAM_DEFAULT}),
        locations: async () => [],
      }),
      target,
    )
    expect(report.checks.map((check) => check.status)).toEqual(['ok', 'ok', 'warn', 'warn'])
    expect(report.exitCode).toBe(ExitCode.Ok)
  })
})
