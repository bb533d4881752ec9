import {computeAccess, findS3Readers, rowReachesPrincipal, type AccessRow, type AuditState} from '../../src/core/audit/access'
import {namedPolicy, type NamedPolicy} from '../../src/core/iam'
import {canonicalGrant, type Grant, type Permission, type Resource} from '../../src/core/model/grant'

const ACCOUNT = '111122223333'
const ADMIN = 'arn:aws:iam::111122223333:role/LakeAdmin'
const AUDITOR = 'arn:aws:iam::111122223333:role/Auditor'
const ANALYST = 'arn:aws:iam::111122223333:role/Analyst'
const PARTNER = 'arn:aws:iam::444455556666:role/Partner'
const VENDOR = 'arn:aws:iam::777788889999:role/Vendor'
const REGISTRATION = 'arn:aws:iam::111122223333:role/LakeRegistration'
const COLUMNS = ['eventname', 'eventtime', 'sourceipaddress', 'useridentity']

function grant(principal: string, resource: Resource, permissions: Permission[], grantable: Permission[] = []): Grant {
  return canonicalGrant({principal, resource, permissions, grantable})
}

function document(statements: object[], name: string): NamedPolicy {
  return namedPolicy(name, {Version: '2012-10-17', Statement: statements})
}

const READ_LOGS = {Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/AWSLogs/*'}

function buildState(overrides: Partial<AuditState> = {}): AuditState {
  return {
    account: ACCOUNT,
    settings: {admins: [ADMIN], readOnlyAdmins: [], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: []},
    databases: ['cloudtrail'],
    tables: [
      {database: 'cloudtrail', table: 'events', columns: COLUMNS, location: 's3://logs/AWSLogs/111122223333/CloudTrail/'},
      {database: 'cloudtrail', table: 'digest', columns: ['digestfile'], location: 's3://other-bucket/digests/'},
      {database: 'billing', table: 'cur', columns: ['cost']},
    ],
    grants: [],
    tagAssignments: [],
    filters: [],
    logs: {bucket: 'logs', prefix: 'AWSLogs/'},
    iamPrincipals: [],
    expectedReaders: [],
    ...overrides,
  }
}

/** The rows of one table other than the implicit admin row every state has. */
function rowsOf(state: AuditState, table = 'events'): AccessRow[] {
  return computeAccess(state, {table}).filter((row) => !(row.path === 'admin' && row.principal === ADMIN))
}

function pick(rows: AccessRow[]) {
  return rows.map((row) => ({principal: row.principal, path: row.path, columns: row.columns, rowFilter: row.rowFilter, grantable: row.grantable}))
}

describe('computeAccess: Lake Formation paths', () => {
  const cases: Array<[string, Grant[], Array<Partial<AccessRow>>]> = [
    ['table SELECT', [grant(ANALYST, {type: 'table', database: 'cloudtrail', table: 'events'}, ['SELECT', 'DESCRIBE'])], [{principal: ANALYST, path: 'table-grant', columns: 'all', grantable: false}]],
    ['table ALL with the grant option', [grant(ANALYST, {type: 'table', database: 'cloudtrail', table: 'events'}, ['ALL'], ['ALL'])], [{principal: ANALYST, path: 'table-grant', columns: 'all', grantable: true}]],
    ['table DESCRIBE only (no read)', [grant(ANALYST, {type: 'table', database: 'cloudtrail', table: 'events'}, ['DESCRIBE'])], []],
    ['SELECT on another table', [grant(ANALYST, {type: 'table', database: 'cloudtrail', table: 'digest'}, ['SELECT'])], []],
    [
      'columns included',
      [grant(ANALYST, {type: 'columns', database: 'cloudtrail', table: 'events', columns: {include: ['eventtime', 'eventname', 'nosuchcolumn']}}, ['SELECT'])],
      [{principal: ANALYST, path: 'column-grant', columns: ['eventname', 'eventtime']}],
    ],
    [
      'columns excluded',
      [grant(ANALYST, {type: 'columns', database: 'cloudtrail', table: 'events', columns: {exclude: ['sourceipaddress']}}, ['SELECT'], ['SELECT'])],
      [{principal: ANALYST, path: 'column-grant', columns: ['eventname', 'eventtime', 'useridentity'], grantable: true}],
    ],
    ['the table wildcard', [grant(ANALYST, {type: 'tableWildcard', database: 'cloudtrail'}, ['SELECT'])], [{principal: ANALYST, path: 'table-wildcard', columns: 'all'}]],
    ['the table wildcard of another database', [grant(ANALYST, {type: 'tableWildcard', database: 'billing'}, ['SELECT'])], []],
    ['database ALL (no table access)', [grant(ANALYST, {type: 'database', database: 'cloudtrail'}, ['ALL'], ['ALL'])], []],
    ['catalog SUPER_USER', [grant(ANALYST, {type: 'catalog'}, ['SUPER_USER'])], [{principal: ANALYST, path: 'catalog-grant', columns: 'all'}]],
    ['catalog CREATE_DATABASE (no table access)', [grant(ANALYST, {type: 'catalog'}, ['CREATE_DATABASE'])], []],
    ['a data location grant (no table access)', [grant(ANALYST, {type: 'dataLocation', path: 's3://logs/AWSLogs'}, ['DATA_LOCATION_ACCESS'])], []],
    [
      'IAM_ALLOWED_PRINCIPALS on the table',
      [grant('IAM_ALLOWED_PRINCIPALS', {type: 'table', database: 'cloudtrail', table: 'events'}, ['ALL'])],
      [{principal: 'IAM_ALLOWED_PRINCIPALS', path: 'iam-allowed-principals', columns: 'all'}],
    ],
    [
      'IAM_ALLOWED_PRINCIPALS on the table wildcard',
      [grant('IAM_ALLOWED_PRINCIPALS', {type: 'tableWildcard', database: 'cloudtrail'}, ['SELECT'])],
      [{principal: 'IAM_ALLOWED_PRINCIPALS', path: 'iam-allowed-principals', columns: 'all'}],
    ],
    ['IAM_ALLOWED_PRINCIPALS on the database only', [grant('IAM_ALLOWED_PRINCIPALS', {type: 'database', database: 'cloudtrail'}, ['ALL'])], []],
  ]

  it.each(cases)('%s', (_name, grants, expected) => {
    expect(rowsOf(buildState({grants}))).toMatchObject(expected)
    expect(rowsOf(buildState({grants}))).toHaveLength(expected.length)
  })

  it('flags IAM_ALLOWED_PRINCIPALS rows as ungoverned, and fine-grained ones as governed', () => {
    const rows = rowsOf(buildState({grants: [grant('IAM_ALLOWED_PRINCIPALS', {type: 'table', database: 'cloudtrail', table: 'events'}, ['ALL']), grant(ANALYST, {type: 'tableWildcard', database: 'cloudtrail'}, ['SELECT'])]}))
    expect(rows.map((row) => [row.principal, row.ungoverned])).toEqual([
      ['IAM_ALLOWED_PRINCIPALS', true],
      [ANALYST, false],
    ])
  })

  it('marks cross-account, organization and OU principals, and not same-account ones', () => {
    const org = 'arn:aws:organizations::999988887777:organization/o-abcdefghij'
    const ou = 'arn:aws:organizations::999988887777:ou/o-abcdefghij/ou-ab12-cdefgh34'
    const table: Resource = {type: 'table', database: 'cloudtrail', table: 'events'}
    const rows = rowsOf(buildState({grants: [ANALYST, PARTNER, '444455556666', org, ou].map((principal) => grant(principal, table, ['SELECT']))}))
    expect(Object.fromEntries(rows.map((row) => [row.principal, row.crossAccount]))).toEqual({[ANALYST]: false, [PARTNER]: true, '444455556666': true, [org]: true, [ou]: true})
  })
})

describe('computeAccess: admins', () => {
  it('gives each data lake admin a grantable admin row and each read-only admin a metadata-only row', () => {
    const state = buildState({settings: {admins: [ADMIN], readOnlyAdmins: [AUDITOR], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: []}})
    const rows = computeAccess(state, {table: 'events'})
    expect(rows.map((row) => [row.principal, row.path, row.grantable, row.readsData, row.columns])).toEqual([
      [AUDITOR, 'read-only-admin', false, false, []],
      [ADMIN, 'admin', true, true, 'all'],
    ])
  })
})

describe('computeAccess: LF-tag expressions', () => {
  const policyGrant = (values: string[], permissions: Permission[] = ['SELECT']) =>
    grant(ANALYST, {type: 'lfTagPolicy', resourceType: 'TABLE', expression: [{key: 'sensitivity', values}]}, permissions)
  const tags: AuditState['tagAssignments'] = [
    {target: {database: 'cloudtrail'}, tags: {sensitivity: 'internal'}},
    {target: {database: 'cloudtrail', table: 'events'}, tags: {sensitivity: 'public'}},
    {target: {database: 'cloudtrail', table: 'events', columns: ['sourceipaddress', 'useridentity']}, tags: {sensitivity: 'pii'}},
  ]

  it.each([
    ['matches the columns whose tags match, column tags overriding the table tag', ['public'], ['eventname', 'eventtime'], ['DESCRIBE', 'SELECT']],
    ['matches only the overriding column tag', ['pii'], ['sourceipaddress', 'useridentity'], ['DESCRIBE', 'SELECT']],
    ['matches every column', ['pii', 'public'], 'all', ['ALL']],
    ['matches nothing when only the overridden database tag matches', ['internal'], undefined, undefined],
  ])('%s', (_name, values, columns, permissions) => {
    const rows = rowsOf(buildState({grants: [policyGrant(values, ['ALL'])], tagAssignments: tags}))
    if (columns === undefined) expect(rows).toEqual([])
    else expect(rows).toMatchObject([{path: 'lf-tag-expression', columns, permissions}])
  })

  it('inherits the database tag when the table has none', () => {
    const rows = rowsOf(buildState({grants: [policyGrant(['internal'])], tagAssignments: [tags[0]]}), 'digest')
    expect(pick(rows)).toEqual([{principal: ANALYST, path: 'lf-tag-expression', columns: 'all', rowFilter: undefined, grantable: false}])
  })

  it('needs every key of the expression to match', () => {
    const twoKeys = grant(ANALYST, {type: 'lfTagPolicy', resourceType: 'TABLE', expression: [{key: 'sensitivity', values: ['public']}, {key: 'team', values: ['sec']}]}, ['SELECT'])
    expect(rowsOf(buildState({grants: [twoKeys], tagAssignments: tags}))).toEqual([])
    const withTeam = [...tags, {target: {database: 'cloudtrail', table: 'events'}, tags: {team: 'sec'}}]
    expect(rowsOf(buildState({grants: [twoKeys], tagAssignments: withTeam}))).toMatchObject([{columns: ['eventname', 'eventtime']}])
  })

  it('ignores DATABASE-type tag expressions and write-only permissions', () => {
    const databaseType = grant(ANALYST, {type: 'lfTagPolicy', resourceType: 'DATABASE', expression: [{key: 'sensitivity', values: ['public', 'pii']}]}, ['ALL'])
    expect(rowsOf(buildState({grants: [databaseType, policyGrant(['public', 'pii'], ['INSERT'])], tagAssignments: tags}))).toEqual([])
  })
})

describe('computeAccess: data cells filters', () => {
  const filterGrant = (filter: string) => grant(ANALYST, {type: 'dataCellsFilter', database: 'cloudtrail', table: 'events', filter}, ['SELECT'])

  it.each([
    ['rows and included columns', {name: 'f', database: 'cloudtrail', table: 'events', rows: "awsregion='us-east-1'", columns: {include: ['eventname']}}, ['eventname'], "awsregion='us-east-1'"],
    ['excluded columns, every row', {name: 'f', database: 'cloudtrail', table: 'events', columns: {exclude: ['sourceipaddress']}}, ['eventname', 'eventtime', 'useridentity'], undefined],
    ['every column, some rows', {name: 'f', database: 'cloudtrail', table: 'events', rows: 'x=1'}, 'all', 'x=1'],
  ])('%s', (_name, filter, columns, rowFilter) => {
    expect(pick(rowsOf(buildState({grants: [filterGrant('f')], filters: [filter]})))).toEqual([{principal: ANALYST, path: 'data-cells-filter', columns, rowFilter, grantable: false}])
  })

  it('assumes the widest access for a filter it cannot find, and says so', () => {
    expect(rowsOf(buildState({grants: [filterGrant('gone')]}))).toMatchObject([{path: 'data-cells-filter', columns: 'all', note: expect.stringContaining('not found')}])
  })
})

describe('computeAccess: the S3 bypass', () => {
  it('finds IAM roles whose policies read the prefix, and not those that read elsewhere', () => {
    const state = buildState({
      iamPrincipals: [
        {arn: ANALYST, policies: [document([READ_LOGS], 'inline:ReadLogs')]},
        {arn: AUDITOR, policies: [document([{...READ_LOGS, Resource: 'arn:aws:s3:::logs/reports/*'}], 'inline:Reports')]},
        {arn: 'arn:aws:iam::111122223333:user/ops', policies: [document([{Effect: 'Allow', Action: 's3:*', Resource: '*'}], 'group:Ops:AdministratorAccess')]},
      ],
    })
    expect(rowsOf(state).map((row) => [row.principal, row.path, row.ungoverned, row.conditional, row.via])).toEqual([
      [ANALYST, 's3-bypass-iam', true, false, 'Allow inline:ReadLogs#0'],
      ['arn:aws:iam::111122223333:user/ops', 's3-bypass-iam', true, false, 'Allow group:Ops:AdministratorAccess#0'],
    ])
  })

  it('applies the permissions boundary and Denies in the bucket policy', () => {
    const bucketPolicy = document([{Sid: 'NoAuditor', Effect: 'Deny', Principal: {AWS: AUDITOR}, Action: 's3:*', Resource: 'arn:aws:s3:::logs/*'}], 'bucket-policy')
    const state = buildState({
      logs: {bucket: 'logs', prefix: 'AWSLogs/', bucketPolicy},
      iamPrincipals: [
        {arn: ANALYST, policies: [document([READ_LOGS], 'inline')], boundary: document([{Effect: 'Allow', Action: 'glue:*', Resource: '*'}], 'boundary')},
        {arn: AUDITOR, policies: [document([READ_LOGS], 'inline')]},
      ],
    })
    expect(rowsOf(state)).toEqual([])
  })

  it('reports bucket policy readers: other accounts, conditional ones, but not the own account or PUT-only services', () => {
    const bucketPolicy = document(
      [
        {Sid: 'CloudTrailWrite', Effect: 'Allow', Principal: {Service: 'cloudtrail.amazonaws.com'}, Action: 's3:PutObject', Resource: 'arn:aws:s3:::logs/AWSLogs/*'},
        {Sid: 'Partner', Effect: 'Allow', Principal: {AWS: '444455556666'}, Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/AWSLogs/*'},
        {Sid: 'Org', Effect: 'Allow', Principal: {AWS: VENDOR}, Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*', Condition: {StringEquals: {'aws:PrincipalOrgID': 'o-1'}}},
        {Sid: 'Own', Effect: 'Allow', Principal: {AWS: `arn:aws:iam::${ACCOUNT}:root`}, Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*'},
        {Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::logs/*', Condition: {Bool: {'aws:SecureTransport': 'false'}}},
      ],
      'bucket-policy',
    )
    const rows = rowsOf(buildState({logs: {bucket: 'logs', prefix: 'AWSLogs/', bucketPolicy}}))
    expect(rows.map((row) => [row.principal, row.path, row.crossAccount, row.conditional, row.via])).toEqual([
      ['444455556666', 's3-bypass-bucket-policy', true, false, 'Allow bucket-policy#Partner'],
      [VENDOR, 's3-bypass-bucket-policy', true, true, 'Allow bucket-policy#Org (conditional)'],
    ])
  })

  it('reports a public bucket policy as a reader "*" that reaches every principal', () => {
    const bucketPolicy = document([{Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*'}], 'bucket-policy')
    const state = buildState({logs: {bucket: 'logs', prefix: 'AWSLogs/', bucketPolicy}})
    expect(rowsOf(state).map((row) => [row.principal, row.path, row.crossAccount, row.ungoverned])).toEqual([['*', 's3-bypass-bucket-policy', true, true]])
    expect(computeAccess(state, {principal: PARTNER}).map((row) => row.principal)).toEqual(['*'])
  })

  it('shows the statement a same-account role reads through when the bucket policy names it', () => {
    const bucketPolicy = document([{Sid: 'Analyst', Effect: 'Allow', Principal: {AWS: ANALYST}, Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*'}], 'bucket-policy')
    const state = buildState({logs: {bucket: 'logs', prefix: 'AWSLogs/', bucketPolicy}, iamPrincipals: [{arn: ANALYST, policies: []}]})
    expect(rowsOf(state).map((row) => [row.principal, row.path, row.via])).toEqual([[ANALYST, 's3-bypass-bucket-policy', 'Allow bucket-policy#Analyst']])

  })

  it('marks an expected reader such as the registration role', () => {
    const state = buildState({
      iamPrincipals: [{arn: REGISTRATION, policies: [document([READ_LOGS], 'inline')]}],
      expectedReaders: [{arn: REGISTRATION, reason: 'registration-role'}],
    })
    expect(findS3Readers(state)).toMatchObject([{principal: REGISTRATION, expected: 'registration-role', path: 's3-bypass-iam'}])
    expect(rowsOf(state)).toMatchObject([{principal: REGISTRATION, expected: 'registration-role'}])
  })

  it('only reaches tables whose data lies under the log prefix', () => {
    const state = buildState({iamPrincipals: [{arn: ANALYST, policies: [document([READ_LOGS], 'inline')]}]})
    expect(rowsOf(state, 'digest')).toEqual([])
  })
})

describe('computeAccess: queries and order', () => {
  const state = buildState({
    tables: [
      {database: 'cloudtrail', table: 'events', columns: COLUMNS},
      {database: 'cloudtrail', table: 'athena', columns: COLUMNS},
    ],
    grants: [
      grant(ANALYST, {type: 'tableWildcard', database: 'cloudtrail'}, ['SELECT']),
      grant('IAM_ALLOWED_PRINCIPALS', {type: 'table', database: 'cloudtrail', table: 'athena'}, ['ALL']),
      grant('444455556666', {type: 'table', database: 'cloudtrail', table: 'events'}, ['SELECT']),
      grant(PARTNER, {type: 'table', database: 'cloudtrail', table: 'events'}, ['SELECT']),
    ],
  })

  it('sorts by database, table, principal and path', () => {
    expect(computeAccess(state).map((row) => `${row.table} ${row.principal} ${row.path}`)).toEqual([
      'athena IAM_ALLOWED_PRINCIPALS iam-allowed-principals',
      `athena ${ANALYST} table-wildcard`,
      `athena ${ADMIN} admin`,
      'events 444455556666 table-grant',
      `events ${ANALYST} table-wildcard`,
      `events ${ADMIN} admin`,
      `events ${PARTNER} table-grant`,
    ])
  })

  it('filters by database and table, case-insensitively', () => {
    expect(computeAccess(state, {database: 'CloudTrail', table: 'ATHENA'}).map((row) => row.table)).toEqual(['athena', 'athena', 'athena'])
    expect(computeAccess(state, {database: 'billing'})).toEqual([])
  })

  it('answers "what can this principal read" for an assumed-role session, including IAM_ALLOWED_PRINCIPALS', () => {
    const rows = computeAccess(state, {principal: 'arn:aws:sts::111122223333:assumed-role/Analyst/alice'})
    expect(rows.map((row) => `${row.table} ${row.principal}`)).toEqual(['athena IAM_ALLOWED_PRINCIPALS', `athena ${ANALYST}`, `events ${ANALYST}`])
  })

  it('answers for a principal of another account through its account-wide grant', () => {
    expect(computeAccess(state, {principal: PARTNER}).map((row) => row.principal)).toEqual(['444455556666', PARTNER])
  })

  it.each([
    [ANALYST, ANALYST, true],
    ['*', ANALYST, true],
    ['IAM_ALLOWED_PRINCIPALS', PARTNER, false],
    [AUDITOR, ANALYST, false],
    ['444455556666', ANALYST, false],
  ])('row principal %s reaches %s: %s', (row, queried, expected) => {
    expect(rowReachesPrincipal(row, queried, ACCOUNT)).toBe(expected)
  })
})
