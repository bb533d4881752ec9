/**
 * The sandbox's Athena, through the AWS SDK: SQL run over a generated set of CloudTrail files in S3,
 * read through the CloudTrail table `lakegov table` creates (partition projection on region and
 * timestamp). Expected answers come from the generator's ground truth and the objects' own sizes.
 */
import {
  AthenaClient,
  CreateWorkGroupCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  ListWorkGroupsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena'
import {CreateDatabaseCommand, CreateTableCommand, GlueClient} from '@aws-sdk/client-glue'
import {CreateBucketCommand, GetObjectCommand, S3Client} from '@aws-sdk/client-s3'

import {buildCloudTrailTable} from '../../src/core/catalog/cloudtrail-table'
import {type GeneratedCloudTrail, type GeneratedLogFile, generateCloudTrail, uploadGeneratedCloudTrail} from '../support/cloudtrail-fixtures'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig, setSandboxAthena} from '../support/sandbox/client'

jest.setTimeout(90_000)

const DAY = 86_400_000
const ACCOUNT = '123456789012'
const BUCKET = 'trail-logs'
const PREFIX = 'trail'
const OUTPUT = 's3://athena-results/queries/'

function clients() {
  const config = sandboxSdkConfig(sandboxEndpoint(), 1)
  return {athena: new AthenaClient(config), glue: new GlueClient(config), s3: new S3Client({...config, forcePathStyle: true})}
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to fail, but it succeeded')
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function start(input: Partial<StartQueryExecutionCommandInput> & {QueryString: string}): Promise<string> {
  const {athena} = clients()
  const answer = await athena.send(new StartQueryExecutionCommand({QueryExecutionContext: {Database: 'cloudtrail'}, ResultConfiguration: {OutputLocation: OUTPUT}, ...input}))
  return answer.QueryExecutionId!
}

async function execution(id: string): Promise<QueryExecution> {
  return (await clients().athena.send(new GetQueryExecutionCommand({QueryExecutionId: id}))).QueryExecution!
}

async function finished(id: string): Promise<QueryExecution> {
  for (;;) {
    const current = await execution(id)
    if (!['QUEUED', 'RUNNING'].includes(current.Status!.State!)) return current
    await sleep(25)
  }
}

async function run(QueryString: string, ExecutionParameters?: string[]): Promise<QueryExecution> {
  return finished(await start({QueryString, ...(ExecutionParameters ? {ExecutionParameters} : {})}))
}

/** Every page of results, raw. */
async function pages(id: string, MaxResults?: number) {
  const out = []
  let token: string | undefined
  do {
    const page = await clients().athena.send(new GetQueryResultsCommand({QueryExecutionId: id, NextToken: token, ...(MaxResults ? {MaxResults} : {})}))
    out.push(page)
    token = page.NextToken
  } while (token)
  return out
}

/** The data rows of a finished SELECT, the header of the first page dropped. */
async function rows(id: string): Promise<(string | undefined)[][]> {
  const all = await pages(id)
  return all.flatMap((page, index) => (page.ResultSet!.Rows ?? []).slice(index === 0 ? 1 : 0)).map((row) => (row.Data ?? []).map((datum) => datum.VarCharValue))
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/')

describe('sandbox Athena', () => {
  let set: GeneratedCloudTrail
  let days: string[]
  /** Files under the table's location, within the projected range. */
  let tableFiles: GeneratedLogFile[]

  const folder = (file: GeneratedLogFile) => file.key.split('/').slice(4, 7).join('/')
  const bytes = (files: GeneratedLogFile[]) => files.reduce((sum, file) => sum + file.body().length, 0)
  const records = (files: GeneratedLogFile[]) => files.reduce((sum, file) => sum + file.records.length, 0)

  beforeAll(async () => {
    await resetSandbox()
    const {glue, s3} = clients()
    await s3.send(new CreateBucketCommand({Bucket: BUCKET}))
    await s3.send(new CreateBucketCommand({Bucket: 'athena-results'}))
    const first = Date.now() - 4 * DAY
    set = generateCloudTrail({seed: 11, start: new Date(first).toISOString().slice(0, 10), days: 3, regions: ['us-east-1', 'eu-west-1'], filesPerDay: 6, eventsPerFile: 40})
    days = [0, 1, 2].map((offset) => dayOf(first + offset * DAY))
    await uploadGeneratedCloudTrail(s3, set.files, {bucket: BUCKET, prefix: PREFIX})
    tableFiles = set.files.filter((file) => file.key.startsWith(`AWSLogs/${ACCOUNT}/`) && days.includes(folder(file)))
    await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'cloudtrail'}}))
    const table = buildCloudTrailTable({database: 'cloudtrail', name: 'cloudtrail_logs', bucket: BUCKET, prefix: PREFIX, accounts: [ACCOUNT], regions: ['eu-west-1', 'us-east-1'], startDate: days[0]})
    await glue.send(new CreateTableCommand({DatabaseName: 'cloudtrail', TableInput: table as never}))
  })

  afterEach(async () => {
    await setSandboxAthena({holdRunning: false, queuedMs: 20})
  })

  it('reads only the partitions the predicates allow, and DataScannedInBytes is exactly their objects’ bytes', async () => {
    const oneDay = tableFiles.filter((file) => folder(file) === days[1] && file.region === 'us-east-1')
    const pruned = await run(`SELECT count(*) FROM cloudtrail_logs WHERE timestamp = '${days[1]}' AND region = 'us-east-1'`)
    expect(pruned.Status!.State).toBe('SUCCEEDED')
    expect(pruned.Statistics!.DataScannedInBytes).toBe(bytes(oneDay))
    expect(await rows(pruned.QueryExecutionId!)).toEqual([[String(records(oneDay))]])

    const twoDays = tableFiles.filter((file) => folder(file) === days[0] || folder(file) === days[2])
    const either = await run(`SELECT count(*) FROM cloudtrail.cloudtrail_logs WHERE (timestamp = '${days[0]}' OR timestamp = '${days[2]}') AND eventname <> 'x'`)
    expect(either.Statistics!.DataScannedInBytes).toBe(bytes(twoDays))
    expect(await rows(either.QueryExecutionId!)).toEqual([[String(records(twoDays))]])

    const range = tableFiles.filter((file) => folder(file) >= days[1])
    const since = await run(`SELECT count(*) FROM cloudtrail_logs WHERE timestamp >= ?`, [`'${days[1]}'`])
    expect(since.Statistics!.DataScannedInBytes).toBe(bytes(range))

    // No predicate on a partition column: every object in the projected range, and nothing outside it
    // (AWS's 2017 Athena sample in this account's folder is older than the range).
    const everything = await run(`SELECT count(*) FROM cloudtrail_logs WHERE eventsource = 'iam.amazonaws.com'`)
    expect(everything.Statistics!.DataScannedInBytes).toBe(bytes(tableFiles))
    expect(set.files.some((file) => file.key.startsWith(`AWSLogs/${ACCOUNT}/`) && !tableFiles.includes(file))).toBe(true)
  })

  it('answers from the records as the JSON SerDe reads them (structs, JSON text in string columns)', async () => {
    const day = tableFiles.filter((file) => folder(file) === days[1])
    const delivered = day.flatMap((file) => file.records)
    const result = await run(
      `SELECT eventsource, count(*) AS n FROM cloudtrail_logs WHERE timestamp = ? AND useridentity.type = ? GROUP BY eventsource ORDER BY n DESC, eventsource`,
      [`'${days[1]}'`, "'AssumedRole'"],
    )
    const counts = new Map<string, number>()
    for (const record of delivered) if ((record.userIdentity as {type?: string}).type === 'AssumedRole') counts.set(String(record.eventSource), (counts.get(String(record.eventSource)) ?? 0) + 1)
    const wanted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([source, n]) => [source, String(n)])
    expect(await rows(result.QueryExecutionId!)).toEqual(wanted)

    const vend = delivered.find((record) => record.eventName === 'GetDataAccess')!
    const json = await run(
      `SELECT json_extract_scalar(requestparameters, '$.tableArn'), json_extract_scalar(additionaleventdata, '$.lakeFormationRoleSessionName'), readonly FROM cloudtrail_logs WHERE eventid = ? AND timestamp = ?`,
      [`'${String(vend.eventID)}'`, `'${days[1]}'`],
    )
    const [row] = await rows(json.QueryExecutionId!)
    expect(row).toEqual([(vend.requestParameters as {tableArn: string}).tableArn, (vend.additionalEventData as {lakeFormationRoleSessionName: string}).lakeFormationRoleSessionName, 'true'])
  })

  it('puts the header row on the first page only, pages at most 1000 rows, and gives every value as a string', async () => {
    const total = records(tableFiles)
    expect(total).toBeGreaterThan(1000)
    const query = await run('SELECT eventid, errorcode, eventtime FROM cloudtrail_logs')
    const all = await pages(query.QueryExecutionId!)
    expect(all.length).toBe(Math.ceil((total + 1) / 1000))
    expect(all[0].ResultSet!.Rows![0].Data!.map((datum) => datum.VarCharValue)).toEqual(['eventid', 'errorcode', 'eventtime'])
    for (const [index, page] of all.entries()) {
      expect(page.ResultSet!.Rows!.length).toBeLessThanOrEqual(1000)
      expect(page.ResultSet!.ResultSetMetadata!.ColumnInfo!.map((column) => column.Name)).toEqual(['eventid', 'errorcode', 'eventtime'])
      if (index > 0) expect(page.ResultSet!.Rows!.some((row) => row.Data![0].VarCharValue === 'eventid')).toBe(false)
    }
    const data = await rows(query.QueryExecutionId!)
    expect(data).toHaveLength(total)
    // NULL has no VarCharValue.
    const nulls = all.flatMap((page) => page.ResultSet!.Rows!).filter((row) => row.Data![1].VarCharValue === undefined)
    expect(nulls.length).toBe(tableFiles.flatMap((file) => file.records).filter((record) => record.errorCode === undefined).length)
    expect(nulls.every((row) => Object.keys(row.Data![1]).length === 0)).toBe(true)

    const small = await pages(query.QueryExecutionId!, 300)
    expect(small[0].ResultSet!.Rows).toHaveLength(300)
    expect(small.slice(1).flatMap((page) => page.ResultSet!.Rows!).map((row) => row.Data![0].VarCharValue)).toEqual(data.slice(299).map((row) => row[0]))
    expect((await failure(clients().athena.send(new GetQueryResultsCommand({QueryExecutionId: query.QueryExecutionId, MaxResults: 1001})))).name).toBe('InvalidRequestException')

    const typed = await run("SELECT count(*) AS n, true AS yes, 1.5 AS x, CAST(NULL AS varchar) AS nothing, from_iso8601_timestamp('2026-11-24T00:01:12Z') AS t")
    const [header, row] = (await pages(typed.QueryExecutionId!))[0].ResultSet!.Rows!
    expect(header.Data!.map((datum) => datum.VarCharValue)).toEqual(['n', 'yes', 'x', 'nothing', 't'])
    expect(row.Data).toEqual([{VarCharValue: '1'}, {VarCharValue: 'true'}, {VarCharValue: '1.5'}, {}, {VarCharValue: '2026-11-24 00:01:12.000 UTC'}])
  })

  it('moves QUEUED → RUNNING → SUCCEEDED, can be held in RUNNING, and StopQueryExecution cancels', async () => {
    await setSandboxAthena({holdRunning: true, queuedMs: 400})
    const held = await start({QueryString: 'SELECT count(*) FROM cloudtrail_logs'})
    expect((await execution(held)).Status!.State).toBe('QUEUED')
    let state = 'QUEUED'
    while (state === 'QUEUED') state = (await execution(held)).Status!.State!
    expect(state).toBe('RUNNING')
    await sleep(300)
    expect((await execution(held)).Status!.State).toBe('RUNNING')
    expect((await failure(clients().athena.send(new GetQueryResultsCommand({QueryExecutionId: held})))).name).toBe('InvalidRequestException')
    await clients().athena.send(new StopQueryExecutionCommand({QueryExecutionId: held}))
    const cancelled = await execution(held)
    expect(cancelled.Status!.State).toBe('CANCELLED')
    expect(cancelled.Status!.CompletionDateTime).toBeDefined()

    const released = await start({QueryString: 'SELECT 1'})
    await sleep(500)
    expect((await execution(released)).Status!.State).toBe('RUNNING')
    await setSandboxAthena({holdRunning: false})
    const done = await finished(released)
    expect(done.Status!.State).toBe('SUCCEEDED')
    // Stopping a finished query changes nothing.
    await clients().athena.send(new StopQueryExecutionCommand({QueryExecutionId: released}))
    expect((await execution(released)).Status!.State).toBe('SUCCEEDED')
  })

  it('fails unknown columns, syntax errors and unknown tables with an AthenaError, nothing scanned', async () => {
    const column = await run('SELECT nosuchcolumn FROM cloudtrail_logs')
    expect(column.Status!.State).toBe('FAILED')
    expect(column.Status!.AthenaError).toMatchObject({ErrorCategory: 2, ErrorType: 1006, Retryable: false})
    expect(column.Status!.AthenaError!.ErrorMessage).toMatch(/^COLUMN_NOT_FOUND: .*nosuchcolumn/)
    expect(column.Statistics!.DataScannedInBytes).toBe(0)

    const syntax = await run('SELEC eventname FORM cloudtrail_logs')
    expect(syntax.Status!.AthenaError).toMatchObject({ErrorCategory: 2, ErrorType: 1006, Retryable: false})
    expect(syntax.Status!.AthenaError!.ErrorMessage).toMatch(/SYNTAX_ERROR/)

    const table = await run('SELECT * FROM cloudtrail.nosuchtable')
    expect(table.Status!.AthenaError).toMatchObject({ErrorCategory: 2, ErrorType: 1110})
    expect((await failure(clients().athena.send(new GetQueryResultsCommand({QueryExecutionId: table.QueryExecutionId})))).name).toBe('InvalidRequestException')

    const parameters = await run('SELECT count(*) FROM cloudtrail_logs WHERE eventname = ?')
    expect(parameters.Status!.AthenaError).toMatchObject({ErrorCategory: 2, ErrorType: 1100})
  })

  it('writes the results as CSV to the output location', async () => {
    const query = await run("SELECT 'a\"b' AS x, CAST(NULL AS varchar) AS y")
    expect(query.ResultConfiguration!.OutputLocation).toBe(`${OUTPUT}${query.QueryExecutionId}.csv`)
    const object = await clients().s3.send(new GetObjectCommand({Bucket: 'athena-results', Key: `queries/${query.QueryExecutionId}.csv`}))
    expect(await object.Body!.transformToString()).toBe('"x","y"\n"a""b",\n')
  })

  it('has the primary workgroup, creates others, and requires an output location from the call or the workgroup', async () => {
    const {athena} = clients()
    expect((await athena.send(new GetWorkGroupCommand({WorkGroup: 'primary'}))).WorkGroup!.State).toBe('ENABLED')
    expect((await failure(athena.send(new GetWorkGroupCommand({WorkGroup: 'nosuch'})))).name).toBe('InvalidRequestException')
    const none = await failure(athena.send(new StartQueryExecutionCommand({QueryString: 'SELECT 1', WorkGroup: 'primary'})))
    expect([none.name, none.message]).toEqual(['InvalidRequestException', expect.stringMatching(/output location/i)])
    await athena.send(new CreateWorkGroupCommand({Name: 'lakegov', Configuration: {ResultConfiguration: {OutputLocation: 's3://athena-results/lakegov/'}}}))
    expect((await failure(athena.send(new CreateWorkGroupCommand({Name: 'lakegov'})))).name).toBe('InvalidRequestException')
    expect((await athena.send(new ListWorkGroupsCommand({}))).WorkGroups!.map((group) => group.Name).sort()).toEqual(['lakegov', 'primary'])
    const {QueryExecutionId} = await athena.send(new StartQueryExecutionCommand({QueryString: 'SELECT 1', WorkGroup: 'lakegov'}))
    const done = await finished(QueryExecutionId!)
    expect([done.Status!.State, done.WorkGroup, done.ResultConfiguration!.OutputLocation]).toEqual(['SUCCEEDED', 'lakegov', `s3://athena-results/lakegov/${QueryExecutionId}.csv`])
    // ClientRequestToken makes StartQueryExecution idempotent.
    const token = 'a'.repeat(40)
    const first = await start({QueryString: 'SELECT 2', ClientRequestToken: token})
    expect(await start({QueryString: 'SELECT 2', ClientRequestToken: token})).toBe(first)
  })
})
