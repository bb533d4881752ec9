import nock from 'nock'

import {StsAdapter} from '../../src/aws/sts'
import {ExitCode} from '../../src/core/exit-codes'
import {testClients, useNock} from '../support/nock-setup'

const STS = 'https://sts.us-east-1.amazonaws.com'

const identityXml = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::111122223333:assumed-role/LakeAdmin/ci</Arn>
    <UserId>AROAEXAMPLE:ci</UserId>
    <Account>111122223333</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-2</RequestId></ErrorResponse>`
}

describe('StsAdapter (wire)', () => {
  useNock()

  it('sends GetCallerIdentity as awsQuery, with lakegov in the user agent, and reads the identity', async () => {
    const scope = nock(STS)
      .post('/', (body) => body.Action === 'GetCallerIdentity' && body.Version === '2011-06-15')
      .matchHeader('user-agent', /lakegov\/0\.0\.0-test/)
      .reply(200, identityXml, {'content-type': 'text/xml'})

    await expect(new StsAdapter(testClients()).getCallerIdentity()).resolves.toEqual({
      account: '111122223333',
      arn: 'arn:aws:sts::111122223333:assumed-role/LakeAdmin/ci',
      userId: 'AROAEXAMPLE:ci',
    })
    scope.done()
  })

  it('maps an expired token to exit 4 with the SSO fix', async () => {
    const scope = nock(STS).post('/').reply(403, errorXml('ExpiredToken', 'The security token included in the request is expired'), {'content-type': 'text/xml'})

    await expect(new StsAdapter(testClients()).getCallerIdentity()).rejects.toMatchObject({
      exitCode: ExitCode.AwsAccess,
      code: 'AWS_EXPIRED_CREDENTIALS',
      suggestions: [expect.stringContaining('aws sso login')],
    })
    scope.done()
  })

  it('retries a throttled call and succeeds', async () => {
    const scope = nock(STS)
      .post('/')
      .reply(400, errorXml('Throttling', 'Rate exceeded'), {'content-type': 'text/xml'})
      .post('/')
      .reply(200, identityXml, {'content-type': 'text/xml'})

    const identity = await new StsAdapter(testClients({maxAttempts: 3})).getCallerIdentity()
    expect(identity.account).toBe('111122223333')
    scope.done()
  })

  it('gives up after the configured attempts and says the call was throttled', async () => {
    const scope = nock(STS).post('/').times(2).reply(400, errorXml('Throttling', 'Rate exceeded'), {'content-type': 'text/xml'})

    await expect(new StsAdapter(testClients({maxAttempts: 2})).getCallerIdentity()).rejects.toMatchObject({
      code: 'AWS_THROTTLED',
      message: expect.stringContaining('sts:GetCallerIdentity'),
    })
    scope.done()
  })
})
