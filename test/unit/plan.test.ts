import {canonicalGrant, type Grant, type Permission, type Resource} from '../../src/core/model/grant'
import {markImplicit} from '../../src/core/plan/diff'
import {buildPlan, fingerprintGrants, PLAN_VERSION} from '../../src/core/plan/plan'
import type {Scope} from '../../src/core/policy/types'
import {principalLabels, renderPlanMarkdown, renderPlanText, summaryLine} from '../../src/output/plan'

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
