import {parsePolicies} from '../../src/core/policy/parse'
import {checkCatalogReferences, referencedDatabases, type CatalogSnapshot} from '../../src/core/policy/references'

const FILE = [
  'principals:',
  '  p: arn:aws:iam::111122223333:role/P',
  'tags:',
  '  sensitivity: [internal]',
  'filters:',
  '  us_only:',
  '    database: cloudtrail',
  '    table: cloudtrail_logs',
  '    columns: {include: [eventname, awsregoin]}',
  'assign:',
  '  - database: cloudtrail',
  '    table: cloudtrail_logz',
  '    tags: {sensitivity: internal}',
  'grants:',
  '  - principal: p',
  '    database: cloudtrial',
  '    permissions: [DESCRIBE]',
  '  - principal: p',
  '    database: cloudtrail',
  '    table: cloudtrail_log',
  '    permissions: [SELECT]',
  '  - principal: p',
  '    database: cloudtrail',
  '    table: cloudtrail_logs',
  '    columns: {exclude: [sourceipadress]}',
  '    permissions: [SELECT]',
  '  - principal: p',
  '    database: cloudtrail',
  '    table: "*"',
  '    permissions: [DESCRIBE]',
  '  - principal: p',
  '    database: cloudtrail',
  '    table: cloudtrail_logs',
  '    filter: us_only',
  '    permissions: [SELECT]',
].join('\n')

const catalog: CatalogSnapshot = {
  databases: ['cloudtrail', 'default'],
  tables: {cloudtrail: [{name: 'cloudtrail_logs', columns: ['awsregion', 'eventname', 'sourceipaddress', 'timestamp']}]},
}

function state() {
  const parsed = parsePolicies([{path: 'policies/grants/readers.yaml', text: FILE}])
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  return parsed.state
}

describe('checkCatalogReferences', () => {
  it('reads the tables of the databases the files name, and only those', () => {
    expect(referencedDatabases(state())).toEqual(['cloudtrail', 'cloudtrial'])
  })

  it('reports each missing database, table and column at its file and line, with "did you mean"', () => {
    const issues = checkCatalogReferences(state(), catalog)
    expect(issues.map(({line, field, message, hint}) => ({line, field, message, hint}))).toEqual([
      {line: 7, field: 'filters.us_only.columns', message: 'column "awsregoin" does not exist in table cloudtrail.cloudtrail_logs', hint: 'did you mean "awsregion"?'},
      {line: 11, field: 'assign[0].table', message: 'table "cloudtrail.cloudtrail_logz" does not exist in the Glue catalog', hint: 'did you mean "cloudtrail_logs"?'},
      {line: 15, field: 'grants[0].database', message: 'database "cloudtrial" does not exist in the Glue catalog', hint: 'did you mean "cloudtrail"?'},
      {line: 18, field: 'grants[1].table', message: 'table "cloudtrail.cloudtrail_log" does not exist in the Glue catalog', hint: 'did you mean "cloudtrail_logs"?'},
      {line: 22, field: 'grants[2].columns', message: 'column "sourceipadress" does not exist in table cloudtrail.cloudtrail_logs', hint: 'did you mean "sourceipaddress"?'},
    ])
    expect(issues.every((issue) => issue.file === 'policies/grants/readers.yaml')).toBe(true)
  })

  it('finds nothing wrong when every object exists', () => {
    const good = {...catalog, databases: [...catalog.databases, 'cloudtrial'], tables: {...catalog.tables, cloudtrial: []}}
    const fixed = state()
    fixed.filters = []
    fixed.assignments = []
    fixed.grants = fixed.grants.filter((grant) => !('table' in grant.resource) || grant.resource.table === 'cloudtrail_logs')
    fixed.grants = fixed.grants.filter((grant) => grant.resource.type !== 'columns')
    expect(checkCatalogReferences(fixed, good)).toEqual([])
  })
})
