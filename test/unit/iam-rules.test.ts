/**
 * IAM evaluation as AWS documents it: one group per rule of issue 11, every expected result taken
 * from the IAM User Guide page cited beside its case (https://docs.aws.amazon.com/IAM/latest/UserGuide/...):
 *
 * - EVAL: "Policy evaluation logic" (reference_policies_evaluation-logic.html) and
 *   "Cross-account policy evaluation logic" (reference_policies_evaluation-logic-cross-account.html)
 * - BOUNDARIES: "Permissions boundaries for IAM entities" (access_policies_boundaries.html),
 *   section "Evaluating effective permissions with boundaries"
 * - PRINCIPAL: "IAM JSON policy elements: Principal" (reference_policies_elements_principal.html)
 * - NOT_PRINCIPAL: "IAM JSON policy elements: NotPrincipal" (reference_policies_elements_notprincipal.html)
 * - OPERATORS: "IAM JSON policy elements: Condition operators" (reference_policies_elements_condition_operators.html)
 *   and "Conditions with multiple context keys or values" (reference_policies_multi-value-conditions.html)
 * - VARIABLES: "IAM policy elements: Variables and tags" (reference_policies_variables.html)
 */
import {contextFor, findS3Readers, type AuditState} from '../../src/core/audit/access'
import {authorizeRegion, namedPolicy, reasonsOf, resourceRegion, type Decision, type Evaluation, type NamedPolicy} from '../../src/core/iam'

const EVAL = 'Policy evaluation logic'
const CROSS = 'Cross-account policy evaluation logic'
const BOUNDARIES = 'Permissions boundaries for IAM entities'
const PRINCIPAL = 'IAM JSON policy elements: Principal'
const NOT_PRINCIPAL = 'IAM JSON policy elements: NotPrincipal'
const OPERATORS = 'IAM JSON policy elements: Condition operators'
const MULTI = 'Conditions with multiple context keys or values'
const VARIABLES = 'IAM policy elements: Variables and tags'

const ACCOUNT = '111122223333'
const OTHER = '444455556666'
const OBJECT = 'arn:aws:s3:::logs/AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/01/x.json.gz'
const LOGS = 'arn:aws:s3:::logs/*'
const USER = 'arn:aws:iam::111122223333:user/alice'
const OTHER_USER = 'arn:aws:iam::111122223333:user/bob'
const ROLE = 'arn:aws:iam::111122223333:role/Analyst'
const SESSION = 'arn:aws:sts::111122223333:assumed-role/Analyst/alice'
const OTHER_SESSION = 'arn:aws:sts::111122223333:assumed-role/Analyst/bob'
const PARTNER = 'arn:aws:iam::444455556666:role/Partner'

type Statement = Record<string, unknown>

function policy(name: string, statements: Statement[], version = '2012-10-17'): NamedPolicy {
  return namedPolicy(name, {Version: version, Statement: statements})
}

const allowRead = (extra: Statement = {}): Statement => ({Effect: 'Allow', Action: 's3:GetObject', Resource: LOGS, ...extra})
const denyRead = (extra: Statement = {}): Statement => ({Effect: 'Deny', Action: 's3:*', Resource: LOGS, ...extra})
/** A boundary that allows nothing the audit asks about. */
const NARROW_BOUNDARY = policy('boundary', [{Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*'}])
const WIDE_BOUNDARY = policy('boundary', [{Effect: 'Allow', Action: 's3:*', Resource: '*'}])

interface Setup {
  identity?: Statement[]
  boundary?: NamedPolicy
  bucket?: Statement[]
  /** The caller's policies are not visible (another account). */
  foreign?: boolean
  version?: string
}

function evaluate(principal: string, setup: Setup): Evaluation {
  return authorizeRegion({action: 's3:GetObject', principal, context: contextFor(principal)}, resourceRegion(OBJECT), {
    resourceAccount: ACCOUNT,
    ...(setup.foreign ? {} : {identity: setup.identity ? [policy('identity', setup.identity, setup.version)] : []}),
    ...(setup.boundary ? {boundary: setup.boundary} : {}),
    ...(setup.bucket ? {resource: policy('bucket-policy', setup.bucket, setup.version)} : {}),
  })
}

type Case = [title: string, page: string, principal: string, setup: Setup, expected: Decision]

function table(cases: Case[]): void {
  it.each(cases)('%s [%s]', (_title, _page, principal, setup, expected) => {
    expect(evaluate(principal, setup).decision).toBe(expected)
  })
}

describe('rule 1: a permissions boundary and a same-account resource policy', () => {
  table([
    ['a bucket policy grant to a user is not limited by its boundary', BOUNDARIES, USER, {boundary: NARROW_BOUNDARY, bucket: [allowRead({Principal: {AWS: USER}})]}, 'allowed'],
    ['a bucket policy grant to a role session is not limited by the role boundary', BOUNDARIES, SESSION, {boundary: NARROW_BOUNDARY, bucket: [allowRead({Principal: {AWS: SESSION}})]}, 'allowed'],
    ['a bucket policy grant to the role ARN is limited by the boundary', BOUNDARIES, ROLE, {boundary: NARROW_BOUNDARY, bucket: [allowRead({Principal: {AWS: ROLE}})]}, 'implicit-deny'],
    ["a session's access through a grant to its role's ARN is limited by the boundary", BOUNDARIES, SESSION, {boundary: NARROW_BOUNDARY, bucket: [allowRead({Principal: {AWS: ROLE}})]}, 'implicit-deny'],
    ['a grant to the role ARN within the boundary', BOUNDARIES, ROLE, {boundary: WIDE_BOUNDARY, bucket: [allowRead({Principal: {AWS: ROLE}})]}, 'allowed'],
    ['an identity policy outside the boundary', BOUNDARIES, USER, {boundary: NARROW_BOUNDARY, identity: [allowRead()]}, 'implicit-deny'],
    ['an identity policy within the boundary', BOUNDARIES, ROLE, {boundary: WIDE_BOUNDARY, identity: [allowRead()]}, 'allowed'],
    ['an identity policy with no boundary', EVAL, ROLE, {identity: [allowRead()]}, 'allowed'],
    ['the bucket policy alone, no boundary, same account', EVAL, USER, {bucket: [allowRead({Principal: {AWS: USER}})]}, 'allowed'],
    ['an explicit Deny in the boundary beats a bucket policy grant to the user', BOUNDARIES, USER, {boundary: policy('boundary', [{Effect: 'Allow', Action: '*', Resource: '*'}, denyRead()]), bucket: [allowRead({Principal: {AWS: USER}})]}, 'denied'],
    ['"*" grants to a bounded role\'s sessions without the boundary limiting it', PRINCIPAL, ROLE, {boundary: NARROW_BOUNDARY, bucket: [allowRead({Principal: '*'})]}, 'allowed'],
    ['"*" grants to a bounded user', PRINCIPAL, USER, {boundary: NARROW_BOUNDARY, bucket: [allowRead({Principal: {AWS: '*'}})]}, 'allowed'],
    ['a role of another account named by the bucket policy (its own IAM unseen)', CROSS, PARTNER, {foreign: true, bucket: [allowRead({Principal: {AWS: PARTNER}})]}, 'allowed'],
    ['a role of another account, its identity policy known and silent', CROSS, PARTNER, {identity: [], bucket: [allowRead({Principal: {AWS: PARTNER}})]}, 'implicit-deny'],
    ['a role of another account, both sides allowing', CROSS, PARTNER, {identity: [allowRead()], bucket: [allowRead({Principal: {AWS: PARTNER}})]}, 'allowed'],
    ['a role of another account, its identity policy alone', CROSS, PARTNER, {identity: [allowRead()]}, 'implicit-deny'],
  ])
})

describe('rule 2: a Deny naming one session does not deny the role or its other sessions', () => {
  const denySession = denyRead({Principal: {AWS: SESSION}})
  table([
    ['the role (some session of it) stays a reader', PRINCIPAL, ROLE, {identity: [allowRead()], bucket: [denySession]}, 'allowed'],
    ['another session of the role stays a reader', PRINCIPAL, OTHER_SESSION, {identity: [allowRead()], bucket: [denySession]}, 'allowed'],
    ['the named session is denied', EVAL, SESSION, {identity: [allowRead()], bucket: [denySession]}, 'denied'],
    ["a Deny naming the role's ARN denies the role", PRINCIPAL, ROLE, {identity: [allowRead()], bucket: [denyRead({Principal: {AWS: ROLE}})]}, 'denied'],
    ["a Deny naming the role's ARN denies its sessions", PRINCIPAL, SESSION, {identity: [allowRead()], bucket: [denyRead({Principal: {AWS: ROLE}})]}, 'denied'],
    ['an Allow naming one session does not make the role a reader', PRINCIPAL, ROLE, {bucket: [allowRead({Principal: {AWS: SESSION}})]}, 'implicit-deny'],
    ['an Allow naming one session does not reach another session', PRINCIPAL, OTHER_SESSION, {bucket: [allowRead({Principal: {AWS: SESSION}})]}, 'implicit-deny'],
    ['a Deny naming a user denies no one else', EVAL, OTHER_USER, {identity: [allowRead()], bucket: [denyRead({Principal: {AWS: USER}})]}, 'allowed'],
  ])
})

describe('rule 3: an account principal in a same-account resource policy delegates to IAM', () => {
  table([
    ['the root ARN grants a role nothing by itself', PRINCIPAL, ROLE, {bucket: [allowRead({Principal: {AWS: `arn:aws:iam::${ACCOUNT}:root`}})]}, 'implicit-deny'],
    ['the bare account id grants a role nothing by itself', PRINCIPAL, ROLE, {bucket: [allowRead({Principal: {AWS: ACCOUNT}})]}, 'implicit-deny'],
    ['the account grants a user nothing by itself', PRINCIPAL, USER, {bucket: [allowRead({Principal: {AWS: ACCOUNT}})]}, 'implicit-deny'],
    ["the role's identity policy decides", EVAL, ROLE, {identity: [allowRead()], bucket: [allowRead({Principal: {AWS: ACCOUNT}})]}, 'allowed'],
    ['another account named by the bucket policy is delegated to', PRINCIPAL, OTHER, {foreign: true, bucket: [allowRead({Principal: {AWS: OTHER}})]}, 'allowed'],
    ["another account's role through its account", CROSS, PARTNER, {foreign: true, bucket: [allowRead({Principal: {AWS: `arn:aws:iam::${OTHER}:root`}})]}, 'allowed'],
    ['a Deny to the account denies every principal in it', EVAL, ROLE, {identity: [allowRead()], bucket: [denyRead({Principal: {AWS: ACCOUNT}})]}, 'denied'],
  ])
})

describe('rule 4: policy variables in Condition values and resources', () => {
  const arnCondition = (operator: string, value: string) => ({Condition: {[operator]: {'aws:PrincipalArn': value}}})
  table([
    ['${aws:username} resolves for a user', VARIABLES, USER, {identity: [allowRead(arnCondition('StringEquals', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`))]}, 'allowed'],
    ['${aws:username} resolves, and another user does not match', VARIABLES, USER, {identity: [allowRead(arnCondition('StringEquals', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}-admin`))]}, 'implicit-deny'],
    ['${aws:PrincipalAccount} resolves in an ARN operator', VARIABLES, ROLE, {identity: [allowRead(arnCondition('ArnLike', 'arn:aws:iam::${aws:PrincipalAccount}:role/*'))]}, 'allowed'],
    ['a variable with no value (a role has no aws:username) matches nothing under StringEquals', VARIABLES, ROLE, {identity: [allowRead(arnCondition('StringEquals', 'arn:aws:iam::111122223333:role/${aws:username}'))]}, 'implicit-deny'],
    ['a variable with no value matches under a negated operator', VARIABLES, ROLE, {identity: [allowRead(), denyRead(arnCondition('StringNotEquals', 'arn:aws:iam::111122223333:role/${aws:username}'))]}, 'denied'],
    ['a default value stands in for no value', VARIABLES, ROLE, {identity: [{Effect: 'Allow', Action: 's3:GetObject', Resource: "arn:aws:s3:::logs/${aws:username, 'AWSLogs'}/*"}]}, 'allowed'],
    ['a resource variable with no value matches no resource', VARIABLES, ROLE, {identity: [{Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/${aws:username}/*'}]}, 'implicit-deny'],
    ['a resource variable resolves for a user', VARIABLES, USER, {identity: [{Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/${aws:username}/*'}]}, 'implicit-deny'],
    ['a variable lakegov cannot know (a principal tag) is undecidable', VARIABLES, ROLE, {identity: [allowRead({Condition: {StringEquals: {'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/${aws:PrincipalTag/team}'}}})]}, 'conditional'],
    ['${*} is a literal star, not a wildcard', VARIABLES, USER, {identity: [allowRead(arnCondition('StringLike', `arn:aws:iam::${ACCOUNT}:user/a\${*}`))]}, 'implicit-deny'],
    ['a policy older than 2012-10-17 reads variables literally', VARIABLES, USER, {version: '2008-10-17', identity: [allowRead(arnCondition('StringEquals', `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`))]}, 'implicit-deny'],
  ])
})

describe('rule 5: missing keys', () => {
  // A role has no aws:username (VARIABLES, the aws:username table): the key is known to be absent.
  const on = (operator: string, value: string | string[] = 'alice') => ({Condition: {[operator]: {'aws:username': value}}})
  table([
    ['IfExists is true when the key is absent', OPERATORS, ROLE, {identity: [allowRead(on('StringEqualsIfExists'))]}, 'allowed'],
    ['IfExists checks the key when present', OPERATORS, USER, {identity: [allowRead(on('StringEqualsIfExists', 'bob'))]}, 'implicit-deny'],
    ['a positive operator is false when the key is absent', OPERATORS, ROLE, {identity: [allowRead(on('StringEquals'))]}, 'implicit-deny'],
    ['StringNotEquals is true when the key is absent', OPERATORS, ROLE, {identity: [allowRead(on('StringNotEquals'))]}, 'allowed'],
    ['StringNotLike is true when the key is absent', OPERATORS, ROLE, {identity: [allowRead(on('StringNotLike', 'a*'))]}, 'allowed'],
    ['ArnNotLike is true when the key is absent', OPERATORS, ROLE, {identity: [allowRead(on('ArnNotLike', 'arn:*'))]}, 'allowed'],
    ['Null true holds when the key is absent', OPERATORS, ROLE, {identity: [allowRead(on('Null', 'true'))]}, 'allowed'],
    ['Null true fails when the key is present', OPERATORS, USER, {identity: [allowRead(on('Null', 'true'))]}, 'implicit-deny'],
    ['Null false holds when the key is present', OPERATORS, USER, {identity: [allowRead(on('Null', 'false'))]}, 'allowed'],
    ['ForAllValues is true when the key is absent', MULTI, ROLE, {identity: [allowRead(on('ForAllValues:StringEquals'))]}, 'allowed'],
    ['ForAnyValue is false when the key is absent', MULTI, ROLE, {identity: [allowRead(on('ForAnyValue:StringEquals'))]}, 'implicit-deny'],
    ['a Deny with StringNotEqualsIfExists still denies a missing key', OPERATORS, ROLE, {identity: [allowRead(), denyRead(on('StringNotEqualsIfExists'))]}, 'denied'],
    ['a negated Deny on a missing key denies', OPERATORS, ROLE, {identity: [allowRead(), denyRead(on('StringNotEquals'))]}, 'denied'],
    ['a negated operator lists values as NOR', MULTI, USER, {identity: [allowRead(on('StringNotEquals', ['bob', 'alice']))]}, 'implicit-deny'],
    ['IfExists on a key that may or may not be present is undecidable', OPERATORS, ROLE, {identity: [allowRead({Condition: {StringEqualsIfExists: {'aws:SourceVpce': 'vpce-1'}}})]}, 'conditional'],
    ['Null on a key lakegov cannot know is undecidable', OPERATORS, ROLE, {identity: [allowRead({Condition: {Null: {'aws:TokenIssueTime': 'false'}}})]}, 'conditional'],
    ['a Deny on a key lakegov cannot know makes the access conditional, never denied', EVAL, ROLE, {identity: [allowRead()], bucket: [denyRead({Principal: '*', Condition: {StringNotEqualsIfExists: {'aws:SourceVpce': 'vpce-1'}}})]}, 'conditional'],
    ['a numeric operator on an absent key: negated true', OPERATORS, ROLE, {identity: [allowRead({Condition: {NumericNotEquals: {'aws:username': '1'}}})]}, 'allowed'],
  ])
})

describe('rule 6: NotPrincipal with Deny', () => {
  const allowAll = allowRead({Principal: '*'})
  const sparing = (...principals: string[]) => denyRead({NotPrincipal: {AWS: principals}})
  table([
    ['a user listed with its account is spared', NOT_PRINCIPAL, USER, {bucket: [allowAll, sparing(USER, ACCOUNT)]}, 'allowed'],
    ['a principal not listed is denied', NOT_PRINCIPAL, OTHER_USER, {bucket: [allowAll, sparing(USER, ACCOUNT)]}, 'denied'],
    ['listing the account alone spares none of its principals', NOT_PRINCIPAL, USER, {bucket: [allowAll, sparing(ACCOUNT)]}, 'denied'],
    ['a user listed without its account might be denied: conditional', NOT_PRINCIPAL, USER, {bucket: [allowAll, sparing(USER)]}, 'conditional'],
    ['a session listed with its role and account is spared', NOT_PRINCIPAL, SESSION, {bucket: [allowAll, sparing(SESSION, ROLE, ACCOUNT)]}, 'allowed'],
    ['a session listed without its role might be denied: conditional', NOT_PRINCIPAL, SESSION, {bucket: [allowAll, sparing(SESSION, ACCOUNT)]}, 'conditional'],
    ['another session of a listed role might be denied: conditional', NOT_PRINCIPAL, OTHER_SESSION, {bucket: [allowAll, sparing(SESSION, ROLE, ACCOUNT)]}, 'conditional'],
    ['a listed user with a permissions boundary is always denied', BOUNDARIES, USER, {boundary: WIDE_BOUNDARY, bucket: [allowAll, sparing(USER, ACCOUNT)]}, 'denied'],
    ['a listed session whose role has a boundary is always denied', NOT_PRINCIPAL, SESSION, {boundary: WIDE_BOUNDARY, identity: [allowRead()], bucket: [sparing(SESSION, ROLE, ACCOUNT)]}, 'denied'],
    ["another account's principal listed with its account is spared", NOT_PRINCIPAL, OTHER, {foreign: true, bucket: [allowAll, sparing(OTHER)]}, 'allowed'],
    ['NotPrincipal with Allow grants everyone not listed', NOT_PRINCIPAL, OTHER_USER, {bucket: [allowRead({NotPrincipal: {AWS: [USER, ACCOUNT]}})]}, 'allowed'],
  ])
})

describe('rule 7: what the evaluator cannot decide is conditional, with the reason, never a denial', () => {
  const cases: Array<[string, Setup, RegExp]> = [
    ['an unknown operator', {identity: [allowRead({Condition: {StringFancy: {'aws:username': 'x'}}})]}, /does not know the operator StringFancy/],
    ['a key lakegov cannot know', {identity: [allowRead({Condition: {StringEquals: {'aws:PrincipalOrgID': 'o-1'}}})]}, /the value of aws:PrincipalOrgID is not known/],
    ['an IP operator on a present key', {identity: [allowRead({Condition: {IpAddress: {'aws:SourceIp': '10.0.0.0/8'}}})]}, /aws:SourceIp is not known/],
    ['a Deny under an unknown operator', {identity: [allowRead(), denyRead({Condition: {DateFancy: {'aws:CurrentTime': 'x'}}})]}, /does not know the operator DateFancy/],
    ['a malformed Allow (no Action)', {identity: [{Effect: 'Allow', Resource: LOGS}]}, /needs exactly one of Action and NotAction/],
    ['a malformed Deny beside an Allow', {identity: [allowRead(), {Effect: 'Deny', Action: 's3:*', Resource: 7 as unknown as string, Condition: 'x'}]}, /must be an object/],
    ['a statement with a bad Effect', {identity: [{Effect: 'Maybe', Action: 's3:*', Resource: LOGS}]}, /Effect must be Allow or Deny/],
    ['an unknown variable', {identity: [allowRead({Condition: {StringLike: {'aws:PrincipalArn': '${aws:PrincipalTag/team}'}}})]}, /policy variable \$\{aws:PrincipalTag\/team\} is not known/],
  ]
  it.each(cases)('%s', (_name, setup, reason) => {
    const evaluation = evaluate(ROLE, setup)
    expect(evaluation.decision).toBe('conditional')
    expect(reasonsOf(evaluation).join('\n')).toMatch(reason)
  })

  it('an unreadable document makes the access conditional', () => {
    const evaluation = authorizeRegion({action: 's3:GetObject', principal: ROLE, context: contextFor(ROLE)}, resourceRegion(OBJECT), {
      resourceAccount: ACCOUNT,
      identity: [namedPolicy('broken', 'not json')],
    })
    expect([evaluation.decision, reasonsOf(evaluation)]).toEqual(['conditional', ['The policy document is neither JSON nor URL-encoded JSON. lakegov cannot read the statement']])
  })
})

describe('the audit lists the readers these rules give (resource policies naming the account, a role, a session and "*")', () => {
  function readers(overrides: Partial<AuditState>): Array<[string, boolean]> {
    const state: AuditState = {
      account: ACCOUNT,
      settings: {admins: [], readOnlyAdmins: [], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: []},
      databases: ['cloudtrail'],
      tables: [],
      grants: [],
      tagAssignments: [],
      filters: [],
      logs: {bucket: 'logs', prefix: 'AWSLogs/'},
      iamPrincipals: [],
      expectedReaders: [],
      ...overrides,
    }
    return findS3Readers(state).map((reader) => [reader.principal, reader.conditional])
  }
  const bucket = (statements: Statement[]) => ({bucket: 'logs', prefix: 'AWSLogs/', bucketPolicy: policy('bucket-policy', statements)})

  it('a bounded user the bucket policy names is a reader (rule 1)', () => {
    expect(readers({iamPrincipals: [{arn: USER, policies: [], boundary: NARROW_BOUNDARY}], logs: bucket([allowRead({Principal: {AWS: USER}})])})).toEqual([[USER, false]])
  })

  it('a session the bucket policy names is a reader of its own, even under a narrow role boundary (rule 1)', () => {
    expect(readers({iamPrincipals: [{arn: ROLE, policies: [], boundary: NARROW_BOUNDARY}], logs: bucket([allowRead({Principal: {AWS: SESSION}})])})).toEqual([[SESSION, false]])
  })

  it('a role whose one session a Deny names stays a reader (rule 2)', () => {
    const identity = [policy('role/Analyst inline:read', [allowRead()])]
    expect(readers({iamPrincipals: [{arn: ROLE, policies: identity}], logs: bucket([denyRead({Principal: {AWS: SESSION}})])})).toEqual([[ROLE, false]])
  })

  it('a grant to the own account makes no role a reader (rule 3)', () => {
    expect(readers({iamPrincipals: [{arn: ROLE, policies: []}, {arn: USER, policies: []}], logs: bucket([allowRead({Principal: {AWS: ACCOUNT}})])})).toEqual([])
  })

  it('"*" makes anyone a reader, and every role and user of the account', () => {
    expect(readers({iamPrincipals: [{arn: ROLE, policies: [], boundary: NARROW_BOUNDARY}], logs: bucket([allowRead({Principal: '*'})])})).toEqual([
      ['*', false],
      [ROLE, false],
    ])
  })

  it('a session a NotPrincipal Deny spares reads through its role\'s identity policy', () => {
    const identity = [policy('role/Analyst inline:read', [allowRead()])]
    expect(readers({iamPrincipals: [{arn: ROLE, policies: identity}], logs: bucket([denyRead({NotPrincipal: {AWS: [SESSION, ROLE, ACCOUNT]}})])})).toEqual([
      [ROLE, true],
      [SESSION, false],
    ])
  })
})
