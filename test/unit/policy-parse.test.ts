import {readFileSync, readdirSync} from 'node:fs'
import path from 'node:path'

import {parsePolicies} from '../../src/core/policy/parse'
import type {PolicyIssue, PolicySource} from '../../src/core/policy/types'

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'grants')

function source(relative: string): PolicySource {
  return {path: relative, text: readFileSync(path.join(FIXTURES, relative), 'utf8')}
}

function issuesOf(sources: PolicySource[]): PolicyIssue[] {
  const result = parsePolicies(sources)
  if (result.ok) throw new Error('expected the files to be invalid')
  return result.issues
}

function parseYaml(text: string) {
  const result = parsePolicies([{path: 'inline.yaml', text}])
  if (!result.ok) throw new Error(`unexpected issues: ${JSON.stringify(result.issues, null, 2)}`)
  return result.state
}

describe('parsePolicies: one fixture per error kind', () => {
  // fixture, line, column, field, message, hint
  const cases: Array<[string, number, number, string, RegExp, RegExp?]> = [
    ['unknown-key', 6, 5, 'grants[0].permisions', /unknown key "permisions"/, /did you mean "permissions"/],
    ['unknown-principal', 4, 16, 'grants[0].principal', /unknown principal "analyst"/, /did you mean "analysts"/],
    ['malformed-arn', 2, 13, 'principals.analysts', /is not a valid principal/, /12-digit account id/],
    ['permission-not-for-database', 6, 29, 'grants[0].permissions[1]', /SELECT is not a permission on a database/, /CREATE_TABLE/],
    ['select-on-database-expression', 9, 29, 'grants[0].permissions[1]', /SELECT is not a permission on an LF-tag expression on databases/, /CREATE_TABLE/],
    ['location-permission-on-table', 7, 19, 'grants[0].permissions[0]', /DATA_LOCATION_ACCESS is not a permission on a table/],
    ['undeclared-filter', 7, 13, 'grants[0].filter', /data cells filter "us_east_only" is not declared/, /no filters is declared/],
    ['filter-on-another-table', 9, 13, 'grants[0].filter', /is on cloudtrail.other_logs, not cloudtrail.cloudtrail_logs/],
    ['undeclared-tag', 5, 25, 'grants[0].tags.sensitivity', /LF-tag "sensitivity" is not declared/],
    ['undeclared-tag-value', 6, 48, 'assign[0].tags.sensitivity', /"secret" is not a value of LF-tag "sensitivity"/, /public, internal|internal, public/],
    ['iam-allowed-principals', 2, 16, 'grants[0].principal', /whose IAM policy allows it/, /allowBroad: true/],
    ['organization-without-allow-broad', 4, 16, 'grants[0].principal', /in an organization/, /allowBroad: true/],
    ['grantable-not-granted', 7, 17, 'grants[0].grantable[0]', /ALTER is grantable but not granted/],
    ['yaml-syntax', 4, 16, '(file)', /^YAML syntax error: Nested mappings are not allowed in compact mappings$/],
    ['no-resource', 4, 5, 'grants[0]', /names no resource/],
    ['two-resources', 4, 5, 'grants[0]', /more than one resource \(database, location\)/],
    ['columns-on-every-table', 7, 5, 'grants[0].columns', /cannot apply to every table/],
    ['outside-scope', 6, 5, 'grants[0]', /database "billing" is outside the declared scope/, /scope.databases/],
    ['duplicate-key-in-file', 3, 3, '(file)', /YAML syntax error: Map keys must be unique/],
  ]

  it('covers every fixture', () => {
    const names = readdirSync(path.join(FIXTURES, 'invalid')).map((name) => name.replace(/\.yaml$/, ''))
    expect(cases.map(([name]) => name).sort()).toEqual(names.sort())
  })

  const table = cases.map(([name, line, column, field, message, hint]) => ({name, line, column, field, message, hint}))
  it.each(table)('$name', ({name, line, column, field, message, hint}) => {
    const issues = issuesOf([source(`invalid/${name}.yaml`)])
    const issue = issues.find((candidate) => message.test(candidate.message))
    expect(issue).toBeDefined()
    expect(issue).toMatchObject({file: `invalid/${name}.yaml`, line, column, field})
    if (hint) expect(issue!.hint).toMatch(hint)
  })

  it('reports every problem in every file at once, sorted by file and line', () => {
    const issues = issuesOf([source('invalid/unknown-principal.yaml'), source('invalid/grantable-not-granted.yaml'), source('invalid/unknown-key.yaml')])
    expect(issues.map((issue) => `${issue.file}:${issue.line}`)).toEqual([
      'invalid/grantable-not-granted.yaml:7',
      'invalid/unknown-key.yaml:4',
      'invalid/unknown-key.yaml:6',
      'invalid/unknown-principal.yaml:4',
    ])
  })
})

describe('parsePolicies: across files', () => {
  it('names both places of a conflict and of a duplicate grant', () => {
    const issues = issuesOf([source('conflict/b.yaml'), source('conflict/a.yaml')])
    expect(issues).toEqual([
      expect.objectContaining({file: 'conflict/b.yaml', line: 2, field: 'principals.analysts', message: 'principal "analysts" is declared twice', hint: 'first declared at conflict/a.yaml:2 (principals.analysts)'}),
      expect.objectContaining({file: 'conflict/b.yaml', line: 5, field: 'grants[0]', message: 'a grant to readers on a database is declared twice', hint: 'first declared at conflict/a.yaml:4 (grants[0])'}),
    ])
  })

  it('merges files: a principal declared in one file is usable in another', () => {
    const result = parsePolicies([
      {path: 'a.yaml', text: 'principals:\n  analysts: arn:aws:iam::111122223333:role/A\n'},
      {path: 'b.yaml', text: 'grants:\n  - {principal: analysts, database: cloudtrail, permissions: [DESCRIBE]}\n'},
    ])
    expect(result.ok).toBe(true)
  })
})

describe('parsePolicies: the desired state', () => {
  it('parses the example in policies/grants into canonical grants', () => {
    const text = readFileSync(path.resolve(__dirname, '..', '..', 'policies', 'grants', 'security.yaml'), 'utf8')
    const state = parseYaml(text)
    expect(state.scope).toEqual({databases: ['cloudtrail'], locations: [], catalog: false, tags: true})
    expect(state.grants.map(({source: _source, ...grant}) => grant)).toEqual([
      {
        principal: '444455556666',
        resource: {type: 'dataCellsFilter', database: 'cloudtrail', table: 'cloudtrail_logs', filter: 'us_east_only'},
        permissions: ['SELECT'],
        grantable: [],
      },
      {
        principal: 'arn:aws:iam::123456789012:role/Auditor',
        resource: {type: 'columns', database: 'cloudtrail', table: 'cloudtrail_logs', columns: {exclude: ['sourceipaddress', 'useridentity']}},
        permissions: ['SELECT'],
        grantable: [],
      },
      {
        principal: 'arn:aws:iam::123456789012:role/SecurityAnalyst',
        resource: {type: 'lfTagPolicy', resourceType: 'TABLE', expression: [{key: 'sensitivity', values: ['internal']}]},
        permissions: ['SELECT'],
        grantable: [],
      },
      {principal: 'arn:aws:iam::123456789012:role/SecurityAnalyst', resource: {type: 'tableWildcard', database: 'cloudtrail'}, permissions: ['DESCRIBE', 'SELECT'], grantable: []},
    ])
    expect(state.filters).toEqual([
      expect.objectContaining({name: 'us_east_only', database: 'cloudtrail', table: 'cloudtrail_logs', rows: "awsregion = 'us-east-1'", columns: {exclude: ['sourceipaddress']}}),
    ])
    expect(state.tags).toEqual([expect.objectContaining({key: 'sensitivity', values: ['internal', 'public', 'restricted']})])
    expect(state.assignments).toEqual([expect.objectContaining({database: 'cloudtrail', table: 'cloudtrail_logs', tags: {sensitivity: 'internal'}})])
  })

  it.each([
    ['the catalog', 'catalog: true', ['CREATE_DATABASE'], {type: 'catalog'}],
    ['a data location', 'location: s3://acme-logs/AWSLogs/', ['DATA_LOCATION_ACCESS'], {type: 'dataLocation', path: 'arn:aws:s3:::acme-logs/AWSLogs'}],
    ['a database', 'database: CloudTrail', ['CREATE_TABLE'], {type: 'database', database: 'cloudtrail'}],
    ['a table', 'database: cloudtrail\n    table: Logs', ['SELECT'], {type: 'table', database: 'cloudtrail', table: 'logs'}],
    ['included columns', 'database: c\n    table: t\n    columns: {include: [b, A]}', ['SELECT'], {type: 'columns', database: 'c', table: 't', columns: {include: ['a', 'b']}}],
    ['columns excluding nothing (the whole table)', 'database: c\n    table: t\n    columns: {exclude: []}', ['SELECT'], {type: 'table', database: 'c', table: 't'}],
    ['an LF-tag', 'tag: {env: [prod]}', ['ASSOCIATE'], {type: 'lfTag', key: 'env', values: ['prod']}],
    ['a tag expression on databases', 'tags: {env: [prod]}\n    on: databases', ['DESCRIBE'], {type: 'lfTagPolicy', resourceType: 'DATABASE', expression: [{key: 'env', values: ['prod']}]}],
  ])('a grant on %s', (_name, selector, permissions, resource) => {
    const state = parseYaml(`principals:\n  p: arn:aws:iam::111122223333:role/P\ntags:\n  env: [prod]\ngrants:\n  - principal: p\n    ${selector}\n    permissions: [${permissions.join(', ')}]\n`)
    expect(state.grants.map((grant) => grant.resource)).toEqual([resource])
  })

  it('collapses ALL\'s expansion to ALL', () => {
    const state = parseYaml(
      'principals:\n  p: arn:aws:iam::111122223333:role/P\ngrants:\n  - principal: p\n    database: c\n    table: t\n    permissions: [ALTER, DELETE, DESCRIBE, DROP, INSERT, SELECT]\n    grantable: [SELECT]\n',
    )
    expect(state.grants[0]).toMatchObject({permissions: ['ALL'], grantable: ['SELECT']})
  })

  it('accepts a broad grant with allowBroad', () => {
    const state = parseYaml('grants:\n  - principal: IAM_ALLOWED_PRINCIPALS\n    allowBroad: true\n    database: c\n    permissions: [ALL]\n')
    expect(state.grants[0].principal).toBe('IAM_ALLOWED_PRINCIPALS')
  })

  it('treats an empty file as declaring nothing', () => {
    expect(parseYaml('# nothing yet\n').grants).toEqual([])
  })
})
