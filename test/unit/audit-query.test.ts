import {resolveAccessQuery} from '../../src/core/audit/query'
import {ExitCode} from '../../src/core/exit-codes'

const tables = ['management', 'data', 'insights'].map((table) => ({database: 'cloudtrail', table, columns: []}))
const scope = {database: 'cloudtrail', tables, declaredPrincipals: {analyst: 'arn:aws:iam::111122223333:role/Analyst', partner: '444455556666'}}

describe('resolveAccessQuery', () => {
  it.each([
    ['no filter', {}, {database: 'cloudtrail'}],
    ['a table in another case', {table: 'Management'}, {database: 'cloudtrail', table: 'management'}],
    ['a name from the grants files', {principal: 'analyst'}, {database: 'cloudtrail', principal: 'arn:aws:iam::111122223333:role/Analyst'}],
    ['an ARN', {principal: 'arn:aws:sts::111122223333:assumed-role/Analyst/s'}, {database: 'cloudtrail', principal: 'arn:aws:sts::111122223333:assumed-role/Analyst/s'}],
    ['an account id', {principal: '777788889999'}, {database: 'cloudtrail', principal: '777788889999'}],
    ['anyone', {principal: '*'}, {database: 'cloudtrail', principal: '*'}],
    ['IAM_ALLOWED_PRINCIPALS', {principal: 'IAM_ALLOWED_PRINCIPALS'}, {database: 'cloudtrail', principal: 'IAM_ALLOWED_PRINCIPALS'}],
  ])('%s', (_name, query, expected) => {
    expect(resolveAccessQuery(scope, query)).toEqual(expected)
  })

  it('a --table that matches nothing is exit 64, listing the tables', () => {
    expect(() => resolveAccessQuery(scope, {table: 'managment'})).toThrow(
      expect.objectContaining({exitCode: ExitCode.Usage, code: 'FILTER_MATCHES_NOTHING', message: '--table managment matches no table of database cloudtrail. Its tables: data, insights, management.'}),
    )
  })

  it('lists the first 20 of many, and how many more', () => {
    const many = Array.from({length: 25}, (_, i) => ({database: 'cloudtrail', table: `t${String(i).padStart(2, '0')}`, columns: []}))
    expect(() => resolveAccessQuery({...scope, tables: many}, {table: 'x'})).toThrow(/t19 \(and 5 more\)\.$/)
  })

  it('a --principal that is neither an identifier nor a declared name is exit 64, listing the names', () => {
    expect(() => resolveAccessQuery(scope, {principal: 'analyts'})).toThrow(
      expect.objectContaining({exitCode: ExitCode.Usage, message: expect.stringContaining('Names in the grants files: analyst, partner.')}),
    )
  })
})
