import {whereClause} from '../../src/core/activity/sql'
import {resolveAthenaSettings} from '../../src/core/activity/athena-settings'
import {assertLookupCanAnswer, athenaCostUsd, AUTO_LOCAL_MAX_BYTES, chooseEngine, isDataEventQuestion} from '../../src/core/activity/engine-choice'
import {compareNewestFirst, dedupeByEventId, groupKeyOf, matchesQuery} from '../../src/core/activity/filter'
import {lookupAttributeOf, lookupAttributesOf} from '../../src/core/activity/lookup'
import {matchesPrincipal, principalKeyOf, principalMatcherOf, sessionOf} from '../../src/core/activity/principal'
import {isLogFileKey, planDayPrefixes} from '../../src/core/activity/prefixes'
import {buildActivityQuery, deliveryDaysList, deliveryEndOf, parseDuration, parseRegions, parseSize, resolveWindow, windowDaysList, type ActivityQuery} from '../../src/core/activity/query'
import {projectRecord} from '../../src/core/activity/record'
import {groupRecords, summarize} from '../../src/core/activity/summary'
import {LakegovError} from '../../src/core/errors'

const NOW = Date.parse('2026-12-02T10:30:15.750Z')

function usageError(run: () => unknown): LakegovError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(LakegovError)
    expect((error as LakegovError).exitCode).toBe(64)
    return error as LakegovError
  }
  throw new Error('expected a usage error')
}

const session = (role: string, name: string, extra: Record<string, unknown> = {}) => ({
  eventID: `${role}-${name}-${String(extra.eventTime ?? '')}`,
  eventTime: '2026-12-01T10:00:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateRole',
  awsRegion: 'us-east-1',
  readOnly: false,
  userIdentity: {
    type: 'AssumedRole',
    arn: `arn:aws:sts::123456789012:assumed-role/${role}/${name}`,
    sessionContext: {sessionIssuer: {type: 'Role', arn: `arn:aws:iam::123456789012:role/${role}`, userName: role}},
  },
  ...extra,
})
const user = (name: string, extra: Record<string, unknown> = {}) => ({
  eventID: `user-${name}-${String(extra.eventTime ?? '')}`,
  eventTime: '2026-12-01T11:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'ListBuckets',
  awsRegion: 'eu-west-1',
  readOnly: true,
  userIdentity: {type: 'IAMUser', arn: `arn:aws:iam::123456789012:user/${name}`, userName: name},
  ...extra,
})

describe('the window', () => {
  it.each([
    [{}, '2026-12-01T10:30:15Z', '2026-12-02T10:30:15Z'],
    [{since: '30d'}, '2026-11-02T10:30:15Z', '2026-12-02T10:30:15Z'],
    [{since: '90m'}, '2026-12-02T09:00:15Z', '2026-12-02T10:30:15Z'],
    [{since: '2026-11-30'}, '2026-11-30T00:00:00Z', '2026-12-02T10:30:15Z'],
    [{from: '2026-11-01', to: '2026-11-02T12:00'}, '2026-11-01T00:00:00Z', '2026-11-02T12:00:00Z'],
    [{from: '2026-11-01T08:00:00+02:00'}, '2026-11-01T06:00:00Z', '2026-12-02T10:30:15Z'],
    [{to: '2026-11-02'}, '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'],
  ])('%j is [%s, %s)', (values, from, to) => {
    expect(resolveWindow(values, NOW)).toEqual({from, to})
  })

  it.each([[{since: 'yesterday'}], [{since: '0d'}], [{since: '3y'}], [{from: 'monday'}], [{since: '1d', from: '2026-11-01'}], [{from: '2026-12-03'}]])('refuses %j with exit 64', (values) => {
    usageError(() => resolveWindow(values, NOW))
  })

  it('parses durations and sizes', () => {
    expect(parseDuration('2w')).toBe(14 * 86_400_000)
    expect(parseDuration('12')).toBeUndefined()
    expect(parseSize('10GB')).toBe(10 * 1024 ** 3)
    expect(parseSize('1.5 mb')).toBe(1.5 * 1024 ** 2)
    expect(parseSize('ten')).toBeUndefined()
  })

  it('lists the UTC days a window touches, across month and year ends', () => {
    expect(windowDaysList({from: '2026-12-30T23:00:00Z', to: '2027-01-02T00:00:00Z'})).toEqual(['2026/12/30', '2026/12/31', '2027/01/01'])
    expect(windowDaysList({from: '2026-02-28T00:00:00Z', to: '2026-03-01T00:00:01Z'})).toEqual(['2026/02/28', '2026/03/01'])
    expect(windowDaysList({from: '2026-06-01T05:00:00Z', to: '2026-06-01T06:00:00Z'})).toEqual(['2026/06/01'])
  })
})

describe('the flags', () => {
  it('builds the filters: iam means iam.amazonaws.com, regions sorted, read-only typed', () => {
    const query = buildActivityQuery({eventSource: 'iam', region: 'us-east-1,eu-west-1', readOnly: 'false', errors: true, principal: ' Deployer '}, NOW)
    expect(query.filters).toEqual({principal: 'Deployer', eventSource: 'iam.amazonaws.com', regions: ['eu-west-1', 'us-east-1'], errorsOnly: true, readOnly: false})
    expect(buildActivityQuery({eventSource: 'sts.amazonaws.com'}, NOW).filters.eventSource).toBe('sts.amazonaws.com')
  })

  it('refuses bad regions and read-only values, naming the valid values', () => {
    expect(parseRegions('all')).toBe('all')
    expect(usageError(() => parseRegions('us-east-1,mars')).message).toMatch(/mars/)
    expect(usageError(() => buildActivityQuery({readOnly: 'yes'}, NOW)).message).toMatch(/true or false/)
  })
})

describe('principals', () => {
  it('counts a role session for the role, and shows the session beside it', () => {
    const record = session('Deployer', 'ci-42')
    expect(principalKeyOf(record)).toBe('arn:aws:iam::123456789012:role/Deployer')
    expect(sessionOf(record)).toBe('ci-42')
    expect(principalKeyOf(user('alice'))).toBe('arn:aws:iam::123456789012:user/alice')
    expect(sessionOf(user('alice'))).toBeUndefined()
    expect(principalKeyOf({userIdentity: {type: 'AWSService', invokedBy: 'athena.amazonaws.com'}})).toBe('athena.amazonaws.com')
  })

  it.each([
    ['Deployer', true, false],
    ['arn:aws:iam::123456789012:role/Deployer', true, false],
    ['arn:aws:sts::123456789012:assumed-role/Deployer/ci-42', true, false],
    ['arn:aws:sts::123456789012:assumed-role/Deployer/other', false, false],
    ['alice', false, true],
    ['arn:aws:iam::123456789012:user/alice', false, true],
    ['Deploy', false, false],
  ])('%s matches the Deployer session: %s, alice: %s', (value, deployer, alice) => {
    const matcher = principalMatcherOf(value)
    expect(matchesPrincipal(matcher, session('Deployer', 'ci-42'))).toBe(deployer)
    expect(matchesPrincipal(matcher, user('alice'))).toBe(alice)
  })
})

describe('filters, groups and de-duplication', () => {
  const query = (filters: Partial<ActivityQuery['filters']>): ActivityQuery => ({window: {from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z'}, filters: {regions: 'all', errorsOnly: false, ...filters}})

  it('keeps the window half-open and applies every filter', () => {
    expect(matchesQuery(query({}), session('A', 'x', {eventTime: '2026-12-01T00:00:00Z'}))).toBe(true)
    expect(matchesQuery(query({}), session('A', 'x', {eventTime: '2026-12-02T00:00:00Z'}))).toBe(false)
    expect(matchesQuery(query({regions: ['eu-west-1']}), session('A', 'x'))).toBe(false)
    expect(matchesQuery(query({errorsOnly: true}), session('A', 'x'))).toBe(false)
    expect(matchesQuery(query({errorsOnly: true}), session('A', 'x', {errorCode: 'AccessDenied'}))).toBe(true)
    expect(matchesQuery(query({readOnly: true}), user('alice'))).toBe(true)
    expect(matchesQuery(query({readOnly: true}), session('A', 'x'))).toBe(false)
    expect(matchesQuery(query({eventSource: 'iam.amazonaws.com', eventName: 'CreateRole'}), session('A', 'x'))).toBe(true)
    expect(matchesQuery(query({}), {...session('A', 'x'), eventID: undefined})).toBe(false)
  })

  it('groups by every key', () => {
    const record = session('A', 'x', {sourceIPAddress: '203.0.113.9', userAgent: 'aws-cli', eventTime: '2026-12-01T13:45:00Z'})
    expect(['service', 'event', 'principal', 'region', 'day', 'hour', 'ip', 'error', 'useragent'].map((by) => groupKeyOf(by as never, record))).toEqual([
      'iam.amazonaws.com', 'CreateRole', 'arn:aws:iam::123456789012:role/A', 'us-east-1', '2026-12-01', '2026-12-01T13', '203.0.113.9', '', 'aws-cli',
    ])
  })

  it('counts a redelivered event once, and sorts newest first with ties by eventID', () => {
    const a = session('A', 'x', {eventID: 'a', eventTime: '2026-12-01T01:00:00Z'})
    const b = session('A', 'y', {eventID: 'b', eventTime: '2026-12-01T02:00:00Z'})
    const c = user('alice', {eventID: 'c', eventTime: '2026-12-01T02:00:00Z'})
    expect(dedupeByEventId([a, b, a, c, b]).map((r) => r.eventID)).toEqual(['a', 'b', 'c'])
    expect([a, b, c].sort(compareNewestFirst).map((r) => r.eventID)).toEqual(['c', 'b', 'a'])
    const groups = groupRecords('principal', [a, b, a, c])
    expect(summarize(groups, 1)).toEqual({total: 3, groups: 2, rows: [{key: 'arn:aws:iam::123456789012:role/A', count: 2, share: 0.6667, firstSeen: '2026-12-01T01:00:00Z', lastSeen: '2026-12-01T02:00:00Z'}]})
  })
})

describe('prefix planning', () => {
  const window = {from: '2026-12-31T22:00:00Z', to: '2027-01-01T03:00:00Z'}

  it('lists exactly the window days of each account and region, across a year end', () => {
    expect(planDayPrefixes('AWSLogs/', [{account: '111122223333', region: 'us-east-1'}], window).map((p) => p.prefix)).toEqual([
      'AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/31/',
      'AWSLogs/111122223333/CloudTrail/us-east-1/2027/01/01/',
    ])
  })

  it('puts the organization id before the account, and a prefix before AWSLogs/', () => {
    const prefixes = planDayPrefixes('org-trail', [{account: '111122223333', region: 'eu-west-1', organizationId: 'o-a1b2c3d4e5'}], {from: '2026-01-31T00:00:00Z', to: '2026-02-01T00:00:01Z'})
    expect(prefixes.map((p) => p.prefix)).toEqual([
      'org-trail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/01/31/',
      'org-trail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/02/01/',
    ])
    expect(planDayPrefixes('', [{account: '111122223333', region: 'eu-west-1'}], {from: '2026-01-31T00:00:00Z', to: '2026-01-31T01:00:00Z'})[0].prefix).toBe('AWSLogs/111122223333/CloudTrail/eu-west-1/2026/01/31/')
  })

  it('tells log files from digests and folders', () => {
    expect(isLogFileKey('AWSLogs/1/CloudTrail/us-east-1/2026/01/31/1_CloudTrail_us-east-1_20260131T0000Z_x.json.gz')).toBe(true)
    expect(isLogFileKey('AWSLogs/1/CloudTrail-Digest/us-east-1/2026/01/31/x.json.gz')).toBe(false)
    expect(isLogFileKey('AWSLogs/1/CloudTrail/us-east-1/2026/01/31/')).toBe(false)
  })
})

describe('engine choice', () => {
  const q = (filters: Partial<ActivityQuery['filters']>, from = '2026-11-30T00:00:00Z'): ActivityQuery => ({window: {from, to: '2026-12-01T00:00:00Z'}, filters: {regions: 'all', errorsOnly: false, ...filters}})

  it('auto: lookup without a lake, local up to the threshold, athena above it when the table exists', () => {
    expect(chooseEngine('auto', {hasLake: false}).engine).toBe('lookup')
    expect(chooseEngine('auto', {hasLake: true, windowBytes: AUTO_LOCAL_MAX_BYTES}).engine).toBe('local')
    expect(chooseEngine('auto', {hasLake: true, windowBytes: AUTO_LOCAL_MAX_BYTES + 1, tableExists: true}).engine).toBe('athena')
    const noTable = chooseEngine('auto', {hasLake: true, windowBytes: AUTO_LOCAL_MAX_BYTES + 1, tableExists: false})
    expect(noTable).toEqual({engine: 'local', reason: expect.stringContaining('lakegov table')})
    expect(chooseEngine('athena', {hasLake: true})).toEqual({engine: 'athena', reason: '--engine athena'})
  })

  it('lookup refuses windows past 90 days and data events, naming the other engines', () => {
    expect(usageError(() => assertLookupCanAnswer(q({}, '2026-08-01T00:00:00Z'), NOW)).suggestions.join(' ')).toMatch(/--engine local or --engine athena/)
    expect(isDataEventQuestion(q({eventSource: 's3.amazonaws.com', eventName: 'GetObject'}))).toBe(true)
    expect(isDataEventQuestion(q({eventName: 'GetObject'}))).toBe(true)
    expect(isDataEventQuestion(q({eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy'}))).toBe(false)
    expect(usageError(() => assertLookupCanAnswer(q({eventSource: 'lambda.amazonaws.com', eventName: 'Invoke'}), NOW)).message).toMatch(/data event/)
    expect(() => assertLookupCanAnswer(q({}), NOW)).not.toThrow()
  })

  it('sends the most selective lookup attribute, never Username', () => {
    expect(lookupAttributeOf({regions: 'all', errorsOnly: false, eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com', principal: 'alice'})).toEqual({key: 'EventName', value: 'AssumeRole'})
    expect(lookupAttributeOf({regions: 'all', errorsOnly: false, eventSource: 'sts.amazonaws.com', readOnly: true})).toEqual({key: 'EventSource', value: 'sts.amazonaws.com'})
    expect(lookupAttributeOf({regions: 'all', errorsOnly: false, readOnly: false})).toEqual({key: 'ReadOnly', value: 'false'})
    expect(lookupAttributeOf({regions: 'all', errorsOnly: false, principal: 'alice'})).toBeUndefined()
  })

  it('prices Athena at $5 per TB with a 10 MB minimum', () => {
    expect(athenaCostUsd(0)).toBeCloseTo((10 * 5) / 1024 ** 2, 12)
    expect(athenaCostUsd(1024 ** 4)).toBeCloseTo(5, 9)
  })
})

describe('the printed record', () => {
  it('is the same from a record and from SQL columns (lowercase, JSON text, readonly a string)', () => {
    const record = {...session('A', 'x'), requestParameters: {roleName: 'B'}, managementEvent: true, resources: [{ARN: 'arn:aws:iam::1:role/B', accountId: '1', type: 'AWS::IAM::Role'}]}
    const row = {
      eventid: record.eventID, eventtime: record.eventTime, eventsource: record.eventSource, eventname: record.eventName, awsregion: record.awsRegion, readonly: 'false',
      useridentity: JSON.stringify({type: 'AssumedRole', arn: record.userIdentity.arn, principalid: null, sessioncontext: {attributes: {mfaauthenticated: null}, sessionissuer: record.userIdentity.sessionContext.sessionIssuer}}),
      requestparameters: '{"roleName":"B"}', resources: JSON.stringify([{arn: 'arn:aws:iam::1:role/B', accountid: '1', type: 'AWS::IAM::Role'}]), errorcode: null, addendum: null,
    }
    const fromRecord = projectRecord(record)
    expect(fromRecord.managementEvent).toBeUndefined()
    expect(projectRecord(row)).toEqual(fromRecord)
  })
})

describe('athena settings', () => {
  it('takes the flags first, then lake.yaml, then the primary workgroup', () => {
    expect(resolveAthenaSettings({}, undefined)).toEqual({workGroup: 'primary'})
    expect(resolveAthenaSettings({}, {workgroup: 'audit', outputLocation: 's3://results/q/'})).toEqual({workGroup: 'audit', outputLocation: 's3://results/q/'})
    expect(resolveAthenaSettings({workGroup: 'ops', outputLocation: 's3://mine'}, {workgroup: 'audit', outputLocation: 's3://results/q/'})).toEqual({workGroup: 'ops', outputLocation: 's3://mine'})
  })

  it.each([
    [{workGroup: ''}, /--workgroup "" \(or LAKEGOV_ATHENA_WORKGROUP\)/],
    [{workGroup: 'has space'}, /--workgroup "has space"/],
    [{workGroup: 'x'.repeat(129)}, /--workgroup/],
    [{outputLocation: 'results/q/'}, /--output-location "results\/q\/" \(or LAKEGOV_ATHENA_OUTPUT_LOCATION\)/],
    [{outputLocation: 's3://A_Bad_Bucket/q/'}, /--output-location/],
  ])('refuses %p with exit 64, naming the flag', (flags, message) => {
    expect(usageError(() => resolveAthenaSettings(flags, undefined)).message).toMatch(message)
  })
})

describe('delivery days: the next day is read when the window ends within the delivery lag of midnight', () => {
  const folder = [{account: '111122223333', region: 'us-east-1'}]
  const days = (window: {from: string; to: string}, now: number) => planDayPrefixes('AWSLogs/', folder, window, deliveryEndOf(window, now)).map((p) => p.day)

  it('adds the next day for a window ending at midnight, across a month and a year boundary', () => {
    const later = Date.parse('2027-02-01T00:00:00Z')
    expect(days({from: '2026-12-31T00:00:00Z', to: '2027-01-01T00:00:00Z'}, later)).toEqual(['2026/12/31', '2027/01/01'])
    expect(days({from: '2026-01-30T12:00:00Z', to: '2026-01-31T23:30:00Z'}, later)).toEqual(['2026/01/30', '2026/01/31', '2026/02/01'])
  })

  it('reads no extra day when the window ends earlier in the day, nor one that has not begun', () => {
    expect(days({from: '2026-12-01T00:00:00Z', to: '2026-12-01T22:59:59Z'}, Date.parse('2026-12-05T00:00:00Z'))).toEqual(['2026/12/01'])
    // The window ends now, 23:40: tomorrow's folder does not exist yet.
    expect(days({from: '2026-12-01T00:00:00Z', to: '2026-12-01T23:40:00Z'}, Date.parse('2026-12-01T23:40:00Z'))).toEqual(['2026/12/01'])
    // Twenty minutes later it does.
    expect(days({from: '2026-12-01T00:00:00Z', to: '2026-12-01T23:40:00Z'}, Date.parse('2026-12-02T00:20:00Z'))).toEqual(['2026/12/01', '2026/12/02'])
  })

  it('is what buildActivityQuery sets, and the SQL constrains the timestamp partition to the same days', () => {
    const query = buildActivityQuery({from: '2026-11-30', to: '2026-12-01'}, NOW)
    expect(query.deliveredBy).toBe('2026-12-01T01:00:00Z')
    expect(deliveryDaysList(query)).toEqual(['2026/11/30', '2026/12/01'])
    const where = whereClause(query, {name: 't', partitionKeys: ['timestamp']})
    expect(where.params.slice(0, 4)).toEqual(['2026/11/30', '2026/12/01', '2026-11-30T00:00:00Z', '2026-12-01T00:00:00Z'])
  })
})

describe('several event names in one question (the reads workflow)', () => {
  const query: ActivityQuery = {window: {from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z'}, filters: {regions: 'all', errorsOnly: false, eventNames: ['GetDataAccess', 'GetObject', 'StartQueryExecution']}}

  it('is one IN list in the SQL, and the same predicate in memory', () => {
    const where = whereClause(query, {name: 't', partitionKeys: []})
    expect(where.text).toContain('eventname IN (?, ?, ?)')
    expect(where.params.slice(-3)).toEqual(['GetDataAccess', 'GetObject', 'StartQueryExecution'])
    const record = (eventName: string) => ({eventID: eventName, eventTime: '2026-12-01T10:00:00Z', eventName})
    expect(matchesQuery(query, record('GetObject'))).toBe(true)
    expect(matchesQuery(query, record('ListPermissions'))).toBe(false)
  })

  it('is one LookupEvents call series per management event name; S3 data events are never asked of LookupEvents', () => {
    expect(lookupAttributesOf(query.filters)).toEqual([{key: 'EventName', value: 'GetDataAccess'}, {key: 'EventName', value: 'StartQueryExecution'}])
    expect(lookupAttributesOf({regions: 'all', errorsOnly: false, eventSource: 'iam.amazonaws.com'})).toEqual([{key: 'EventSource', value: 'iam.amazonaws.com'}])
  })
})
