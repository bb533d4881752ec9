/**
 * The SQL both SQL engines send, as text, and run by DuckDB over real-format files: for every filter
 * and grouping it must give what the in-memory predicates (filter.ts, used by the lookup engine) give
 * over the same records, so that the engines cannot drift apart.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {gzipSync} from 'node:zlib'

import {compareNewestFirst, dedupeByEventId, matchesQuery} from '../../src/core/activity/filter'
import {GROUPINGS, type ActivityQuery} from '../../src/core/activity/query'
import {RECORD_FIELDS, projectRecord, projectRecordFields} from '../../src/core/activity/record'
import {RECORD_JSON_COLUMN, ROW_JSON_COLUMN, athenaParameter, duckdbColumnsCopySql, duckdbColumnsViewSql, duckdbJsonRowsSql, duckdbViewSql, eventColumns, eventStreamSql, eventsSql, groupCountOfRow, recordsSql, summarySql, viewFieldsOf, type SqlStatement} from '../../src/core/activity/sql'
import {groupRecords} from '../../src/core/activity/summary'
import {DuckDb} from '../../src/engines/duckdb'
import {generateCloudTrail} from '../support/cloudtrail-fixtures'

jest.setTimeout(120_000)

const byRecordOrder = (a: string, b: string) => RECORD_FIELDS.findIndex((field) => field.name === a) - RECORD_FIELDS.findIndex((field) => field.name === b)
const TABLE = {name: '"cloudtrail"."cloudtrail_logs"', partitionKeys: ['region', 'timestamp']}
const base = (filters: Partial<ActivityQuery['filters']> = {}): ActivityQuery => ({window: {from: '2026-11-24T06:00:00Z', to: '2026-11-26T00:00:00Z'}, filters: {regions: 'all', errorsOnly: false, ...filters}})

describe('the SQL text', () => {
  it('constrains the partitions, passes every value as a parameter and splices none', () => {
    const query = base({regions: ['eu-west-1'], principal: "O'Brien", eventSource: 'iam.amazonaws.com', eventName: 'CreateRole', readOnly: false, errorsOnly: true})
    const {text, params} = summarySql(query, 'principal', TABLE)
    expect(text).toContain('"timestamp" BETWEEN ? AND ?')
    expect(text).toContain('region IN (?)')
    expect(text).not.toMatch(/O'Brien|CreateRole|iam\.amazonaws|2026|eu-west-1/)
    expect(params).toEqual(['2026/11/24', '2026/11/25', 'eu-west-1', 'eu-west-1', '2026-11-24T06:00:00Z', '2026-11-26T00:00:00Z', 'iam.amazonaws.com', 'CreateRole', 'false', "O'Brien"])
    expect(text.split('?').length - 1).toBe(params.length)
    expect(athenaParameter("O'Brien")).toBe("'O''Brien'")
  })

  it('leaves out partition predicates the table lacks, and limits events to a validated integer', () => {
    const {text} = eventsSql(base(), 25, {name: 'cloudtrail_logs', partitionKeys: ['timestamp']})
    expect(text).not.toContain('region IN')
    expect(text).toMatch(/LIMIT 25$/)
    expect(() => eventsSql(base(), 0, TABLE)).toThrow(RangeError)
  })

  it('is one text for Athena and DuckDB: only the table reference differs', () => {
    const athena = summarySql(base(), 'service', {name: '"cloudtrail"."cloudtrail_logs"', partitionKeys: ['timestamp']})
    const duckdb = summarySql(base(), 'service', {name: 'cloudtrail_logs', partitionKeys: ['timestamp']})
    expect(duckdb.text).toBe(athena.text.replace('"cloudtrail"."cloudtrail_logs"', 'cloudtrail_logs'))
    expect(duckdb.params).toEqual(athena.params)
  })
})

describe('the SQL run by DuckDB agrees with the in-memory predicates', () => {
  const set = generateCloudTrail({seed: 5, start: '2026-11-24', days: 2, regions: ['us-east-1', 'eu-west-1'], filesPerDay: 3, eventsPerFile: 25, includeAwsSamples: false, duplicateRate: 0.3})
  let dir: string
  let db: DuckDb
  const delivered = set.files.flatMap((file) => file.records)

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lakegov-sql-'))
    const files = set.files.map((file) => {
      const target = path.join(dir, ...file.key.split('/'))
      mkdirSync(path.dirname(target), {recursive: true})
      writeFileSync(target, file.body())
      return target
    })
    // A field first seen in a later file must survive (no schema inference).
    const late = path.join(dir, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1', '2026', '11', '25', 'late.json.gz')
    writeFileSync(late, gzipSync(JSON.stringify({Records: [{...delivered[0], eventID: 'late-1', eventTime: '2026-11-25T12:00:00Z', vpcEndpointId: 'vpce-1', tlsDetails: {tlsVersion: 'TLSv1.3'}}]})))
    delivered.push({...delivered[0], eventID: 'late-1', eventTime: '2026-11-25T12:00:00Z', vpcEndpointId: 'vpce-1', tlsDetails: {tlsVersion: 'TLSv1.3'}})
    db = await DuckDb.open({memoryLimit: '256MB', threads: 1})
    await db.run(duckdbViewSql({name: 'cloudtrail_logs', files: [...files, late], maximumObjectSize: 16 * 1024 ** 2}))
    await db.run(duckdbViewSql({name: 'cloudtrail_logs_whole', files: [...files, late], maximumObjectSize: 16 * 1024 ** 2, wholeRecords: true}))
    // The local engine's columnar copies: us-east-1's day folders written to Parquet (every field),
    // eu-west-1's read as JSON, as one view (a run whose some days have copies and some not).
    const parquet: string[] = []
    const allFields = RECORD_FIELDS.map((field) => field.name)
    for (const folder of [...new Set([...files, late].map((file) => path.dirname(file)))].filter((folder) => folder.includes('us-east-1')).sort()) {
      await db.run(duckdbViewSql({name: 'lakegov_day', files: {glob: path.join(folder, '*.json.gz')}, maximumObjectSize: 16 * 1024 ** 2, fields: allFields}))
      parquet.push(path.join(dir, `${parquet.length}.parquet`))
      await db.run(duckdbColumnsCopySql({from: 'lakegov_day', file: parquet.at(-1)!, fields: allFields}))
    }
    await db.run(duckdbViewSql({name: 'lakegov_json', files: {glob: path.join(dir, 'AWSLogs', '*', 'CloudTrail', 'eu-west-1', '**', '*.json.gz')}, maximumObjectSize: 16 * 1024 ** 2}))
    await db.run(duckdbColumnsViewSql({name: 'cloudtrail_logs_columns', parquet, views: ['lakegov_json'], fields: allFields}))
  })

  const whereParams = (query: ActivityQuery) => eventsSql(query, undefined, {name: 'cloudtrail_logs', partitionKeys: ['timestamp']}).params.length

  // Every form of the view (the declared read, the whole-record form, and columnar copies with JSON) answers alike.
  const views = ['cloudtrail_logs', 'cloudtrail_logs_whole', 'cloudtrail_logs_columns']
  const byView = (question: [string, () => ActivityQuery]) => views.map((view) => [question[0], view, question[1]] as const)

  afterAll(() => {
    db?.close()
    rmSync(dir, {recursive: true, force: true})
  })

  const roleOf = (record: Record<string, unknown>) => (record.userIdentity as {sessionContext?: {sessionIssuer?: {arn?: string}}})?.sessionContext?.sessionIssuer?.arn
  const someRole = () => delivered.map(roleOf).find((arn) => arn !== undefined)!

  const questions: [string, () => ActivityQuery][] = [
    ['everything', () => base()],
    ['a role by name', () => base({principal: someRole().slice(someRole().lastIndexOf('/') + 1)})],
    ['a role by ARN', () => base({principal: someRole()})],
    ['errors in one region', () => base({errorsOnly: true, regions: ['us-east-1']})],
    ['read-only IAM', () => base({eventSource: 'iam.amazonaws.com', readOnly: true})],
    ['mutating calls', () => base({readOnly: false})],
  ]

  it.each(questions.flatMap(byView))('summaries of %s, by every grouping, from %s', async (_name, view, question) => {
    const query = question()
    for (const by of GROUPINGS) {
      const statement = summarySql(query, by, {name: view, partitionKeys: ['timestamp']})
      const rows = (await db.query(statement.text, statement.params)).map(groupCountOfRow)
      const expected = groupRecords(by, delivered.filter((record) => matchesQuery(query, record)))
      const sort = (groups: {key: string}[]) => [...groups].sort((a, b) => (a.key < b.key ? -1 : 1))
      expect(sort(rows)).toEqual(sort(expected))
    }
  })

  it.each(questions.flatMap(byView))('events of %s, from %s: the same records, newest first, each once', async (_name, view, question) => {
    const query = question()
    const statement = eventsSql(query, 1000, {name: view, partitionKeys: ['timestamp']})
    const rows = await db.query(statement.text, statement.params)
    const expected = dedupeByEventId(delivered.filter((record) => matchesQuery(query, record))).sort(compareNewestFirst).map(projectRecord)
    expect(rows.map((row) => projectRecord(row))).toEqual(expected)
  })

  it.each(questions)('records of %s: the whole records as delivered (fields the table lacks, nulls), newest first, each once', async (_name, question) => {
    const query = question()
    const statement = recordsSql(query, 1000, {name: 'cloudtrail_logs_whole', partitionKeys: ['timestamp']})
    const rows = await db.query(statement.text, statement.params)
    const expected = dedupeByEventId(delivered.filter((record) => matchesQuery(query, record))).sort(compareNewestFirst)
    expect(expected.some((record) => 'managementEvent' in record)).toBe(true)
    expect(rows.map((row) => JSON.parse(String(row[RECORD_JSON_COLUMN])) as unknown)).toEqual(expected)
  })

  it.each(questions.flatMap(byView))('the stream of %s, from %s: the same events, narrowed to the fields asked, each copy as delivered', async (_name, view, question) => {
    const query = question()
    const fields = ['eventTime', 'userIdentity', 'requestParameters', 'sourceIPAddress']
    const statement = eventStreamSql(query, {name: view, partitionKeys: ['timestamp']}, fields)
    expect(statement.text).not.toMatch(/GROUP BY|ORDER BY/)
    const rows = (await db.query(statement.text, statement.params)).map((row) => projectRecord(row))
    const matching = delivered.filter((record) => matchesQuery(query, record))
    const byId = (records: Record<string, unknown>[]) => [...records].sort((a, b) => (String(a.eventID) < String(b.eventID) ? -1 : String(a.eventID) > String(b.eventID) ? 1 : 0))
    // Copies of an event are not removed (the sink de-duplicates): the rows are every delivered copy.
    expect(byId(rows)).toEqual(byId(matching.map((record) => projectRecordFields(record, fields))))
    expect(rows.every((row) => Object.keys(row).every((key) => [...fields, 'eventID'].includes(key)))).toBe(true)
    // The same rows as one JSON text each (how the local engine streams them to a sink).
    const json = duckdbJsonRowsSql(statement)
    const parsed = (await db.query(json.text, json.params)).map((row) => projectRecord(JSON.parse(String(row[ROW_JSON_COLUMN])) as Record<string, unknown>))
    expect(byId(parsed)).toEqual(byId(rows))
  })

  it.each(views)('events with a limit are the newest that many, from %s (the newest eventIDs found first)', async (view) => {
    const query = base()
    const statement = eventsSql(query, 5, {name: view, partitionKeys: ['timestamp']})
    expect(statement.params).toHaveLength(2 * whereParams(query))
    const rows = await db.query(statement.text, statement.params)
    const expected = dedupeByEventId(delivered.filter((record) => matchesQuery(query, record))).sort(compareNewestFirst).map(projectRecord)
    expect(expected.length).toBeGreaterThan(5)
    expect(rows.map((row) => projectRecord(row))).toEqual(expected.slice(0, 5))
  })

  it('narrows the columns to known fields only, and always keeps eventID', () => {
    expect(eventColumns(['eventtime'])).toEqual(['arbitrary(eventtime) AS eventtime', 'eventid'])
    expect(eventColumns(['userIdentity'], false)).toEqual(['CAST(useridentity AS JSON) AS useridentity', 'eventid'])
    expect(() => eventColumns(['eventTime', 'noSuchField'])).toThrow(/nosuchfield/)
  })

  // The local engine's view gives only the fields the statement names (viewFieldsOf): the same answers.
  const narrowed = async (statementOn: (view: string) => SqlStatement) => {
    const statement = statementOn('cloudtrail_logs_narrow')
    await db.run(duckdbViewSql({name: 'cloudtrail_logs_narrow', files: {glob: path.join(dir, '**', '*.json.gz')}, maximumObjectSize: 16 * 1024 ** 2, fields: viewFieldsOf(statement.text)}))
    return db.query(statement.text, statement.params)
  }

  it.each(questions)('summaries, events and the stream of %s, from a view narrowed to the fields each statement names', async (_name, question) => {
    const query = question()
    const matching = delivered.filter((record) => matchesQuery(query, record))
    const sort = (groups: {key: string}[]) => [...groups].sort((a, b) => (a.key < b.key ? -1 : 1))
    for (const by of GROUPINGS) {
      const rows = (await narrowed((view) => summarySql(query, by, {name: view, partitionKeys: ['timestamp']}))).map(groupCountOfRow)
      expect(sort(rows)).toEqual(sort(groupRecords(by, matching)))
    }
    const events = await narrowed((view) => eventsSql(query, 1000, {name: view, partitionKeys: ['timestamp']}))
    expect(events.map((row) => projectRecord(row))).toEqual(dedupeByEventId(matching).sort(compareNewestFirst).map(projectRecord))
    const fields = ['eventTime', 'sourceIPAddress']
    const stream = (await narrowed((view) => eventStreamSql(query, {name: view, partitionKeys: ['timestamp']}, fields))).map((row) => projectRecord(row))
    const byId = (records: Record<string, unknown>[]) => [...records].sort((a, b) => (String(a.eventID) < String(b.eventID) ? -1 : String(a.eventID) > String(b.eventID) ? 1 : 0))
    expect(byId(stream)).toEqual(byId(matching.map((record) => projectRecordFields(record, fields))))
  })

  it('names the fields a statement reads, and only those', () => {
    const query = base({regions: ['eu-west-1']})
    expect(viewFieldsOf(summarySql(query, 'service', TABLE).text)).toEqual(['eventTime', 'eventSource', 'awsRegion', 'eventID'].sort(byRecordOrder))
    expect(viewFieldsOf(summarySql(base(), 'principal', TABLE).text)).toEqual(['eventTime', 'userIdentity', 'eventID'].sort(byRecordOrder))
    // A dotted path names its top-level field, not a field of the same name; any case.
    expect(viewFieldsOf('SELECT useridentity.eventname, EventTime FROM t')).toEqual(['eventTime', 'userIdentity'].sort(byRecordOrder))
    expect(() => duckdbViewSql({name: 'v', files: [], maximumObjectSize: 1, fields: []})).toThrow(RangeError)
  })

  it('reads only the fields asked from columnar copies that hold more, and from copies that differ', async () => {
    const query = base()
    const days = [...new Set(set.files.map((file) => path.join(dir, ...file.key.split('/').slice(0, -1))))].sort()
    const copies: string[] = []
    for (const [index, folder] of days.entries()) {
      // Copies with different fields, as runs asking different questions leave them; each has the service's.
      const fields = index % 2 === 0 ? ['eventID', 'eventTime', 'eventSource', 'awsRegion'] : RECORD_FIELDS.map((field) => field.name)
      await db.run(duckdbViewSql({name: 'lakegov_day', files: {glob: path.join(folder, '*.json.gz')}, maximumObjectSize: 16 * 1024 ** 2, fields}))
      copies.push(path.join(dir, `mixed-${index}.parquet`))
      await db.run(duckdbColumnsCopySql({from: 'lakegov_day', file: copies.at(-1)!, fields}))
    }
    const statement = summarySql(query, 'service', {name: 'cloudtrail_logs_mixed', partitionKeys: ['timestamp']})
    await db.run(duckdbColumnsViewSql({name: 'cloudtrail_logs_mixed', parquet: copies, views: [], fields: viewFieldsOf(statement.text)}))
    const rows = (await db.query(statement.text, statement.params)).map(groupCountOfRow)
    const expected = groupRecords('service', delivered.filter((record) => matchesQuery(query, record)))
    const sort = (groups: {key: string}[]) => [...groups].sort((a, b) => (a.key < b.key ? -1 : 1))
    expect(sort(rows)).toEqual(sort(expected))
    expect(() => duckdbColumnsViewSql({name: 'v', parquet: [], views: [], fields: ['eventID']})).toThrow(RangeError)
  })

  it('reads every file whatever its line breaks: a pretty-printed file after single-line ones', async () => {
    // The format is given, not sampled (duckdbViewSql): one JSON value per line ('newline_delimited')
    // would make the pretty-printed file unreadable, and the engine would skip it.
    const folder = path.join(dir, 'AWSLogs', '123456789012', 'CloudTrail', 'ap-south-1', '2026', '11', '24')
    mkdirSync(folder, {recursive: true})
    const records = delivered.slice(0, 6).map((record, index) => ({...record, eventID: `layout-${index}`, awsRegion: 'ap-south-1'}))
    const files = [0, 1, 2].map((index) => path.join(folder, `layout-${index}.json.gz`))
    writeFileSync(files[0], gzipSync(JSON.stringify({Records: records.slice(0, 2)})))
    writeFileSync(files[1], gzipSync(JSON.stringify({Records: records.slice(2, 4)})))
    writeFileSync(files[2], gzipSync(JSON.stringify({Records: records.slice(4)}, null, 2)))
    for (const wholeRecords of [false, true]) {
      await db.run(duckdbViewSql({name: 'layouts', files, maximumObjectSize: 2 * 1024 ** 2, wholeRecords}))
      const rows = await db.query('SELECT eventid FROM layouts ORDER BY eventid', [])
      expect(rows.map((row) => row.eventid)).toEqual(records.map((record) => record.eventID))
    }
  })

  it('records are limited to a validated integer', () => {
    expect(recordsSql(base(), 7, TABLE).text).toMatch(/LIMIT 7$/)
    expect(() => recordsSql(base(), 1.5, TABLE)).toThrow(RangeError)
  })
})
