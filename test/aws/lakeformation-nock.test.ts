import {
  AlreadyExistsException,
  DescribeResourceCommand,
  EntityNotFoundException,
  GetDataLakeSettingsCommand,
  InvalidInputException,
  PutDataLakeSettingsCommand,
  RegisterResourceCommand,
  paginateListResources,
} from '@aws-sdk/client-lakeformation'
import nock from 'nock'

import {LakeFormationModel} from '../support/lakeformation/model'
import {mountLakeFormationModel} from '../support/lakeformation/nock'
import {failure, modelClient} from '../support/lakeformation/test-helpers'
import {useNock} from '../support/nock-setup'

const ACCOUNT = '123456789012'
const ROLE = `arn:aws:iam::${ACCOUNT}:role/LakeRegistration`
const LAST_MODIFIED = new Date('2026-02-03T04:05:06.789Z')

const client = modelClient

describe('Lake Formation model behind nock, through the real SDK', () => {
  let model: LakeFormationModel
  let scope: nock.Scope

  useNock()
  beforeEach(() => {
    model = new LakeFormationModel({accountId: ACCOUNT, now: () => LAST_MODIFIED})
    scope = mountLakeFormationModel(model)
  })

  it('round-trips the data lake settings, and Put replaces them', async () => {
    const lf = client()
    const admin = {DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/Admin`}
    await lf.send(new PutDataLakeSettingsCommand({DataLakeSettings: {DataLakeAdmins: [admin], CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: []}}))
    const {DataLakeSettings} = await lf.send(new GetDataLakeSettingsCommand({}))
    expect(DataLakeSettings).toMatchObject({DataLakeAdmins: [admin], CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: []})
    scope.done()
  })

  it('surfaces model errors as the SDK exception classes, with the status and message', async () => {
    const lf = client()
    await lf.send(new RegisterResourceCommand({ResourceArn: 'arn:aws:s3:::lake', RoleArn: ROLE}))

    const duplicate = await failure(lf.send(new RegisterResourceCommand({ResourceArn: 'arn:aws:s3:::lake', RoleArn: ROLE})))
    expect(duplicate).toBeInstanceOf(AlreadyExistsException)
    expect(duplicate.message).toBe('Resource arn:aws:s3:::lake is already registered.')
    expect(duplicate.$metadata?.httpStatusCode).toBe(400)

    const missing = await failure(lf.send(new DescribeResourceCommand({ResourceArn: 'arn:aws:s3:::elsewhere'})))
    expect(missing).toBeInstanceOf(EntityNotFoundException)
    expect(missing.message).toContain('arn:aws:s3:::elsewhere')

    const invalid = await failure(lf.send(new PutDataLakeSettingsCommand({DataLakeSettings: {CreateTableDefaultPermissions: [{Principal: {DataLakePrincipalIdentifier: ROLE}, Permissions: ['SELECT']}]}})))
    expect(invalid).toBeInstanceOf(InvalidInputException)
    scope.done()
  })

  it('reads LastModified back as the same instant', async () => {
    const lf = client()
    await lf.send(new RegisterResourceCommand({ResourceArn: 'arn:aws:s3:::lake/logs', UseServiceLinkedRole: true, HybridAccessEnabled: true}))
    const {ResourceInfo} = await lf.send(new DescribeResourceCommand({ResourceArn: 'arn:aws:s3:::lake/logs'}))
    expect(ResourceInfo).toMatchObject({LastModified: LAST_MODIFIED, HybridAccessEnabled: true, VerificationStatus: 'VERIFIED'})
    scope.done()
  })

  it('walks every page with paginateListResources', async () => {
    const lf = client()
    const arns = Array.from({length: 7}, (_, i) => `arn:aws:s3:::lake/part-${i}`)
    for (const arn of [...arns].reverse()) await lf.send(new RegisterResourceCommand({ResourceArn: arn, RoleArn: ROLE}))

    const pages: string[][] = []
    for await (const page of paginateListResources({client: lf, pageSize: 3}, {})) {
      pages.push((page.ResourceInfoList ?? []).map((info) => info.ResourceArn ?? ''))
    }
    expect(pages).toEqual([arns.slice(0, 3), arns.slice(3, 6), arns.slice(6)])
    scope.done()
  })

  it('serves the region it is mounted for, and no other', async () => {
    nock.cleanAll()
    const west = mountLakeFormationModel(model, 'eu-west-1')
    await expect(client('eu-west-1').send(new GetDataLakeSettingsCommand({}))).resolves.toHaveProperty('DataLakeSettings')
    const error = await failure(client('us-east-1').send(new GetDataLakeSettingsCommand({})))
    expect(error.message).toMatch(/Nock: (Disallowed net connect|No match)/)
    west.done()
  })
})
