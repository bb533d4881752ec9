import {RegisterResourceCommand} from '@aws-sdk/client-lakeformation'
import nock from 'nock'

import {LakeAdapter} from '../../src/workflows/lake'
import {ExitCode} from '../../src/core/exit-codes'
import {applyBootstrapPlan} from '../../src/core/lake/apply'
import {planBootstrap} from '../../src/core/lake/bootstrap'
import type {LakeConfig} from '../../src/core/lake/config'
import type {ObservedLake} from '../../src/core/lake/observed'
import {LakeFormationModel} from '../support/lakeformation/model'
import {mountLakeFormationModel} from '../support/lakeformation/nock'
import {modelClient} from '../support/lakeformation/test-helpers'
import {testClients, useNock} from '../support/nock-setup'

const ACCOUNT = '123456789012'
const TARGET = {account: ACCOUNT, region: 'us-east-1', partition: 'aws'}
const S3 = /logs-bucket\.s3\.us-east-1\.amazonaws\.com/
const KMS = 'https://kms.us-east-1.amazonaws.com'

const CONFIG: LakeConfig = {
  region: 'us-east-1',
  admins: [`arn:aws:iam::${ACCOUNT}:role/LakeAdmin`],
  readOnlyAdmins: [],
  bucket: {name: 'logs-bucket', prefix: 'AWSLogs/', encryption: {type: 'AES256'}},
  registration: {role: 'reg'},
  database: 'cloudtrail',
  sources: {'bucket.encryption.kmsKeyArn': {file: 'policies/lake.yaml', line: 11, column: 16, field: 'bucket.encryption.kmsKeyArn'}},
}

function adapter(): LakeAdapter {
  return new LakeAdapter(testClients(), TARGET, {propagationAttempts: 1})
}

function s3AccessDenied(action: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>User: arn:aws:iam::${ACCOUNT}:user/ci is not authorized to perform: ${action} on resource: "arn:aws:s3:::logs-bucket"</Message><RequestId>1</RequestId></Error>`
}

describe('bootstrap against AWS errors (wire)', () => {
  useNock()

  it('stops at an AccessDenied in the middle of a run: what was done stays done, the rest is skipped, exit 4 with the missing action', async () => {
    const observed: ObservedLake = {
      target: TARGET,
      caller: `arn:aws:iam::${ACCOUNT}:user/ci`,
      bucket: {exists: true, encryption: {algorithm: 'AES256'}, versioning: 'Enabled', lifecycleRules: []},
      role: {name: 'reg', exists: false, inlinePolicies: {}, attachedPolicies: []},
      settings: {},
      parentRegistrations: [],
      database: {exists: false, tableDefaultPrincipals: [], iamAllowedGrants: []},
    }
    const plan = planBootstrap(CONFIG, observed)
    const s3 = nock(S3)
      .put('/')
      .query({publicAccessBlock: ''})
      .reply(200)
      .put('/')
      .query({policy: ''})
      .reply(403, s3AccessDenied('s3:PutBucketPolicy'), {'content-type': 'application/xml'})

    const result = await applyBootstrapPlan(plan, (change) => adapter().apply(change))

    s3.done()
    expect(result.outcomes.map((outcome) => [outcome.action, outcome.status])).toEqual([
      ['PutPublicAccessBlock', 'applied'],
      ['PutBucketPolicy', 'failed'],
      ['CreateRole', 'skipped'],
      ['PutRolePolicy', 'skipped'],
      ['PutDataLakeSettings', 'skipped'],
      ['RegisterResource', 'skipped'],
      ['CreateDatabase', 'skipped'],
    ])
    const failed = result.outcomes[1]
    expect(failed.step).toBe('bucket')
    expect(failed.error).toMatchObject({code: 'AWS_ACCESS_DENIED', suggestions: ['Allow s3:PutBucketPolicy in the IAM policy of the identity lakegov runs as.']})
    expect(result).toMatchObject({ok: false, exitCode: ExitCode.AwsAccess})
  })

  it('converges when the location was registered since it was read: AlreadyExists becomes UpdateResource', async () => {
    const model = new LakeFormationModel({accountId: ACCOUNT})
    mountLakeFormationModel(model)
    await modelClient().send(new RegisterResourceCommand({ResourceArn: 'arn:aws:s3:::logs-bucket/AWSLogs', RoleArn: `arn:aws:iam::${ACCOUNT}:role/someone-else`}))

    await adapter().apply({action: 'RegisterResource', resourceArn: 'arn:aws:s3:::logs-bucket/AWSLogs', roleArn: `arn:aws:iam::${ACCOUNT}:role/reg`, summary: 'register'})

    expect(await adapter().lakeformation.describeRegistration('arn:aws:s3:::logs-bucket/AWSLogs')).toMatchObject({roleArn: `arn:aws:iam::${ACCOUNT}:role/reg`})
  })

  it('reports a KMS key that does not exist at its line in lake.yaml, exit 3', async () => {
    const kms = nock(KMS)
      .post('/')
      .reply(400, {__type: 'NotFoundException', message: "Alias arn:aws:kms:us-east-1:123456789012:alias/missing is not found."}, {'content-type': 'application/x-amz-json-1.1'})

    const error = await adapter()
      .kms.readKey('alias/missing', ACCOUNT, CONFIG.sources['bucket.encryption.kmsKeyArn'])
      .catch((thrown: unknown) => thrown)

    kms.done()
    expect(error).toMatchObject({exitCode: ExitCode.InvalidPolicy, code: 'KMS_KEY_NOT_FOUND'})
    expect((error as Error).message).toBe('policies/lake.yaml:11:16 (bucket.encryption.kmsKeyArn): KMS key alias/missing does not exist in this account and region.')
  })

  it('reports exactly which key statements are missing when GetKeyPolicy is denied', async () => {
    nock(KMS)
      .post('/')
      .reply(200, {KeyMetadata: {Arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k1`, AWSAccountId: ACCOUNT, KeyManager: 'CUSTOMER'}})
      .post('/')
      .reply(400, {__type: 'AccessDeniedException', message: 'not authorized to perform: kms:GetKeyPolicy'})

    const key = await adapter().kms.readKey('alias/logs', ACCOUNT)

    expect(key).toEqual({arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k1`, cannotChange: 'kms:GetKeyPolicy is denied'})
  })
})

describe('the trail data events selector on the wire', () => {
  useNock()
  const CLOUDTRAIL = 'https://cloudtrail.us-east-1.amazonaws.com'
  const config: LakeConfig = {...CONFIG, trail: {name: 'lake-trail', multiRegion: true, logFileValidation: true, cloudWatchRole: 'cw', dataEvents: {logReads: true}}}

  it('reads basic selectors and sends them back as advanced ones with lakegov-log-reads; a denied PutEventSelectors exits 4 naming the action', async () => {
    const bodies: Record<string, unknown>[] = []
    const scope = nock(CLOUDTRAIL)
      .post('/', (body) => bodies.push(body) > 0)
      .matchHeader('x-amz-target', 'CloudTrail_20131101.GetEventSelectors')
      .reply(200, {TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/lake-trail`, EventSelectors: [{ReadWriteType: 'WriteOnly', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: []}]})
    const selectors = await adapter().cloudtrail.readEventSelectors('lake-trail')
    scope.done()
    expect(bodies[0]).toEqual({TrailName: 'lake-trail'})

    const observed: ObservedLake = {
      target: TARGET,
      caller: `arn:aws:iam::${ACCOUNT}:role/LakeAdmin`,
      bucket: {exists: true, lifecycleRules: []},
      settings: {},
      parentRegistrations: [],
      database: {exists: true, tableDefaultPrincipals: [], iamAllowedGrants: []},
      trail: {exists: true, s3BucketName: 'logs-bucket', multiRegion: true, logFileValidation: true, isLogging: true, homeRegion: 'us-east-1', eventSelectors: selectors},
    }
    const put = planBootstrap(config, observed).steps.find((step) => step.step === 'trail')!.changes
    expect(put.map((change) => change.action)).toEqual(['PutEventSelectors'])
    const denied = nock(CLOUDTRAIL)
      .post('/', (body) => bodies.push(body) > 0)
      .matchHeader('x-amz-target', 'CloudTrail_20131101.PutEventSelectors')
      .reply(400, {__type: 'AccessDeniedException', Message: `User: arn:aws:iam::${ACCOUNT}:role/LakeAdmin is not authorized to perform: cloudtrail:PutEventSelectors`}, {'content-type': 'application/x-amz-json-1.1'})
    const result = await applyBootstrapPlan({account: ACCOUNT, region: 'us-east-1', steps: [{step: 'trail', title: 'trail', status: 'drifted', changes: put, notes: []}], summary: {changes: 1, ok: 0, missing: 0, drifted: 1, blocked: 0}}, (change) => adapter().apply(change))
    denied.done()
    expect(bodies[1]).toEqual({
      TrailName: 'lake-trail',
      AdvancedEventSelectors: [
        {Name: 'Management events selector', FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}, {Field: 'readOnly', Equals: ['false']}]},
        {
          Name: 'lakegov-log-reads',
          FieldSelectors: [
            {Field: 'eventCategory', Equals: ['Data']},
            {Field: 'resources.type', Equals: ['AWS::S3::Object']},
            {Field: 'readOnly', Equals: ['true']},
            {Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::logs-bucket/AWSLogs/']},
          ],
        },
      ],
    })
    expect(result).toMatchObject({ok: false, exitCode: ExitCode.AwsAccess})
    expect(result.outcomes[0].error?.suggestions).toEqual(['Allow cloudtrail:PutEventSelectors in the IAM policy of the identity lakegov runs as.'])
  })
})
