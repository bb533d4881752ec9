import {exportPolicy, exportScope, exportTargets} from '../../src/core/export/export'
import {canonicalGrant, type Permission, type Resource} from '../../src/core/model/grant'
import {parsePolicies} from '../../src/core/policy/parse'
import {stringify} from 'yaml'

const scope = {databases: ['cloudtrail'], locations: [], catalog: false, tags: false}
const grant = (principal: string, resource: Resource, permissions: Permission[], grantable: Permission[] = []) => canonicalGrant({principal, resource, permissions, grantable})

describe('exportPolicy', () => {
  it('names principals readably and uniquely, and leaves out implicit and out-of-scope grants', () => {
    const document = exportPolicy(
      [
        grant('arn:aws:iam::111122223333:role/team-a/Reader', {type: 'database', database: 'cloudtrail'}, ['DESCRIBE']),
        grant('arn:aws:iam::444455556666:role/Reader', {type: 'database', database: 'cloudtrail'}, ['DESCRIBE']),
        grant('444455556666', {type: 'tableWildcard', database: 'cloudtrail'}, ['SELECT']),
        {...grant('arn:aws:iam::111122223333:role/Admin', {type: 'database', database: 'cloudtrail'}, ['ALL']), implicit: 'data-lake-admin' as const},
        grant('arn:aws:iam::111122223333:role/Other', {type: 'database', database: 'billing'}, ['DESCRIBE']),
      ],
      {scope, filters: [], tags: []},
    )
    expect(document.principals).toEqual({
      'account-444455556666': '444455556666',
      reader: 'arn:aws:iam::111122223333:role/team-a/Reader',
      'reader-2': 'arn:aws:iam::444455556666:role/Reader',
    })
    expect(document.grants).toEqual([
      {principal: 'account-444455556666', database: 'cloudtrail', table: '*', permissions: ['SELECT']},
      {principal: 'reader', database: 'cloudtrail', permissions: ['DESCRIBE']},
      {principal: 'reader-2', database: 'cloudtrail', permissions: ['DESCRIBE']},
    ])
  })

  it('writes a document the parser accepts, with allowBroad where needed and the grant option kept', () => {
    const document = exportPolicy(
      [
        grant('IAM_ALLOWED_PRINCIPALS', {type: 'database', database: 'cloudtrail'}, ['ALL']),
        grant('arn:aws:iam::111122223333:role/Auditor', {type: 'columns', database: 'cloudtrail', table: 'logs', columns: {include: ['eventname']}}, ['SELECT'], ['SELECT']),
      ],
      {scope, filters: [], tags: []},
    )
    const result = parsePolicies([{path: 'exported.yaml', text: stringify(document)}])
    expect(result.ok).toBe(true)
    expect(document.grants).toEqual([
      // Code-point order of the principals' identifiers: "IAM_ALLOWED_PRINCIPALS" before "arn:...".
      {principal: 'IAM_ALLOWED_PRINCIPALS', database: 'cloudtrail', permissions: ['ALL'], allowBroad: true},
      {principal: 'auditor', database: 'cloudtrail', table: 'logs', columns: {include: ['eventname']}, permissions: ['SELECT'], grantable: ['SELECT']},
    ])
  })

  it('always puts LF-tag grants in the scope, and writes assignments with the columns that share tags in one entry', () => {
    const tagGrant = grant('arn:aws:iam::111122223333:role/Reader', {type: 'lfTagPolicy', resourceType: 'TABLE', expression: [{key: 'sensitivity', values: ['internal']}]}, ['SELECT'])
    const dbGrant = grant('arn:aws:iam::111122223333:role/Reader', {type: 'database', database: 'cloudtrail'}, ['DESCRIBE'])
    const scoped = exportScope({databases: ['CloudTrail']}, [tagGrant, dbGrant])
    expect(scoped).toEqual({databases: ['cloudtrail'], locations: [], catalog: false, tags: true})
    expect(exportScope({}, [dbGrant]).tags).toBe(false)
    expect(exportTargets(scoped, {databases: ['cloudtrail'], tables: {cloudtrail: [{name: 'logs', columns: ['a', 'b']}]}})).toEqual([
      {database: 'cloudtrail'},
      {database: 'cloudtrail', table: 'logs'},
      {database: 'cloudtrail', table: 'logs', columns: ['a']},
      {database: 'cloudtrail', table: 'logs', columns: ['b']},
    ])
    const document = exportPolicy([tagGrant, dbGrant], {
      scope: scoped,
      filters: [],
      tags: [{key: 'sensitivity', values: ['internal', 'restricted']}, {key: 'unused', values: ['x']}],
      assignments: [
        {target: {database: 'cloudtrail', table: 'logs', columns: ['b']}, tags: {sensitivity: 'restricted'}},
        {target: {database: 'cloudtrail', table: 'logs', columns: ['a']}, tags: {sensitivity: 'restricted'}},
        {target: {database: 'cloudtrail', table: 'logs'}, tags: {}},
        {target: {database: 'billing'}, tags: {sensitivity: 'internal'}},
      ],
    })
    expect(document.assign).toEqual([{database: 'cloudtrail', table: 'logs', columns: ['a', 'b'], tags: {sensitivity: 'restricted'}}])
    expect(document.tags).toEqual({sensitivity: ['internal', 'restricted']})
    expect(document.scope).toEqual({databases: ['cloudtrail'], tags: true})
    expect(parsePolicies([{path: 'exported.yaml', text: stringify(document)}]).ok).toBe(true)
  })
})
