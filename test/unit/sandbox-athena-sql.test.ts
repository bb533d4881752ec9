import {convert, duckType, parseHiveType, rowOf} from '../support/sandbox/athena/hive'
import {formatDate, parseDate, projectPartitions} from '../support/sandbox/athena/projection'
import {QueryFailure, substituteParameters} from '../support/sandbox/athena/sql'

describe('sandbox Athena: execution parameters', () => {
  it('substitutes ? in order, and leaves strings, quoted names and comments alone', () => {
    expect(substituteParameters("SELECT '?', \"a?\" FROM t -- ?\nWHERE a = ? /* ? */ AND b IN (?, ?)", ["'x'", '1', "'it''s'"])).toBe(
      "SELECT '?', \"a?\" FROM t -- ?\nWHERE a = 'x' /* ? */ AND b IN (1, 'it''s')",
    )
  })

  it('fails a count mismatch as INVALID_PARAMETER_USAGE (error type 1100)', () => {
    expect(() => substituteParameters('SELECT ?', [])).toThrow(QueryFailure)
    expect(() => substituteParameters('SELECT 1', ["'x'"])).toThrow(/expected 0 but found 1/)
    let caught: unknown
    try {
      substituteParameters('SELECT ?, ?', ['1'])
    } catch (error) {
      caught = error
    }
    expect((caught as QueryFailure).errorType).toBe(1100)
  })
})

describe('sandbox Athena: partition projection', () => {
  const now = Date.UTC(2026, 10, 3, 10, 0, 0)

  it('formats and parses the date patterns CloudTrail tables use', () => {
    expect(formatDate(Date.UTC(2026, 0, 5, 7, 8, 9), 'yyyy/MM/dd')).toBe('2026/01/05')
    expect(formatDate(Date.UTC(2026, 0, 5, 7, 8, 9), "yyyy-MM-dd'T'HH")).toBe('2026-01-05T07')
    expect(parseDate('2026/01/05', 'yyyy/MM/dd')).toBe(Date.UTC(2026, 0, 5))
    expect(() => parseDate('2026-01-05', 'yyyy/MM/dd')).toThrow(/does not match/)
  })

  it('enumerates enum × date partitions up to NOW and fills the location template', () => {
    const partitions = projectPartitions(
      ['region', 'timestamp'],
      {
        'projection.enabled': 'true',
        'projection.region.type': 'enum',
        'projection.region.values': 'us-east-1,eu-west-1',
        'projection.timestamp.type': 'date',
        'projection.timestamp.format': 'yyyy/MM/dd',
        'projection.timestamp.range': '2026/10/31,NOW',
        'projection.timestamp.interval': '1',
        'projection.timestamp.interval.unit': 'DAYS',
        'storage.location.template': 's3://logs/AWSLogs/111122223333/CloudTrail/${region}/${timestamp}',
      },
      's3://logs/AWSLogs/111122223333/CloudTrail',
      now,
    )
    expect(partitions.map((partition) => partition.location)).toEqual([
      's3://logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/31',
      's3://logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01',
      's3://logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02',
      's3://logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/03',
      's3://logs/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/31',
      's3://logs/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01',
      's3://logs/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/02',
      's3://logs/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/03',
    ])
    expect(partitions[1].values).toEqual({region: 'us-east-1', timestamp: '2026/11/01'})
  })

  it('supports NOW offsets, integer ranges with digits, Hive-style locations and injected values', () => {
    const days = projectPartitions(['d'], {'projection.d.type': 'date', 'projection.d.format': 'yyyy-MM-dd', 'projection.d.range': 'NOW-2DAYS,NOW'}, 's3://b/t', now)
    expect(days.map((partition) => partition.location)).toEqual(['s3://b/t/d=2026-11-01', 's3://b/t/d=2026-11-02', 's3://b/t/d=2026-11-03'])
    const numbers = projectPartitions(['n'], {'projection.n.type': 'integer', 'projection.n.range': '1,3', 'projection.n.digits': '2'}, 's3://b/t/', now)
    expect(numbers.map((partition) => partition.values.n)).toEqual(['01', '02', '03'])
    expect(projectPartitions(['id'], {'projection.id.type': 'injected'}, 's3://b/t', now, {id: ['x']})).toEqual([{values: {id: 'x'}, location: 's3://b/t/id=x'}])
    expect(() => projectPartitions(['id'], {'projection.id.type': 'injected'}, 's3://b/t', now)).toThrow(/CONSTRAINT_VIOLATION/)
    expect(() => projectPartitions(['x'], {'projection.x.type': 'fancy'}, 's3://b/t', now)).toThrow(/enum, integer, date or injected/)
  })
})

describe('sandbox Athena: Hive JSON SerDe reading', () => {
  const type = 'struct<type:string,arn:string,sessioncontext:struct<sessionissuer:struct<arn:string>>>'

  it('maps Hive types to DuckDB types', () => {
    expect(duckType(parseHiveType(type))).toBe('STRUCT("type" VARCHAR, "arn" VARCHAR, "sessioncontext" STRUCT("sessionissuer" STRUCT("arn" VARCHAR)))')
    expect(duckType(parseHiveType('array<struct<arn:string, accountid:string>>'))).toBe('STRUCT("arn" VARCHAR, "accountid" VARCHAR)[]')
    expect(duckType(parseHiveType('map<string,string>'))).toBe('MAP(VARCHAR, VARCHAR)')
    expect(duckType(parseHiveType('decimal(10,2)'))).toBe('DECIMAL(10,2)')
    expect(() => parseHiveType('struct<a:nosuchtype>')).toThrow(/nosuchtype/)
  })

  it('matches fields without case, gives JSON text for objects in string columns, and NULL for what is missing', () => {
    const columns = [
      {name: 'useridentity', type: parseHiveType(type)},
      {name: 'requestparameters', type: parseHiveType('string')},
      {name: 'readonly', type: parseHiveType('string')},
      {name: 'errorcode', type: parseHiveType('string')},
    ]
    const record = {userIdentity: {type: 'AssumedRole', arn: 'arn:x', sessionContext: {sessionIssuer: {arn: 'arn:role'}}}, requestParameters: {bucketName: 'b', Host: 'h'}, readOnly: true}
    expect(rowOf(record, columns)).toEqual({
      useridentity: {type: 'AssumedRole', arn: 'arn:x', sessioncontext: {sessionissuer: {arn: 'arn:role'}}},
      requestparameters: '{"bucketName":"b","Host":"h"}',
      readonly: 'true',
      errorcode: null,
    })
    expect(convert('not an object', parseHiveType(type))).toBeNull()
    expect(convert('12', parseHiveType('bigint'))).toBe(12)
    expect(convert('x', parseHiveType('int'))).toBeNull()
  })
})
