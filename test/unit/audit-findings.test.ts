import type {AuditState} from '../../src/core/audit/access'
import {meetsThreshold, type Finding, type Severity} from '../../src/core/audit/findings'
import {AUDIT_RULES, findingsFromAccess, RULES, ruleById} from '../../src/core/audit/rules'
import {namedPolicy} from '../../src/core/iam'
import {canonicalGrant, grantKey, type Grant, type Permission, type Resource} from '../../src/core/model/grant'

const ACCOUNT = '111122223333'
const ADMIN = 'arn:aws:iam::111122223333:role/LakeAdmin'
const ADMIN2 = 'arn:aws:iam::111122223333:role/BreakGlass'
const ANALYST = 'arn:aws:iam::111122223333:role/Analyst'
const PARTNER = 'arn:aws:iam::444455556666:role/Partner'
const REGISTRATION = 'arn:aws:iam::111122223333:role/LakeRegistration'
const EVENTS: Resource = {type: 'table', database: 'cloudtrail', table: 'events'}

function grant(principal: string, resource: Resource, permissions: Permission[], grantable: Permission[] = []): Grant {
  return canonicalGrant({principal, resource, permissions, grantable})
}

/** A clean, bootstrapped lake: two role admins, Lake Formation defaults, only the registration role reads S3. */
function cleanState(overrides: Partial<AuditState> = {}): AuditState {
  return {
    account: ACCOUNT,
    settings: {admins: [ADMIN, ADMIN2], readOnlyAdmins: [], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: []},
    databases: ['cloudtrail'],
    tables: [{database: 'cloudtrail', table: 'events', columns: ['eventname']}],
    grants: [grant(ANALYST, EVENTS, ['SELECT', 'DESCRIBE']), grant(ADMIN, EVENTS, ['ALL'], ['ALL'])],
    tagAssignments: [],
    filters: [],
    logs: {bucket: 'logs', prefix: 'AWSLogs/'},
    iamPrincipals: [{arn: REGISTRATION, policies: [namedPolicy('inline', {Statement: [{Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/AWSLogs/*'}]})]}],
    expectedReaders: [{arn: REGISTRATION, reason: 'registration-role'}],
    ...overrides,
  }
}

function summary(findings: Finding[]) {
  return findings.map((finding) => [finding.ruleId, finding.severity, finding.resource, finding.principal])
}

describe('RULES', () => {
  it('has unique, stable, ordered ids and complete help for every rule', () => {
    expect(RULES.map((rule) => rule.id)).toEqual(Array.from({length: 22}, (_, index) => `LG${String(index + 1).padStart(3, '0')}`))
    expect(new Set(RULES.map((rule) => rule.name)).size).toBe(RULES.length)
    for (const rule of RULES) {
      expect(rule.name).toMatch(/^[A-Z][A-Za-z0-9]+$/)
      expect(rule.title.length).toBeGreaterThan(10)
      expect(rule.help.length).toBeGreaterThan(20)
      expect(rule.fix.length).toBeGreaterThan(10)
    }
  })

  it('refuses an unknown rule id at compile time, and at run time for ids that come from outside', () => {
    expect(ruleById('LG002').name).toBe('IamAllowedPrincipalsOnLogs')
    // @ts-expect-error LG999 is not in the registry: RuleId is derived from it.
    expect(() => ruleById('LG999')).toThrow('LG999')
  })

  it('has one registry entry per rule, each with a check, and a lake.yaml field where findings have no location of their own', () => {
    expect(AUDIT_RULES.map((entry) => entry.meta)).toEqual(RULES)
    for (const entry of AUDIT_RULES) expect(typeof entry.check.run).toBe('function')
    const fields = Object.fromEntries(AUDIT_RULES.flatMap((entry) => ('lakeField' in entry ? [[entry.meta.id, entry.lakeField]] : [])))
    expect(fields).toEqual({LG002: 'database', LG003: 'bucket.name', LG013: 'database', LG014: 'admins', LG015: 'admins', LG019: 'alarms', LG020: 'alarms', LG021: 'alarms', LG022: 'trail.name'})
  })
})

describe('meetsThreshold', () => {
  it.each([
    ['low', 'low', true],
    ['medium', 'high', false],
    ['high', 'high', true],
    ['critical', 'high', true],
    ['high', 'critical', false],
    ['low', 'medium', false],
  ] as Array<[Severity, Severity, boolean]>)('%s at --fail-on %s: %s', (severity, failOn, expected) => {
    expect(meetsThreshold(severity, failOn)).toBe(expected)
  })
})

describe('findingsFromAccess', () => {
  it('finds nothing on a clean, bootstrapped lake', () => {
    expect(findingsFromAccess(cleanState())).toEqual([])
  })

  const cases: Array<[string, Partial<AuditState>, Array<[string, Severity, string, string | undefined]>]> = [
    [
      'LG001: default permissions hand new databases and tables to IAM',
      {
        settings: {
          admins: [ADMIN, ADMIN2],
          readOnlyAdmins: [],
          createDatabaseDefaultPermissions: [{principal: 'IAM_ALLOWED_PRINCIPALS', permissions: ['ALL']}],
          createTableDefaultPermissions: [{principal: 'IAM_ALLOWED_PRINCIPALS', permissions: ['ALL']}],
        },
      },
      [
        ['LG001', 'high', 'data-lake-settings:CreateDatabaseDefaultPermissions', undefined],
        ['LG001', 'high', 'data-lake-settings:CreateTableDefaultPermissions', undefined],
      ],
    ],
    [
      'LG002: IAM_ALLOWED_PRINCIPALS on the log database and table, not on other databases',
      {
        grants: [
          grant('IAM_ALLOWED_PRINCIPALS', {type: 'database', database: 'cloudtrail'}, ['ALL']),
          grant('IAM_ALLOWED_PRINCIPALS', EVENTS, ['ALL']),
          grant('IAM_ALLOWED_PRINCIPALS', {type: 'table', database: 'billing', table: 'cur'}, ['ALL']),
        ],
      },
      [
        ['LG002', 'high', 'IAM_ALLOWED_PRINCIPALS database:cloudtrail', 'IAM_ALLOWED_PRINCIPALS'],
        ['LG002', 'high', 'IAM_ALLOWED_PRINCIPALS table:cloudtrail.events', 'IAM_ALLOWED_PRINCIPALS'],
      ],
    ],
    [
      'LG003: S3 bypass readers, excluding the expected registration role, public at critical, conditional at medium',
      {
        logs: {
          bucket: 'logs',
          prefix: 'AWSLogs/',
          bucketPolicy: namedPolicy('bucket-policy', {
            Statement: [
              {Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*', Condition: {StringEquals: {'aws:PrincipalOrgID': 'o-1'}}},
              {Sid: 'Partner', Effect: 'Allow', Principal: {AWS: '444455556666'}, Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*'},
            ],
          }),
        },
        iamPrincipals: [
          {arn: REGISTRATION, policies: [namedPolicy('inline', {Statement: [{Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/AWSLogs/*'}]})]},
          {arn: ANALYST, policies: [namedPolicy('AmazonS3ReadOnlyAccess', {Statement: [{Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*'}]})]},
        ],
      },
      [
        ['LG003', 'medium', 'arn:aws:s3:::logs/AWSLogs/*', '*'],
        ['LG003', 'high', 'arn:aws:s3:::logs/AWSLogs/*', '444455556666'],
        ['LG003', 'high', 'arn:aws:s3:::logs/AWSLogs/*', ANALYST],
      ],
    ],
    [
      'LG003: an unconditional public reader is critical',
      {
        logs: {
          bucket: 'logs',
          prefix: 'AWSLogs/',
          bucketPolicy: namedPolicy('bucket-policy', {Statement: [{Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*'}]}),
        },
      },
      [['LG003', 'critical', 'arn:aws:s3:::logs/AWSLogs/*', '*']],
    ],
    [
      'LG011: grant options outside the admins, on log resources only',
      {
        grants: [
          grant(ANALYST, EVENTS, ['SELECT'], ['SELECT']),
          grant(ANALYST, {type: 'table', database: 'billing', table: 'cur'}, ['SELECT'], ['SELECT']),
          grant(ADMIN, EVENTS, ['ALL'], ['ALL']),
          grant('arn:aws:iam::111122223333:role/Steward', {type: 'lfTag', key: 'sensitivity', values: ['pii']}, ['ASSOCIATE'], ['ASSOCIATE']),
        ],
      },
      [
        ['LG011', 'medium', 'arn:aws:iam::111122223333:role/Analyst table:cloudtrail.events', ANALYST],
        ['LG011', 'medium', 'arn:aws:iam::111122223333:role/Steward lftag:sensitivity=pii', 'arn:aws:iam::111122223333:role/Steward'],
      ],
    ],
    [
      'LG012: ALL on log tables and tag expressions, SUPER_USER on the catalog, not for admins',
      {
        grants: [
          grant(ANALYST, {type: 'tableWildcard', database: 'cloudtrail'}, ['ALL']),
          grant(ANALYST, {type: 'lfTagPolicy', resourceType: 'TABLE', expression: [{key: 'domain', values: ['security']}]}, ['ALL']),
          grant('arn:aws:iam::111122223333:role/Ops', {type: 'catalog'}, ['SUPER_USER']),
          grant(ANALYST, {type: 'table', database: 'billing', table: 'cur'}, ['ALL']),
          grant(ADMIN, EVENTS, ['ALL']),
        ],
      },
      [
        ['LG012', 'medium', 'arn:aws:iam::111122223333:role/Analyst lftag-policy:table:domain=security', ANALYST],
        ['LG012', 'medium', 'arn:aws:iam::111122223333:role/Analyst table:cloudtrail.*', ANALYST],
        ['LG012', 'medium', 'arn:aws:iam::111122223333:role/Ops catalog', 'arn:aws:iam::111122223333:role/Ops'],
      ],
    ],
    [
      'LG013: undeclared grants to other accounts and organizations',
      {
        grants: [
          grant(PARTNER, EVENTS, ['SELECT']),
          grant('arn:aws:organizations::999988887777:organization/o-abcdefghij', {type: 'tableWildcard', database: 'cloudtrail'}, ['DESCRIBE']),
          grant(PARTNER, {type: 'database', database: 'billing'}, ['DESCRIBE']),
        ],
      },
      [
        ['LG013', 'high', 'arn:aws:iam::444455556666:role/Partner table:cloudtrail.events', PARTNER],
        ['LG013', 'high', 'arn:aws:organizations::999988887777:organization/o-abcdefghij table:cloudtrail.*', 'arn:aws:organizations::999988887777:organization/o-abcdefghij'],
      ],
    ],
    [
      'LG014: a single admin',
      {settings: {admins: [ADMIN], readOnlyAdmins: [], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: []}},
      [['LG014', 'low', 'data-lake-settings:DataLakeAdmins', undefined]],
    ],
    [
      'LG014: no admin at all',
      {settings: {admins: [], readOnlyAdmins: [], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: []}, grants: []},
      [['LG014', 'medium', 'data-lake-settings:DataLakeAdmins', undefined]],
    ],
    [
      'LG015: an IAM user admin',
      {settings: {admins: [ADMIN, 'arn:aws:iam::111122223333:user/alice'], readOnlyAdmins: [], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: []}},
      [['LG015', 'medium', 'data-lake-settings:DataLakeAdmins', 'arn:aws:iam::111122223333:user/alice']],
    ],
  ]

  it.each(cases)('%s', (_name, overrides, expected) => {
    expect(summary(findingsFromAccess(cleanState(overrides)))).toEqual(expected)
  })

  it('treats cross-account grants declared in the policy files, by grant or by principal, as declared', () => {
    const partnerGrant = grant(PARTNER, EVENTS, ['SELECT'])
    const orgGrant = grant('arn:aws:organizations::999988887777:organization/o-abcdefghij', EVENTS, ['SELECT'])
    const state = cleanState({grants: [partnerGrant, orgGrant]})
    expect(findingsFromAccess(state, {declared: [{principal: PARTNER, resource: EVENTS, source: {file: 'policies/grants/partner.yaml', line: 4}}]}).map((finding) => finding.principal)).toEqual([orgGrant.principal])
    expect(findingsFromAccess(state, {declaredPrincipals: [PARTNER, orgGrant.principal]})).toEqual([])
  })

  it('points a finding at the policy file line that declares the grant', () => {
    const declared = grant(ANALYST, EVENTS, ['SELECT'], ['SELECT'])
    const [found] = findingsFromAccess(cleanState({grants: [declared]}), {declared: [{principal: ANALYST, resource: EVENTS, source: {file: 'policies/grants/analysts.yaml', line: 12}}]})
    expect(found).toMatchObject({ruleId: 'LG011', resource: grantKey(declared), location: {file: 'policies/grants/analysts.yaml', line: 12}})
    expect(found.fix).toBe(ruleById('LG011').fix)
  })

  it('says what the evaluator could not decide for a conditional S3 reader', () => {
    const bucketPolicy = namedPolicy('bucket-policy', {Statement: [{Sid: 'Org', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*', Condition: {StringEquals: {'aws:PrincipalOrgID': 'o-1'}}}]})
    const [found] = findingsFromAccess(cleanState({logs: {bucket: 'logs', prefix: 'AWSLogs/', bucketPolicy}}))
    expect(found).toMatchObject({ruleId: 'LG003', severity: 'medium', principal: '*'})
    expect(found.evidence).toBe(
      's3:GetObject on arn:aws:s3:::logs/AWSLogs/* via the bucket policy: Allow bucket-policy#Org (conditional). Undecided: StringEquals aws:PrincipalOrgID: the value of aws:PrincipalOrgID is not known.',
    )
  })

  it('uses precomputed S3 readers when given', () => {
    const readers = [{principal: ANALYST, path: 's3-bypass-iam' as const, conditional: false, crossAccount: false, evidence: []}]
    expect(summary(findingsFromAccess(cleanState(), {readers}))).toEqual([['LG003', 'high', 'arn:aws:s3:::logs/AWSLogs/*', ANALYST]])
  })
})
