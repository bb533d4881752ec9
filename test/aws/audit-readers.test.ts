import nock from 'nock'

import {GlueAdapter} from '../../src/aws/glue'
import {IamAdapter} from '../../src/aws/iam'
import {LakeFormationAdapter} from '../../src/aws/lakeformation'
import {ExitCode} from '../../src/core/exit-codes'
import {testClients, useNock} from '../support/nock-setup'

const IAM = 'https://iam.amazonaws.com'
const GLUE = 'https://glue.us-east-1.amazonaws.com'
const LAKEFORMATION = 'https://lakeformation.us-east-1.amazonaws.com'
const ACCOUNT = '123456789012'
const BUCKET = 'acme-cloudtrail-logs'

type Form = Record<string, string>

/** IAM returns policy documents URL-encoded (RFC 3986), inside XML. */
function document(statements: object[]): string {
  return encodeURIComponent(JSON.stringify({Version: '2012-10-17', Statement: statements}))
}

function iamResponse(action: string, result: string): string {
  return `<${action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`
}

const READ = (resource: string) => [{Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: resource}]

const FIRST_PAGE = iamResponse(
  'GetAccountAuthorizationDetails',
  `<IsTruncated>true</IsTruncated><Marker>page-2</Marker>
  <RoleDetailList><member>
    <RoleName>Hoarder</RoleName><Path>/apps/</Path><Arn>arn:aws:iam::${ACCOUNT}:role/apps/Hoarder</Arn><RoleId>AROA1</RoleId><CreateDate>2026-01-01T00:00:00Z</CreateDate>
    <RolePolicyList><member><PolicyName>hoard</PolicyName><PolicyDocument>${document(READ(`arn:aws:s3:::${BUCKET}/*`))}</PolicyDocument></member></RolePolicyList>
    <AttachedManagedPolicies><member><PolicyName>ReadLogs</PolicyName><PolicyArn>arn:aws:iam::${ACCOUNT}:policy/ReadLogs</PolicyArn></member></AttachedManagedPolicies>
    <PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::${ACCOUNT}:policy/Boundary</PermissionsBoundaryArn></PermissionsBoundary>
  </member></RoleDetailList>
  <Policies>
    <member><PolicyName>ReadLogs</PolicyName><Arn>arn:aws:iam::${ACCOUNT}:policy/ReadLogs</Arn><DefaultVersionId>v2</DefaultVersionId><PolicyVersionList>
      <member><Document>${document(READ('arn:aws:s3:::old/*'))}</Document><VersionId>v1</VersionId><IsDefaultVersion>false</IsDefaultVersion></member>
      <member><Document>${document(READ(`arn:aws:s3:::${BUCKET}/AWSLogs/*`))}</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion></member>
    </PolicyVersionList></member>
    <member><PolicyName>Boundary</PolicyName><Arn>arn:aws:iam::${ACCOUNT}:policy/Boundary</Arn><DefaultVersionId>v1</DefaultVersionId><PolicyVersionList>
      <member><Document>${document([{Effect: 'Allow', Action: 's3:*', Resource: '*'}])}</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion></member>
    </PolicyVersionList></member>
  </Policies>`,
)

// The second page: a group, and users in it; one user's AWS managed policy was not listed, so it is read on its own.
const SECOND_PAGE = iamResponse(
  'GetAccountAuthorizationDetails',
  `<IsTruncated>false</IsTruncated>
  <UserDetailList>
    <member><UserName>bob</UserName><Path>/</Path><Arn>arn:aws:iam::${ACCOUNT}:user/bob</Arn><UserId>AIDA1</UserId><CreateDate>2026-01-01T00:00:00Z</CreateDate>
      <GroupList><member>log-readers</member></GroupList>
      <UserPolicyList><member><PolicyName>own</PolicyName><PolicyDocument>${document(READ('arn:aws:s3:::elsewhere/*'))}</PolicyDocument></member></UserPolicyList>
      <AttachedManagedPolicies><member><PolicyName>AmazonS3ReadOnlyAccess</PolicyName><PolicyArn>arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess</PolicyArn></member></AttachedManagedPolicies>
    </member>
  </UserDetailList>
  <GroupDetailList>
    <member><GroupName>log-readers</GroupName><Path>/</Path><Arn>arn:aws:iam::${ACCOUNT}:group/log-readers</Arn><GroupId>AGPA1</GroupId><CreateDate>2026-01-01T00:00:00Z</CreateDate>
      <GroupPolicyList><member><PolicyName>group-read</PolicyName><PolicyDocument>${document(READ(`arn:aws:s3:::${BUCKET}/*`))}</PolicyDocument></member></GroupPolicyList>
      <AttachedManagedPolicies><member><PolicyName>ReadLogs</PolicyName><PolicyArn>arn:aws:iam::${ACCOUNT}:policy/ReadLogs</PolicyArn></member></AttachedManagedPolicies>
    </member>
  </GroupDetailList>`,
)

const FILTER = {'Filter.member.1': 'Role', 'Filter.member.2': 'User', 'Filter.member.3': 'Group', 'Filter.member.4': 'LocalManagedPolicy', 'Filter.member.5': 'AWSManagedPolicy'}

function iamError(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`
}

const glueJson = {'content-type': 'application/x-amz-json-1.1'}

function glueTable(name: string, columns: string[], partitionKeys: string[], location?: string) {
  return {
    Name: name,
    DatabaseName: 'cloudtrail',
    PartitionKeys: partitionKeys.map((Name) => ({Name, Type: 'string'})),
    StorageDescriptor: {Columns: columns.map((Name) => ({Name, Type: 'string'})), ...(location ? {Location: location} : {})},
  }
}

describe('the audit reads of the IAM, Glue and Lake Formation adapters (wire)', () => {
  useNock()

  describe('readIam: GetAccountAuthorizationDetails', () => {
    it('walks every page by Marker, 1,000 items per page, and builds each principal from inline, managed (default version), group and boundary policies', async () => {
      const scope = nock(IAM)
        .post('/', (body: Form) => body.Action === 'GetAccountAuthorizationDetails' && body.MaxItems === '1000' && body.Marker === undefined && Object.entries(FILTER).every(([key, value]) => body[key] === value))
        .reply(200, FIRST_PAGE, {'content-type': 'text/xml'})
        .post('/', (body: Form) => body.Action === 'GetAccountAuthorizationDetails' && body.Marker === 'page-2')
        .reply(200, SECOND_PAGE, {'content-type': 'text/xml'})
        .post('/', (body: Form) => body.Action === 'GetPolicy' && body.PolicyArn === 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess')
        .reply(200, iamResponse('GetPolicy', '<Policy><PolicyName>AmazonS3ReadOnlyAccess</PolicyName><Arn>arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess</Arn><DefaultVersionId>v3</DefaultVersionId></Policy>'), {'content-type': 'text/xml'})
        .post('/', (body: Form) => body.Action === 'GetPolicyVersion' && body.VersionId === 'v3')
        .reply(200, iamResponse('GetPolicyVersion', `<PolicyVersion><Document>${document([{Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*'}])}</Document><VersionId>v3</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>`), {'content-type': 'text/xml'})

      const iam = await new IamAdapter(testClients()).readIam()
      scope.done()

      expect(iam.warnings).toEqual([])
      expect(iam.principals.map((principal) => [principal.arn, principal.policies.map((policy) => policy.name), principal.boundary?.name])).toEqual([
        [`arn:aws:iam::${ACCOUNT}:role/apps/Hoarder`, ['role/Hoarder inline:hoard', `arn:aws:iam::${ACCOUNT}:policy/ReadLogs`], `arn:aws:iam::${ACCOUNT}:policy/Boundary`],
        [
          `arn:aws:iam::${ACCOUNT}:user/bob`,
          ['user/bob inline:own', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'group/log-readers inline:group-read', `arn:aws:iam::${ACCOUNT}:policy/ReadLogs`],
          undefined,
        ],
      ])
      // The default version (v2), not the first one listed.
      const readLogs = iam.principals[0].policies[1]
      expect(readLogs.document.statements[0].resource).toEqual([`arn:aws:s3:::${BUCKET}/AWSLogs/*`])
      // URL-encoded documents are decoded.
      expect(iam.principals[1].policies[1].document.statements[0].action).toEqual(['s3:Get*', 's3:List*'])
      expect(iam.roles.get('Hoarder')).toMatchObject({arn: `arn:aws:iam::${ACCOUNT}:role/apps/Hoarder`, name: 'Hoarder'})
    })

    it('keeps an unreadable policy as an undecidable statement, with a warning (rule 7: never a denial)', async () => {
      const page = iamResponse(
        'GetAccountAuthorizationDetails',
        `<IsTruncated>false</IsTruncated><RoleDetailList><member><RoleName>Odd</RoleName><Arn>arn:aws:iam::${ACCOUNT}:role/Odd</Arn>
          <RolePolicyList><member><PolicyName>broken</PolicyName><PolicyDocument>not-json</PolicyDocument></member><member><PolicyName>ok</PolicyName><PolicyDocument>${document(READ('*'))}</PolicyDocument></member></RolePolicyList>
        </member></RoleDetailList>`,
      )
      const scope = nock(IAM).post('/').reply(200, page, {'content-type': 'text/xml'})
      const iam = await new IamAdapter(testClients()).readIam()
      scope.done()
      expect(iam.principals[0].policies.map((policy) => policy.name)).toEqual(['role/Odd inline:broken', 'role/Odd inline:ok'])
      expect(iam.principals[0].policies[0].document.statements[0].problem).toBe('The policy document is neither JSON nor URL-encoded JSON.')
      expect(iam.warnings).toEqual(['role/Odd inline:broken: The policy document is neither JSON nor URL-encoded JSON. Access through it is shown as conditional.'])
    })

    it('maps AccessDenied to exit 4, naming the missing action', async () => {
      const message = `User: arn:aws:iam::${ACCOUNT}:user/ci is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: *`
      const scope = nock(IAM).post('/').reply(403, iamError('AccessDenied', message), {'content-type': 'text/xml'})
      await expect(new IamAdapter(testClients()).readIam()).rejects.toMatchObject({
        exitCode: ExitCode.AwsAccess,
        code: 'AWS_ACCESS_DENIED',
        message: expect.stringContaining('(during iam:GetAccountAuthorizationDetails)'),
        suggestions: ['Allow iam:GetAccountAuthorizationDetails in the IAM policy of the identity lakegov runs as.'],
      })
      scope.done()
    })
  })

  describe('listTables: GetTables', () => {
    it('walks every page, 100 tables per page, with columns, partition keys and locations, lowercase and sorted', async () => {
      const scope = nock(GLUE)
        .post('/', (body) => body.DatabaseName === 'CloudTrail' && body.MaxResults === 100 && body.NextToken === undefined)
        .matchHeader('x-amz-target', 'AWSGlue.GetTables')
        .reply(200, {TableList: [glueTable('Management', ['eventTime', 'eventName'], ['timestamp'], `s3://${BUCKET}/AWSLogs/`)], NextToken: 'next'}, glueJson)
        .post('/', (body) => body.NextToken === 'next')
        .reply(200, {TableList: [glueTable('data_events', ['eventname'], [])]}, glueJson)

      const tables = await new GlueAdapter(testClients()).listTables('CloudTrail')
      scope.done()
      expect(tables).toEqual([
        {database: 'cloudtrail', table: 'data_events', columns: ['eventname']},
        {database: 'cloudtrail', table: 'management', columns: ['eventtime', 'eventname', 'timestamp'], location: `s3://${BUCKET}/AWSLogs/`},
      ])
    })

    it('reads a missing database as undefined, which is not an empty one', async () => {
      const scope = nock(GLUE).post('/').reply(400, {__type: 'EntityNotFoundException', Message: 'Database cloudtrail not found.'}, glueJson)
      await expect(new GlueAdapter(testClients()).listTables('cloudtrail')).resolves.toBeUndefined()
      scope.done()
    })

    it('lists the database names, lowercase and sorted, for an error about a missing one', async () => {
      const scope = nock(GLUE)
        .post('/', (body) => body.MaxResults === 100 && body.NextToken === undefined)
        .reply(200, {DatabaseList: [{Name: 'Sales'}, {Name: 'cloudtrail'}], NextToken: 't'}, glueJson)
        .post('/', (body) => body.NextToken === 't')
        .reply(200, {DatabaseList: [{Name: 'audit'}]}, glueJson)
      await expect(new GlueAdapter(testClients()).listDatabaseNames()).resolves.toEqual(['audit', 'cloudtrail', 'sales'])
      scope.done()
    })

    it('maps AccessDeniedException to exit 4, naming the missing action', async () => {
      const message = `User: arn:aws:sts::${ACCOUNT}:assumed-role/Auditor/ci is not authorized to perform: glue:GetTables on resource: arn:aws:glue:us-east-1:${ACCOUNT}:catalog`
      const scope = nock(GLUE).post('/').reply(400, {__type: 'AccessDeniedException', Message: message}, glueJson)
      await expect(new GlueAdapter(testClients()).listTables('cloudtrail')).rejects.toMatchObject({
        exitCode: ExitCode.AwsAccess,
        suggestions: ['Allow glue:GetTables in the IAM policy of the identity lakegov runs as.'],
      })
      scope.done()
    })
  })

  describe('readTagAssignments: GetResourceLFTags', () => {
    it('asks once per table for the directly assigned tags, and reads the database, table and column tags', async () => {
      const scope = nock(LAKEFORMATION)
        .post('/GetResourceLFTags', (body) => body.ShowAssignedLFTags === true && body.Resource.Table.Name === 'events')
        .reply(200, {
          LFTagOnDatabase: [{TagKey: 'Domain', TagValues: ['Security']}],
          LFTagsOnTable: [{TagKey: 'sensitivity', TagValues: ['internal']}],
          LFTagsOnColumns: [{Name: 'SourceIpAddress', LFTags: [{TagKey: 'sensitivity', TagValues: ['pii']}]}],
        })
        .post('/GetResourceLFTags', (body) => body.Resource.Table.Name === 'other')
        .reply(200, {LFTagOnDatabase: [{TagKey: 'domain', TagValues: ['security']}]})

      const assignments = await new LakeFormationAdapter(testClients()).readTagAssignments([
        {database: 'cloudtrail', table: 'events', columns: []},
        {database: 'cloudtrail', table: 'other', columns: []},
      ])
      scope.done()
      expect(assignments).toEqual([
        {target: {database: 'cloudtrail'}, tags: {domain: 'security'}},
        {target: {database: 'cloudtrail', table: 'events'}, tags: {sensitivity: 'internal'}},
        {target: {database: 'cloudtrail', table: 'events', columns: ['sourceipaddress']}, tags: {sensitivity: 'pii'}},
      ])
    })

    it('maps a Lake Formation AccessDeniedException to exit 4 with the Lake Formation fix', async () => {
      const scope = nock(LAKEFORMATION)
        .post('/GetResourceLFTags')
        .reply(400, {Message: 'Insufficient Lake Formation permission(s) on events'}, {'x-amzn-ErrorType': 'AccessDeniedException', 'content-type': 'application/json'})
      await expect(new LakeFormationAdapter(testClients()).readTagAssignments([{database: 'cloudtrail', table: 'events', columns: []}])).rejects.toMatchObject({
        exitCode: ExitCode.AwsAccess,
        suggestions: ['Grant the missing Lake Formation permission, or run lakegov as a data lake administrator.'],
      })
      scope.done()
    })
  })
})
