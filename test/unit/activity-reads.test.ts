/**
 * The reads join. Records come from the CloudTrail fixture generator (test/support/cloudtrail): its
 * GetDataAccess and AWSLF- GetObject records are built from the Lake Formation developer guide's
 * description ("Logging Lake Formation API calls using AWS CloudTrail"), because AWS's verbatim
 * GetDataAccess sample (aws/aws-lakeformation-best-practices content/auditing/) was not available
 * offline (see test/support/cloudtrail/aws-samples.ts). The Athena StartQueryExecution record is
 * AWS's verbatim sample (Amazon Athena User Guide, "Log Amazon Athena API calls with AWS CloudTrail").
 */
import {
  ReadsCollector,
  aggregateReads,
  dataEventsCoverage,
  deriveReads,
  matchesReadsFilter,
  roleOfSessionArn,
  tableOfArn,
  type ReadEvent,
  type ReadsContext,
} from '../../src/core/activity/reads'
import {renderReads, type ReadsOutput} from '../../src/output/activity'
import {AWS_SAMPLE_RECORDS, generateCloudTrail, type CloudTrailRecord} from '../support/cloudtrail-fixtures'

const ACCOUNT = '123456789012'
const generated = generateCloudTrail({seed: 7, days: 2, start: '2026-11-01', regions: ['us-east-1'], filesPerDay: 12, eventsPerFile: 30, dataEventRate: 0.4, errorRate: 0, includeAwsSamples: false})
const CONTEXT: ReadsContext = {
  bucket: 'lake-data',
  prefix: 'AWSLogs/',
  tables: [{database: 'cloudtrail', table: 'cloudtrail_logs', location: `s3://lake-data/AWSLogs/${ACCOUNT}/CloudTrail/`}],
  expected: [],
}

function clone(record: CloudTrailRecord): CloudTrailRecord {
  return JSON.parse(JSON.stringify(record)) as CloudTrailRecord
}

const isGda = (record: CloudTrailRecord) => record.eventName === 'GetDataAccess'
const sessionOfRecord = (record: CloudTrailRecord) => String((record.userIdentity as {arn?: string}).arn ?? '').split('/').at(-1) ?? ''

describe('deriveReads: the Lake Formation join', () => {
  const gda = generated.records.find(isGda) as CloudTrailRecord
  const lfSession = (gda.additionalEventData as {lakeFormationRoleSessionName: string}).lakeFormationRoleSessionName
  const objects = generated.records.filter((record) => record.eventName === 'GetObject' && sessionOfRecord(record) === lfSession)

  it('has a generated GetDataAccess and its AWSLF- GetObject events', () => {
    expect(lfSession).toMatch(/^AWSLF-00-AT-/)
    expect(objects.length).toBeGreaterThan(0)
  })

  it('makes one lake-formation read per GetDataAccess, joined to its S3 events, with the principal from lakeFormationPrincipal', () => {
    const reads = deriveReads([gda, ...objects], CONTEXT)
    expect(reads).toHaveLength(1)
    expect(reads[0]).toMatchObject({
      eventId: gda.eventID,
      path: 'lake-formation',
      engine: 'athena',
      principal: (gda.additionalEventData as {lakeFormationPrincipal: string}).lakeFormationPrincipal,
      session: lfSession,
      table: 'cloudtrail.cloudtrail_logs',
      permissions: ['SELECT'],
      denied: false,
    })
    expect(reads[0].objectEventIds.sort()).toEqual(objects.map((record) => record.eventID).sort())
  })

  it('never counts AWSLF- GetObject events as direct reads, even without their GetDataAccess', () => {
    expect(deriveReads(objects, CONTEXT)).toEqual([])
  })

  it('names the Athena query when GetDataAccess carries its query id (AWS verbatim StartQueryExecution)', () => {
    const start = AWS_SAMPLE_RECORDS.athenaStartQueryExecution.record
    const withQuery = clone(gda)
    ;(withQuery.requestParameters as {auditContext: object}).auditContext = {additionalAuditContext: '{queryId: b621c254-74e0-48e3-9630-78ed857782f9}'}
    const [read] = deriveReads([start, withQuery], CONTEXT)
    expect(read.query).toEqual({queryExecutionId: 'b621c254-74e0-48e3-9630-78ed857782f9', queryString: 'Select 10'})
    expect(read.sourceIp).toBe('77.88.999.69')
    // The generated id matches no query: nothing is guessed.
    expect(deriveReads([start, gda], CONTEXT)[0].query).toBeUndefined()
  })

  it('keeps a refused GetDataAccess as denied and leaves it out of the rows', () => {
    const denied = {...clone(gda), eventID: 'denied-1', errorCode: 'AccessDeniedException'}
    const reads = deriveReads([denied], CONTEXT)
    expect(reads[0]).toMatchObject({denied: true, errorCode: 'AccessDeniedException'})
    expect(aggregateReads(reads)).toEqual([])
  })

  it('deduplicates redelivered records by eventID', () => {
    expect(deriveReads([gda, clone(gda)], CONTEXT)).toHaveLength(1)
  })

  it('joins the same reads from batches in any order, the query after its read and copies in later batches included (ReadsCollector)', () => {
    const withQuery: CloudTrailRecord = {...clone(gda), eventID: 'with-query-1'}
    ;(withQuery.requestParameters as {auditContext: object}).auditContext = {additionalAuditContext: '{queryId: b621c254-74e0-48e3-9630-78ed857782f9}'}
    const reads = generated.records.filter((record) => ['GetDataAccess', 'GetObject', 'StartQueryExecution'].includes(String(record.eventName)))
    const records = [AWS_SAMPLE_RECORDS.athenaStartQueryExecution.record, ...reads, withQuery]
    const whole = deriveReads(records, CONTEXT)
    expect(whole.find((read) => read.eventId === 'with-query-1')?.sourceIp).toBe('77.88.999.69')
    expect(whole.filter((read) => read.path === 'direct-s3').length).toBeGreaterThan(0)
    const reversed = [...records].reverse()
    const collector = new ReadsCollector(CONTEXT)
    for (let start = 0; start < reversed.length; start += 7) collector.add(reversed.slice(start, start + 7))
    collector.add(records.slice(0, 20).map(clone))
    expect(collector.reads()).toEqual(whole)
    // Every GetObject added counts, copies included (the banner asks only whether there were any).
    const getObjects = (list: CloudTrailRecord[]) => list.filter((record) => record.eventName === 'GetObject').length
    expect(collector.getObjects).toBe(getObjects(records) + getObjects(records.slice(0, 20)))
    // Without the objects, the same reads, each with no objectEventIds.
    const lean = new ReadsCollector(CONTEXT, {keepObjects: false})
    lean.add(records)
    expect(lean.reads()).toEqual(whole.map((read) => ({...read, objectEventIds: []})))
  })
})

describe('ReadsCollector with a stream (the anomalies baseline)', () => {
  const queryId = 'b621c254-74e0-48e3-9630-78ed857782f9'
  const gda = generated.records.find(isGda) as CloudTrailRecord
  const joined: CloudTrailRecord[] = ['with-query-1', 'with-query-2'].map((eventID) => {
    const record: CloudTrailRecord = {...clone(gda), eventID}
    ;(record.requestParameters as {auditContext: object}).auditContext = {additionalAuditContext: `{queryId: ${queryId.toUpperCase()}}`}
    return record
  })
  const reads = generated.records.filter((record) => ['GetDataAccess', 'GetObject', 'StartQueryExecution'].includes(String(record.eventName)))
  const records = [AWS_SAMPLE_RECORDS.athenaStartQueryExecution.record, ...reads, ...joined]
  const sorted = (list: ReadEvent[]) => [...list].sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0))
  const lean = sorted(deriveReads(records, CONTEXT).map((read) => ({...read, objectEventIds: []})))

  function streamed(batches: CloudTrailRecord[][], waiting?: (read: ReadEvent) => ReadEvent): {handed: ReadEvent[]; beforeFinish: number} {
    const handed: ReadEvent[] = []
    const collector = new ReadsCollector(CONTEXT, {keepObjects: false, stream: {onRead: (read) => handed.push(read), ...(waiting ? {waiting} : {})}})
    for (const batch of batches) collector.add(batch)
    const beforeFinish = handed.length
    collector.finish()
    return {handed, beforeFinish}
  }

  it('hands on each read once, joined as the collector without a stream joins it, the query before or after its reads', () => {
    const forward = streamed([records])
    expect(sorted(forward.handed)).toEqual(lean)
    // The direct reads, and the reads whose query came first, before finish().
    const early = forward.handed.slice(0, forward.beforeFinish)
    expect(early.filter((read) => read.path === 'direct-s3')).toHaveLength(lean.filter((read) => read.path === 'direct-s3').length)
    expect(early.filter((read) => read.eventId.startsWith('with-query-'))).toHaveLength(2)
    const reversed = [...records].reverse()
    const batches = Array.from({length: Math.ceil(reversed.length / 7)}, (_, index) => reversed.slice(index * 7, index * 7 + 7))
    // Copies in a later batch are not handed on twice.
    const backward = streamed([...batches, records.slice(0, 20).map(clone)])
    expect(sorted(backward.handed)).toEqual(lean)
    expect(backward.handed.filter((read) => read.eventId.startsWith('with-query-')).map((read) => read.sourceIp)).toEqual(['77.88.999.69', '77.88.999.69'])
  })

  it('keeps what `waiting` gives of a read waiting for its query, joins that when the query comes, and hands on the rest unjoined at finish()', () => {
    const slim = (read: ReadEvent): ReadEvent => ({...read, session: undefined, time: read.time.slice(0, 13)})
    const {handed, beforeFinish} = streamed([joined, reads, [AWS_SAMPLE_RECORDS.athenaStartQueryExecution.record]], slim)
    const withQuery = handed.filter((read) => read.eventId.startsWith('with-query-'))
    expect(withQuery.map((read) => [read.time.length, read.session, read.sourceIp, read.query?.queryExecutionId])).toEqual([
      [13, undefined, '77.88.999.69', queryId],
      [13, undefined, '77.88.999.69', queryId],
    ])
    // The generated reads name queries that never come: handed on by finish(), slimmed and unjoined.
    const neverJoined = handed.slice(beforeFinish)
    expect(neverJoined.length).toBeGreaterThan(0)
    for (const read of neverJoined) expect(read).toMatchObject({path: 'lake-formation', session: undefined, sourceIp: 'athena.amazonaws.com'})
    expect(handed).toHaveLength(lean.length)
  })

  it('refuses to keep objects while streaming, and gives no reads() to a stream or finish() to a collector without one', () => {
    expect(() => new ReadsCollector(CONTEXT, {keepObjects: true, stream: {onRead: () => undefined}})).toThrow(/cannot keep their objects/)
    expect(() => new ReadsCollector(CONTEXT, {stream: {onRead: () => undefined}}).reads()).toThrow(/call finish/)
    expect(() => new ReadsCollector(CONTEXT).finish()).toThrow(/call reads/)
  })
})

describe('deriveReads: direct reads', () => {
  const direct = generated.records.filter((record) => record.eventName === 'GetObject' && !sessionOfRecord(record).startsWith('AWSLF-'))

  it('has generated direct reads', () => {
    expect(direct.length).toBeGreaterThan(0)
  })

  it('makes each GetObject outside an AWSLF- session a direct-s3 read of the table holding the object, principal the role', () => {
    const reads = deriveReads(direct, CONTEXT)
    expect(reads).toHaveLength(direct.length)
    for (const read of reads) {
      expect(read.path).toBe('direct-s3')
      expect(read.table).toBe('cloudtrail.cloudtrail_logs')
      expect(read.principal).not.toContain(':assumed-role/')
    }
  })

  it('names no table when no location holds the object, and ignores other buckets and prefixes', () => {
    const [record] = direct
    expect(deriveReads([record], {...CONTEXT, tables: []})[0].table).toBeNull()
    expect(deriveReads([record], {...CONTEXT, bucket: 'other'})).toEqual([])
    expect(deriveReads([record], {...CONTEXT, prefix: 'elsewhere/'})).toEqual([])
  })

  it('marks expected roles', () => {
    const [record] = direct
    const principal = deriveReads([record], CONTEXT)[0].principal
    expect(deriveReads([record], {...CONTEXT, expected: [{arn: principal, reason: 'crawler-role'}]})[0].expected).toBe('crawler-role')
    const name = principal.split('/').at(-1) as string
    expect(deriveReads([record], {...CONTEXT, expected: [{arn: principal.includes(':role/') ? name : 'nobody', reason: 'crawler-role'}]})[0].expected).toBe(principal.includes(':role/') ? 'crawler-role' : undefined)
    expect(deriveReads([record], {...CONTEXT, expected: [{arn: 'someone-else', reason: 'crawler-role'}]})[0].expected).toBeUndefined()
  })
})

describe('aggregateReads', () => {
  const reads = deriveReads(generated.records, CONTEXT)
  const rows = aggregateReads(reads)

  it('counts every granted read once, in one row per principal x table x engine x path', () => {
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(reads.filter((read) => !read.denied).length)
    const keys = rows.map((row) => [row.principal, row.table, row.engine, row.path].join('|'))
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('lists direct reads first, with first and last reads and sorted source IPs', () => {
    const firstLf = rows.findIndex((row) => row.path === 'lake-formation')
    expect(rows.slice(firstLf).every((row) => row.path === 'lake-formation')).toBe(true)
    expect(rows[0].path).toBe('direct-s3')
    for (const row of rows) {
      expect(row.firstRead <= row.lastRead).toBe(true)
      expect(row.sourceIps).toEqual([...row.sourceIps].sort())
    }
  })

  it('filters by table, principal name and engine', () => {
    const [read] = reads
    const name = read.principal.split('/').at(-1) as string
    expect(matchesReadsFilter(read, {principal: name, table: 'cloudtrail_logs'})).toBe(true)
    expect(matchesReadsFilter(read, {table: 'cloudtrail.other'})).toBe(false)
    expect(matchesReadsFilter(read, {engine: 'redshift'})).toBe(read.engine === 'redshift')
  })
})

describe('helpers', () => {
  it('reads a Glue table ARN and a role session ARN', () => {
    expect(tableOfArn('arn:aws:glue:us-east-1:123456789012:table/CloudTrail/Logs')).toBe('cloudtrail.logs')
    expect(tableOfArn('arn:aws:glue:us-east-1:123456789012:database/x')).toBeUndefined()
    expect(roleOfSessionArn('arn:aws:sts::123456789012:assumed-role/Analyst/alice')).toBe('arn:aws:iam::123456789012:role/Analyst')
    expect(roleOfSessionArn('arn:aws:iam::123456789012:user/bob')).toBe('arn:aws:iam::123456789012:user/bob')
  })
})

describe('dataEventsCoverage', () => {
  const logReads = {
    Name: 'lakegov-log-reads',
    FieldSelectors: [
      {Field: 'eventCategory', Equals: ['Data']},
      {Field: 'resources.type', Equals: ['AWS::S3::Object']},
      {Field: 'readOnly', Equals: ['true']},
      {Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::lake-data/AWSLogs/']},
    ],
  }
  const management = {Name: 'Management events', FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}]}

  it.each([
    ['no selectors', [], false],
    ['management events only', [management], false],
    ['reads of the bucket and prefix', [management, logReads], true],
    ['reads of every S3 object', [{FieldSelectors: logReads.FieldSelectors.slice(0, 3)}], true],
    ['writes only', [{FieldSelectors: [...logReads.FieldSelectors.slice(0, 2), {Field: 'readOnly', Equals: ['false']}]}], false],
    ['another bucket', [{FieldSelectors: [...logReads.FieldSelectors.slice(0, 3), {Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::other/']}]}], false],
    ['a narrower prefix', [{FieldSelectors: [...logReads.FieldSelectors.slice(0, 3), {Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::lake-data/AWSLogs/1/']}]}], 'partial'],
    ['the prefix excluded', [{FieldSelectors: [...logReads.FieldSelectors.slice(0, 3), {Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::lake-data/']}]}], false],
    ['PutObject only', [{FieldSelectors: [...logReads.FieldSelectors, {Field: 'eventName', Equals: ['PutObject']}]}], false],
  ])('%s', (_name, selectors, expected) => {
    expect(dataEventsCoverage('lake-data', 'AWSLogs/', selectors).logsReads).toBe(expected)
  })

  it('reads basic event selectors', () => {
    expect(dataEventsCoverage('lake-data', 'AWSLogs/', [], [{ReadWriteType: 'All', DataResources: [{Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::lake-data/']}]}])).toEqual({logsReads: true, selector: 'event selector 1'})
    expect(dataEventsCoverage('lake-data', 'AWSLogs/', [], [{ReadWriteType: 'WriteOnly', DataResources: [{Type: 'AWS::S3::Object', Values: ['arn:aws:s3']}]}]).logsReads).toBe(false)
  })
})

describe('renderReads', () => {
  const output: ReadsOutput = {
    engine: 'local',
    window: {from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z'},
    regions: ['us-east-1'],
    reason: '--engine local',
    banner: null,
    rows: [
      {principal: 'arn:aws:iam::1:role/A', table: null, engine: 's3', path: 'direct-s3', count: 2, firstRead: '2026-11-01T01:00:00Z', lastRead: '2026-11-01T02:00:00Z', sourceIps: ['192.0.2.1', '192.0.2.2'], expected: null},
      {principal: 'arn:aws:iam::1:role/B', table: 'cloudtrail.logs', engine: 'athena', path: 'lake-formation', count: 1, firstRead: '2026-11-01T03:00:00Z', lastRead: '2026-11-01T03:00:00Z', sourceIps: ['athena.amazonaws.com'], expected: 'crawler-role'},
    ],
  }

  it('prints a row per read group, direct first, with the banner above', () => {
    const table = renderReads({...output, banner: 'direct reads are invisible'}, 'table').split('\n')
    expect(table[0]).toBe('Warning: direct reads are invisible')
    expect(table.findIndex((line) => line.includes('role/A'))).toBeLessThan(table.findIndex((line) => line.includes('role/B')))
    expect(table.find((line) => line.includes('role/A'))).toContain('(no table)')
    expect(renderReads(output, 'csv').split('\r\n')[1]).toBe('direct-s3,arn:aws:iam::1:role/A,,s3,2,2026-11-01T01:00:00Z,2026-11-01T02:00:00Z,192.0.2.1 192.0.2.2,')
    expect(renderReads(output, 'markdown')).toContain('| lake-formation | arn:aws:iam::1:role/B | cloudtrail.logs | athena | 1 |')
    expect(renderReads({...output, rows: []}, 'table')).toMatch(/^No reads/)
  })
})
