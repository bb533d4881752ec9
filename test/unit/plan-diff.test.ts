import fc from 'fast-check'

import {canonicalGrant, expansionOfAll, grantKey, type Grant, type Permission, type Resource} from '../../src/core/model/grant'
import {diffGrants, markImplicit, type GrantChange} from '../../src/core/plan/diff'
import type {Scope} from '../../src/core/policy/types'

const scope: Scope = {databases: ['cloudtrail'], locations: ['arn:aws:s3:::logs/AWSLogs'], catalog: true, tags: true}
const ANALYST = 'arn:aws:iam::111122223333:role/Analyst'
const ADMIN = 'arn:aws:iam::111122223333:role/LakeAdmin'
const table: Resource = {type: 'table', database: 'cloudtrail', table: 'logs'}

function grant(principal: string, resource: Resource, permissions: Permission[], grantable: Permission[] = []): Grant {
  return canonicalGrant({principal, resource, permissions, grantable})
}

describe('diffGrants: normalisation (no perpetual diffs)', () => {
  it.each([
    [
      'a table grant listed back as Table plus TableWithColumns(ColumnWildcard)',
      [grant(ANALYST, table, ['SELECT', 'DESCRIBE'])],
      [grant(ANALYST, table, ['DESCRIBE']), grant(ANALYST, {type: 'columns', database: 'cloudtrail', table: 'logs', columns: {exclude: []}}, ['SELECT'])],
    ],
    ['ALL listed back expanded', [grant(ANALYST, table, ['ALL'])], [grant(ANALYST, table, ['ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'])]],
    ['names in another case', [grant(ANALYST, {type: 'database', database: 'CloudTrail'}, ['DESCRIBE'])], [grant(ANALYST, {type: 'database', database: 'cloudtrail'}, ['DESCRIBE'])]],
    [
      'column lists in another order',
      [grant(ANALYST, {type: 'columns', database: 'cloudtrail', table: 'logs', columns: {include: ['b', 'a']}}, ['SELECT'])],
      [grant(ANALYST, {type: 'columns', database: 'cloudtrail', table: 'logs', columns: {include: ['a', 'b']}}, ['SELECT'])],
    ],
    ['an s3:// path and its ARN with a trailing slash', [grant(ANALYST, {type: 'dataLocation', path: 's3://logs/AWSLogs/'}, ['DATA_LOCATION_ACCESS'])], [grant(ANALYST, {type: 'dataLocation', path: 'arn:aws:s3:::logs/AWSLogs'}, ['DATA_LOCATION_ACCESS'])]],
  ])('%s compares equal', (_name, desired, current) => {
    expect(diffGrants(desired, current, {scope, prune: true})).toEqual({changes: [], unmanaged: [], implicit: []})
  })
})

describe('diffGrants: changes', () => {
  it('grants what is missing, revokes with --prune what is not declared, and changes what differs', () => {
    const desired = [grant(ANALYST, table, ['SELECT']), grant(ANALYST, {type: 'database', database: 'cloudtrail'}, ['DESCRIBE'])]
    const current = [grant(ANALYST, table, ['SELECT', 'ALTER']), grant(ANALYST, {type: 'tableWildcard', database: 'cloudtrail'}, ['DESCRIBE'])]
    const {changes} = diffGrants(desired, current, {scope, prune: true})
    expect(changes.map((change) => [change.action, change.key, change.add.permissions, change.remove.permissions])).toEqual([
      ['grant', `${ANALYST} database:cloudtrail`, ['DESCRIBE'], []],
      ['revoke', `${ANALYST} table:cloudtrail.*`, [], ['DESCRIBE']],
      ['change', `${ANALYST} table:cloudtrail.logs`, [], ['ALTER']],
    ])
  })

  it('leaves undeclared grants alone without --prune, and lists them as unmanaged', () => {
    const stray = grant(ANALYST, table, ['SELECT'])
    expect(diffGrants([], [stray], {scope, prune: false})).toEqual({changes: [], unmanaged: [stray], implicit: []})
  })

  it('never looks at grants outside the scope, even with --prune', () => {
    const elsewhere = grant(ANALYST, {type: 'database', database: 'billing'}, ['DESCRIBE'])
    expect(diffGrants([], [elsewhere], {scope, prune: true}).changes).toEqual([])
  })

  it('shows implicit admin grants and never revokes them', () => {
    const current = markImplicit([grant(ADMIN, table, ['ALL'], ['ALL'])], [ADMIN])
    expect(diffGrants([], current, {scope, prune: true})).toEqual({changes: [], unmanaged: [], implicit: current})
  })

  it('revokes a grant option alone when the permission stays', () => {
    const [change] = diffGrants([grant(ANALYST, table, ['SELECT'])], [grant(ANALYST, table, ['SELECT'], ['SELECT'])], {scope, prune: true}).changes
    expect(change).toMatchObject({action: 'change', add: {permissions: [], grantable: []}, remove: {permissions: [], grantable: ['SELECT']}})
  })

  it('narrows ALL to what is declared by revoking the rest', () => {
    const [change] = diffGrants([grant(ANALYST, table, ['SELECT'])], [grant(ANALYST, table, ['ALL'])], {scope, prune: true}).changes
    expect(change.remove.permissions).toEqual(['ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT'])
    expect(change.before.permissions).toEqual(['ALL'])
  })
})

/** What Lake Formation does with a change: the reference the property test checks the plan against. */
function applyChange(held: Map<string, Grant>, change: GrantChange): void {
  const expand = (permissions: Permission[]): Permission[] =>
    permissions.flatMap((permission): readonly Permission[] => (permission === 'ALL' ? (expansionOfAll(change.resource) ?? ['ALL']) : [permission]))
  const before = held.get(change.key)
  const permissions = new Set(expand(before?.permissions ?? []))
  const grantable = new Set(expand(before?.grantable ?? []))
  for (const permission of expand(change.remove.permissions)) {
    permissions.delete(permission)
    grantable.delete(permission)
  }
  for (const permission of expand(change.remove.grantable)) grantable.delete(permission)
  for (const permission of expand(change.add.permissions)) permissions.add(permission)
  for (const permission of expand(change.add.grantable)) grantable.add(permission)
  if (permissions.size === 0) held.delete(change.key)
  else held.set(change.key, canonicalGrant({principal: change.principal, resource: change.resource, permissions: [...permissions], grantable: [...grantable]}))
}

describe('diffGrants: property', () => {
  const principals = fc.constantFrom(ANALYST, 'arn:aws:iam::111122223333:role/Auditor', '444455556666')
  const resources = fc.constantFrom<Resource>(
    table,
    {type: 'table', database: 'cloudtrail', table: 'other'},
    {type: 'tableWildcard', database: 'cloudtrail'},
    {type: 'database', database: 'cloudtrail'},
    {type: 'columns', database: 'cloudtrail', table: 'logs', columns: {exclude: ['sourceipaddress']}},
    {type: 'dataLocation', path: 'arn:aws:s3:::logs/AWSLogs'},
  )
  const grants = fc
    .tuple(principals, resources)
    .chain(([principal, resource]: [string, Resource]) => {
      const valid: Record<string, Permission[]> = {
        table: ['ALL', 'ALTER', 'DESCRIBE', 'SELECT', 'INSERT'],
        tableWildcard: ['DESCRIBE', 'SELECT'],
        database: ['ALL', 'CREATE_TABLE', 'DESCRIBE'],
        columns: ['SELECT'],
        dataLocation: ['DATA_LOCATION_ACCESS'],
      }
      const allowed = valid[resource.type]
      return fc.tuple(fc.subarray<Permission>(allowed, {minLength: 1}), fc.subarray<Permission>(allowed)).map(([permissions, grantable]) =>
        grant(principal, resource, permissions, grantable.filter((permission) => permissions.includes(permission) || permissions.includes('ALL'))),
      )
    })
  const state = fc.array(grants, {maxLength: 12}).map((list) => [...new Map(list.map((item) => [grantKey(item), item])).values()])

  it('applying the plan to the current state yields the desired state, and planning again yields no changes', () => {
    fc.assert(
      fc.property(state, state, (desired, current) => {
        const held = new Map(current.map((item) => [grantKey(item), item]))
        for (const change of diffGrants(desired, current, {scope, prune: true}).changes) applyChange(held, change)
        const after = [...held.values()]
        const normalise = (list: Grant[]) => list.map((item) => canonicalGrant(item)).sort((a, b) => grantKey(a).localeCompare(grantKey(b)))
        expect(normalise(after)).toEqual(normalise(desired))
        expect(diffGrants(desired, after, {scope, prune: true}).changes).toEqual([])
      }),
      {numRuns: 300, seed: 20261125},
    )
  })
})
