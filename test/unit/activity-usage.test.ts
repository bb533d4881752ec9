import type {ReadEvent} from '../../src/core/activity/reads'
import {assembleUsage} from '../../src/core/activity/usage'
import {computeAccess, type AuditState} from '../../src/core/audit/access'
import {canonicalGrant, type Grant, type Permission, type Resource} from '../../src/core/model/grant'

const ACCOUNT = '111122223333'
const ADMIN = 'arn:aws:iam::111122223333:role/LakeAdmin'
const WILD = 'arn:aws:iam::111122223333:role/Wildcard'
const COLUMNS = 'arn:aws:iam::111122223333:role/Columns'
const TAGGED = 'arn:aws:iam::111122223333:role/Tagged'
const FILTERED = 'arn:aws:iam::111122223333:role/Filtered'
const IDLE = 'arn:aws:iam::111122223333:role/Idle'
const STRANGER = 'arn:aws:iam::111122223333:role/Stranger'

function grant(principal: string, resource: Resource, permissions: Permission[]): Grant {
  return canonicalGrant({principal, resource, permissions, grantable: []})
}

const STATE: AuditState = {
  account: ACCOUNT,
  settings: {admins: [ADMIN], readOnlyAdmins: [], createDatabaseDefaultPermissions: [], createTableDefaultPermissions: []},
  databases: ['cloudtrail'],
  tables: [
    {database: 'cloudtrail', table: 'events', columns: ['eventname', 'eventtime', 'sourceipaddress'], location: 's3://logs/AWSLogs/'},
    {database: 'cloudtrail', table: 'digest', columns: ['digestfile'], location: 's3://logs/Digest/'},
  ],
  grants: [
    grant(WILD, {type: 'tableWildcard', database: 'cloudtrail'}, ['SELECT']),
    grant(COLUMNS, {type: 'columns', database: 'cloudtrail', table: 'events', columns: {include: ['eventname']}}, ['SELECT']),
    grant(TAGGED, {type: 'lfTagPolicy', resourceType: 'TABLE', expression: [{key: 'sensitivity', values: ['public']}]}, ['SELECT']),
    grant(FILTERED, {type: 'dataCellsFilter', database: 'cloudtrail', table: 'events', filter: 'us-only'}, ['SELECT']),
    grant(IDLE, {type: 'table', database: 'cloudtrail', table: 'digest'}, ['SELECT']),
  ],
  tagAssignments: [{target: {database: 'cloudtrail', table: 'events'}, tags: {sensitivity: 'public'}}],
  filters: [{name: 'us-only', database: 'cloudtrail', table: 'events', rows: "awsregion='us-east-1'"}],
  logs: {bucket: 'logs', prefix: 'AWSLogs/'},
  iamPrincipals: [],
  expectedReaders: [],
}

let counter = 0
function read(principal: string, table: string | null, time: string, fields: Partial<ReadEvent> = {}): ReadEvent {
  counter++
  return {eventId: `r-${counter}`, time, principal, table, engine: 'athena', path: 'lake-formation', sourceIp: 'athena.amazonaws.com', denied: false, objectEventIds: [], ...fields}
}

const access = computeAccess(STATE)
const rowOf = (report: ReturnType<typeof assembleUsage>, principal: string, table: string) => report.rows.find((row) => row.principal === principal && row.table === table)

describe('assembleUsage', () => {
  it('has the access rows the grants give (the fixture is what it claims)', () => {
    const paths = access.filter((row) => row.path !== 'admin').map((row) => `${row.principal.split('/').at(-1)} ${row.database}.${row.table} ${row.path}`)
    expect(paths.sort()).toEqual([
      'Columns cloudtrail.events column-grant',
      'Filtered cloudtrail.events data-cells-filter',
      'Idle cloudtrail.digest table-grant',
      'Tagged cloudtrail.events lf-tag-expression',
      'Wildcard cloudtrail.digest table-wildcard',
      'Wildcard cloudtrail.events table-wildcard',
    ])
  })

  it('marks wildcard, column, tag-expression and data-cells-filter grants used by reads of their tables, with the last use', () => {
    // Session ARNs are reported as roles by deriveReads; a role ARN with an IAM path still matches.
    const reads = [
      read(WILD, 'cloudtrail.events', '2026-11-30T10:00:00Z'),
      read(WILD, 'cloudtrail.events', '2026-11-30T12:00:00Z'),
      read(COLUMNS, 'cloudtrail.events', '2026-11-29T10:00:00Z'),
      read(TAGGED, 'cloudtrail.events', '2026-11-28T10:00:00Z'),
      read('arn:aws:iam::111122223333:role/team/Filtered', 'cloudtrail.events', '2026-11-27T10:00:00Z'),
    ]
    const report = assembleUsage(access, reads, ACCOUNT)
    expect(rowOf(report, WILD, 'cloudtrail.events')).toMatchObject({used: true, reads: 2, lastUsed: '2026-11-30T12:00:00Z', path: 'table-wildcard'})
    expect(rowOf(report, WILD, 'cloudtrail.digest')).toMatchObject({used: false, reads: 0, lastUsed: null})
    expect(rowOf(report, COLUMNS, 'cloudtrail.events')).toMatchObject({used: true, lastUsed: '2026-11-29T10:00:00Z'})
    expect(rowOf(report, TAGGED, 'cloudtrail.events')).toMatchObject({used: true, path: 'lf-tag-expression'})
    expect(rowOf(report, FILTERED, 'cloudtrail.events')).toMatchObject({used: true, path: 'data-cells-filter'})
    expect(rowOf(report, IDLE, 'cloudtrail.digest')).toMatchObject({used: false})
    expect(report.unexplained).toEqual([])
  })

  it('proposes revoking only grants none of whose tables were read, never admins', () => {
    const report = assembleUsage(access, [read(WILD, 'cloudtrail.events', '2026-11-30T10:00:00Z')], ACCOUNT)
    const proposed = report.proposal.revoke.map((entry) => entry.principal.split('/').at(-1))
    // The wildcard was used on events, so it stays although digest was never read through it.
    expect(proposed).toEqual(['Columns', 'Filtered', 'Idle', 'Tagged'])
    expect(report.proposal.revoke.find((entry) => entry.principal === IDLE)).toMatchObject({tables: ['cloudtrail.digest'], path: 'table-grant'})
    expect(report.proposal.review).toEqual([])
  })

  it('lists reads no row explains: an unknown principal, a direct read without a bypass row, a denied read left out', () => {
    const reads = [
      read(STRANGER, 'cloudtrail.events', '2026-11-30T10:00:00Z'),
      read(STRANGER, 'cloudtrail.events', '2026-11-30T11:00:00Z'),
      read(WILD, 'cloudtrail.events', '2026-11-30T10:00:00Z', {path: 'direct-s3', engine: 's3'}),
      read(IDLE, 'cloudtrail.events', '2026-11-30T10:00:00Z', {denied: true}),
    ]
    const report = assembleUsage(access, reads, ACCOUNT)
    expect(report.unexplained).toMatchObject([
      {principal: STRANGER, table: 'cloudtrail.events', path: 'lake-formation', count: 2, firstRead: '2026-11-30T10:00:00Z', lastRead: '2026-11-30T11:00:00Z'},
      {principal: WILD, table: 'cloudtrail.events', path: 'direct-s3', count: 1},
    ])
    expect(rowOf(report, WILD, 'cloudtrail.events')).toMatchObject({used: false})
  })

  it('explains a read by an IAM_ALLOWED_PRINCIPALS row for a principal of the account, and a direct read by a bypass row', () => {
    const open = computeAccess({...STATE, grants: [grant('IAM_ALLOWED_PRINCIPALS', {type: 'table', database: 'cloudtrail', table: 'events'}, ['ALL'])]})
    const report = assembleUsage(open, [read(STRANGER, 'cloudtrail.events', '2026-11-30T10:00:00Z')], ACCOUNT)
    expect(report.rows.find((row) => row.path === 'iam-allowed-principals')).toMatchObject({used: true})
    expect(report.unexplained).toEqual([])

    const bypass = [...access, {...access[0], principal: STRANGER, path: 's3-bypass-iam' as const, via: 'inline:ReadLogs', expected: undefined}]
    const direct = assembleUsage(bypass, [read(STRANGER, null, '2026-11-30T10:00:00Z', {path: 'direct-s3', engine: 's3'})], ACCOUNT)
    expect(direct.rows.find((row) => row.path === 's3-bypass-iam')).toMatchObject({used: true, reads: 1})
    expect(direct.unexplained).toEqual([])
    const unused = assembleUsage(bypass, [], ACCOUNT)
    expect(unused.proposal.review).toMatchObject([{principal: STRANGER, path: 's3-bypass-iam', grant: 'inline:ReadLogs'}])
  })
})
