import {readFileSync} from 'node:fs'
import path from 'node:path'

import {parseLakeConfig} from '../../src/core/policy/lake-parse'

const EXAMPLE = readFileSync(path.resolve(__dirname, '..', '..', 'policies', 'lake.yaml'), 'utf8')

function issuesOf(text: string) {
  const result = parseLakeConfig({path: 'lake.yaml', text})
  if (result.ok) throw new Error('expected issues')
  return result.issues.map((issue) => ({line: issue.line, field: issue.field, message: issue.message}))
}

const BASE = `region: us-east-1
bucket:
  name: logs-bucket
registration:
  role: reg
database: cloudtrail
`

describe('parseLakeConfig', () => {
  it('reads the example lake.yaml, with defaults and the positions of the fields errors may name later', () => {
    const result = parseLakeConfig({path: 'policies/lake.yaml', text: EXAMPLE})
    if (!result.ok) throw new Error(JSON.stringify(result.issues))
    expect(result.config).toMatchObject({
      region: 'us-east-1',
      admins: ['arn:aws:iam::123456789012:role/LakeAdmin'],
      bucket: {name: 'acme-cloudtrail-logs', prefix: 'AWSLogs/', encryption: {type: 'aws:kms', kmsKeyArn: 'alias/lake-logs'}, retentionDays: 400},
      registration: {role: 'lakegov-registration'},
      trail: {name: 'lake-trail', multiRegion: true, logFileValidation: true, cloudWatchLogGroup: '/lake/cloudtrail', cloudWatchRole: 'lakegov-cloudtrail-logs'},
    })
    expect(result.config.sources['bucket.encryption.kmsKeyArn']).toMatchObject({file: 'policies/lake.yaml', line: 11})
  })

  it('defaults the prefix to AWSLogs/, encryption to AES256, and the lists to empty', () => {
    const result = parseLakeConfig({path: 'lake.yaml', text: BASE})
    expect(result.ok && result.config).toMatchObject({admins: [], readOnlyAdmins: [], bucket: {prefix: 'AWSLogs/', encryption: {type: 'AES256'}}})
  })

  it.each([
    ['an unknown key', `${BASE}retention: 3\n`, {line: 7, field: 'retention', message: 'unknown key "retention"'}],
    ['a bucket name S3 refuses', BASE.replace('logs-bucket', 'Logs_Bucket'), {line: 3, field: 'bucket.name', message: '"Logs_Bucket" is not well formed'}],
    ['a prefix with a leading slash', BASE.replace('  name: logs-bucket', '  name: logs-bucket\n  prefix: /AWSLogs/'), {line: 4, field: 'bucket.prefix', message: '"/AWSLogs/" is not well formed'}],
    ['an admin that is not an IAM ARN', `${BASE}admins: [LakeAdmin]\n`, {line: 7, field: 'admins[0]', message: '"LakeAdmin" is not well formed'}],
    ['aws:kms without a key', BASE.replace('  name: logs-bucket', '  name: logs-bucket\n  encryption: {type: aws:kms}'), {line: 4, field: 'bucket.encryption', message: 'type aws:kms needs kmsKeyArn'}],
    [
      'the service-linked role with a customer key',
      BASE.replace('  name: logs-bucket', '  name: logs-bucket\n  encryption: {type: aws:kms, kmsKeyArn: alias/k}').replace('role: reg', 'useServiceLinkedRole: true'),
      {line: 6, field: 'registration.useServiceLinkedRole', message: 'the service-linked role cannot use a customer managed KMS key'},
    ],
    ['both a role and the service-linked role', BASE.replace('role: reg', 'role: reg\n  useServiceLinkedRole: true'), {line: 5, field: 'registration', message: 'give either role or useServiceLinkedRole: true, not both'}],
    ['a missing database', BASE.replace('database: cloudtrail\n', ''), {line: 1, field: 'database', message: 'missing required key "database"'}],
  ])('reports %s with its line and field', (_name, text, expected) => {
    expect(issuesOf(text)).toContainEqual(expected)
  })

  it('reports YAML syntax errors with their position', () => {
    expect(issuesOf('region: [us-east-1\n')[0]).toMatchObject({line: 2, message: expect.stringMatching(/^YAML syntax error/)})
  })
})
