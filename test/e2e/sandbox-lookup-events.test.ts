/**
 * The sandbox's CloudTrail LookupEvents, through the AWS SDK, against a generated set of log files
 * in S3. Expected answers come from the generator's ground truth, filtered the way the API reference
 * describes LookupEvents (management events, one region, last 90 days, newest first).
 */
import {CloudTrailClient, type Event, LookupEventsCommand, type LookupEventsCommandInput} from '@aws-sdk/client-cloudtrail'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import {AWS_SAMPLE_RECORDS, type CloudTrailRecord, type GeneratedCloudTrail, generateCloudTrail, isManagementEvent, uploadGeneratedCloudTrail} from '../support/cloudtrail-fixtures'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig, setSandboxCloudTrail} from '../support/sandbox/client'

jest.setTimeout(60_000)

const DAY = 86_400_000

function cloudTrail(region = 'us-east-1'): CloudTrailClient {
  return new CloudTrailClient({...sandboxSdkConfig(sandboxEndpoint(), 1), region})
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to fail, but it succeeded')
}

/** Every page of a lookup, in order. */
async function allPages(client: CloudTrailClient, input: LookupEventsCommandInput): Promise<Event[][]> {
  const pages: Event[][] = []
  let token: string | undefined
  do {
    const page = await client.send(new LookupEventsCommand({...input, NextToken: token}))
    pages.push(page.Events ?? [])
    token = page.NextToken
  } while (token)
  return pages
}

/** The ground truth LookupEvents should give for a region: management events of the last 90 days, newest first. */
function expected(set: GeneratedCloudTrail, region: string, keep: (record: CloudTrailRecord) => boolean = () => true): string[] {
  const horizon = Date.now() - 90 * DAY
  return set.records
    .filter((record) => isManagementEvent(record) && record.awsRegion === region && Date.parse(String(record.eventTime)) >= horizon && keep(record))
    .sort((a, b) => Date.parse(String(b.eventTime)) - Date.parse(String(a.eventTime)) || (String(a.eventID) < String(b.eventID) ? 1 : -1))
    .map((record) => String(record.eventID))
}

describe('sandbox CloudTrail LookupEvents', () => {
  let set: GeneratedCloudTrail

  beforeAll(async () => {
    await resetSandbox()
    const s3 = new S3Client({...sandboxSdkConfig(sandboxEndpoint(), 1), forcePathStyle: true})
    await s3.send(new CreateBucketCommand({Bucket: 'trail-logs'}))
    // Ends yesterday, so that no generated event is in the future of the sandbox's clock.
    const start = new Date(Date.now() - 3 * DAY).toISOString().slice(0, 10)
    set = generateCloudTrail({seed: 3, start, days: 2, regions: ['us-east-1', 'eu-west-1'], filesPerDay: 6, eventsPerFile: 15, organizationId: 'o-exampleorg1'})
    await uploadGeneratedCloudTrail(s3, set.files, {bucket: 'trail-logs', prefix: 'org'})
  })

  beforeEach(async () => {
    await setSandboxCloudTrail({lookupEventsPerSecond: 0})
  })

  afterAll(async () => {
    await setSandboxCloudTrail({lookupEventsPerSecond: 2})
  })

  it('pages through the region’s management events, newest first, 50 a page by default, each event once', async () => {
    const pages = await allPages(cloudTrail(), {})
    const ids = pages.flat().map((event) => event.EventId)
    expect(ids).toEqual(expected(set, 'us-east-1'))
    expect(ids.length).toBeGreaterThan(100)
    expect(pages.slice(0, -1).every((page) => page.length === 50)).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    // The generator delivered some of them twice.
    expect(set.deliveredRecords).toBeGreaterThan(set.records.length)
  })

  it('gives each event its fields and the whole record as CloudTrailEvent', async () => {
    const [page] = await allPages(cloudTrail(), {MaxResults: 50, LookupAttributes: [{AttributeKey: 'EventName', AttributeValue: 'ListRoles'}]}).then((pages) => [pages.flat()])
    expect(page.length).toBeGreaterThan(0)
    for (const event of page) {
      const record = set.records.find((candidate) => candidate.eventID === event.EventId)!
      expect(JSON.parse(event.CloudTrailEvent!)).toEqual(record)
      expect(event.EventName).toBe('ListRoles')
      expect(event.EventSource).toBe('iam.amazonaws.com')
      expect(event.ReadOnly).toBe('true')
      expect(event.EventTime?.toISOString().replace('.000Z', 'Z')).toBe(record.eventTime)
      expect(event.AccessKeyId).toBe((record.userIdentity as {accessKeyId?: string}).accessKeyId)
    }
  })

  it('filters by one attribute, and honours MaxResults and the time range', async () => {
    const client = cloudTrail()
    const byName = (await allPages(client, {MaxResults: 7, LookupAttributes: [{AttributeKey: 'EventName', AttributeValue: 'GetDataAccess'}]})).flat()
    expect(byName.map((event) => event.EventId)).toEqual(expected(set, 'us-east-1', (record) => record.eventName === 'GetDataAccess'))
    const writes = (await allPages(client, {LookupAttributes: [{AttributeKey: 'ReadOnly', AttributeValue: 'false'}]})).flat()
    expect(writes.map((event) => event.EventId)).toEqual(expected(set, 'us-east-1', (record) => record.readOnly === false))
    const users = (await allPages(client, {LookupAttributes: [{AttributeKey: 'Username', AttributeValue: 'alice'}]})).flat()
    // An IAM user's name, or a role session's name.
    const alice = (record: CloudTrailRecord) => {
      const identity = record.userIdentity as {type?: string; userName?: string; arn?: string}
      return identity.type === 'IAMUser' ? identity.userName === 'alice' : identity.type === 'AssumedRole' && String(identity.arn).endsWith('/alice')
    }
    expect(users.map((event) => event.EventId)).toEqual(expected(set, 'us-east-1', alice))
    const bucket = (await allPages(client, {LookupAttributes: [{AttributeKey: 'ResourceType', AttributeValue: 'AWS::S3::Bucket'}]})).flat()
    expect(bucket.length).toBeGreaterThan(0)
    expect(bucket.map((event) => event.EventId)).toEqual(expected(set, 'us-east-1', (record) => Array.isArray(record.resources) && (record.resources as {type: string}[]).some((resource) => resource.type === 'AWS::S3::Bucket')))

    const middle = Date.parse(`${set.options.start}T12:00:00Z`) + DAY
    const window = {StartTime: new Date(middle - 6 * 3_600_000), EndTime: new Date(middle)}
    const inWindow = (await allPages(client, window)).flat()
    expect(inWindow.map((event) => event.EventId)).toEqual(
      expected(set, 'us-east-1', (record) => Date.parse(String(record.eventTime)) >= window.StartTime.getTime() && Date.parse(String(record.eventTime)) <= window.EndTime.getTime()),
    )
    const one = await client.send(new LookupEventsCommand({MaxResults: 1}))
    expect(one.Events).toHaveLength(1)
    expect(one.NextToken).toBeDefined()
  })

  it('serves one region per call, and global services only in us-east-1', async () => {
    const eu = (await allPages(cloudTrail('eu-west-1'), {})).flat()
    expect(eu.map((event) => event.EventId)).toEqual(expected(set, 'eu-west-1'))
    expect(eu.some((event) => event.EventSource === 'iam.amazonaws.com')).toBe(false)
  })

  it('never returns data events, nor events older than 90 days', async () => {
    const client = cloudTrail()
    expect(set.records.some((record) => record.eventName === 'GetObject' && record.awsRegion === 'us-east-1')).toBe(true)
    expect((await client.send(new LookupEventsCommand({LookupAttributes: [{AttributeKey: 'EventName', AttributeValue: 'GetObject'}]}))).Events).toEqual([])
    // AWS's published ConsoleLogin (2022) is in the bucket, in us-east-1, but older than 90 days.
    const sample = AWS_SAMPLE_RECORDS.consoleLoginWithMfa.record
    const old = await client.send(new LookupEventsCommand({StartTime: new Date('2022-01-01T00:00:00Z'), LookupAttributes: [{AttributeKey: 'EventId', AttributeValue: String(sample.eventID)}]}))
    expect(old.Events).toEqual([])
  })

  it('refuses two attributes, MaxResults outside 1 to 50, a start after the end, and an unknown key', async () => {
    const client = cloudTrail()
    const two = await failure(
      client.send(
        new LookupEventsCommand({
          LookupAttributes: [
            {AttributeKey: 'EventName', AttributeValue: 'ListRoles'},
            {AttributeKey: 'Username', AttributeValue: 'alice'},
          ],
        }),
      ),
    )
    expect(two.name).toBe('InvalidLookupAttributesException')
    for (const MaxResults of [0, 51]) expect((await failure(client.send(new LookupEventsCommand({MaxResults})))).name).toBe('InvalidMaxResultsException')
    expect((await failure(client.send(new LookupEventsCommand({StartTime: new Date(), EndTime: new Date(Date.now() - DAY)})))).name).toBe('InvalidTimeRangeException')
    const key = await failure(client.send(new LookupEventsCommand({LookupAttributes: [{AttributeKey: 'Principal' as never, AttributeValue: 'x'}]})))
    expect(key.name).toBe('InvalidLookupAttributesException')
  })

  it('continues a NextToken only with the parameters it was issued for', async () => {
    const client = cloudTrail()
    const input = {MaxResults: 10, LookupAttributes: [{AttributeKey: 'ReadOnly' as const, AttributeValue: 'true'}]}
    const first = await client.send(new LookupEventsCommand(input))
    const second = await client.send(new LookupEventsCommand({...input, NextToken: first.NextToken}))
    const expectedIds = expected(set, 'us-east-1', (record) => record.readOnly === true)
    expect([...first.Events!, ...second.Events!].map((event) => event.EventId)).toEqual(expectedIds.slice(0, 20))
    // Replaying the same token gives the same page.
    expect((await client.send(new LookupEventsCommand({...input, NextToken: first.NextToken}))).Events).toEqual(second.Events)
    for (const other of [
      {...input, MaxResults: 20},
      {...input, LookupAttributes: [{AttributeKey: 'ReadOnly' as const, AttributeValue: 'false'}]},
      {MaxResults: 10},
      {...input, StartTime: new Date(Date.now() - DAY)},
    ]) {
      expect((await failure(client.send(new LookupEventsCommand({...other, NextToken: first.NextToken})))).name).toBe('InvalidNextTokenException')
    }
    expect((await failure(cloudTrail('eu-west-1').send(new LookupEventsCommand({...input, NextToken: first.NextToken})))).name).toBe('InvalidNextTokenException')
    expect((await failure(client.send(new LookupEventsCommand({...input, NextToken: 'not-a-token'})))).name).toBe('InvalidNextTokenException')
  })

  it('throttles above the documented 2 requests per second per region, with ThrottlingException', async () => {
    await setSandboxCloudTrail({lookupEventsPerSecond: 2})
    const client = cloudTrail()
    const results = await Promise.allSettled(Array.from({length: 4}, () => client.send(new LookupEventsCommand({MaxResults: 1}))))
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(2)
    expect(rejected).toHaveLength(2)
    for (const result of rejected) expect((result.reason as Error).name).toBe('ThrottlingException')
    // Another region has its own limit.
    await expect(cloudTrail('eu-west-1').send(new LookupEventsCommand({MaxResults: 1}))).resolves.toBeDefined()
    // A second later the region answers again.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    await expect(client.send(new LookupEventsCommand({MaxResults: 1}))).resolves.toBeDefined()

    // The rate is configurable: 5 a second lets 5 through.
    await setSandboxCloudTrail({lookupEventsPerSecond: 5})
    const five = await Promise.allSettled(Array.from({length: 5}, () => client.send(new LookupEventsCommand({MaxResults: 1}))))
    expect(five.every((result) => result.status === 'fulfilled')).toBe(true)
  })

  it('sees log files uploaded after a first lookup', async () => {
    const client = cloudTrail()
    const before = (await allPages(client, {})).flat().length
    const later = generateCloudTrail({seed: 99, start: new Date(Date.now() - DAY).toISOString().slice(0, 10), days: 1, regions: ['us-east-1'], filesPerDay: 1, eventsPerFile: 5, includeAwsSamples: false})
    const s3 = new S3Client({...sandboxSdkConfig(sandboxEndpoint(), 1), forcePathStyle: true})
    await uploadGeneratedCloudTrail(s3, later.files, {bucket: 'trail-logs', prefix: 'org'})
    const added = later.records.filter((record) => isManagementEvent(record) && Date.parse(String(record.eventTime)) <= Date.now()).length
    expect((await allPages(client, {})).flat().length).toBe(before + added)
  })
})
