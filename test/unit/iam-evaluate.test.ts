import {
  evaluatePolicies,
  evaluatePrefixAccess,
  findScopeViolations,
  globCoversPrefix,
  globReachesPrefix,
  allOf,
  anyOf,
  parsePolicy,
  namedPolicy,
  type Decision,
  type NamedPolicy,
} from '../../src/core/iam'

const BUCKET = 'logs'
const OBJECT = 'arn:aws:s3:::logs/AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/01/x.json.gz'
const ROLE = 'arn:aws:iam::111122223333:role/Analyst'

function policy(statements: object[], name = 'p'): NamedPolicy {
  return namedPolicy(name, {Version: '2012-10-17', Statement: statements})
}

function allow(action: string | string[], resource: string | string[], extra: object = {}): object {
  return {Effect: 'Allow', Action: action, Resource: resource, ...extra}
}

function deny(action: string | string[], resource: string | string[], extra: object = {}): object {
  return {Effect: 'Deny', Action: action, Resource: resource, ...extra}
}

describe('parsePolicy', () => {
  const document = {Version: '2012-10-17', Statement: {Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*'}}

  it.each([
    ['an object', document],
    ['a JSON string', JSON.stringify(document)],
    ['URL-encoded JSON, as IAM returns it', encodeURIComponent(JSON.stringify(document))],
  ])('reads %s, with a single Statement object turned into a list', (_name, raw) => {
    expect(parsePolicy(raw)).toEqual({
      version: '2012-10-17',
      statements: [{sid: 'Read', effect: 'Allow', action: ['s3:GetObject'], resource: ['arn:aws:s3:::logs/*']}],
    })
  })

  it('normalises Principal lists and Condition values to string arrays', () => {
    const [statement] = parsePolicy({
      Statement: [{Effect: 'Allow', Principal: {AWS: 'arn:aws:iam::444455556666:root', Service: ['cloudtrail.amazonaws.com']}, Action: '*', Resource: '*', Condition: {Bool: {'aws:SecureTransport': false}}}],
    }).statements
    expect(statement.principal).toEqual({AWS: ['arn:aws:iam::444455556666:root'], Service: ['cloudtrail.amazonaws.com']})
    expect(statement.condition).toEqual({Bool: {'aws:SecureTransport': ['false']}})
  })

  it.each([
    ['text that is not JSON', 'not json'],
    ['a list', '[]'],
    ['a bad Effect', {Statement: [{Effect: 'Maybe', Action: '*', Resource: '*'}]}],
    ['both Action and NotAction', {Statement: [{Effect: 'Allow', Action: '*', NotAction: 's3:*', Resource: '*'}]}],
    ['neither Action nor NotAction', {Statement: [{Effect: 'Allow', Resource: '*'}]}],
    ['a Principal that is neither * nor an object', {Statement: [{Effect: 'Allow', Principal: 'someone', Action: '*', Resource: '*'}]}],
  ])('keeps %s as a statement with its problem, which applies undecidably (never a denial)', (_name, raw) => {
    const parsed = parsePolicy(raw)
    expect(parsed.statements).toHaveLength(1)
    expect(parsed.statements[0].problem).toEqual(expect.any(String))
    expect(evaluatePolicies({action: 's3:GetObject', resource: OBJECT}, [{name: 'p', document: parsed}]).decision).toBe('conditional')
  })
})

describe('evaluatePolicies', () => {
  const cases: Array<[string, object[], Decision, string?]> = [
    ['an exact Allow', [allow('s3:GetObject', OBJECT)], 'allowed'],
    ['no statement at all', [], 'implicit-deny'],
    ['an Allow of another action', [allow('s3:PutObject', 'arn:aws:s3:::logs/*')], 'implicit-deny'],
    ['an Allow on another bucket', [allow('s3:GetObject', 'arn:aws:s3:::other/*')], 'implicit-deny'],
    ['s3:*', [allow('s3:*', 'arn:aws:s3:::logs/*')], 'allowed'],
    ['*', [allow('*', '*')], 'allowed'],
    ['s3:Get*', [allow('s3:Get*', 'arn:aws:s3:::logs/*')], 'allowed'],
    ['an action pattern in another case', [allow('S3:getobject', 'arn:aws:s3:::logs/*')], 'allowed'],
    ['s3:Get?bject', [allow('s3:Get?bject', 'arn:aws:s3:::logs/*')], 'allowed'],
    ['s3:List*', [allow('s3:List*', 'arn:aws:s3:::logs/*')], 'implicit-deny'],
    ['a resource pattern in another case (ARNs are case-sensitive)', [allow('s3:GetObject', 'arn:aws:s3:::LOGS/*')], 'implicit-deny'],
    ['a ? in the resource', [allow('s3:GetObject', 'arn:aws:s3:::log?/*')], 'allowed'],
    ['the bucket ARN only', [allow('s3:GetObject', 'arn:aws:s3:::logs')], 'implicit-deny'],
    ['a Deny beside an Allow', [allow('s3:*', '*'), deny('s3:GetObject', 'arn:aws:s3:::logs/*')], 'denied'],
    ['a Deny alone', [deny('s3:GetObject', '*')], 'denied'],
    ['a Deny of another action', [allow('s3:*', '*'), deny('s3:PutObject', '*')], 'allowed'],
    ['NotAction that excludes the action', [{Effect: 'Allow', NotAction: 's3:GetObject', Resource: '*'}], 'implicit-deny'],
    ['NotAction that excludes other actions', [{Effect: 'Allow', NotAction: ['iam:*', 's3:Put*'], Resource: '*'}], 'allowed'],
    ['a Deny with NotAction sparing the action', [allow('*', '*'), {Effect: 'Deny', NotAction: 's3:Get*', Resource: '*'}], 'allowed'],
    ['a Deny with NotAction not sparing it', [allow('*', '*'), {Effect: 'Deny', NotAction: 'iam:*', Resource: '*'}], 'denied'],
    ['NotResource that excludes the object', [{Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::logs/*'}], 'implicit-deny'],
    ['NotResource that excludes another bucket', [{Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*'}], 'allowed'],
    ['a Deny with NotResource sparing the object', [allow('s3:*', '*'), {Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::logs/*'}], 'allowed'],
    ['an Allow under an unknown condition', [allow('s3:GetObject', '*', {Condition: {StringEquals: {'aws:PrincipalOrgID': 'o-abc'}}})], 'conditional'],
    ['an Allow under an operator the evaluator lacks', [allow('s3:GetObject', '*', {Condition: {IpAddress: {'aws:SourceIp': '10.0.0.0/8'}}})], 'conditional'],
    ['an Allow and a conditional Deny', [allow('s3:GetObject', '*'), deny('s3:*', '*', {Condition: {StringNotEquals: {'aws:SourceVpce': 'vpce-1'}}})], 'conditional'],
    ['a conditional Deny alone', [deny('s3:*', '*', {Condition: {StringNotEquals: {'aws:SourceVpce': 'vpce-1'}}})], 'implicit-deny'],
    ['a conditional Allow and an unconditional Deny', [allow('s3:GetObject', '*', {Condition: {StringEquals: {'aws:SourceVpce': 'vpce-1'}}}), deny('s3:*', '*')], 'denied'],
    ['a TLS-only Deny, with TLS in the context', [allow('s3:GetObject', '*'), deny('s3:*', '*', {Condition: {Bool: {'aws:SecureTransport': 'false'}}})], 'allowed'],
    ['an Allow whose known condition fails', [allow('s3:GetObject', '*', {Condition: {StringEquals: {'aws:PrincipalAccount': '999999999999'}}})], 'implicit-deny'],
    ['an Allow whose known condition holds, key in another case', [allow('s3:GetObject', '*', {Condition: {StringLike: {'AWS:PrincipalArn': 'arn:aws:iam::111122223333:role/*'}}})], 'allowed'],
    ['a Deny unless the principal is listed, for a listed principal', [allow('s3:GetObject', '*'), deny('s3:*', '*', {Condition: {ArnNotLike: {'aws:PrincipalArn': [ROLE, 'arn:aws:iam::111122223333:role/Other']}}})], 'allowed'],
    ['a Deny unless the principal is listed, for another principal', [allow('s3:GetObject', '*'), deny('s3:*', '*', {Condition: {ArnNotLike: {'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Other'}}})], 'denied'],
  ]

  it.each(cases)('%s', (_name, statements, expected) => {
    const context = {'aws:SecureTransport': 'true', 'aws:PrincipalArn': ROLE, 'aws:PrincipalAccount': '111122223333'}
    expect(evaluatePolicies({action: 's3:GetObject', resource: OBJECT, principal: ROLE, context}, [policy(statements)]).decision).toBe(expected)
  })

  it.each([
    ['known', {'aws:username': 'alice'}, 'allowed'],
    ['known, and another user', {'aws:username': 'bob'}, 'implicit-deny'],
    ['unknown', {}, 'conditional'],
  ] as Array<[string, Record<string, string>, Decision]>)('resolves a policy variable in a resource when %s', (_name, context, expected) => {
    const home = policy([allow('s3:GetObject', 'arn:aws:s3:::logs/home/${aws:username}/*')])
    expect(evaluatePolicies({action: 's3:GetObject', resource: 'arn:aws:s3:::logs/home/alice/notes.txt', context}, [home]).decision).toBe(expected)
  })

  it('evaluates conditions as undecidable when no context is given', () => {
    const statements = [allow('s3:GetObject', '*'), deny('s3:*', '*', {Condition: {Bool: {'aws:SecureTransport': 'false'}}})]
    expect(evaluatePolicies({action: 's3:GetObject', resource: OBJECT}, [policy(statements)]).decision).toBe('conditional')
  })

  it('names every statement that applied, by policy and Sid or index, sorted', () => {
    const result = evaluatePolicies({action: 's3:GetObject', resource: OBJECT}, [
      policy([allow('s3:PutObject', '*'), {...allow('s3:GetObject', '*'), Sid: 'Read'}], 'b-inline'),
      policy([deny('s3:GetObject', OBJECT, {Condition: {StringEquals: {'aws:SourceVpc': 'vpc-1'}}})], 'a-managed'),
    ])
    expect(result).toEqual({
      decision: 'conditional',
      matched: [
        {policy: 'a-managed', sid: undefined, index: 0, effect: 'Deny', conditional: true, reasons: ['StringEquals aws:SourceVpc: the value of aws:SourceVpc is not known']},
        {policy: 'b-inline', sid: 'Read', index: 1, effect: 'Allow', conditional: false},
      ],
    })
  })

  describe('Principal and NotPrincipal (resource policies)', () => {
    const cases: Array<[string, object, string | undefined, Decision]> = [
      ['"*"', {Principal: '*'}, ROLE, 'allowed'],
      ['{AWS: "*"}', {Principal: {AWS: '*'}}, ROLE, 'allowed'],
      ['the role ARN', {Principal: {AWS: ROLE}}, ROLE, 'allowed'],
      ['the role ARN, caller as an assumed-role session', {Principal: {AWS: ROLE}}, 'arn:aws:sts::111122223333:assumed-role/Analyst/s1', 'allowed'],
      ['another role', {Principal: {AWS: ['arn:aws:iam::111122223333:role/Other']}}, ROLE, 'implicit-deny'],
      ['the account root ARN', {Principal: {AWS: 'arn:aws:iam::111122223333:root'}}, ROLE, 'allowed'],
      ['the account id', {Principal: {AWS: '111122223333'}}, ROLE, 'allowed'],
      ['another account', {Principal: {AWS: '444455556666'}}, ROLE, 'implicit-deny'],
      ['a service', {Principal: {Service: 'cloudtrail.amazonaws.com'}}, 'cloudtrail.amazonaws.com', 'allowed'],
      ['a service, asked for a role', {Principal: {Service: 'cloudtrail.amazonaws.com'}}, ROLE, 'implicit-deny'],
      ['a named principal, caller unknown', {Principal: {AWS: ROLE}}, undefined, 'implicit-deny'],
      ['NotPrincipal listing the caller and its account', {NotPrincipal: {AWS: ['arn:aws:iam::111122223333:user/Bob', '111122223333']}}, 'arn:aws:iam::111122223333:user/Bob', 'implicit-deny'],
      ['NotPrincipal listing the caller, its role and account', {NotPrincipal: {AWS: [ROLE, '111122223333', 'arn:aws:sts::111122223333:assumed-role/Analyst/s1']}}, 'arn:aws:sts::111122223333:assumed-role/Analyst/s1', 'implicit-deny'],
      ['NotPrincipal listing part of the caller (its role only)', {NotPrincipal: {AWS: ROLE}}, ROLE, 'conditional'],
      ['NotPrincipal listing someone else', {NotPrincipal: {AWS: 'arn:aws:iam::111122223333:role/Other'}}, ROLE, 'allowed'],
      ['NotPrincipal, caller unknown', {NotPrincipal: {AWS: ROLE}}, undefined, 'allowed'],
    ]
    it.each(cases)('an Allow to %s', (_name, who, principal, expected) => {
      expect(evaluatePolicies({action: 's3:GetObject', resource: OBJECT, principal}, [policy([allow('s3:GetObject', 'arn:aws:s3:::logs/*', who)])]).decision).toBe(expected)
    })

    it('a Deny to everyone but a session, its role and account spares the session, may spare the role, and denies others', () => {
      const session = 'arn:aws:sts::111122223333:assumed-role/Analyst/s1'
      const statements = [allow('s3:GetObject', 'arn:aws:s3:::logs/*', {Principal: '*'}), deny('s3:GetObject', 'arn:aws:s3:::logs/*', {NotPrincipal: {AWS: [session, ROLE, '111122223333']}})]
      const decide = (principal: string) => evaluatePolicies({action: 's3:GetObject', resource: OBJECT, principal}, [policy(statements)]).decision
      expect([decide(session), decide(ROLE), decide('arn:aws:iam::111122223333:role/Other')]).toEqual(['allowed', 'conditional', 'denied'])
    })
  })
})

describe('prefix reachability', () => {
  const prefix = 'arn:aws:s3:::logs/AWSLogs/'
  it.each([
    ['arn:aws:s3:::logs/*', true, true],
    ['arn:aws:s3:::logs/AWSLogs/*', true, true],
    ['arn:aws:s3:::*', true, true],
    ['*', true, true],
    ['arn:aws:s3:::logs/AWSLogs/111122223333/*', true, false],
    ['arn:aws:s3:::logs/AWS*/x', true, false],
    ['arn:aws:s3:::logs/*/CloudTrail/*', true, false],
    ['arn:aws:s3:::logs/AWSLogs/*?', true, false],
    ['arn:aws:s3:::logs/AWSLogs', false, false],
    ['arn:aws:s3:::logs/other/*', false, false],
    ['arn:aws:s3:::logs', false, false],
    ['arn:aws:s3:::logs-archive/*', false, false],
    ['arn:aws:s3:::lo?s/AWSLogs/*', true, true],
    ['arn:aws:s3:::logs/awslogs/*', false, false],
  ])('%s reaches: %s, covers: %s', (pattern, reaches, covers) => {
    expect([globReachesPrefix(pattern, prefix), globCoversPrefix(pattern, prefix)]).toEqual([reaches, covers])
  })

  const request = {action: 's3:GetObject', bucket: BUCKET, prefix: 'AWSLogs/'}
  const cases: Array<[string, object[], Decision]> = [
    ['an Allow on the bucket', [allow('s3:GetObject', 'arn:aws:s3:::logs/*')], 'allowed'],
    ['an Allow on one account below the prefix', [allow('s3:GetObject', 'arn:aws:s3:::logs/AWSLogs/111122223333/*')], 'allowed'],
    ['an Allow on another prefix', [allow('s3:GetObject', 'arn:aws:s3:::logs/other/*')], 'implicit-deny'],
    ['an Allow on the bucket and a Deny on the prefix', [allow('s3:GetObject', 'arn:aws:s3:::logs/*'), deny('s3:*', 'arn:aws:s3:::logs/AWSLogs/*')], 'denied'],
    ['an Allow on the bucket and a Deny on one sub-prefix', [allow('s3:GetObject', 'arn:aws:s3:::logs/*'), deny('s3:*', 'arn:aws:s3:::logs/AWSLogs/111122223333/*')], 'allowed'],
    ['an Allow on a sub-prefix and a Deny on exactly it', [allow('s3:GetObject', 'arn:aws:s3:::logs/AWSLogs/1111/*'), deny('s3:*', 'arn:aws:s3:::logs/AWSLogs/1111/*')], 'denied'],
    ['an Allow on a sub-prefix and a Deny on a wider one', [allow('s3:GetObject', 'arn:aws:s3:::logs/AWSLogs/1111/CloudTrail/*'), deny('s3:*', 'arn:aws:s3:::logs/AWSLogs/1111/*')], 'denied'],
    ['an Allow on one object below the prefix', [allow('s3:GetObject', OBJECT)], 'allowed'],
    ['NotResource excluding the prefix', [{Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::logs/AWSLogs/*'}], 'implicit-deny'],
    ['NotResource excluding a sub-prefix only', [{Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::logs/AWSLogs/1111/*'}], 'allowed'],
    ['a Deny with NotResource of another bucket', [allow('s3:GetObject', '*'), {Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::other/*'}], 'denied'],
    ['a Deny with NotResource of a sub-prefix', [allow('s3:GetObject', '*'), {Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::logs/AWSLogs/1111/*'}], 'allowed'],
    ['an Allow on the bucket and a conditional Deny on the prefix', [allow('s3:GetObject', '*'), deny('s3:*', 'arn:aws:s3:::logs/*', {Condition: {StringNotEquals: {'aws:SourceVpce': 'v'}}})], 'conditional'],
  ]
  it.each(cases)('%s', (_name, statements, expected) => {
    expect(evaluatePrefixAccess(request, [policy(statements)]).decision).toBe(expected)
  })

  it('treats an empty prefix as the whole bucket', () => {
    expect(evaluatePrefixAccess({...request, prefix: ''}, [policy([allow('s3:GetObject', 'arn:aws:s3:::logs/other/*')])]).decision).toBe('allowed')
  })
})

describe('combining evaluations', () => {
  const of = (decision: Decision) => ({decision, matched: []})
  it.each([
    [['allowed', 'allowed'], 'allowed', 'allowed'],
    [['allowed', 'conditional'], 'conditional', 'allowed'],
    [['allowed', 'implicit-deny'], 'implicit-deny', 'allowed'],
    [['conditional', 'implicit-deny'], 'implicit-deny', 'conditional'],
    [['allowed', 'denied'], 'denied', 'allowed'],
    [['implicit-deny', 'denied'], 'denied', 'denied'],
    [['implicit-deny', 'implicit-deny'], 'implicit-deny', 'implicit-deny'],
  ] as Array<[Decision[], Decision, Decision]>)('%j: all must allow -> %s, alternative paths (each already past every Deny) -> %s', (decisions, intersection, union) => {
    expect(allOf(...decisions.map(of)).decision).toBe(intersection)
    expect(anyOf(...decisions.map(of)).decision).toBe(union)
  })
})

describe('findScopeViolations', () => {
  it('reports statements whose S3 resources reach beyond the prefix, and nothing else', () => {
    const role = policy(
      [
        {Sid: 'Objects', ...allow(['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::logs/AWSLogs/*')},
        {Sid: 'List', ...allow('s3:ListBucket', 'arn:aws:s3:::logs')},
        {Sid: 'Kms', ...allow('kms:Decrypt', 'arn:aws:kms:us-east-1:111122223333:key/k')},
        {Sid: 'DataAccess', ...allow('lakeformation:GetDataAccess', '*')},
        {Sid: 'Everything', ...allow('s3:GetObject', '*')},
        {Sid: 'Bucket', ...allow('s3:GetObject', 'arn:aws:s3:::logs/*')},
        {Sid: 'Sibling', ...allow('s3:GetObject', 'arn:aws:s3:::logs/AWSLogsOld/*')},
        {Sid: 'AllS3', ...allow('s3:*', 'arn:aws:s3:::*')},
        {Sid: 'Not', Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::logs/AWSLogs/*'},
        {Sid: 'DenyIsFine', ...deny('s3:*', '*')},
      ],
      'registration-role',
    )
    expect(findScopeViolations([role], BUCKET, 'AWSLogs/').map((violation) => [violation.sid, violation.pattern, violation.reason])).toEqual([
      ['Everything', '*', 'wildcard-resource'],
      ['Bucket', 'arn:aws:s3:::logs/*', 'outside-prefix'],
      ['Sibling', 'arn:aws:s3:::logs/AWSLogsOld/*', 'outside-prefix'],
      ['AllS3', 'arn:aws:s3:::*', 'outside-prefix'],
      ['Not', 'arn:aws:s3:::logs/AWSLogs/*', 'not-resource'],
    ])
  })

  it('finds nothing in a role scoped to its prefix', () => {
    const role = policy([allow('s3:GetObject', 'arn:aws:s3:::logs/AWSLogs/111122223333/*'), allow('s3:ListBucket', 'arn:aws:s3:::logs')])
    expect(findScopeViolations([role], BUCKET, 'AWSLogs/')).toEqual([])
  })
})
