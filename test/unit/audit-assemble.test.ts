import {assembleAudit, catalogObjectsNeeded, expectedReadersOf, lakeRolesOf, registrationRoleOf, type AuditSnapshot} from '../../src/core/audit/assemble'
import {namedPolicy} from '../../src/core/iam'
import {canonicalGrant} from '../../src/core/model/grant'

const ACCOUNT = '111122223333'
const REGISTRATION = 'arn:aws:iam::111122223333:role/lake/LakeRegistration'
const SERVICE_LINKED = 'arn:aws:iam::111122223333:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess'
const CRAWLER = 'arn:aws:iam::111122223333:role/Crawler'
const config = {bucket: {name: 'logs', prefix: 'AWSLogs/', encryption: {type: 'AES256' as const}}, registration: {role: 'lakegov-registration'}}
const policy = namedPolicy('role/Crawler inline:read', {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 's3:GetObject', Resource: '*'}]})

function snapshot(overrides: Partial<AuditSnapshot> = {}): AuditSnapshot {
  return {
    account: ACCOUNT,
    callerArn: `arn:aws:iam::${ACCOUNT}:role/LakeAdmin`,
    database: 'cloudtrail',
    settings: {admins: [], readOnlyAdmins: [], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: []},
    rawGrants: [],
    tables: [],
    iam: {principals: [{arn: CRAWLER, policies: [policy]}], warnings: []},
    bucket: {},
    registration: {parents: []},
    crawlers: [],
    trails: [],
    filters: [],
    tagAssignments: [],
    ...overrides,
  }
}

describe('registrationRoleOf: the expected registration reader', () => {
  it.each([
    ['the exactly registered location\'s role', {exact: {resourceArn: 'arn:aws:s3:::logs/AWSLogs', roleArn: REGISTRATION, useServiceLinkedRole: false}, parents: []}, REGISTRATION],
    ['a containing registration\'s role', {parents: [{resourceArn: 'arn:aws:s3:::logs', roleArn: REGISTRATION}]}, REGISTRATION],
    ['lake.yaml\'s role when nothing is registered (the fallback)', {parents: []}, 'arn:aws:iam::111122223333:role/lakegov-registration'],
  ] as Array<[string, AuditSnapshot['registration'], string]>)('%s', (_name, registration, expected) => {
    expect(registrationRoleOf(snapshot({registration}), config)).toBe(expected)
  })

  it('is undefined with the service-linked role configured and nothing registered', () => {
    expect(registrationRoleOf(snapshot(), {registration: {useServiceLinkedRole: true}})).toBeUndefined()
  })
})

describe('expected readers and lake roles', () => {
  it('expects the registration role and every crawler role', () => {
    expect(expectedReadersOf(REGISTRATION, [{name: 'logs', roleArn: CRAWLER}])).toEqual([
      {arn: REGISTRATION, reason: 'registration-role'},
      {arn: CRAWLER, reason: 'crawler-role:logs'},
    ])
  })

  it('checks no service-linked role (AWS scopes it), and finds roles by name whatever their path', () => {
    expect(lakeRolesOf(SERVICE_LINKED, [{name: 'logs', roleArn: 'arn:aws:iam::111122223333:role/Crawler'}], [{arn: 'arn:aws:iam::111122223333:role/apps/Crawler', policies: [policy]}])).toEqual([
      {arn: CRAWLER, purpose: 'crawler logs', exists: true, policies: [policy]},
    ])
  })

  it('reports a lake role IAM does not list as missing', () => {
    expect(lakeRolesOf(REGISTRATION, [], [])).toEqual([{arn: REGISTRATION, purpose: 'registration', exists: false, policies: []}])
  })
})

describe('catalogObjectsNeeded', () => {
  const tagGrant = canonicalGrant({principal: CRAWLER, resource: {type: 'lfTagPolicy', resourceType: 'TABLE', expression: [{key: 'k', values: ['v']}]}, permissions: ['SELECT'], grantable: []})
  const dbTagGrant = canonicalGrant({principal: CRAWLER, resource: {type: 'lfTagPolicy', resourceType: 'DATABASE', expression: [{key: 'k', values: ['v']}]}, permissions: ['DESCRIBE'], grantable: []})
  const filterGrant = canonicalGrant({principal: CRAWLER, resource: {type: 'dataCellsFilter', database: 'cloudtrail', table: 't', filter: 'f'}, permissions: ['SELECT'], grantable: []})
  it.each([
    ['no grant', [], {filters: false, tags: false}],
    ['a table tag expression', [tagGrant], {filters: false, tags: true}],
    ['a database tag expression only', [dbTagGrant], {filters: false, tags: false}],
    ['a data cells filter', [filterGrant], {filters: true, tags: false}],
  ] as const)('%s', (_name, grants, expected) => {
    expect(catalogObjectsNeeded([...grants])).toEqual(expected)
  })
})

describe('assembleAudit', () => {
  const grant = canonicalGrant({principal: CRAWLER, resource: {type: 'table', database: 'cloudtrail', table: 't'}, permissions: ['SELECT'], grantable: []})

  it('merges a grant listed twice, and builds the state with the expected readers', () => {
    const {state, lake} = assembleAudit(snapshot({rawGrants: [grant, grant], crawlers: [{name: 'logs', roleArn: CRAWLER}]}), config, 'arn:aws:s3:::logs/AWSLogs', false)
    expect(state.grants).toHaveLength(1)
    expect(state.expectedReaders.map((reader) => reader.reason)).toEqual(['registration-role', 'crawler-role:logs'])
    expect(state.logs).toEqual({bucket: 'logs', prefix: 'AWSLogs/'})
    expect(lake).toBeUndefined()
  })

  it('observes the lake for the findings, a missing bucket as not existing', () => {
    const {lake} = assembleAudit(snapshot(), config, 'arn:aws:s3:::logs/AWSLogs', true)
    expect(lake?.bucket.observed).toEqual({exists: false, lifecycleRules: []})
    expect(lake?.registration).toEqual({locationArn: 'arn:aws:s3:::logs/AWSLogs', parents: []})
    expect(lake?.roles.map((role) => [role.purpose, role.exists])).toEqual([['registration', false]])
  })
})
