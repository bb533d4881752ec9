import type {Finding} from '../../src/core/audit/findings'
import {namedPolicy} from '../../src/core/iam'
import type {LakeObservation, LakeSources} from '../../src/core/audit/lake-findings'
import {findingsFromLake, locateInLakeFile} from '../../src/core/audit/rules'

const ACCOUNT = '123456789012'
const BUCKET = 'acme-cloudtrail-logs'
const ROLE = `arn:aws:iam::${ACCOUNT}:role/lakegov-registration`
const LAKE = 'policies/lake.yaml'

const SOURCES: LakeSources = {
  region: {file: LAKE, line: 1},
  admins: {file: LAKE, line: 2},
  'bucket.name': {file: LAKE, line: 5},
  registration: {file: LAKE, line: 10},
  database: {file: LAKE, line: 12},
  'trail.name': {file: LAKE, line: 14},
}

const TLS_ONLY = namedPolicy('bucket-policy', {
  Version: '2012-10-17',
  Statement: [{Sid: 'DenyInsecure', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`], Condition: {Bool: {'aws:SecureTransport': 'false'}}}],
})

const SCOPED_ROLE_POLICY = namedPolicy('role/lakegov-registration inline:lakegov', {
  Version: '2012-10-17',
  Statement: [
    {Sid: 'ListLogPrefix', Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}`, Condition: {StringLike: {'s3:prefix': ['AWSLogs/', 'AWSLogs/*']}}},
    {Sid: 'ReadWriteLogObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/*`},
    {Sid: 'UseLogKey', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k`},
  ],
})

/** A lake as bootstrap leaves it: every rule passes. */
function cleanLake(): LakeObservation {
  return {
    bucket: {
      name: BUCKET,
      prefix: 'AWSLogs/',
      observed: {
        exists: true,
        publicAccessBlock: {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true},
        encryption: {algorithm: 'AES256'},
        versioning: 'Enabled',
        lifecycleRules: [],
      },
      policy: TLS_ONLY,
    },
    registration: {locationArn: `arn:aws:s3:::${BUCKET}/AWSLogs`, exact: {resourceArn: `arn:aws:s3:::${BUCKET}/AWSLogs`, roleArn: ROLE, useServiceLinkedRole: false, verificationStatus: 'VERIFIED'}, parents: []},
    roles: [{arn: ROLE, purpose: 'registration', exists: true, policies: [SCOPED_ROLE_POLICY]}],
    trails: [{name: 'lake-trail', declared: true, observed: {exists: true, isLogging: true, multiRegion: true, logFileValidation: true, homeRegion: 'us-east-1'}}],
  }
}

function ids(findings: Finding[]): string[] {
  return findings.map((finding) => finding.ruleId)
}

function withLake(change: (lake: LakeObservation) => void): LakeObservation {
  const lake = cleanLake()
  change(lake)
  return lake
}

describe('findingsFromLake', () => {
  it('finds nothing on a lake as bootstrap builds it', () => {
    expect(findingsFromLake(cleanLake(), SOURCES)).toEqual([])
  })

  describe('bucket hardening (LG004-LG007)', () => {
    it.each([
      ['no configuration at all', undefined, 'The bucket has no Block Public Access configuration.'],
      ['two settings off', {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false}, 'Block Public Access is off for BlockPublicPolicy, RestrictPublicBuckets.'],
    ])('LG004 when public access is not fully blocked: %s', (_case, block, evidence) => {
      const findings = findingsFromLake(
        withLake((lake) => (lake.bucket.observed.publicAccessBlock = block)),
        SOURCES,
      )
      expect(findings).toEqual([
        expect.objectContaining({ruleId: 'LG004', severity: 'high', resource: `arn:aws:s3:::${BUCKET}`, evidence, location: {file: LAKE, line: 5}}),
      ])
    })

    it('LG005 without default encryption, at the kmsKeyArn line when lake.yaml has one', () => {
      const lake = withLake((candidate) => delete candidate.bucket.observed.encryption)
      expect(findingsFromLake(lake, SOURCES)).toEqual([expect.objectContaining({ruleId: 'LG005', severity: 'medium', location: {file: LAKE, line: 5}})])
      const withKey = {...SOURCES, 'bucket.encryption.kmsKeyArn': {file: LAKE, line: 7}}
      expect(findingsFromLake(lake, withKey)[0].location).toEqual({file: LAKE, line: 7})
    })

    it.each<[string, NonNullable<LakeObservation['bucket']['policy']> | undefined, string]>([
      ['no bucket policy', undefined, 'The bucket has no policy, so nothing denies requests over plain HTTP.'],
      [
        'a policy without a TLS statement',
        namedPolicy('bucket-policy', {Statement: [{Effect: 'Allow', Principal: {Service: 'cloudtrail.amazonaws.com'}, Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*`}]}),
        'The bucket policy does not deny s3:GetObject and s3:PutObject when aws:SecureTransport is false.',
      ],
      [
        'a TLS deny for one principal only',
        namedPolicy('bucket-policy', {Statement: [{Effect: 'Deny', Principal: {AWS: `arn:aws:iam::${ACCOUNT}:role/One`}, Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: {Bool: {'aws:SecureTransport': 'false'}}}]}),
        'The bucket policy does not deny s3:GetObject and s3:PutObject when aws:SecureTransport is false.',
      ],
      [
        'a TLS deny on writes only',
        namedPolicy('bucket-policy', {Statement: [{Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: {Bool: {'aws:SecureTransport': 'false'}}}]}),
        'The bucket policy does not deny s3:GetObject when aws:SecureTransport is false.',
      ],
      [
        'a TLS deny that also needs a condition the audit cannot decide',
        namedPolicy('bucket-policy', {
          Statement: [{Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: {Bool: {'aws:SecureTransport': 'false'}, StringEquals: {'aws:SourceVpc': 'vpc-1'}}}],
        }),
        'The bucket policy does not deny s3:GetObject and s3:PutObject when aws:SecureTransport is false.',
      ],
    ])('LG006 with %s', (_case, policy, evidence) => {
      const findings = findingsFromLake(
        withLake((lake) => (lake.bucket.policy = policy)),
        SOURCES,
      )
      expect(findings).toEqual([expect.objectContaining({ruleId: 'LG006', severity: 'medium', evidence})])
    })

    it('accepts a TLS deny written as s3:Get*/s3:Put* with BoolIfExists on the prefix only', () => {
      const policy = namedPolicy('bucket-policy', {
        Statement: [{Effect: 'Deny', Principal: {AWS: '*'}, Action: ['s3:Get*', 's3:Put*'], Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/*`, Condition: {BoolIfExists: {'aws:SecureTransport': 'false'}}}],
      })
      expect(ids(findingsFromLake(withLake((lake) => (lake.bucket.policy = policy)), SOURCES))).toEqual([])
    })

    it.each([
      [undefined, 'Versioning status: never enabled.', 'off'],
      ['Suspended', 'Versioning status: Suspended.', 'suspended'],
    ])('LG007 when versioning is %s', (versioning, evidence, word) => {
      const findings = findingsFromLake(
        withLake((lake) => (lake.bucket.observed.versioning = versioning)),
        SOURCES,
      )
      expect(findings).toEqual([expect.objectContaining({ruleId: 'LG007', severity: 'low', evidence, title: `Bucket ${BUCKET} has versioning ${word}`})])
    })

    it('reports nothing on a bucket that does not exist (LG008 says what matters)', () => {
      const lake = withLake((candidate) => {
        candidate.bucket.observed = {exists: false, lifecycleRules: []}
        delete candidate.bucket.policy
      })
      expect(ids(findingsFromLake(lake, SOURCES))).toEqual([])
    })
  })

  describe('registration (LG008-LG009)', () => {
    it('LG008 when neither the location nor a parent is registered, at the registration line', () => {
      const lake = withLake((candidate) => delete candidate.registration.exact)
      expect(findingsFromLake(lake, SOURCES)).toEqual([
        expect.objectContaining({ruleId: 'LG008', severity: 'high', resource: `arn:aws:s3:::${BUCKET}/AWSLogs`, location: {file: LAKE, line: 10}}),
      ])
    })

    it('accepts a registered parent location, and checks its verification', () => {
      const parent = {resourceArn: `arn:aws:s3:::${BUCKET}`, roleArn: ROLE, verificationStatus: 'VERIFIED'}
      const lake = withLake((candidate) => {
        delete candidate.registration.exact
        candidate.registration.parents = [parent]
      })
      expect(findingsFromLake(lake, SOURCES)).toEqual([])
      parent.verificationStatus = 'VERIFICATION_FAILED'
      expect(findingsFromLake(lake, SOURCES)).toEqual([expect.objectContaining({ruleId: 'LG009', resource: `arn:aws:s3:::${BUCKET}`, principal: ROLE})])
    })

    it.each([
      ['VERIFICATION_FAILED', 'high'],
      ['NOT_VERIFIED', 'high'],
    ])('LG009 when the status is %s, at %s severity', (status, severity) => {
      const lake = withLake((candidate) => (candidate.registration.exact!.verificationStatus = status))
      expect(findingsFromLake(lake, SOURCES)).toEqual([
        expect.objectContaining({ruleId: 'LG009', severity, evidence: `VerificationStatus is ${status} for role ${ROLE}.`, location: {file: LAKE, line: 10}}),
      ])
    })
  })

  describe('roles broader than the prefix (LG010)', () => {
    const broad = namedPolicy('role/lakegov-registration inline:extra', {
      Statement: [
        {Sid: 'Everything', Effect: 'Allow', Action: 's3:*', Resource: '*'},
        {Sid: 'OtherBucket', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other-bucket/*'},
        {Sid: 'Deny', Effect: 'Deny', Action: 's3:*', Resource: '*'},
      ],
    })

    it('reports each statement reaching beyond the prefix, once per role', () => {
      const lake = withLake((candidate) => candidate.roles[0].policies.push(broad))
      const findings = findingsFromLake(lake, SOURCES)
      expect(findings).toEqual([expect.objectContaining({ruleId: 'LG010', severity: 'medium', resource: ROLE, principal: ROLE, location: {file: LAKE, line: 10}})])
      expect(findings[0].evidence).toBe(
        'S3 permissions outside the log prefix: role/lakegov-registration inline:extra#Everything * (wildcard-resource); role/lakegov-registration inline:extra#OtherBucket arn:aws:s3:::other-bucket/* (outside-prefix).',
      )
    })

    it('checks crawler roles too, without a lake.yaml line, and skips roles that do not exist', () => {
      const crawlerRole = `arn:aws:iam::${ACCOUNT}:role/crawler`
      const lake = withLake((candidate) => {
        candidate.roles.push({arn: crawlerRole, purpose: 'crawler ct-crawler', exists: true, policies: [broad]})
        candidate.roles[0].exists = false
        candidate.roles[0].policies = [broad]
      })
      const findings = findingsFromLake(lake, SOURCES)
      expect(findings).toEqual([expect.objectContaining({ruleId: 'LG010', resource: crawlerRole, title: `The crawler ct-crawler role ${crawlerRole} reaches beyond s3://${BUCKET}/AWSLogs/`})])
      expect(findings[0].location).toBeUndefined()
    })

    it('accepts the whole bucket when the prefix is empty', () => {
      const whole = namedPolicy('p', {Statement: [{Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`}]})
      const lake = withLake((candidate) => {
        candidate.bucket.prefix = ''
        candidate.roles[0].policies = [whole]
      })
      expect(findingsFromLake(lake, SOURCES)).toEqual([])
    })
  })

  describe('the trail (LG016-LG018)', () => {
    it('reports each gap at the trail.name line when the trail is declared', () => {
      const lake = withLake((candidate) => (candidate.trails[0].observed = {exists: true, isLogging: false, multiRegion: false, logFileValidation: false, homeRegion: 'us-east-1'}))
      const findings = findingsFromLake(lake, SOURCES)
      expect(findings.map((finding) => [finding.ruleId, finding.severity, finding.resource, finding.location])).toEqual([
        ['LG016', 'high', 'trail/lake-trail', {file: LAKE, line: 14}],
        ['LG017', 'medium', 'trail/lake-trail', {file: LAKE, line: 14}],
        ['LG018', 'medium', 'trail/lake-trail', {file: LAKE, line: 14}],
      ])
    })

    it('says a declared trail that does not exist is not logging, and nothing else', () => {
      const lake = withLake((candidate) => (candidate.trails[0].observed = {exists: false}))
      expect(findingsFromLake(lake, SOURCES)).toEqual([expect.objectContaining({ruleId: 'LG016', title: 'Trail lake-trail does not exist'})])
    })

    it('checks undeclared trails found on the bucket, without a location', () => {
      const lake = withLake((candidate) => (candidate.trails = [{name: 'org-trail', declared: false, observed: {exists: true, isLogging: true, multiRegion: true, logFileValidation: false}}]))
      const findings = findingsFromLake(lake, SOURCES)
      expect(findings).toEqual([expect.objectContaining({ruleId: 'LG018', resource: 'trail/org-trail'})])
      expect(findings[0].location).toBeUndefined()
    })
  })

  it('sorts by rule, then resource', () => {
    const lake = withLake((candidate) => {
      candidate.bucket.observed.versioning = undefined
      candidate.bucket.observed.publicAccessBlock = undefined
      delete candidate.registration.exact
      candidate.trails.push({name: 'a-trail', declared: false, observed: {exists: true, isLogging: false, multiRegion: true, logFileValidation: true}})
      candidate.trails[0].observed.isLogging = false
    })
    expect(findingsFromLake(lake, SOURCES).map((finding) => `${finding.ruleId} ${finding.resource}`)).toEqual([
      `LG004 arn:aws:s3:::${BUCKET}`,
      `LG007 arn:aws:s3:::${BUCKET}`,
      `LG008 arn:aws:s3:::${BUCKET}/AWSLogs`,
      'LG016 trail/a-trail',
      'LG016 trail/lake-trail',
    ])
  })
})

describe('locateInLakeFile', () => {
  const base = {severity: 'high' as const, title: 't', resource: 'r', evidence: 'e', fix: 'f'}

  it('places grant-side findings at the lake.yaml field they are rooted at, and keeps existing locations', () => {
    const findings: Finding[] = [
      {...base, ruleId: 'LG003'},
      {...base, ruleId: 'LG014'},
      {...base, ruleId: 'LG015'},
      {...base, ruleId: 'LG002'},
      {...base, ruleId: 'LG011', location: {file: 'policies/grants/a.yaml', line: 9}},
      {...base, ruleId: 'LG001'},
    ]
    expect(locateInLakeFile(findings, SOURCES).map((finding) => [finding.ruleId, finding.location])).toEqual([
      ['LG003', {file: LAKE, line: 5}],
      ['LG014', {file: LAKE, line: 2}],
      ['LG015', {file: LAKE, line: 2}],
      ['LG002', {file: LAKE, line: 12}],
      ['LG011', {file: 'policies/grants/a.yaml', line: 9}],
      ['LG001', undefined],
    ])
  })

  it('leaves findings alone when lake.yaml lacks the field', () => {
    expect(locateInLakeFile([{...base, ruleId: 'LG014'}], {})).toEqual([{...base, ruleId: 'LG014'}])
  })
})
