import {canonicalGrant, type Grant, type Permission, type Resource} from '../../src/core/model/grant'
import {markImplicit} from '../../src/core/plan/diff'
import {buildPlan, fingerprintGrants, PLAN_VERSION} from '../../src/core/plan/plan'
import type {Scope} from '../../src/core/policy/types'
import {grantsPlanKind} from '../../src/core/reconcile/plans'
import {principalLabels, renderPlanMarkdown, renderPlanText, summaryLine} from '../../src/output/plan'

const {hasChanges, hasDrift} = grantsPlanKind

const ACCOUNT = '111122223333'
const scope: Scope = {databases: ['cloudtrail'], locations: [], catalog: false, tags: false}
const ANALYST = `arn:aws:iam::${ACCOUNT}:role/Analyst`
const AUDITOR = `arn:aws:iam::${ACCOUNT}:role/Auditor`
const logs: Resource = {type: 'table', database: 'cloudtrail', table: 'logs'}

function grant(principal: string, resource: Resource, permissions: Permission[], grantable: Permission[] = []): Grant {
  return canonicalGrant({principal, resource, permissions, grantable})
}

function plan(desired: Grant[], current: Grant[], prune = false) {
  return buildPlan({desired, current, scope, prune, account: ACCOUNT, region: 'us-east-1'})
}

describe('fingerprintGrants', () => {
  it('is the same whatever order and shape the grants were listed in', () => {
    const a = [grant(ANALYST, logs, ['SELECT', 'DESCRIBE']), grant(AUDITOR, {type: 'database', database: 'cloudtrail'}, ['DESCRIBE'])]
    expect(fingerprintGrants([...a].reverse(), scope)).toBe(fingerprintGrants(a, scope))
  })

  it('changes when a grant in scope changes, and not for one outside it', () => {
    const base = [grant(ANALYST, logs, ['SELECT'])]
    const before = fingerprintGrants(base, scope)
    expect(fingerprintGrants([...base, grant(AUDITOR, logs, ['SELECT'])], scope)).not.toBe(before)
    expect(fingerprintGrants([...base, grant(AUDITOR, {type: 'database', database: 'billing'}, ['DESCRIBE'])], scope)).toBe(before)
  })
})

describe('buildPlan', () => {
  it('records the target, the fingerprint and a summary', () => {
    const result = plan([grant(ANALYST, logs, ['SELECT'])], [grant(AUDITOR, logs, ['SELECT'])])
    expect(result).toMatchObject({version: PLAN_VERSION, account: ACCOUNT, region: 'us-east-1', prune: false, summary: {grant: 1, change: 0, revoke: 0, unmanaged: 1}})
    expect(result.fingerprint).toBe(fingerprintGrants([grant(AUDITOR, logs, ['SELECT'])], scope))
  })

  it.each([
    ['a new principal reading data', [grant(ANALYST, logs, ['SELECT'])], [], ['new-principal', 'wider-columns']],
    ['a grant option', [grant(ANALYST, logs, ['DESCRIBE'], ['DESCRIBE'])], [grant(ANALYST, logs, ['DESCRIBE'])], ['grant-option']],
    ['another account', [grant('444455556666', {type: 'database', database: 'cloudtrail'}, ['DESCRIBE'])], [grant('444455556666', logs, ['DESCRIBE'])], ['cross-account']],
    ['a whole organization', [grant(`arn:aws:organizations::${ACCOUNT}:organization/o-abcdefghij`, {type: 'database', database: 'cloudtrail'}, ['DESCRIBE'])], [], ['new-principal', 'broad-principal']],
  ])('flags %s as broadening access', (_name, desired, current, reasons) => {
    const result = plan(desired, current)
    expect(result.broadening).toEqual([{key: expect.any(String), reasons}])
  })

  it('does not flag a revoke as broadening', () => {
    expect(plan([], [grant(ANALYST, logs, ['SELECT'])], true).broadening).toEqual([])
  })
})

describe('plan rendering', () => {
  const label = principalLabels({analysts: ANALYST})
  const result = plan(
    [grant(ANALYST, logs, ['SELECT']), grant(ANALYST, {type: 'database', database: 'cloudtrail'}, ['DESCRIBE'])],
    [grant(ANALYST, logs, ['SELECT', 'ALTER']), grant(AUDITOR, logs, ['SELECT'], ['SELECT'])],
  )

  it('prints + and ~ lines grouped by principal, unmanaged grants, and the summary', () => {
    const text = renderPlanText(result, label)
    expect(text).toContain(`analysts (${ANALYST})\n  + database:cloudtrail`)
    expect(text).toMatch(/ {2}~ table:cloudtrail\.logs +-ALTER/)
    expect(text).toContain('Unmanaged: in scope but not in the files (run with --prune to revoke):')
    expect(text).toMatch(/table:cloudtrail\.logs +SELECT\*/)
    const [body, legend] = text.split('\n\nLegend: ')
    expect(body.trim().split('\n').at(-1)).toBe('Plan: 1 to grant, 1 to change, 0 to revoke. 1 unmanaged (left alone; --prune revokes them).')
    expect(legend).toBe('+ grant, - revoke, ~ change (+PERMISSION added, -PERMISSION removed); PERMISSION* = with the grant option: the principal may grant it to others.')
  })

  it('explains the signs under the markdown plan too, and shows no legend when nothing changes', () => {
    expect(renderPlanMarkdown(result, label)).toContain('_Legend: + grant, - revoke')
    expect(renderPlanText(plan([], []), label)).not.toContain('Legend')
  })

  it('renders a Markdown comment with a diff block', () => {
    const markdown = renderPlanMarkdown(result, label)
    expect(markdown).toContain(`### lakegov grants plan (${ACCOUNT}, us-east-1)`)
    expect(markdown).toContain('```diff\n# analysts')
    expect(markdown).toContain('+ database:cloudtrail  DESCRIBE')
    expect(markdown).toContain('! table:cloudtrail.logs  -ALTER')
  })

  it('says so when there is nothing to do', () => {
    expect(summaryLine(plan([], []))).toBe('Plan: No changes.')
  })

  it('keeps implicit admin grants out of the changes', () => {
    const admin = `arn:aws:iam::${ACCOUNT}:role/LakeAdmin`
    const withAdmin = buildPlan({desired: [], current: markImplicit([grant(admin, logs, ['ALL'])], [admin]), scope, prune: true, account: ACCOUNT, region: 'us-east-1'})
    expect(withAdmin.changes).toEqual([])
    expect(renderPlanText(withAdmin, label)).toContain('Implicit: 1 grant(s) held by data lake administrators; never changed.')
  })
})

describe('grants lake.yaml implies are managed by bootstrap', () => {
  const CRAWLER = `arn:aws:iam::${ACCOUNT}:role/lakegov-crawler`
  const location: Resource = {type: 'dataLocation', path: 'arn:aws:s3:::acme-logs/AWSLogs'}
  const withLocation: Scope = {...scope, locations: ['arn:aws:s3:::acme-logs/AWSLogs']}
  const managed = [grant(CRAWLER, location, ['DATA_LOCATION_ACCESS']), grant(CRAWLER, {type: 'database', database: 'cloudtrail'}, ['ALTER', 'CREATE_TABLE', 'DESCRIBE'])]
  const build = (desired: Grant[], current: Grant[], prune: boolean) =>
    buildPlan({desired, current, scope: withLocation, prune, account: ACCOUNT, region: 'us-east-1', managed})

  it('--prune never revokes them; the plan shows them as bootstrap\'s', () => {
    const result = build([], managed, true)
    expect(result.changes).toEqual([])
    expect(result.unmanaged).toEqual([])
    expect(result.implicit.map((item) => [item.implicit, item.resource.type])).toEqual([
      ['bootstrap', 'database'],
      ['bootstrap', 'dataLocation'],
    ])
    expect(renderPlanText(result, (id) => id)).toContain('Managed by bootstrap')
  })

  it('what else the role holds on the same key stays the grants engine\'s, and is pruned', () => {
    const current = [grant(CRAWLER, {type: 'database', database: 'cloudtrail'}, ['ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP'])]
    const [change] = build([], current, true).changes
    expect(change).toMatchObject({action: 'revoke', key: `${CRAWLER} database:cloudtrail`, remove: {permissions: ['DROP']}, revoke: {permissions: ['DROP']}})
  })

  it('a declaration that repeats them does not fight bootstrap either way', () => {
    const declared = [grant(CRAWLER, {type: 'database', database: 'cloudtrail'}, ['DESCRIBE'])]
    expect(build(declared, managed, true).changes).toEqual([])
    expect(build(declared, [], true).changes).toEqual([])
  })
})

describe('dangerous unmanaged grants', () => {
  const PARTNER = 'arn:aws:iam::444455556666:role/Partner'
  const current = [grant(PARTNER, logs, ['SELECT']), grant('IAM_ALLOWED_PRINCIPALS', logs, ['ALL']), grant(AUDITOR, logs, ['SELECT'])]

  it('an undeclared cross-account grant and an IAM_ALLOWED_PRINCIPALS grant are in the summary; a same-account one is not dangerous', () => {
    const result = plan([], current)
    expect(result.summary).toMatchObject({unmanaged: 3, dangerous: 2})
    expect(result.dangerous).toEqual([
      {key: 'IAM_ALLOWED_PRINCIPALS table:cloudtrail.logs', reasons: ['broad-principal']},
      {key: `${PARTNER} table:cloudtrail.logs`, reasons: ['cross-account']},
    ])
    expect(summaryLine(result)).toBe('Plan: No changes. 3 unmanaged (left alone; --prune revokes them). 2 of them dangerous (another account, or every identity).')
    expect(hasDrift(result)).toBe(true)
    expect(hasChanges(result)).toBe(false)
  })

  it('a same-account unmanaged grant is no drift', () => {
    expect(hasDrift(plan([], [grant(AUDITOR, logs, ['SELECT'])]))).toBe(false)
  })
})

describe('a column grant on a table IAM_ALLOWED_PRINCIPALS still holds', () => {
  it('is flagged before apply: Lake Formation would store it as SELECT on every column', () => {
    const columns: Resource = {type: 'columns', database: 'cloudtrail', table: 'logs', columns: {include: ['eventname']}}
    const current = [grant('IAM_ALLOWED_PRINCIPALS', logs, ['ALL'])]
    const result = plan([grant(ANALYST, columns, ['SELECT'])], current)
    expect(result.broadening).toEqual([{key: `${ANALYST} columns:cloudtrail.logs[+eventname]`, reasons: ['new-principal', 'wider-columns', 'all-columns']}])
    expect(renderPlanText(result, (id) => id)).toContain('so Lake Formation would store the column grant as SELECT on every column')
    expect(plan([grant(ANALYST, columns, ['SELECT'])], []).broadening[0].reasons).not.toContain('all-columns')
  })
})
