import {readFileSync, readdirSync} from 'node:fs'
import path from 'node:path'

import {patternsForLake} from '../../src/core/alarms/catalog'
import {CIS_ALARM, CIS_CONTROLS, CIS_METRIC} from '../../src/core/alarms/cis'
import {matchesEvent, parseFilterPattern} from '../../src/core/alarms/filter-pattern'
import {LAKE_RULE_NAMES, buildLakeRules, patternLengthProblem} from '../../src/core/alarms/lake-rules'
import {lintPattern} from '../../src/core/alarms/lint'
import {distinctEvents, testPatterns} from '../../src/core/alarms/test-patterns'
import {parseLakeConfig} from '../../src/core/policy/lake-parse'

const ROOT = path.resolve(__dirname, '..', '..')
const SAMPLES = path.join(ROOT, 'samples', 'cloudtrail')

/** The verbatim AWS records shipped in samples/cloudtrail (sources in its README), by eventID. */
const RECORDS = new Map<string, Record<string, unknown>>(
  readdirSync(SAMPLES)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap((name) => (JSON.parse(readFileSync(path.join(SAMPLES, name), 'utf8')) as {Records: Array<Record<string, unknown>>}).Records)
    .map((record) => [String(record.eventID), record]),
)

const sample = (id: string) => {
  const record = RECORDS.get(id)
  if (!record) throw new Error(`no sample ${id}`)
  return record
}

// AWS CloudTrail User Guide, "AWS Management Console sign-in events".
const IAM_SIGN_IN_WITHOUT_MFA = '3fcfb182-98f8-4744-bd45-10a395ab61cb'
const IAM_SIGN_IN_WITH_MFA = 'fed06f42-cb12-4764-8c69-121063dc79b9'
const IAM_SIGN_IN_FAILED = 'd38ce1b3-4575-4cb8-a632-611b8243bfc3'
const MFA_CHECK = 'f8ef8fc5-e3e8-4ee1-9d52-2f412ddf17e3'
const ROOT_SIGN_IN = 'deb1e1f9-c99b-4612-8e9f-21f93b5d79c0'
const ROOT_SIGN_IN_FAILED = 'a4fbbe77-91a0-4238-804a-64314184edb6'
// IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail".
const GET_USER_POLICY = 'cEXAMPLE-127e-4632-980d-505a4EXAMPLE'
const ASSUME_ROLE = 'dEXAMPLE-ac7f-466c-a608-4ac8dEXAMPLE'
const DELETE_BUCKET = 'dEXAMPLE-265a-41e0-9352-4401bEXAMPLE'
const IAM_SIGN_IN_FAILED_2 = '11ea990b-4678-4bcd-8fbe-62509088b7cf'
// AWS CloudTrail User Guide, "CloudTrail log file examples", "Error code and message log example".
const UPDATE_TRAIL_NOT_FOUND = 'b7d4398e-b2f0-4faa-9c76-e2d316a8d67f'
// AWS KMS Developer Guide, CloudTrail examples of DisableKey, ScheduleKeyDeletion and PutKeyPolicy.
const DISABLE_KEY = '995c4653-3c53-4a06-a0f0-f5531997b741'
const SCHEDULE_KEY_DELETION = '3c4226b0-1e81-48a8-a333-7fa5f3cbd118'
const PUT_KEY_POLICY = 'c217db1f-903f-4a2f-8f88-9580182d6313'
// AWS Config Developer Guide, "Example log files".
const START_RECORDER = '55a5507f-f306-4896-afe3-196dc078a88d'
const STOP_RECORDER = '6225a85d-1e49-41e9-bf43-3cfc5549e560'
// aws/aws-lakeformation-best-practices, content/auditing/lake-formation-cloudtrail.md (Athena).
const GET_DATA_ACCESS = '87658765-1111-2222-3333-876587658765'

/**
 * An AccessDenied event. No AWS page in reach prints a whole denied record, so this one is AWS's
 * verbatim UpdateTrail error record (above) with the error fields a denied call carries instead of
 * TrailNotFoundException: errorCode AccessDenied and IAM's "User: ARN is not authorized to perform:
 * ACTION on resource: ARN" message (IAM User Guide, "Troubleshooting access denied error messages").
 * It is derived, not verbatim, and is not shipped in samples/.
 */
const ACCESS_DENIED = {
  ...sample(UPDATE_TRAIL_NOT_FOUND),
  eventID: 'derived-access-denied',
  errorCode: 'AccessDenied',
  errorMessage: 'User: arn:aws:iam::123456789012:user/Alice is not authorized to perform: cloudtrail:UpdateTrail on resource: arn:aws:cloudtrail:us-east-2:123456789012:trail/myTrail2',
}
/** The same, as EC2 reports a denied call (errorCode Client.UnauthorizedOperation); derived likewise. */
const UNAUTHORIZED_OPERATION = {...ACCESS_DENIED, eventID: 'derived-unauthorized-operation', errorCode: 'Client.UnauthorizedOperation', errorMessage: 'You are not authorized to perform this operation.'}

describe('the cis set', () => {
  it('holds the fourteen Security Hub CloudWatch.1 to CloudWatch.14 patterns byte for byte', () => {
    const expected = readFileSync(path.join(ROOT, 'test', 'fixtures', 'alarms', 'security-hub-cloudwatch-controls.tsv'), 'utf8')
    expect(CIS_CONTROLS.map((control) => `${control.id}\t${control.pattern}\n`).join('')).toBe(expected)
    expect(CIS_CONTROLS.map((control) => control.id)).toEqual(Array.from({length: 14}, (_, index) => `CloudWatch.${index + 1}`))
  })

  it('uses namespace LogMetrics, metric value 1, and alarms at >= 1 over 300 s', () => {
    expect(CIS_METRIC).toEqual({namespace: 'LogMetrics', value: '1'})
    expect(CIS_ALARM).toMatchObject({threshold: 1, comparison: 'GreaterThanOrEqualToThreshold', period: 300})
  })

  it.each(CIS_CONTROLS.map((control) => [control.id, control.pattern]))('%s parses, under 1,024 characters, without precedence warnings', (_, pattern) => {
    expect(patternLengthProblem(pattern)).toBeUndefined()
    expect(lintPattern(parseFilterPattern(pattern))).toEqual([])
  })

  const events = [...[...RECORDS.values()], ACCESS_DENIED, UNAUTHORIZED_OPERATION]
  const matchesOf = (id: string) => {
    const pattern = parseFilterPattern(CIS_CONTROLS.find((control) => control.id === id)!.pattern)
    return events.filter((event) => matchesEvent(pattern, event)).map((event) => String(event.eventID))
  }

  it('CloudWatch.1 matches the root user\'s sign-ins, and no IAM user or role', () => {
    expect(matchesOf('CloudWatch.1')).toEqual([ROOT_SIGN_IN, ROOT_SIGN_IN_FAILED])
  })

  it('CloudWatch.2 matches AccessDenied and *UnauthorizedOperation errors, not other errors (TrailNotFoundException)', () => {
    expect(matchesOf('CloudWatch.2')).toEqual(['derived-access-denied', 'derived-unauthorized-operation'])
  })

  it('CloudWatch.3 matches the IAM user\'s successful sign-in without MFA only: not with MFA, not failed, not root', () => {
    expect(matchesOf('CloudWatch.3')).toEqual([IAM_SIGN_IN_WITHOUT_MFA])
    for (const id of [IAM_SIGN_IN_WITH_MFA, IAM_SIGN_IN_FAILED, ROOT_SIGN_IN, MFA_CHECK]) expect(matchesOf('CloudWatch.3')).not.toContain(id)
  })

  it('CloudWatch.5 matches the UpdateTrail call, failed or not', () => {
    expect(matchesOf('CloudWatch.5')).toEqual([UPDATE_TRAIL_NOT_FOUND, 'derived-access-denied', 'derived-unauthorized-operation'])
  })

  it('CloudWatch.6 matches the failed console sign-ins, IAM and root', () => {
    expect(matchesOf('CloudWatch.6')).toEqual([IAM_SIGN_IN_FAILED, ROOT_SIGN_IN_FAILED, IAM_SIGN_IN_FAILED_2])
  })

  it('CloudWatch.7 matches DisableKey and ScheduleKeyDeletion, not PutKeyPolicy', () => {
    expect(matchesOf('CloudWatch.7')).toEqual([DISABLE_KEY, SCHEDULE_KEY_DELETION])
  })

  it('CloudWatch.9 matches StopConfigurationRecorder, not StartConfigurationRecorder', () => {
    expect(matchesOf('CloudWatch.9')).toEqual([STOP_RECORDER])
  })

  it.each(['CloudWatch.4', 'CloudWatch.8', 'CloudWatch.10', 'CloudWatch.11', 'CloudWatch.12', 'CloudWatch.13', 'CloudWatch.14'])('%s matches none of the samples (none is an IAM policy, bucket policy or network change)', (id) => {
    expect(matchesOf(id)).toEqual([])
  })

  it('covers every sample: each one is named above', () => {
    expect([...RECORDS.keys()].sort()).toEqual(
      [IAM_SIGN_IN_WITHOUT_MFA, IAM_SIGN_IN_WITH_MFA, IAM_SIGN_IN_FAILED, MFA_CHECK, ROOT_SIGN_IN, ROOT_SIGN_IN_FAILED, GET_USER_POLICY, ASSUME_ROLE, DELETE_BUCKET, IAM_SIGN_IN_FAILED_2, UPDATE_TRAIL_NOT_FOUND, GET_DATA_ACCESS, DISABLE_KEY, SCHEDULE_KEY_DELETION, PUT_KEY_POLICY, START_RECORDER, STOP_RECORDER].sort(),
    )
  })
})

describe('the precedence trap', () => {
  // CIS AWS Foundations Benchmark v2 to v6, "unauthorized API calls" (quoted in ACTIVITY-FACTS.md).
  const CIS_V2 = '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")}'
  // CIS v1.3 to v1.5 joins the exclusions with ||.
  const CIS_V1_3 = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }'

  it('warns that the exclusions bind only to the AccessDenied branch, and shows the parenthesised pattern', () => {
    expect(lintPattern(parseFilterPattern(CIS_V2))).toEqual([
      '&& binds tighter than ||, so "($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")" applies only to the branch "($.errorCode="AccessDenied*")", ' +
        'not to "($.errorCode="*UnauthorizedOperation")". If it should apply to every branch, write ' +
        '{ (($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")) && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }; otherwise add parentheses around the && to say so.',
    ])
  })

  it('is right about the evaluation: an UnauthorizedOperation from the delivery service still matches, an AccessDenied from it does not', () => {
    const pattern = parseFilterPattern(CIS_V2)
    expect(matchesEvent(pattern, {...UNAUTHORIZED_OPERATION, sourceIPAddress: 'delivery.logs.amazonaws.com'})).toBe(true)
    expect(matchesEvent(pattern, {...ACCESS_DENIED, sourceIPAddress: 'delivery.logs.amazonaws.com'})).toBe(false)
  })

  it('is silent once the branches are parenthesised, and when && and || do not mix', () => {
    expect(lintPattern(parseFilterPattern('{ (($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")) && ($.eventName!="HeadBucket") }'))).toEqual([])
    expect(lintPattern(parseFilterPattern('{ $.a = 1 || ($.b = 1 && $.c = 1) }'))).toEqual([])
    expect(lintPattern(parseFilterPattern('{ $.a = 1 && $.b = 1 }'))).toEqual([])
  })

  it('flags an && chain in the middle of || branches without proposing a rewrite', () => {
    expect(lintPattern(parseFilterPattern('{ $.a = 1 || $.b = 1 && $.c = 1 || $.d = 1 }'))).toEqual([
      '&& binds tighter than ||, so "$.c = 1" applies only to the branch "$.b = 1", not to "$.a = 1", "$.d = 1". Add parentheses to say which you mean.',
    ])
  })

  it('warns about CIS v1.3\'s exclusions joined with ||, which match nearly every event', () => {
    const warnings = lintPattern(parseFilterPattern(CIS_V1_3))
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toContain('"($.sourceIPAddress!="delivery.logs.amazonaws.com")" is an exclusion joined with ||')
    const report = testPatterns([{name: 'v1.3', set: 'custom', pattern: CIS_V1_3}], [...RECORDS.values()].map((record) => ({id: String(record.eventID), record})))
    expect(report.patterns[0].matches).toHaveLength(RECORDS.size)
    expect(report.patterns[0].warnings.at(-1)).toBe(`matches ${RECORDS.size} of the ${RECORDS.size} events, more than half: an alarm on it would fire all the time`)
  })
})

describe('the lake set', () => {
  const KEY_ARN = 'arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'

  it('builds one rule per concern from the lake\'s bucket, trail and key, each under 1,024 characters', () => {
    const {rules, notes} = buildLakeRules({bucket: 'acme-cloudtrail-logs', trailName: 'myTrail2', kmsKey: KEY_ARN, database: 'cloudtrail', readers: ['arn:aws:iam::123456789012:role/Analyst']})
    expect(notes).toEqual([])
    expect(rules.map((rule) => rule.name)).toEqual([...LAKE_RULE_NAMES])
    for (const rule of rules) {
      expect(patternLengthProblem(rule.pattern)).toBeUndefined()
      expect(lintPattern(parseFilterPattern(rule.pattern))).toEqual([])
    }
  })

  const ruleMatches = (name: string, event: unknown, input: {bucket: string; trailName?: string; kmsKey?: string} = {bucket: 'my-test-bucket-cross-account', trailName: 'myTrail2', kmsKey: KEY_ARN}) => {
    const rule = buildLakeRules(input).rules.find((candidate) => candidate.name === name)!
    return matchesEvent(parseFilterPattern(rule.pattern), event)
  }

  it('lake-trail-changes matches a change to the lake\'s trail, named or by ARN, and not to another trail', () => {
    const updateTrail = sample(UPDATE_TRAIL_NOT_FOUND)
    expect(ruleMatches('lake-trail-changes', updateTrail)).toBe(true)
    expect(ruleMatches('lake-trail-changes', {...updateTrail, requestParameters: {name: 'arn:aws:cloudtrail:us-east-2:123456789012:trail/myTrail2'}})).toBe(true)
    expect(ruleMatches('lake-trail-changes', {...updateTrail, eventName: 'PutEventSelectors', requestParameters: {trailName: 'myTrail2'}})).toBe(true)
    expect(ruleMatches('lake-trail-changes', {...updateTrail, requestParameters: {name: 'otherTrail'}})).toBe(false)
    expect(ruleMatches('lake-trail-changes', {...updateTrail, requestParameters: {name: 'myTrail2-copy'}})).toBe(false)
    expect(ruleMatches('lake-trail-changes', {...updateTrail, eventName: 'GetTrail'})).toBe(false)
  })

  it('lake-bucket-changes matches policy, encryption and public access block changes to the log bucket only', () => {
    const deleteBucket = sample(DELETE_BUCKET)
    expect(ruleMatches('lake-bucket-changes', deleteBucket)).toBe(false)
    for (const eventName of ['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketEncryption', 'DeleteBucketEncryption', 'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock']) {
      expect(ruleMatches('lake-bucket-changes', {...deleteBucket, eventName})).toBe(true)
      expect(ruleMatches('lake-bucket-changes', {...deleteBucket, eventName, requestParameters: {bucketName: 'another-bucket'}})).toBe(false)
    }
  })

  it('lake-key-changes matches AWS\'s PutKeyPolicy, DisableKey and ScheduleKeyDeletion samples on their key, and not on another key', () => {
    const input = {bucket: 'b-logs', kmsKey: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'}
    for (const id of [DISABLE_KEY, SCHEDULE_KEY_DELETION, PUT_KEY_POLICY]) {
      expect(ruleMatches('lake-key-changes', sample(id), input)).toBe(true)
      expect(ruleMatches('lake-key-changes', sample(id), {...input, kmsKey: KEY_ARN})).toBe(false)
    }
  })

  it('lake-key-changes matches PutKeyPolicy, DisableKey and ScheduleKeyDeletion on the lake\'s key, listed in resources', () => {
    const keyEvent = (eventName: string, arn: string) => ({eventSource: 'kms.amazonaws.com', eventName, resources: [{accountId: '123456789012', type: 'AWS::KMS::Key', ARN: arn}]})
    for (const eventName of ['PutKeyPolicy', 'DisableKey', 'ScheduleKeyDeletion']) expect(ruleMatches('lake-key-changes', keyEvent(eventName, KEY_ARN))).toBe(true)
    expect(ruleMatches('lake-key-changes', keyEvent('DisableKey', KEY_ARN.replace('1234abcd', 'ffffffff')))).toBe(false)
    expect(ruleMatches('lake-key-changes', keyEvent('Decrypt', KEY_ARN))).toBe(false)
  })

  it('the Lake Formation rules match their event names, and not GetDataAccess', () => {
    const getDataAccess = sample(GET_DATA_ACCESS)
    for (const name of ['lake-permission-changes', 'lake-settings-changes', 'lake-registration-changes']) expect(ruleMatches(name, getDataAccess)).toBe(false)
    for (const eventName of ['GrantPermissions', 'RevokePermissions', 'BatchGrantPermissions', 'BatchRevokePermissions']) expect(ruleMatches('lake-permission-changes', {...getDataAccess, eventName})).toBe(true)
    expect(ruleMatches('lake-settings-changes', {...getDataAccess, eventName: 'PutDataLakeSettings'})).toBe(true)
    for (const eventName of ['RegisterResource', 'DeregisterResource', 'UpdateResource']) expect(ruleMatches('lake-registration-changes', {...getDataAccess, eventName})).toBe(true)
  })

  it('says what it cannot scope: no trail declared, a key named by alias', () => {
    const {rules, notes} = buildLakeRules({bucket: 'b-logs', kmsKey: 'alias/lake-logs'})
    expect(rules.map((rule) => rule.name)).not.toContain('lake-trail-changes')
    expect(notes).toEqual([
      'lake-trail-changes is left out: lake.yaml declares no trail (CloudWatch.5 in the cis set watches every trail).',
      'lake-key-changes watches every KMS key of the account: lake.yaml names the key by alias (alias/lake-logs), and a key\'s events carry its key ARN, which only AWS can resolve.',
    ])
    expect(buildLakeRules({bucket: 'b-logs'}).rules.map((rule) => rule.name)).not.toContain('lake-key-changes')
  })

  it('leaves out, and says so, a rule whose pattern would exceed 1,024 characters', () => {
    const {rules, notes} = buildLakeRules({bucket: 'b-logs', trailName: 't'.repeat(200)})
    expect(rules.map((rule) => rule.name)).not.toContain('lake-trail-changes')
    expect(notes).toEqual([expect.stringMatching(/^lake-trail-changes is left out: its pattern has 1\d{3} characters, over AWS's limit of 1024$/)])
  })
})

describe('patternsForLake and testPatterns', () => {
  const BASE = `region: us-east-1
bucket:
  name: acme-cloudtrail-logs
registration:
  role: reg
database: cloudtrail
trail:
  name: myTrail2
`
  const configOf = (text: string) => {
    const result = parseLakeConfig({path: 'lake.yaml', text})
    if (!result.ok) throw new Error(JSON.stringify(result.issues))
    return result.config
  }

  it('takes both sets when lake.yaml has no alarms section, then the custom alarms in file order', () => {
    expect(patternsForLake(configOf(BASE)).patterns.map((pattern) => pattern.name)).toEqual([
      ...CIS_CONTROLS.map((control) => control.id),
      'lake-permission-changes',
      'lake-settings-changes',
      'lake-registration-changes',
      'lake-trail-changes',
      'lake-bucket-changes',
    ])
    const custom = `${BASE}alarms:\n  sets: [lake]\n  custom:\n    - {name: b-alarm, pattern: '{ $.eventName = "B" }'}\n    - {name: a-alarm, pattern: '{ $.eventName = "A" }'}\n`
    expect(patternsForLake(configOf(custom)).patterns.map((pattern) => `${pattern.set}:${pattern.name}`)).toEqual([
      'lake:lake-permission-changes',
      'lake:lake-settings-changes',
      'lake:lake-registration-changes',
      'lake:lake-trail-changes',
      'lake:lake-bucket-changes',
      'custom:b-alarm',
      'custom:a-alarm',
    ])
    expect(patternsForLake(configOf(`${BASE}alarms:\n  sets: []\n`)).patterns).toEqual([])
  })

  it('reports matches in corpus order, a pattern that matches nothing, and counts a twice-delivered event once', () => {
    const events = [...RECORDS.values()].map((record) => ({id: String(record.eventID), record}))
    const corpus = distinctEvents([...events, events[0]])
    expect(corpus).toHaveLength(RECORDS.size)
    const report = testPatterns(
      [
        {name: 'CloudWatch.6', set: 'cis', pattern: CIS_CONTROLS[5].pattern},
        {name: 'vpc', set: 'custom', pattern: '{ $.eventName = CreateVpc }'},
      ],
      corpus,
    )
    expect(report.events).toBe(RECORDS.size)
    expect(report.patterns[0]).toMatchObject({name: 'CloudWatch.6', matches: [IAM_SIGN_IN_FAILED, ROOT_SIGN_IN_FAILED, IAM_SIGN_IN_FAILED_2], warnings: []})
    expect(report.patterns[1].warnings).toEqual([`matches none of the ${RECORDS.size} events`])
  })
})
