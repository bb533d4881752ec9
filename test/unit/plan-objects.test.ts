import {diffObjects, type ObjectsState} from '../../src/core/plan/objects'
import {buildPlan} from '../../src/core/plan/plan'
import {parsePolicies} from '../../src/core/policy/parse'
import {renderPlanText} from '../../src/output/plan'
import type {DesiredState} from '../../src/core/policy/types'

const source = {file: 'f.yaml', line: 1, column: 1, field: 'x'}
const desired: Pick<DesiredState, 'tags' | 'filters' | 'assignments'> = {
  tags: [{key: 'sensitivity', values: ['internal', 'public'], source}],
  filters: [{name: 'us_only', database: 'cloudtrail', table: 'logs', rows: "awsregion = 'us-east-1'", columns: {exclude: ['sourceipaddress']}, source}],
  assignments: [{database: 'cloudtrail', table: 'logs', tags: {sensitivity: 'internal'}, source}],
}
const empty: ObjectsState = {tags: [], filters: [], assignments: []}

describe('diffObjects', () => {
  it('creates what is missing, tags first, then filters, then assignments', () => {
    expect(diffObjects(desired, empty)).toEqual([
      {kind: 'tag', action: 'create', key: 'sensitivity', values: ['internal', 'public']},
      {kind: 'filter', action: 'create', filter: {name: 'us_only', database: 'cloudtrail', table: 'logs', rows: "awsregion = 'us-east-1'", columns: {exclude: ['sourceipaddress']}}},
      {kind: 'assignment', action: 'assign', target: {database: 'cloudtrail', table: 'logs', columns: undefined}, tags: {sensitivity: 'internal'}},
    ])
  })

  it('changes nothing when the account matches, and never removes extra values, filters or tags', () => {
    const current: ObjectsState = {
      tags: [{key: 'sensitivity', values: ['internal', 'public', 'secret']}, {key: 'other', values: ['x']}],
      filters: [
        {name: 'us_only', database: 'cloudtrail', table: 'logs', rows: "awsregion = 'us-east-1'", columns: {exclude: ['sourceipaddress']}},
        {name: 'stray', database: 'cloudtrail', table: 'logs'},
      ],
      assignments: [{target: {database: 'cloudtrail', table: 'logs'}, tags: {sensitivity: 'internal'}}],
    }
    expect(diffObjects(desired, current)).toEqual([])
  })

  it('adds missing values, updates a changed filter and reassigns a changed value', () => {
    const current: ObjectsState = {
      tags: [{key: 'sensitivity', values: ['public']}],
      filters: [{name: 'us_only', database: 'cloudtrail', table: 'logs', rows: 'true'}],
      assignments: [{target: {database: 'cloudtrail', table: 'logs'}, tags: {sensitivity: 'public'}}],
    }
    expect(diffObjects(desired, current).map((change) => `${change.kind}:${change.action}`)).toEqual(['tag:add-values', 'filter:update', 'assignment:assign'])
    expect(diffObjects(desired, current)[0]).toMatchObject({values: ['internal']})
  })

  it('treats "exclude nothing" and "all columns" as the same filter', () => {
    const all = {...desired, filters: [{name: 'f', database: 'c', table: 't', source}]}
    expect(diffObjects(all, {...empty, tags: [{key: 'sensitivity', values: ['internal', 'public']}], filters: [{name: 'f', database: 'c', table: 't', columns: {exclude: []}}], assignments: [{target: {database: 'cloudtrail', table: 'logs'}, tags: {sensitivity: 'internal'}}]})).toEqual([])
  })
})

describe('a data cells filter whose columns are not in alphabetical order', () => {
  const file = [
    'principals:',
    '  p: arn:aws:iam::111122223333:role/P',
    'filters:',
    '  us_only:',
    '    database: cloudtrail',
    '    table: logs',
    "    rows: \"awsregion = 'us-east-1'\"",
    '    columns: {include: [eventTime, awsRegion, eventName]}',
    'grants:',
    '  - principal: p',
    '    database: cloudtrail',
    '    table: logs',
    '    filter: us_only',
    '    permissions: [SELECT]',
  ].join('\n')
  const parsed = parsePolicies([{path: 'f.yaml', text: file}])
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  // What ListDataCellsFilter gives back, read by the adapter: lowercase and sorted.
  const account = (columns: string[]): ObjectsState => ({
    tags: [],
    filters: [{name: 'us_only', database: 'cloudtrail', table: 'logs', rows: "awsregion = 'us-east-1'", columns: {include: columns}}],
    assignments: [],
  })

  it('converges: the file side is compared in the account\'s canonical form', () => {
    expect(diffObjects(parsed.state, account(['awsregion', 'eventname', 'eventtime']))).toEqual([])
  })

  it('a ~ line says what differs, before -> after, and only that', () => {
    const changes = diffObjects(parsed.state, account(['awsregion', 'eventname']))
    expect(changes).toEqual([expect.objectContaining({kind: 'filter', action: 'update', differs: ['columns']})])
    const plan = buildPlan({desired: [], current: [], scope: parsed.state.scope, prune: false, account: '111122223333', region: 'us-east-1', objects: {desired: parsed.state, current: account(['awsregion', 'eventname'])}})
    const text = renderPlanText(plan, (id) => id)
    expect(text).toMatch(/~ filter:cloudtrail\.logs\.us_only\s+columns: awsregion, eventname -> awsregion, eventname, eventtime$/m)
    expect(text).not.toMatch(/rows:/)
  })
})
