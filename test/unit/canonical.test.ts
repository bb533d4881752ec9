import type {PrincipalResourcePermissions} from '@aws-sdk/client-lakeformation'
import {ESLint} from 'eslint'
import path from 'node:path'

import {fromPrincipalResourcePermissions} from '../../src/aws/lakeformation-resources'
import {entriesOf} from '../../src/core/apply/apply'
import {canonicalGrant, canonicalPermissions, canonicalResource, grantKey, type Grant, type Permission, type Resource} from '../../src/core/model/grant'
import {compareText} from '../../src/core/order'
import {changeFor, diffGrants, mergeByKey} from '../../src/core/plan/diff'
import type {Scope} from '../../src/core/policy/types'

const ANALYST = 'arn:aws:iam::111122223333:role/Analyst'
const scope: Scope = {databases: ['cloudtrail'], locations: [], catalog: false, tags: true}
const table: Resource = {type: 'table', database: 'cloudtrail', table: 'logs'}

function grant(resource: Resource, permissions: Permission[], grantable: Permission[] = []): Grant {
  return canonicalGrant({principal: ANALYST, resource, permissions, grantable})
}

/** Entries as ListPermissions returns them, read the way the adapter reads them. */
function listed(...entries: Array<{Resource: PrincipalResourcePermissions['Resource']; Permissions: string[]; PermissionsWithGrantOption?: string[]}>) {
  return entries.map((entry) => fromPrincipalResourcePermissions({Principal: {DataLakePrincipalIdentifier: ANALYST}, ...entry} as PrincipalResourcePermissions)!)
}

describe('one canonical permission rule', () => {
  it.each<[string, Resource, Permission[], Permission[]]>([
    ['ALL next to its expansion is ALL (a table)', table, ['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'], ['ALL']],
    ['ALL and SELECT on a table', table, ['ALL', 'SELECT'], ['ALL']],
    ['the whole expansion without ALL', table, ['ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'], ['ALL']],
    ['ALL on a database, listed with its expansion', {type: 'database', database: 'cloudtrail'}, ['ALL', 'ALTER', 'CREATE_TABLE', 'DESCRIBE', 'DROP'], ['ALL']],
    ['a permission outside the expansion stays beside ALL', {type: 'lfTagPolicy', resourceType: 'TABLE', expression: [{key: 'k', values: ['v']}]}, ['ALL', 'CREATE_TABLE'], ['ALL', 'CREATE_TABLE']],
  ])('%s', (_name, resource, permissions, expected) => {
    expect(canonicalPermissions(resource, permissions)).toEqual(expected)
  })

  it('canonicalGrant, the merge of listed entries and the plan agree on every set', () => {
    const resource: Resource = {type: 'lfTagPolicy', resourceType: 'TABLE', expression: [{key: 'k', values: ['v']}]}
    const held = grant(resource, ['ALL', 'CREATE_TABLE'])
    const merged = mergeByKey([grant(resource, ['ALL']), grant(resource, ['CREATE_TABLE'])]).get(grantKey(held))!
    expect(merged.permissions).toEqual(held.permissions)
    const change = changeFor(grantKey(held), held, grant(resource, ['CREATE_TABLE']))!
    expect(change.before.permissions).toEqual(held.permissions)
  })
})

describe('the table wildcard as Lake Formation lists it', () => {
  // terraform-provider-aws internal/service/lakeformation (filterTablePermissions) and its issue
  // #46245: SELECT on every table is listed as TableWithColumns{Name: "ALL_TABLES", ColumnWildcard: {}}.
  const wildcardListing = listed(
    {Resource: {Table: {DatabaseName: 'cloudtrail', TableWildcard: {}}}, Permissions: ['DESCRIBE']},
    {Resource: {TableWithColumns: {DatabaseName: 'cloudtrail', Name: 'ALL_TABLES', ColumnWildcard: {}}}, Permissions: ['SELECT']},
  )

  it('reads TableWithColumns ALL_TABLES as the table wildcard, not a table called all_tables', () => {
    expect(wildcardListing.map((item) => grantKey(item))).toEqual([`${ANALYST} table:cloudtrail.*`, `${ANALYST} table:cloudtrail.*`])
  })

  it('table: "*" with SELECT and DESCRIBE compares equal to that listing, and nothing is unmanaged', () => {
    const desired = [grant({type: 'table', database: 'cloudtrail', table: '*'}, ['SELECT', 'DESCRIBE'])]
    expect(diffGrants(desired, wildcardListing, {scope, prune: false})).toEqual({changes: [], unmanaged: [], implicit: []})
    expect(diffGrants(desired, wildcardListing, {scope, prune: true}).changes).toEqual([])
  })

  it('a table really named all_tables (Glue names are lowercase) stays a table', () => {
    const [item] = listed({Resource: {TableWithColumns: {DatabaseName: 'cloudtrail', Name: 'all_tables', ColumnWildcard: {}}}, Permissions: ['SELECT']})
    expect(item.resource).toEqual({type: 'table', database: 'cloudtrail', table: 'all_tables'})
  })
})

describe('ALL on a table, as Lake Formation lists it', () => {
  // The AWS CLI's `lakeformation list-permissions` example 2: the Table entry carries ALL next to
  // its expansion without SELECT; SELECT is on the TableWithColumns twin.
  const allListing = listed(
    {Resource: {Table: {DatabaseName: 'cloudtrail', Name: 'logs'}}, Permissions: ['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT']},
    {Resource: {TableWithColumns: {DatabaseName: 'cloudtrail', Name: 'logs', ColumnWildcard: {}}}, Permissions: ['SELECT']},
  )

  it('compares equal to a declared ALL', () => {
    expect(diffGrants([grant(table, ['ALL'])], allListing, {scope, prune: true}).changes).toEqual([])
  })

  it('a revoke sends what the account lists: ALL with its expansion and SELECT', () => {
    const [change] = diffGrants([], allListing, {scope, prune: true}).changes
    expect(change.remove.permissions).toEqual(['ALL'])
    expect(entriesOf([change]).revokes[0].permissions).toEqual(['ALL', 'ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'])
  })

  it('narrowing ALL to SELECT revokes the rest of its expansion and not ALL, which would take SELECT too', () => {
    const [change] = diffGrants([grant(table, ['SELECT'])], allListing, {scope, prune: true}).changes
    expect(change.remove.permissions).toEqual(['ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT'])
    expect(change.revoke.permissions).toEqual(['ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT'])
  })
})

describe('a revoke never sends an ALL the account does not list', () => {
  it('revokes the expansion granted permission by permission as those permissions', () => {
    const current = listed(
      {Resource: {Table: {DatabaseName: 'cloudtrail', Name: 'logs'}}, Permissions: ['ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT']},
      {Resource: {TableWithColumns: {DatabaseName: 'cloudtrail', Name: 'logs', ColumnWildcard: {}}}, Permissions: ['SELECT'], PermissionsWithGrantOption: ['SELECT']},
    )
    const [change] = diffGrants([], current, {scope, prune: true}).changes
    expect(change.before.permissions).toEqual(['ALL'])
    const [entry] = entriesOf([change]).revokes
    expect(entry.permissions).toEqual(['ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'])
    expect(entry.permissions).not.toContain('ALL')
  })
})

describe('order does not depend on the locale', () => {
  it('compareText is code-point order', () => {
    expect(['é', 'f', 'B', 'a', '𝒜', '\uffff'].sort(compareText)).toEqual(['B', 'a', 'f', 'é', '\uffff', '𝒜'])
    expect(compareText('a', 'a')).toBe(0)
    expect(compareText('ab', 'a')).toBe(1)
  })

  it('an LF-tag expression sorts its keys by code point, so its grant key is the same everywhere', () => {
    const resource = canonicalResource({type: 'lfTagPolicy', resourceType: 'TABLE', expression: [{key: 'é', values: ['x']}, {key: 'f', values: ['y']}]})
    expect(resource).toMatchObject({expression: [{key: 'f'}, {key: 'é'}]})
  })

  it('the lint config bans localeCompare in src', async () => {
    const eslint = new ESLint({cwd: path.resolve(__dirname, '..', '..')})
    const [result] = await eslint.lintText("export const sorted = ['b', 'a'].sort((a, b) => a.localeCompare(b))\n", {filePath: 'src/core/example.ts'})
    expect(result.messages.map((message) => message.ruleId)).toContain('no-restricted-syntax')
  })
})
