import {callAws, missingActionOf, toLakegovError} from '../../src/aws/errors'
import {LakegovError} from '../../src/core/errors'
import {ExitCode} from '../../src/core/exit-codes'

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), {name, $metadata: {httpStatusCode: 400}})
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), {code})
}

describe('toLakegovError', () => {
  it.each([
    ['no credentials', Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'}), ExitCode.AwsAccess, 'AWS_NO_CREDENTIALS', '--profile'],
    ['expired SSO session', awsError('ExpiredTokenException', 'The security token included in the request is expired'), ExitCode.AwsAccess, 'AWS_EXPIRED_CREDENTIALS', 'aws sso login'],
    ['bad key', awsError('InvalidClientTokenId', 'The security token included in the request is invalid.'), ExitCode.AwsAccess, 'AWS_INVALID_CREDENTIALS', '--profile'],
    [
      'IAM AccessDenied naming the action',
      awsError('AccessDeniedException', 'User: arn:aws:iam::1:user/x is not authorized to perform: lakeformation:GetDataLakeSettings on resource: *'),
      ExitCode.AwsAccess,
      'AWS_ACCESS_DENIED',
      'Allow lakeformation:GetDataLakeSettings',
    ],
    ['Lake Formation permission missing', awsError('AccessDeniedException', 'Insufficient Lake Formation permission(s) on cloudtrail'), ExitCode.AwsAccess, 'AWS_ACCESS_DENIED', 'Lake Formation permission'],
    ['no region', new Error('Region is missing'), ExitCode.Usage, 'AWS_NO_REGION', '--region'],
    ['endpoint down', networkError('ECONNREFUSED'), ExitCode.Internal, 'AWS_UNREACHABLE', 'npm run sandbox'],
    ['throttled after retries', awsError('ThrottlingException', 'Rate exceeded'), ExitCode.Internal, 'AWS_THROTTLED', '--max-attempts'],
    ['anything else', awsError('EntityNotFoundException', 'Entity not found'), ExitCode.Internal, 'AWS_EntityNotFoundException', 'report'],
  ])('%s', (_name, error, exitCode, code, suggestion) => {
    const mapped = toLakegovError(error, {operation: 'lakeformation:GetDataLakeSettings', endpoint: 'http://127.0.0.1:1'})
    expect(mapped.exitCode).toBe(exitCode)
    expect(mapped.code).toBe(code)
    expect(mapped.suggestions.join('\n')).toContain(suggestion)
    expect(mapped.cause).toBe(error)
  })

  it('names the operation in the message', () => {
    expect(toLakegovError(awsError('AccessDenied', 'denied'), {operation: 's3:GetBucketPolicy'}).message).toBe('Access denied (during s3:GetBucketPolicy): denied')
  })

  it('suggests allowing the operation when the message does not name an action', () => {
    expect(toLakegovError(awsError('AccessDenied', 'Access Denied'), {operation: 's3:GetBucketPolicy'}).suggestions).toEqual([
      'Allow s3:GetBucketPolicy in the IAM policy of the identity lakegov runs as.',
    ])
  })

  it('passes a LakegovError through unchanged', () => {
    const error = new LakegovError('x', {exitCode: ExitCode.StalePlan, code: 'STALE'})
    expect(toLakegovError(error)).toBe(error)
  })
})

describe('missingActionOf', () => {
  it.each([
    ['User: arn:aws:sts::1:assumed-role/R/s is not authorized to perform: glue:GetTable on resource: arn:aws:glue:...', 'glue:GetTable'],
    ['... is not authorized to perform: iam:PassRole because no identity-based policy allows it', 'iam:PassRole'],
    ['Access Denied', undefined],
  ])('%s', (message, action) => {
    expect(missingActionOf(message)).toBe(action)
  })
})

describe('callAws', () => {
  it('returns the result of a call that succeeds', async () => {
    await expect(callAws('sts:GetCallerIdentity', async () => 42)).resolves.toBe(42)
  })

  it('maps what a call throws', async () => {
    await expect(callAws('glue:GetTable', async () => Promise.reject(awsError('AccessDeniedException', 'nope')))).rejects.toMatchObject({
      exitCode: ExitCode.AwsAccess,
      message: 'Access denied (during glue:GetTable): nope',
    })
  })
})
