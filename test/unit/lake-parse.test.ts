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
      registration: {role: 'lakegov-registration', sourceIdentity: true},
      trail: {name: 'lake-trail', multiRegion: true, logFileValidation: true, cloudWatchLogGroup: '/lake/cloudtrail', cloudWatchRole: 'lakegov-cloudtrail-logs', dataEvents: {logReads: true}},
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
    ['an athena workgroup Athena refuses', `${BASE}athena: {workgroup: 'my group'}\n`, {line: 7, field: 'athena.workgroup', message: '"my group" is not well formed'}],
    ['an athena result location that is not s3://', `${BASE}athena: {outputLocation: 'results/'}\n`, {line: 7, field: 'athena.outputLocation', message: '"results/" is not well formed'}],
    ['a missing database', BASE.replace('database: cloudtrail\n', ''), {line: 1, field: 'database', message: 'missing required key "database"'}],
  ])('reports %s with its line and field', (_name, text, expected) => {
    expect(issuesOf(text)).toContainEqual(expected)
  })

  describe('table:', () => {
    const TODAY = '2026/12/02'
    const parse = (table: string) => parseLakeConfig({path: 'lake.yaml', text: `${BASE}table:\n${table}`}, {today: TODAY})
    const issues = (table: string) => {
      const result = parse(table)
      if (result.ok) throw new Error('expected issues')
      return result.issues.map((issue) => ({line: issue.line, field: issue.field, message: issue.message}))
    }

    it('reads the table settings, sorting the lists and expanding regions: all', () => {
      const result = parse(`  name: trail_logs\n  start: 2024/01/01\n  regions: [us-west-2, eu-west-1]\n  accounts: ["444455556666", "111122223333"]\n  organizationId: o-a1b2c3d4e5\n`)
      expect(result.ok && result.config.table).toEqual({
        name: 'trail_logs',
        startDate: '2024/01/01',
        regions: ['eu-west-1', 'us-west-2'],
        accounts: ['111122223333', '444455556666'],
        organizationId: 'o-a1b2c3d4e5',
      })
      const all = parse('  regions: all\n')
      expect(all.ok && all.config.table?.regions).toContain('ap-northeast-1')
      const bare = parseLakeConfig({path: 'lake.yaml', text: BASE})
      expect(bare.ok && bare.config.table).toBeUndefined()
    })

    it.each([
      ['a region the SDK does not list', '  regions: [us-east-1, xx-foo-1]\n', {line: 8, field: 'table.regions[1]', message: 'xx-foo-1 is not an AWS region'}],
      ['a start in the future', '  start: 2030/01/01\n', {line: 8, field: 'table.start', message: '2030/01/01 is in the future (today is 2026/12/02, UTC): the table would read no logs'}],
      ['a start that is no day', '  start: 2021/02/30\n', {line: 8, field: 'table.start', message: '2021/02/30 is not a day of the calendar'}],
      ['a start in another form', '  start: 2021-02-03\n', {line: 8, field: 'table.start', message: '"2021-02-03" is not well formed'}],
      ['an unquoted account id', '  accounts: [111122223333]\n', {line: 8, field: 'table.accounts[0]', message: 'must be string'}],
      ['a table name Athena cannot read', '  name: Trail-Logs\n', {line: 8, field: 'table.name', message: '"Trail-Logs" is not well formed'}],
      ['an unknown key', '  region: [us-east-1]\n', {line: 8, field: 'table.region', message: 'unknown key "region"'}],
    ])('reports %s with its line and field', (_name, table, expected) => {
      expect(issues(table)).toContainEqual(expected)
    })
  })

  it('reads the athena section', () => {
    const result = parseLakeConfig({path: 'lake.yaml', text: `${BASE}athena:\n  workgroup: audit\n  outputLocation: s3://athena-results/lakegov/\n`})
    expect(result.ok && result.config.athena).toEqual({workgroup: 'audit', outputLocation: 's3://athena-results/lakegov/'})
  })

  it('reports YAML syntax errors with their position', () => {
    expect(issuesOf('region: [us-east-1\n')[0]).toMatchObject({line: 2, message: expect.stringMatching(/^YAML syntax error/)})
  })

  describe('alarms', () => {
    const ALARMS = `${BASE}alarms:
  topic: lake-alarms
  email: [secops@example.com]
  sets: [cis, lake]
  volume: {anomalyBand: 2}
  custom:
    - name: lake-grant-by-non-admin
      pattern: '{ ($.eventSource = "lakeformation.amazonaws.com") && ($.eventName = "Grant*") && ($.userIdentity.sessionContext.sessionIssuer.arn != "arn:aws:iam::123456789012:role/LakeAdmin") }'
      threshold: 1
`

    it('reads the issue\'s example section, with the custom pattern\'s position and the default period', () => {
      const result = parseLakeConfig({path: 'lake.yaml', text: ALARMS})
      if (!result.ok) throw new Error(JSON.stringify(result.issues))
      expect(result.config.alarms).toEqual({
        topic: 'lake-alarms',
        email: ['secops@example.com'],
        sets: ['cis', 'lake'],
        volume: {anomalyBand: 2},
        custom: [
          {
            name: 'lake-grant-by-non-admin',
            pattern: expect.stringContaining('$.eventName = "Grant*"'),
            threshold: 1,
            period: 300,
            source: {file: 'lake.yaml', line: 14, column: 16, field: 'alarms.custom[0].pattern'},
          },
        ],
      })
    })

    it('defaults to both sets, no subscriptions and no custom alarms; a lake.yaml without the section has none', () => {
      const result = parseLakeConfig({path: 'lake.yaml', text: `${BASE}alarms: {topic: t}\n`})
      expect(result.ok && result.config.alarms).toEqual({topic: 't', email: [], sets: ['cis', 'lake'], custom: []})
      const bare = parseLakeConfig({path: 'lake.yaml', text: BASE})
      expect(bare.ok && bare.config.alarms).toBeUndefined()
    })

    const custom = (pattern: string, extra = '') => `${BASE}alarms:\n  custom:\n    - name: mine\n      pattern: '${pattern}'\n${extra}`

    it.each([
      ['unbalanced parentheses', '{ ($.eventName = "A" }', 'invalid filter pattern: unbalanced parentheses: this "(" is never closed (at character 3)'],
      ['IS NOT', '{ $.errorCode IS NOT NULL }', 'IS NOT is not supported'],
      ['EXISTS', '{ $.errorCode EXISTS }', 'EXISTS is not supported'],
      ['three regexes', '{ $.a = %x% || $.b = %y% || $.c = %z% }', 'more than 2 regexes in one pattern'],
      ['a pattern over 1,024 characters', `{ $.eventName = "${'x'.repeat(1020)}" }`, 'the pattern has 1040 characters; AWS allows up to 1024'],
      ['a term pattern', 'ERROR', 'lakegov evaluates JSON filter patterns only'],
    ])('reports a custom pattern with %s at its line, as an error', (_name, pattern, message) => {
      expect(issuesOf(custom(pattern))).toEqual([{line: 10, field: 'alarms.custom[0].pattern', message: expect.stringContaining(message)}])
    })

    it.each([
      ['a period that is not a multiple of 60', custom('{ $.a = 1 }', '      period: 90\n'), {line: 11, field: 'alarms.custom[0].period'}],
      ['a set lakegov does not have', `${BASE}alarms:\n  sets: [cis, pci]\n`, {line: 8, field: 'alarms.sets[1]'}],
      ['a custom alarm without a pattern', `${BASE}alarms:\n  custom:\n    - name: mine\n`, {line: 9, field: 'alarms.custom[0].pattern'}],
      ['a name taken by a cis control', custom('{ $.a = 1 }').replace('name: mine', 'name: CloudWatch.3'), {line: 9, field: 'alarms.custom[0].name', message: 'the alarm name CloudWatch.3 is already used by a built-in filter'}],
      ['a name taken by a lake rule', custom('{ $.a = 1 }').replace('name: mine', 'name: lake-trail-changes'), {line: 9, field: 'alarms.custom[0].name'}],
      ['a name used twice', `${custom('{ $.a = 1 }')}    - {name: mine, pattern: '{ $.b = 1 }'}\n`, {line: 11, field: 'alarms.custom[1].name', message: 'the alarm name mine is already used by another custom alarm'}],
      ['a topic that is neither a name nor an ARN', `${BASE}alarms:\n  topic: my topic\n`, {line: 8, field: 'alarms.topic'}],
    ])('reports %s with its line and field', (_name, text, expected) => {
      expect(issuesOf(text)).toContainEqual(expect.objectContaining(expected))
    })
  })
})

describe('parseLakeConfig: data events and source identity', () => {
  it('reads trail.dataEvents.logReads and registration.sourceIdentity', () => {
    const result = parseLakeConfig({path: 'lake.yaml', text: `${BASE.replace('  role: reg\n', '  role: reg\n  sourceIdentity: true\n')}trail:\n  name: lake-trail\n  dataEvents:\n    logReads: true\n`})
    if (!result.ok) throw new Error(JSON.stringify(result.issues))
    expect(result.config.registration).toEqual({role: 'reg', sourceIdentity: true})
    expect(result.config.trail?.dataEvents).toEqual({logReads: true})
  })

  it('refuses sourceIdentity with the service-linked role, and unknown dataEvents fields', () => {
    expect(issuesOf(BASE.replace('  role: reg\n', '  useServiceLinkedRole: true\n  sourceIdentity: true\n'))[0]).toMatchObject({message: expect.stringContaining('sourceIdentity needs a registration role')})
    expect(issuesOf(`${BASE}trail:\n  name: lake-trail\n  dataEvents:\n    logWrites: true\n`).length).toBeGreaterThan(0)
  })
})
