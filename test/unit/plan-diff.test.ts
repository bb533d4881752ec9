import fc from 'fast-check'

import {canonicalGrant, expansionOfAll, grantKey, type Grant, type Permission, type Resource} from '../../src/core/model/grant'
import type {PrincipalResourcePermissions} from '@aws-sdk/client-lakeformation'

import {fromPrincipalResourcePermissions, toSdkResource} from '../../src/aws/lakeformation-resources'
import {entriesOf} from '../../src/core/apply/apply'
import {compareText} from '../../src/core/order'
import {diffGrants, markImplicit, mergeByKey, type GrantChange} from '../../src/core/plan/diff'
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

/**
 * A small Lake Formation, the reference the property test checks plans against. It stores what
 * was granted, ALL next to its expansion on tables and databases, and lists a table (or the table
 * wildcard) as AWS does: the Table entry without SELECT, and SELECT on a TableWithColumns twin
 * (named ALL_TABLES for the wildcard). Sources: the AWS CLI's `lakeformation list-permissions`
 * example 2; terraform-provider-aws filterTablePermissions and its issue #46245. Revoking ALL takes
 * its whole expansion; taking any part of the expansion takes ALL with it.
 */
class ReferenceLakeFormation {
  private readonly stored = new Map<string, {principal: string; resource: Resource; permissions: Set<Permission>; grantable: Set<Permission>}>()

  private static expand(resource: Resource, permissions: Permission[]): Set<Permission> {
    const expansion = expansionOfAll(resource)
    const out = new Set<Permission>()
    for (const permission of permissions) {
      if (permission === 'ALL' && expansion) for (const each of [...expansion, 'ALL' as const]) out.add(each)
      else out.add(permission)
    }
    return out
  }

  grant(principal: string, resource: Resource, permissions: Permission[], grantable: Permission[]): void {
    const key = grantKey({principal, resource})
    const held = this.stored.get(key) ?? {principal, resource, permissions: new Set<Permission>(), grantable: new Set<Permission>()}
    for (const permission of ReferenceLakeFormation.expand(resource, permissions)) held.permissions.add(permission)
    for (const permission of ReferenceLakeFormation.expand(resource, grantable)) held.grantable.add(permission)
    this.stored.set(key, held)
  }

  revoke(principal: string, resource: Resource, permissions: Permission[], grantable: Permission[]): void {
    const held = this.stored.get(grantKey({principal, resource}))
    if (!held) return
    const taken = [...ReferenceLakeFormation.expand(resource, permissions)].filter((permission) => held.permissions.has(permission))
    const options = [...ReferenceLakeFormation.expand(resource, grantable)].filter((permission) => held.grantable.has(permission))
    for (const permission of taken) {
      held.permissions.delete(permission)
      held.grantable.delete(permission)
    }
    for (const permission of options) held.grantable.delete(permission)
    if (taken.length > 0) held.permissions.delete('ALL')
    if (taken.length + options.length > 0) held.grantable.delete('ALL')
    if (held.permissions.size === 0) this.stored.delete(grantKey({principal, resource}))
  }

  /** ListPermissions, read back the way the adapter reads it. */
  list(): Grant[] {
    const entries: PrincipalResourcePermissions[] = []
    for (const {principal, resource, permissions, grantable} of this.stored.values()) {
      const Principal = {DataLakePrincipalIdentifier: principal}
      const wire = toSdkResource(resource, '111122223333')
      if (resource.type !== 'table' && resource.type !== 'tableWildcard') {
        entries.push({Principal, Resource: wire, Permissions: [...permissions], PermissionsWithGrantOption: [...grantable]})
        continue
      }
      const rest = [...permissions].filter((permission) => permission !== 'SELECT')
      if (rest.length > 0) entries.push({Principal, Resource: wire, Permissions: rest, PermissionsWithGrantOption: [...grantable].filter((permission) => permission !== 'SELECT')})
      if (permissions.has('SELECT')) {
        const name = resource.type === 'table' ? resource.table : 'ALL_TABLES'
        const twin = {TableWithColumns: {CatalogId: '111122223333', DatabaseName: resource.database, Name: name, ColumnWildcard: {}}}
        entries.push({Principal, Resource: twin, Permissions: ['SELECT'], PermissionsWithGrantOption: grantable.has('SELECT') ? ['SELECT'] : []})
      }
    }
    return entries.map((entry) => fromPrincipalResourcePermissions(entry)!)
  }

  /** Applies a plan's changes as apply sends them: grants first, then revokes. */
  apply(changes: GrantChange[]): void {
    const {grants, revokes} = entriesOf(changes)
    for (const entry of grants) this.grant(entry.principal, entry.resource, entry.permissions, entry.grantable)
    for (const entry of revokes) this.revoke(entry.principal, entry.resource, entry.permissions, entry.grantable)
  }
}

describe('diffGrants: property', () => {
  const principals = fc.constantFrom(ANALYST, 'arn:aws:iam::111122223333:role/Auditor', '444455556666')
  const valid: Array<[Resource, Permission[]]> = [
    [table, ['ALL', 'ALTER', 'DESCRIBE', 'SELECT', 'INSERT']],
    [{type: 'table', database: 'cloudtrail', table: 'other'}, ['ALL', 'SELECT', 'DROP']],
    [{type: 'tableWildcard', database: 'cloudtrail'}, ['ALL', 'DESCRIBE', 'SELECT', 'ALTER']],
    [{type: 'database', database: 'cloudtrail'}, ['ALL', 'CREATE_TABLE', 'DESCRIBE']],
    [{type: 'columns', database: 'cloudtrail', table: 'logs', columns: {exclude: ['sourceipaddress']}}, ['SELECT']],
    [{type: 'dataLocation', path: 'arn:aws:s3:::logs/AWSLogs'}, ['DATA_LOCATION_ACCESS']],
    [{type: 'dataCellsFilter', database: 'cloudtrail', table: 'logs', filter: 'us_only'}, ['SELECT', 'DESCRIBE', 'DROP']],
    [{type: 'lfTagPolicy', resourceType: 'DATABASE', expression: [{key: 'env', values: ['prod']}]}, ['ALL', 'CREATE_TABLE', 'DESCRIBE', 'ALTER']],
    [{type: 'lfTagPolicy', resourceType: 'TABLE', expression: [{key: 'sensitivity', values: ['internal', 'public']}]}, ['ALL', 'SELECT', 'DESCRIBE']],
  ]
  const grants = fc.tuple(principals, fc.constantFrom(...valid)).chain(([principal, [resource, allowed]]) =>
    fc.tuple(fc.subarray<Permission>(allowed, {minLength: 1}), fc.subarray<Permission>(allowed)).map(([permissions, grantable]) =>
      grant(principal, resource, permissions, grantable.filter((permission) => permissions.includes(permission) || permissions.includes('ALL'))),
    ),
  )
  const state = fc.array(grants, {maxLength: 12}).map((list) => [...new Map(list.map((item) => [grantKey(item), item])).values()])
  const normalise = (list: Grant[]) =>
    [...mergeByKey(list).values()].map(({principal, resource, permissions, grantable}) => ({principal, resource, permissions, grantable})).sort((a, b) => compareText(grantKey(a), grantKey(b)))

  it('applying the plan to what Lake Formation lists yields the desired state, and planning again yields no changes', () => {
    fc.assert(
      fc.property(state, state, (desired, current) => {
        const lakeformation = new ReferenceLakeFormation()
        for (const item of current) lakeformation.grant(item.principal, item.resource, item.permissions, item.grantable)
        const listed = lakeformation.list()
        expect(normalise(listed)).toEqual(normalise(current))
        lakeformation.apply(diffGrants(desired, listed, {scope, prune: true}).changes)
        const after = lakeformation.list()
        expect(normalise(after)).toEqual(normalise(desired))
        expect(diffGrants(desired, after, {scope, prune: true}).changes).toEqual([])
      }),
      {numRuns: 300, seed: 20261125},
    )
  })
})
