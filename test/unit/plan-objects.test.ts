import {diffObjects, type ObjectsState} from '../../src/core/plan/objects'
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
