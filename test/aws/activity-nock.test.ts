/**
 * The lookup and athena engines on the wire: LookupEvents paging (NextToken replayed with the same
 * parameters, 50 a page) and pacing (2 requests per second per region), and Athena's polling with
 * backoff, 1000-row pages and the header row on the first page only.
 */
import nock from 'nock'

import {AthenaAdapter} from '../../src/aws/athena'
import {CloudTrailAdapter} from '../../src/aws/cloudtrail'
import {Ec2Adapter} from '../../src/aws/ec2'
import type {ActivityQuery} from '../../src/core/activity/query'
import {runAthena, runAthenaQuery} from '../../src/engines/athena'
import {runLookup} from '../../src/engines/lookup'
import {testClients, useNock} from '../support/nock-setup'

const NOW = Date.parse('2026-12-02T12:00:00Z')
const QUERY: ActivityQuery = {window: {from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z'}, filters: {regions: ['eu-west-1', 'us-east-1'], errorsOnly: false, principal: 'Deployer', eventName: 'CreateRole'}}

/** A request body: awsJson bodies reach nock as text. */
function json(body: unknown): Record<string, unknown> {
  return (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>
}

function record(id: string, region: string, role: string, time = '2026-12-01T10:00:00Z') {
  return JSON.stringify({
    eventID: id,
    eventTime: time,
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateRole',
    awsRegion: region,
    userIdentity: {type: 'AssumedRole', arn: `arn:aws:sts::1:assumed-role/${role}/s`, sessionContext: {sessionIssuer: {arn: `arn:aws:iam::1:role/${role}`}}},
  })
}

describe('lookup engine (wire)', () => {
  useNock()

  it('pages with NextToken and the same parameters, 50 a page, one attribute, paced at 2 requests/s per region, regions side by side', async () => {
    const bodies: Record<string, Record<string, unknown>[]> = {'us-east-1': [], 'eu-west-1': []}
    const pages: Record<string, Record<string, unknown>[]> = {
      'us-east-1': [
        {Events: [{CloudTrailEvent: record('a', 'us-east-1', 'Deployer')}, {CloudTrailEvent: record('b', 'us-east-1', 'Other')}], NextToken: 't1'},
        {Events: [{CloudTrailEvent: record('c', 'us-east-1', 'Deployer', '2026-12-01T11:00:00Z')}, {CloudTrailEvent: record('a', 'us-east-1', 'Deployer')}], NextToken: 't2'},
        {Events: [{CloudTrailEvent: record('late', 'us-east-1', 'Deployer', '2026-12-02T00:00:00Z')}]},
      ],
      'eu-west-1': [{Events: [{CloudTrailEvent: record('d', 'eu-west-1', 'Deployer', '2026-12-01T09:00:00Z')}]}],
    }
    for (const region of ['us-east-1', 'eu-west-1']) {
      nock(`https://cloudtrail.${region}.amazonaws.com`)
        .persist()
        .post('/')
        .reply(function (_uri, body) {
          expect(String(this.req.headers['x-amz-target'])).toMatch(/LookupEvents$/)
          bodies[region].push(json(body))
          return [200, pages[region].shift() ?? {Events: []}]
        })
    }
    const sleeps: number[] = []
    let clock = 0
    const events = new CloudTrailAdapter(testClients())
    const answer = await runLookup(QUERY, {kind: 'events', limit: 10}, {lookupPage: (r) => events.lookupPage(r), enabledRegions: async () => ['never-called']}, {
      now: NOW,
      progress: () => undefined,
      clock: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms)
        clock += ms
      },
    })
    expect(answer.events?.map((event) => event.eventID)).toEqual(['c', 'a', 'd'])
    expect(answer.regions).toEqual(['eu-west-1', 'us-east-1'])
    expect(bodies['us-east-1']).toHaveLength(3)
    const [first, second, third] = bodies['us-east-1']
    expect(first).toEqual({LookupAttributes: [{AttributeKey: 'EventName', AttributeValue: 'CreateRole'}], StartTime: Date.parse(QUERY.window.from) / 1000, EndTime: Date.parse(QUERY.window.to) / 1000, MaxResults: 50})
    expect(second).toEqual({...first, NextToken: 't1'})
    expect(third).toEqual({...first, NextToken: 't2'})
    // Three calls in one region: the second and third each wait out the 500 ms the documented 2 TPS allow.
    expect(sleeps.filter((ms) => ms > 0).length).toBeGreaterThanOrEqual(2)
    expect(sleeps.every((ms) => ms <= 500)).toBe(true)
  })

  it('reads the enabled regions from EC2 DescribeRegions for --region all', async () => {
    nock('https://ec2.us-east-1.amazonaws.com')
      .post('/', (body: unknown) => JSON.stringify(body).includes('DescribeRegions'))
      .reply(200, '<DescribeRegionsResponse><regionInfo><item><regionName>us-west-2</regionName></item><item><regionName>eu-west-1</regionName></item></regionInfo></DescribeRegionsResponse>')
    expect(await new Ec2Adapter(testClients()).enabledRegions()).toEqual(['eu-west-1', 'us-west-2'])
  })
})

describe('athena engine (wire)', () => {
  useNock()
  const ATHENA = 'https://athena.us-east-1.amazonaws.com'

  function mount(states: string[], resultPages: Record<string, unknown>[]) {
    const calls: {operation: string; body: Record<string, unknown>}[] = []
    nock(ATHENA)
      .persist()
      .post('/')
      .reply(function (_uri, body) {
        const operation = String(this.req.headers['x-amz-target']).split('.').pop() ?? ''
        calls.push({operation, body: json(body)})
        if (operation === 'StartQueryExecution') return [200, {QueryExecutionId: 'q-1'}]
        if (operation === 'GetQueryExecution') {
          const state = states.length > 1 ? states.shift()! : states[0]
          return [200, {QueryExecution: {QueryExecutionId: 'q-1', Status: {State: state, ...(state === 'FAILED' ? {AthenaError: {ErrorCategory: 2, ErrorType: 1006, ErrorMessage: "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved"}} : {})}, Statistics: {DataScannedInBytes: 3_000_000}}}]
        }
        if (operation === 'GetQueryResults') return [200, resultPages.shift() ?? {ResultSet: {Rows: []}}]
        if (operation === 'StopQueryExecution') return [200, {}]
        return [400, {__type: 'InvalidRequestException', Message: operation}]
      })
    return calls
  }

  const row = (...values: (string | undefined)[]) => ({Data: values.map((value) => (value === undefined ? {} : {VarCharValue: value}))})
  const options = (sleeps: number[]) => ({
    database: 'cloudtrail',
    table: {name: '"cloudtrail"."cloudtrail_logs"', partitionKeys: ['region', 'timestamp']},
    workGroup: 'lakegov',
    outputLocation: 's3://results/q/',
    regions: ['eu-west-1', 'us-east-1'],
    progress: () => undefined,
    sleep: async (ms: number) => void sleeps.push(ms),
    onInterrupt: () => () => undefined,
  })

  it('polls QUEUED and RUNNING with backoff, pages at 1000 and drops the header row on the first page only', async () => {
    const calls = mount(['QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED'], [
      {ResultSet: {Rows: [row('group_key', 'event_count', 'first_seen', 'last_seen'), row('iam.amazonaws.com', '7', '2026-12-01T01:00:00Z', '2026-12-01T09:00:00Z')]}, NextToken: 'p2'},
      // A page after the first has no header row, even when a value looks like one.
      {ResultSet: {Rows: [row('group_key', '2', '2026-12-01T02:00:00Z', '2026-12-01T03:00:00Z'), row('sts.amazonaws.com', '1', '2026-12-01T04:00:00Z', '2026-12-01T04:00:00Z')]}},
    ])
    const sleeps: number[] = []
    const answer = await runAthena(QUERY, {kind: 'summary', by: 'service'}, new AthenaAdapter(testClients()), options(sleeps))
    expect(answer.groups).toEqual([
      {key: 'iam.amazonaws.com', count: 7, firstSeen: '2026-12-01T01:00:00Z', lastSeen: '2026-12-01T09:00:00Z'},
      {key: 'group_key', count: 2, firstSeen: '2026-12-01T02:00:00Z', lastSeen: '2026-12-01T03:00:00Z'},
      {key: 'sts.amazonaws.com', count: 1, firstSeen: '2026-12-01T04:00:00Z', lastSeen: '2026-12-01T04:00:00Z'},
    ])
    expect(answer.stats.scannedBytes).toBe(3_000_000)
    expect(sleeps).toEqual([250, 375, 563, 845])
    const start = calls.find((call) => call.operation === 'StartQueryExecution')!.body
    expect(start.WorkGroup).toBe('lakegov')
    expect(start.ResultConfiguration).toEqual({OutputLocation: 's3://results/q/'})
    expect(start.QueryExecutionContext).toEqual({Database: 'cloudtrail'})
    // Values travel as ExecutionParameters, quoted literals; the SQL text holds only placeholders.
    expect(start.ExecutionParameters).toEqual(["'2026/12/01'", "'2026/12/01'", "'eu-west-1'", "'us-east-1'", "'eu-west-1'", "'us-east-1'", "'2026-12-01T00:00:00Z'", "'2026-12-02T00:00:00Z'", "'CreateRole'", "'Deployer'"])
    expect(String(start.QueryString)).not.toMatch(/Deployer|CreateRole|2026/)
    expect(calls.filter((call) => call.operation === 'GetQueryResults').map((call) => call.body)).toEqual([
      {QueryExecutionId: 'q-1', MaxResults: 1000},
      {QueryExecutionId: 'q-1', MaxResults: 1000, NextToken: 'p2'},
    ])
  })

  it('reports a FAILED query with its AthenaError', async () => {
    mount(['RUNNING', 'FAILED'], [])
    await expect(runAthenaQuery('SELECT x FROM t', [], new AthenaAdapter(testClients()), options([]))).rejects.toThrow(/COLUMN_NOT_FOUND/)
  })

  it('stops the query on Ctrl-C', async () => {
    const calls = mount(['RUNNING', 'RUNNING', 'CANCELLED'], [])
    let interrupt: () => void = () => undefined
    const run = runAthenaQuery('SELECT 1', [], new AthenaAdapter(testClients()), {...options([]), onInterrupt: (handler) => ((interrupt = handler), () => undefined), sleep: async () => interrupt()})
    await expect(run).rejects.toThrow(/cancelled/)
    expect(calls.some((call) => call.operation === 'StopQueryExecution' && call.body.QueryExecutionId === 'q-1')).toBe(true)
  })
})
