import {CreateDatabaseCommand, GetDatabaseCommand, GetDatabasesCommand, GlueClient} from '@aws-sdk/client-glue'
import {CreateRoleCommand, GetRoleCommand, IAMClient, ListRolesCommand, PutRolePolicyCommand} from '@aws-sdk/client-iam'
import {
  DescribeResourceCommand,
  GetDataLakeSettingsCommand,
  LakeFormationClient,
  PutDataLakeSettingsCommand,
  RegisterResourceCommand,
  StartTransactionCommand,
  UpdateResourceCommand,
} from '@aws-sdk/client-lakeformation'
import {CreateBucketCommand, GetObjectCommand, HeadBucketCommand, ListBucketsCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'

import {resetSandbox, sandboxEndpoint, sandboxSdkConfig, sandboxStats, setSandboxFaults} from '../support/sandbox/client'

jest.setTimeout(30_000)

const ACCOUNT = '123456789012'

function config(maxAttempts = 1) {
  return sandboxSdkConfig(sandboxEndpoint(), maxAttempts)
}

const clients = (maxAttempts = 1) => ({
  lakeformation: new LakeFormationClient(config(maxAttempts)),
  glue: new GlueClient(config(maxAttempts)),
  iam: new IAMClient(config(maxAttempts)),
  sts: new STSClient(config(maxAttempts)),
  s3: new S3Client({...config(maxAttempts), forcePathStyle: true}),
})

function trustPolicy(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{Effect: 'Allow', Principal: {Service: service}, Action: 'sts:AssumeRole'}],
  })
}

/** The error a promise rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error & {$metadata?: {httpStatusCode?: number; attempts?: number}; code?: string}> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to fail, but it succeeded')
}

async function rawPost(path: string, body: unknown): Promise<{status: number; json: unknown}> {
  const response = await fetch(`${sandboxEndpoint()}${path}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)})
  return {status: response.status, json: await response.json()}
}

beforeEach(async () => {
  await resetSandbox()
})

describe('sandbox gateway: protocols', () => {
  it('serves Lake Formation (restJson1) from the model, with a fresh account and state that persists', async () => {
    const {lakeformation} = clients()
    const fresh = await lakeformation.send(new GetDataLakeSettingsCommand({}))
    expect(fresh.DataLakeSettings?.DataLakeAdmins).toEqual([])
    expect(fresh.DataLakeSettings?.CreateTableDefaultPermissions).toEqual([{Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Permissions: ['ALL']}])

    const admin = {DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/LakeAdmin`}
    await lakeformation.send(new PutDataLakeSettingsCommand({DataLakeSettings: {DataLakeAdmins: [admin]}}))
    const after = await lakeformation.send(new GetDataLakeSettingsCommand({}))
    expect(after.DataLakeSettings?.DataLakeAdmins).toEqual([admin])
    expect(after.DataLakeSettings?.CreateTableDefaultPermissions).toEqual([])
  })

  it('says plainly when a Lake Formation operation is not modelled, instead of pretending it worked', async () => {
    const error = await failure(clients().lakeformation.send(new StartTransactionCommand({})))
    expect(error.name).toBe('UnknownOperationException')
    expect(error.message).toMatch(/does not model the Lake Formation operation "StartTransaction"/)
  })

  it('forwards Glue (awsJson1_1) to moto', async () => {
    const {glue} = clients()
    await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'cloudtrail', Description: 'CloudTrail logs'}}))
    const {Database} = await glue.send(new GetDatabaseCommand({Name: 'cloudtrail'}))
    expect(Database).toMatchObject({Name: 'cloudtrail', Description: 'CloudTrail logs'})
    expect((await failure(glue.send(new GetDatabaseCommand({Name: 'missing'})))).name).toBe('EntityNotFoundException')
  })

  it('forwards IAM and STS (awsQuery) to moto', async () => {
    const {iam, sts} = clients()
    await iam.send(new CreateRoleCommand({RoleName: 'Crawler', Path: '/lake/', AssumeRolePolicyDocument: trustPolicy('glue.amazonaws.com')}))
    const {Role} = await iam.send(new GetRoleCommand({RoleName: 'Crawler'}))
    expect(Role?.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/lake/Crawler`)
    expect(JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')).Statement[0].Principal).toEqual({Service: 'glue.amazonaws.com'})

    const identity = await sts.send(new GetCallerIdentityCommand({}))
    expect(identity.Account).toBe(ACCOUNT)
  })

  it('forwards S3 (restXml) to moto, bodies included', async () => {
    const {s3} = clients()
    await s3.send(new CreateBucketCommand({Bucket: 'lake-logs'}))
    const body = JSON.stringify({Records: [{eventName: 'GetDataAccess'}]})
    await s3.send(new PutObjectCommand({Bucket: 'lake-logs', Key: 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/01/01/a.json', Body: body}))
    const object = await s3.send(new GetObjectCommand({Bucket: 'lake-logs', Key: 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/01/01/a.json'}))
    expect(await object.Body?.transformToString()).toBe(body)
    const {Buckets} = await s3.send(new ListBucketsCommand({}))
    expect(Buckets?.map((bucket) => bucket.Name)).toEqual(['lake-logs'])
  })
})

describe('sandbox gateway: stats and reset', () => {
  it('counts calls per service and operation, and not its own routes', async () => {
    const {lakeformation, glue, iam, sts, s3} = clients()
    await lakeformation.send(new GetDataLakeSettingsCommand({}))
    await lakeformation.send(new GetDataLakeSettingsCommand({}))
    await glue.send(new GetDatabasesCommand({}))
    await iam.send(new ListRolesCommand({}))
    await sts.send(new GetCallerIdentityCommand({}))
    await s3.send(new ListBucketsCommand({}))
    await s3.send(new CreateBucketCommand({Bucket: 'counted'}))
    await s3.send(new HeadBucketCommand({Bucket: 'counted'}))
    await sandboxStats()

    expect(await sandboxStats()).toEqual({
      total: 8,
      services: {
        glue: {GetDatabases: 1},
        iam: {ListRoles: 1},
        lakeformation: {GetDataLakeSettings: 2},
        s3: {CreateBucket: 1, HeadBucket: 1, ListBuckets: 1},
        sts: {GetCallerIdentity: 1},
      },
      faults: {throttle: 0, error5xx: 0, dropped: 0, denied: 0},
    })
  })

  it('clears the Lake Formation model, moto and the stats', async () => {
    const {lakeformation, glue, s3} = clients()
    await s3.send(new CreateBucketCommand({Bucket: 'to-forget'}))
    await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'to_forget'}}))
    await lakeformation.send(new RegisterResourceCommand({ResourceArn: 'arn:aws:s3:::to-forget', UseServiceLinkedRole: true}))
    await lakeformation.send(new PutDataLakeSettingsCommand({DataLakeSettings: {DataLakeAdmins: [{DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:user/admin`}]}}))

    await resetSandbox()

    expect(await sandboxStats()).toEqual({total: 0, services: {}, faults: {throttle: 0, error5xx: 0, dropped: 0, denied: 0}})
    expect((await failure(lakeformation.send(new DescribeResourceCommand({ResourceArn: 'arn:aws:s3:::to-forget'})))).name).toBe('EntityNotFoundException')
    expect((await lakeformation.send(new GetDataLakeSettingsCommand({}))).DataLakeSettings?.DataLakeAdmins).toEqual([])
    expect((await failure(glue.send(new GetDatabaseCommand({Name: 'to_forget'})))).name).toBe('EntityNotFoundException')
    expect((await failure(s3.send(new HeadBucketCommand({Bucket: 'to-forget'})))).$metadata?.httpStatusCode).toBe(404)
  })
})

describe('sandbox gateway: location verification against moto', () => {
  async function registerAndDescribe(input: {ResourceArn: string; RoleArn?: string; UseServiceLinkedRole?: boolean}) {
    const {lakeformation} = clients()
    await lakeformation.send(new RegisterResourceCommand(input))
    return (await lakeformation.send(new DescribeResourceCommand({ResourceArn: input.ResourceArn}))).ResourceInfo
  }

  /** The access a registration role needs (developer guide, "Requirements for roles used to register locations"). */
  async function allowRead(iam: IAMClient, roleName: string, objects = 'arn:aws:s3:::lake-data/*') {
    const statements = [
      {Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::lake-data'},
      {Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: objects},
    ]
    await iam.send(new PutRolePolicyCommand({RoleName: roleName, PolicyName: 'lake', PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: statements})}))
  }

  it('is VERIFIED for an existing bucket and a role that trusts Lake Formation and may list and read the location', async () => {
    const {s3, iam} = clients()
    await s3.send(new CreateBucketCommand({Bucket: 'lake-data'}))
    const {Role} = await iam.send(new CreateRoleCommand({RoleName: 'LakeRegistration', AssumeRolePolicyDocument: trustPolicy('lakeformation.amazonaws.com')}))
    await allowRead(iam, 'LakeRegistration', 'arn:aws:s3:::lake-data/cloudtrail/*')
    const info = await registerAndDescribe({ResourceArn: 'arn:aws:s3:::lake-data/cloudtrail', RoleArn: Role?.Arn})
    expect(info).toMatchObject({RoleArn: Role?.Arn, VerificationStatus: 'VERIFIED'})
  })

  // The API reference, ResourceInfo.VerificationStatus: NOT_VERIFIED - "Registered role does not have
  // sufficient permissions to access registered Amazon S3 location".
  it('is NOT_VERIFIED for a trusted role whose policies do not allow s3:ListBucket and s3:GetObject on the location', async () => {
    const {s3, iam} = clients()
    await s3.send(new CreateBucketCommand({Bucket: 'lake-data'}))
    await iam.send(new CreateRoleCommand({RoleName: 'NoPolicy', AssumeRolePolicyDocument: trustPolicy('lakeformation.amazonaws.com')}))
    expect(await registerAndDescribe({ResourceArn: 'arn:aws:s3:::lake-data/a', RoleArn: `arn:aws:iam::${ACCOUNT}:role/NoPolicy`})).toMatchObject({VerificationStatus: 'NOT_VERIFIED'})
    await iam.send(new CreateRoleCommand({RoleName: 'OtherPrefix', AssumeRolePolicyDocument: trustPolicy('lakeformation.amazonaws.com')}))
    await allowRead(iam, 'OtherPrefix', 'arn:aws:s3:::lake-data/other/*')
    expect(await registerAndDescribe({ResourceArn: 'arn:aws:s3:::lake-data/b', RoleArn: `arn:aws:iam::${ACCOUNT}:role/OtherPrefix`})).toMatchObject({VerificationStatus: 'NOT_VERIFIED'})
  })

  it('is NOT_VERIFIED for a role that does not trust Lake Formation, or does not exist', async () => {
    const {s3, iam} = clients()
    await s3.send(new CreateBucketCommand({Bucket: 'lake-data'}))
    const {Role} = await iam.send(new CreateRoleCommand({RoleName: 'GlueOnly', AssumeRolePolicyDocument: trustPolicy('glue.amazonaws.com')}))
    expect(await registerAndDescribe({ResourceArn: 'arn:aws:s3:::lake-data/a', RoleArn: Role?.Arn})).toMatchObject({VerificationStatus: 'NOT_VERIFIED'})
    expect(await registerAndDescribe({ResourceArn: 'arn:aws:s3:::lake-data/b', RoleArn: `arn:aws:iam::${ACCOUNT}:role/Nobody`})).toMatchObject({
      VerificationStatus: 'NOT_VERIFIED',
    })
  })

  it('is NOT_VERIFIED for a bucket that does not exist, and VERIFIED with the service-linked role once it does', async () => {
    expect(await registerAndDescribe({ResourceArn: 'arn:aws:s3:::not-there', UseServiceLinkedRole: true})).toMatchObject({
      VerificationStatus: 'NOT_VERIFIED',
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess`,
    })
    await clients().s3.send(new CreateBucketCommand({Bucket: 'now-there'}))
    expect(await registerAndDescribe({ResourceArn: 'arn:aws:s3:::now-there', UseServiceLinkedRole: true})).toMatchObject({VerificationStatus: 'VERIFIED'})
  })

  it('verifies again on UpdateResource', async () => {
    const {s3, iam, lakeformation} = clients()
    await s3.send(new CreateBucketCommand({Bucket: 'lake-data'}))
    const wrong = await iam.send(new CreateRoleCommand({RoleName: 'Wrong', AssumeRolePolicyDocument: trustPolicy('ec2.amazonaws.com')}))
    const right = await iam.send(new CreateRoleCommand({RoleName: 'Right', AssumeRolePolicyDocument: trustPolicy('lakeformation.amazonaws.com')}))
    await allowRead(iam, 'Right')
    expect(await registerAndDescribe({ResourceArn: 'arn:aws:s3:::lake-data', RoleArn: wrong.Role?.Arn})).toMatchObject({VerificationStatus: 'NOT_VERIFIED'})
    await lakeformation.send(new UpdateResourceCommand({ResourceArn: 'arn:aws:s3:::lake-data', RoleArn: right.Role?.Arn}))
    const {ResourceInfo} = await lakeformation.send(new DescribeResourceCommand({ResourceArn: 'arn:aws:s3:::lake-data'}))
    expect(ResourceInfo).toMatchObject({RoleArn: right.Role?.Arn, VerificationStatus: 'VERIFIED'})
  })
})

type Clients = ReturnType<typeof clients>

/** One cheap call per protocol, with the error names AWS's throttling and 500s carry in it. */
const PROTOCOL_CASES: {protocol: string; service: string; operation: string; call: (c: Clients) => Promise<unknown>; throttled: string; throttledStatus: number; serverError: string}[] = [
  {protocol: 'restJson1', service: 'lakeformation', operation: 'GetDataLakeSettings', call: (c) => c.lakeformation.send(new GetDataLakeSettingsCommand({})), throttled: 'ThrottlingException', throttledStatus: 400, serverError: 'InternalServiceException'},
  {protocol: 'awsJson1_1', service: 'glue', operation: 'GetDatabases', call: (c) => c.glue.send(new GetDatabasesCommand({})), throttled: 'ThrottlingException', throttledStatus: 400, serverError: 'InternalFailure'},
  {protocol: 'awsQuery (IAM)', service: 'iam', operation: 'ListRoles', call: (c) => c.iam.send(new ListRolesCommand({})), throttled: 'Throttling', throttledStatus: 400, serverError: 'InternalFailure'},
  {protocol: 'awsQuery (STS)', service: 'sts', operation: 'GetCallerIdentity', call: (c) => c.sts.send(new GetCallerIdentityCommand({})), throttled: 'Throttling', throttledStatus: 400, serverError: 'InternalFailure'},
  {protocol: 'restXml', service: 's3', operation: 'ListBuckets', call: (c) => c.s3.send(new ListBucketsCommand({})), throttled: 'SlowDown', throttledStatus: 503, serverError: 'InternalError'},
]

describe('sandbox gateway: faults', () => {
  afterEach(async () => {
    await setSandboxFaults({latencyMs: 0, throttleRate: 0, errorRate: 0, seed: 1, failNext: []})
  })

  it.each(PROTOCOL_CASES)('throttles $protocol in its real shape ($throttled), which the SDK retries', async ({service, operation, call, throttled, throttledStatus}) => {
    await setSandboxFaults({failNext: [{service, operation, kind: 'throttle', count: 1}]})
    const error = await failure(call(clients(1)))
    expect(error.name).toBe(throttled)
    expect(error.$metadata?.httpStatusCode).toBe(throttledStatus)

    await setSandboxFaults({failNext: [{service, operation, kind: 'throttle', count: 2}]})
    const output = (await call(clients(3))) as {$metadata: {attempts?: number}}
    expect(output.$metadata.attempts).toBe(3)
    expect((await sandboxStats()).services[service][operation]).toBe(4)
    expect((await sandboxStats()).faults).toEqual({throttle: 3, error5xx: 0, dropped: 0, denied: 0})
  })

  it.each(PROTOCOL_CASES)('answers a 5xx fault on $protocol with a 500 ($serverError)', async ({service, call, serverError}) => {
    await setSandboxFaults({failNext: [{service, kind: '5xx', count: 1}]})
    const error = await failure(call(clients(1)))
    expect(error.$metadata?.httpStatusCode).toBe(500)
    expect(error.name).toBe(serverError)
    expect((await sandboxStats()).faults.error5xx).toBe(1)
  })

  it('drops the connection on a drop fault, which the SDK sees as a network error', async () => {
    await setSandboxFaults({failNext: [{service: 'sts', kind: 'drop', count: 1}]})
    const error = await failure(clients(1).sts.send(new GetCallerIdentityCommand({})))
    expect(error.$metadata?.httpStatusCode).toBeUndefined()
    expect(`${error.code ?? ''} ${error.message}`).toMatch(/ECONNRESET|socket hang up/)
    expect((await sandboxStats()).faults.dropped).toBe(1)
    // Only that one call: the next one goes through.
    await expect(clients(1).sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({Account: ACCOUNT})
  })

  it('fails only the calls a failNext rule matches', async () => {
    await setSandboxFaults({failNext: [{service: 'glue', operation: 'GetDatabase', kind: 'throttle', count: 1}]})
    const c = clients(1)
    await expect(c.glue.send(new GetDatabasesCommand({}))).resolves.toBeDefined()
    await expect(c.sts.send(new GetCallerIdentityCommand({}))).resolves.toBeDefined()
    expect((await failure(c.glue.send(new GetDatabaseCommand({Name: 'x'})))).name).toBe('ThrottlingException')
    expect((await failure(c.glue.send(new GetDatabaseCommand({Name: 'x'})))).name).toBe('EntityNotFoundException')
  })

  it('draws random faults from the seed, so a reset replays the same sequence', async () => {
    await setSandboxFaults({throttleRate: 0.5, seed: 42})
    const outcomes = async () => {
      const c = clients(1)
      const seen: string[] = []
      for (let i = 0; i < 12; i++) seen.push(await c.sts.send(new GetCallerIdentityCommand({})).then(() => 'ok', (error: Error) => error.name))
      return seen
    }
    const first = await outcomes()
    await resetSandbox()
    const second = await outcomes()
    expect(second).toEqual(first)
    expect(new Set(first)).toEqual(new Set(['ok', 'Throttling']))
  })

  it('adds latency to every AWS call', async () => {
    await setSandboxFaults({latencyMs: 300})
    const started = Date.now()
    await clients(1).sts.send(new GetCallerIdentityCommand({}))
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
  })

  it('refuses invalid fault settings with a 400', async () => {
    const bad = await rawPost('/_sandbox/faults', {failNext: [{service: 's3', kind: 'explode', count: 1}]})
    expect(bad.status).toBe(400)
    expect(bad.json).toEqual({message: 'failNext[0].kind must be one of throttle, 5xx, drop, denied.'})
    expect((await rawPost('/_sandbox/faults', {throttleRate: 2})).status).toBe(400)
  })
})
