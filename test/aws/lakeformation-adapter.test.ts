import {LakeFormationClient, PutDataLakeSettingsCommand, RegisterResourceCommand} from '@aws-sdk/client-lakeformation'
import nock from 'nock'

import {LakeFormationAdapter} from '../../src/aws/lakeformation'
import {ExitCode} from '../../src/core/exit-codes'
import {LakeFormationModel} from '../support/lakeformation/model'
import {mountLakeFormationModel} from '../support/lakeformation/nock'
import {testClients, useNock} from '../support/nock-setup'

const ACCOUNT = '123456789012'
const LF = 'https://lakeformation.us-east-1.amazonaws.com'

function seedClient() {
  return new LakeFormationClient({region: 'us-east-1', credentials: {accessKeyId: 'AKIDTEST', secretAccessKey: 'secret'}, maxAttempts: 1})
}

describe('LakeFormationAdapter (wire, against the Lake Formation model)', () => {
  useNock()
  let model: LakeFormationModel

  beforeEach(() => {
    model = new LakeFormationModel({accountId: ACCOUNT})
    mountLakeFormationModel(model)
  })

  it('reads a fresh account’s settings: no admins, defaults that hand control to IAM', async () => {
    await expect(new LakeFormationAdapter(testClients(), ACCOUNT).getDataLakeSettings()).resolves.toEqual({
      admins: [],
      readOnlyAdmins: [],
      createDatabaseDefaultPermissions: [{principal: 'IAM_ALLOWED_PRINCIPALS', permissions: ['ALL']}],
      createTableDefaultPermissions: [{principal: 'IAM_ALLOWED_PRINCIPALS', permissions: ['ALL']}],
    })
  })

  it('reads admins and read-only admins', async () => {
    await seedClient().send(
      new PutDataLakeSettingsCommand({
        DataLakeSettings: {
          DataLakeAdmins: [{DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/LakeAdmin`}],
          ReadOnlyAdmins: [{DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/Auditor`}],
          CreateDatabaseDefaultPermissions: [],
          CreateTableDefaultPermissions: [],
        },
      }),
    )
    const settings = await new LakeFormationAdapter(testClients(), ACCOUNT).getDataLakeSettings()
    expect(settings).toMatchObject({admins: [`arn:aws:iam::${ACCOUNT}:role/LakeAdmin`], readOnlyAdmins: [`arn:aws:iam::${ACCOUNT}:role/Auditor`], createTableDefaultPermissions: []})
  })

  it('lists every registered location across pages', async () => {
    for (let i = 0; i < 120; i++) {
      await seedClient().send(new RegisterResourceCommand({ResourceArn: `arn:aws:s3:::bucket-${String(i).padStart(3, '0')}`, UseServiceLinkedRole: true}))
    }
    const locations = await new LakeFormationAdapter(testClients(), ACCOUNT).listRegisteredLocations()
    expect(locations).toHaveLength(120)
    expect(new Set(locations.map((location) => location.resourceArn)).size).toBe(120)
    expect(locations[0]).toMatchObject({verificationStatus: 'VERIFIED', roleArn: expect.stringContaining('AWSServiceRoleForLakeFormationDataAccess')})
    // 121 signed round trips through nock: seconds on a loaded 2-core CI machine, so not the default 5 s.
  }, 30_000)
})

describe('LakeFormationAdapter (wire, error mapping)', () => {
  useNock()

  it('maps AccessDeniedException to exit 4, naming the missing action', async () => {
    const scope = nock(LF)
      .post('/GetDataLakeSettings')
      .reply(403, {Message: `User: arn:aws:iam::${ACCOUNT}:user/ci is not authorized to perform: lakeformation:GetDataLakeSettings`}, {'x-amzn-ErrorType': 'AccessDeniedException'})

    await expect(new LakeFormationAdapter(testClients(), ACCOUNT).getDataLakeSettings()).rejects.toMatchObject({
      exitCode: ExitCode.AwsAccess,
      suggestions: ['Allow lakeformation:GetDataLakeSettings in the IAM policy of the identity lakegov runs as.'],
    })
    scope.done()
  })

  it('retries a throttled ListResources and returns the locations', async () => {
    const scope = nock(LF)
      .post('/ListResources')
      .reply(429, {Message: 'Rate exceeded'}, {'x-amzn-ErrorType': 'ThrottlingException'})
      .post('/ListResources')
      .reply(200, {ResourceInfoList: [{ResourceArn: 'arn:aws:s3:::logs', VerificationStatus: 'VERIFIED'}]})

    await expect(new LakeFormationAdapter(testClients({maxAttempts: 2}), ACCOUNT).listRegisteredLocations()).resolves.toEqual([
      {resourceArn: 'arn:aws:s3:::logs', roleArn: undefined, verificationStatus: 'VERIFIED', hybridAccessEnabled: undefined},
    ])
    scope.done()
  })

  it('maps batch Failures[] back to the caller’s entry ids', async () => {
    const scope = nock(LF)
      .post('/BatchGrantPermissions', (body) => body.Entries.map((entry: {Id: string}) => entry.Id).join() === '0,1')
      .reply(200, {Failures: [{RequestEntry: {Id: '1'}, Error: {ErrorCode: 'InvalidInputException', ErrorMessage: 'Table not found'}}]})

    const entry = (id: string) => ({id, principal: '444455556666', resource: {type: 'database' as const, database: 'cloudtrail'}, permissions: ['DESCRIBE' as const], grantable: []})
    const failures = await new LakeFormationAdapter(testClients(), ACCOUNT).batchGrant([entry('first key'), entry('second key')])
    expect(failures).toEqual([{id: 'second key', code: 'InvalidInputException', message: 'Table not found'}])
    scope.done()
  })
})
