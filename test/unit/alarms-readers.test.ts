import {matchesEvent, parseFilterPattern} from '../../src/core/alarms/filter-pattern'
import {READER_RULE_NAME, declaredReaders, readerRule} from '../../src/core/alarms/readers'
import type {Grant} from '../../src/core/model/grant'

const ACCOUNT = '123456789012'
const ANALYST = `arn:aws:iam::${ACCOUNT}:role/team/Analyst`
const AUDITOR = `arn:aws:iam::${ACCOUNT}:user/auditor`
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/LakeAdmin`

const grant = (principal: string, resource: Grant['resource'], permissions: Grant['permissions']): Grant => ({principal, resource, permissions, grantable: []})

/** A GetDataAccess record as CloudTrail writes it for a role session or a user. */
function getDataAccess(arn: string, table = 'cloudtrail/events'): unknown {
  return {eventSource: 'lakeformation.amazonaws.com', eventName: 'GetDataAccess', userIdentity: {type: arn.includes(':user/') ? 'IAMUser' : 'AssumedRole', arn}, requestParameters: {tableArn: `arn:aws:glue:us-east-1:${ACCOUNT}:table/${table}`}}
}

describe('the reader rule', () => {
  it('takes read grants on the log database and the declared admins as the declared readers', () => {
    const grants = [
      grant(ANALYST, {type: 'table', database: 'cloudtrail', table: 'events'}, ['SELECT']),
      grant(AUDITOR, {type: 'columns', database: 'CloudTrail', table: 'events', columns: {include: ['eventname']}}, ['SELECT']),
      grant(`arn:aws:iam::${ACCOUNT}:role/Describer`, {type: 'table', database: 'cloudtrail', table: 'events'}, ['DESCRIBE']),
      grant(`arn:aws:iam::${ACCOUNT}:role/Other`, {type: 'table', database: 'sales', table: 'orders'}, ['SELECT']),
    ]
    expect(declaredReaders(grants, 'cloudtrail', [ADMIN])).toEqual([ANALYST, ADMIN, AUDITOR].sort())
  })

  it('matches GetDataAccess on the log tables by anyone else, and not by a declared reader', () => {
    const {rule} = readerRule([ANALYST, AUDITOR], 'cloudtrail')
    expect(rule?.name).toBe(READER_RULE_NAME)
    const pattern = parseFilterPattern(rule!.pattern)
    expect(matchesEvent(pattern, getDataAccess(`arn:aws:sts::${ACCOUNT}:assumed-role/Analyst/alice`))).toBe(false)
    expect(matchesEvent(pattern, getDataAccess(AUDITOR))).toBe(false)
    expect(matchesEvent(pattern, getDataAccess(`arn:aws:sts::${ACCOUNT}:assumed-role/Intruder/bob`))).toBe(true)
    expect(matchesEvent(pattern, getDataAccess(`arn:aws:iam::${ACCOUNT}:user/mallory`))).toBe(true)
    expect(matchesEvent(pattern, getDataAccess(`arn:aws:sts::${ACCOUNT}:assumed-role/Intruder/bob`, 'sales/orders'))).toBe(false)
  })

  it('excludes a granted account by userIdentity.accountId', () => {
    const pattern = parseFilterPattern(readerRule(['444455556666'], 'cloudtrail').rule!.pattern)
    const event = (accountId: string) => ({...(getDataAccess(`arn:aws:sts::${accountId}:assumed-role/Reader/x`) as object), userIdentity: {type: 'AssumedRole', accountId, arn: `arn:aws:sts::${accountId}:assumed-role/Reader/x`}})
    expect(matchesEvent(pattern, event('444455556666'))).toBe(false)
    expect(matchesEvent(pattern, event('777788889999'))).toBe(true)
  })

  it('says so and leaves the rule out when the pattern would exceed 1,024 characters, or when no grants files were read', () => {
    const many = Array.from({length: 20}, (_, index) => `arn:aws:iam::${ACCOUNT}:role/reader-role-number-${index}`)
    const long = readerRule(many, 'cloudtrail')
    expect(long.rule).toBeUndefined()
    expect(long.notes.join('\n')).toMatch(new RegExp(`^${READER_RULE_NAME} is left out: excluding the 20 declared readers takes its pattern to \\d+ characters, over AWS's limit of 1024\\. Run lakegov activity anomalies`))
    expect(readerRule(undefined, 'cloudtrail')).toEqual({notes: [`${READER_RULE_NAME} is left out: no grants files were read, so lakegov does not know the declared readers.`]})
  })
})
