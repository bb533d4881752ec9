import {
  BatchGetCrawlersCommand,
  CreateClassifierCommand,
  CreateCrawlerCommand,
  type CreateCrawlerCommandInput,
  CreateDatabaseCommand,
  type Crawler,
  DeleteClassifierCommand,
  DeleteCrawlerCommand,
  GetClassifierCommand,
  GetClassifiersCommand,
  GetCrawlerCommand,
  GetCrawlerMetricsCommand,
  GetCrawlersCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GlueClient,
  StartCrawlerCommand,
  StopCrawlerCommand,
  UpdateClassifierCommand,
  UpdateCrawlerCommand,
} from '@aws-sdk/client-glue'
import {CreateRoleCommand, IAMClient, PutRolePolicyCommand} from '@aws-sdk/client-iam'
import {GrantPermissionsCommand, LakeFormationClient, PutDataLakeSettingsCommand, RegisterResourceCommand} from '@aws-sdk/client-lakeformation'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import {cloudTrailFixtureKeys, uploadCloudTrailFixtures} from '../support/cloudtrail-fixtures'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig, sandboxStats, setSandboxFaults} from '../support/sandbox/client'

jest.setTimeout(30_000)

const ACCOUNT = '123456789012'
const BUCKET = 'lake-data'
const PREFIX = 'cloudtrail'
const TARGET = `s3://${BUCKET}/${PREFIX}`
const LOCATION_ARN = `arn:aws:s3:::${BUCKET}/${PREFIX}`
const DATABASE = 'cloudtrail'
const CRAWLER = 'cloudtrail-crawler'
const ROLE_NAME = 'LakegovCrawler'
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/service-role/${ROLE_NAME}`

function clients() {
  const config = sandboxSdkConfig(sandboxEndpoint(), 1)
  return {
    glue: new GlueClient(config),
    iam: new IAMClient(config),
    lakeformation: new LakeFormationClient(config),
    s3: new S3Client({...config, forcePathStyle: true}),
  }
}

/** The error a promise rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error & {$metadata?: {httpStatusCode?: number}}> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to fail, but it succeeded')
}

/** Which prerequisites of a Lake Formation crawl to set up; all of them by default. */
interface Lake {
  register?: boolean
  getDataAccess?: boolean
  locationGrant?: boolean
  databaseGrant?: boolean
  useLakeFormationCredentials?: boolean
  crawler?: Partial<CreateCrawlerCommandInput>
}

/** A bucket of CloudTrail logs, a locked-down account (no IAM_ALLOWED_PRINCIPALS defaults), the crawler role and the crawler. */
async function setUpLake(lake: Lake = {}): Promise<void> {
  const {glue, iam, lakeformation, s3} = clients()
  await s3.send(new CreateBucketCommand({Bucket: BUCKET}))
  await uploadCloudTrailFixtures(s3, {bucket: BUCKET, prefix: PREFIX})
  await lakeformation.send(
    new PutDataLakeSettingsCommand({
      DataLakeSettings: {DataLakeAdmins: [{DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/LakeAdmin`}], CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: []},
    }),
  )
  await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: DATABASE}}))
  await iam.send(
    new CreateRoleCommand({
      RoleName: ROLE_NAME,
      Path: '/service-role/',
      AssumeRolePolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'glue.amazonaws.com'}, Action: 'sts:AssumeRole'}]}),
    }),
  )
  const actions = ['s3:GetObject', 's3:ListBucket', 'glue:*', ...(lake.getDataAccess === false ? [] : ['lakeformation:GetData*'])]
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: ROLE_NAME,
      PolicyName: 'crawl',
      PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: actions, Resource: '*'}]}),
    }),
  )
  if (lake.register !== false) await lakeformation.send(new RegisterResourceCommand({ResourceArn: LOCATION_ARN, UseServiceLinkedRole: true}))
  if (lake.register !== false && lake.locationGrant !== false) {
    await lakeformation.send(
      new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: ROLE_ARN}, Resource: {DataLocation: {ResourceArn: LOCATION_ARN}}, Permissions: ['DATA_LOCATION_ACCESS']}),
    )
  }
  if (lake.databaseGrant !== false) {
    await lakeformation.send(
      new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: ROLE_ARN}, Resource: {Database: {Name: DATABASE}}, Permissions: ['CREATE_TABLE', 'ALTER', 'DESCRIBE']}),
    )
  }
  await glue.send(new CreateClassifierCommand({JsonClassifier: {Name: 'cloudtrail-records', JsonPath: '$.Records[*]'}}))
  await glue.send(
    new CreateCrawlerCommand({
      Name: CRAWLER,
      Role: ROLE_ARN,
      DatabaseName: DATABASE,
      Classifiers: ['cloudtrail-records'],
      Targets: {S3Targets: [{Path: TARGET, Exclusions: ['**/CloudTrail-Digest/**']}]},
      SchemaChangePolicy: {UpdateBehavior: 'UPDATE_IN_DATABASE', DeleteBehavior: 'LOG'},
      RecrawlPolicy: {RecrawlBehavior: 'CRAWL_EVERYTHING'},
      LakeFormationConfiguration: {UseLakeFormationCredentials: lake.useLakeFormationCredentials ?? true},
      ...lake.crawler,
    }),
  )
}

/** Polls GetCrawler until the crawler is READY again; resolves with the states seen, in order, and the crawler. */
async function crawlToCompletion(name = CRAWLER, start = true): Promise<{states: string[]; crawler: Crawler}> {
  const {glue} = clients()
  if (start) await glue.send(new StartCrawlerCommand({Name: name}))
  const states: string[] = []
  for (;;) {
    const {Crawler: crawler} = await glue.send(new GetCrawlerCommand({Name: name}))
    const state = crawler?.State ?? 'UNKNOWN'
    if (states.at(-1) !== state) states.push(state)
    if (state === 'READY' && crawler) return {states, crawler}
    await new Promise((resolve) => setTimeout(resolve, 40))
  }
}

beforeEach(async () => {
  await resetSandbox()
})

describe('sandbox Glue: classifiers (moto 5.2.1 has none)', () => {
  it('creates, gets, updates, lists and deletes classifiers of every kind', async () => {
    const {glue} = clients()
    await glue.send(new CreateClassifierCommand({JsonClassifier: {Name: 'cloudtrail-records', JsonPath: '$.Records[*]'}}))
    await glue.send(new CreateClassifierCommand({GrokClassifier: {Name: 'grok', Classification: 'logs', GrokPattern: '%{COMBINEDAPACHELOG}'}}))
    await glue.send(new CreateClassifierCommand({XMLClassifier: {Name: 'xml', Classification: 'xml', RowTag: 'row'}}))
    await glue.send(new CreateClassifierCommand({CsvClassifier: {Name: 'csv', Delimiter: ',', ContainsHeader: 'PRESENT'}}))

    const {Classifier} = await glue.send(new GetClassifierCommand({Name: 'cloudtrail-records'}))
    expect(Classifier?.JsonClassifier).toMatchObject({Name: 'cloudtrail-records', JsonPath: '$.Records[*]', Version: 1})
    expect(Classifier?.JsonClassifier?.CreationTime).toBeInstanceOf(Date)

    await glue.send(new UpdateClassifierCommand({JsonClassifier: {Name: 'cloudtrail-records', JsonPath: '$[*]'}}))
    expect((await glue.send(new GetClassifierCommand({Name: 'cloudtrail-records'}))).Classifier?.JsonClassifier).toMatchObject({JsonPath: '$[*]', Version: 2})

    // Sorted by name: cloudtrail-records, csv, grok, xml.
    const listed = await glue.send(new GetClassifiersCommand({}))
    expect(listed.Classifiers?.map((c) => Object.keys(c).filter((k) => c[k as keyof typeof c] !== undefined))).toEqual([
      ['JsonClassifier'],
      ['CsvClassifier'],
      ['GrokClassifier'],
      ['XMLClassifier'],
    ])
    const firstPage = await glue.send(new GetClassifiersCommand({MaxResults: 3}))
    expect(firstPage.Classifiers).toHaveLength(3)
    expect((await glue.send(new GetClassifiersCommand({MaxResults: 3, NextToken: firstPage.NextToken}))).Classifiers).toHaveLength(1)

    await glue.send(new DeleteClassifierCommand({Name: 'grok'}))
    expect((await glue.send(new GetClassifiersCommand({}))).Classifiers).toHaveLength(3)
  })

  it("refuses duplicates and unknown names with Glue's errors", async () => {
    const {glue} = clients()
    await glue.send(new CreateClassifierCommand({JsonClassifier: {Name: 'dup', JsonPath: '$'}}))
    const duplicate = await failure(glue.send(new CreateClassifierCommand({JsonClassifier: {Name: 'dup', JsonPath: '$'}})))
    expect(duplicate.name).toBe('AlreadyExistsException')
    expect(duplicate.$metadata?.httpStatusCode).toBe(400)
    const missing = await failure(glue.send(new GetClassifierCommand({Name: 'nope'})))
    expect(missing.name).toBe('EntityNotFoundException')
    expect(missing.message).toBe('Classifier nope not found.')
    expect((await failure(glue.send(new UpdateClassifierCommand({JsonClassifier: {Name: 'nope', JsonPath: '$'}})))).name).toBe('EntityNotFoundException')
    expect((await failure(glue.send(new DeleteClassifierCommand({Name: 'nope'})))).name).toBe('EntityNotFoundException')
    expect((await failure(glue.send(new CreateClassifierCommand({JsonClassifier: {Name: 'no-path', JsonPath: undefined as unknown as string}})))).name).toBe('InvalidInputException')
  })

  it('is cleared by a sandbox reset, and its calls are counted and faulted like any other', async () => {
    const {glue} = clients()
    await glue.send(new CreateClassifierCommand({JsonClassifier: {Name: 'gone', JsonPath: '$'}}))
    await setSandboxFaults({failNext: [{service: 'glue', operation: 'GetClassifier', kind: 'throttle', count: 1}]})
    expect((await failure(glue.send(new GetClassifierCommand({Name: 'gone'})))).name).toBe('ThrottlingException')
    expect((await sandboxStats()).services.glue).toEqual({CreateClassifier: 1, GetClassifier: 1})
    await resetSandbox()
    expect((await failure(glue.send(new GetClassifierCommand({Name: 'gone'})))).name).toBe('EntityNotFoundException')
  })
})

describe('sandbox Glue: crawler definitions', () => {
  it('keeps LakeFormationConfiguration, which moto drops, in GetCrawler, GetCrawlers and BatchGetCrawlers', async () => {
    await setUpLake()
    const {glue} = clients()
    const expected = {
      Name: CRAWLER,
      Role: ROLE_ARN,
      State: 'READY',
      Classifiers: ['cloudtrail-records'],
      Targets: {S3Targets: [{Path: TARGET, Exclusions: ['**/CloudTrail-Digest/**']}]},
      SchemaChangePolicy: {UpdateBehavior: 'UPDATE_IN_DATABASE', DeleteBehavior: 'LOG'},
      RecrawlPolicy: {RecrawlBehavior: 'CRAWL_EVERYTHING'},
      LakeFormationConfiguration: {UseLakeFormationCredentials: true},
    }
    expect((await glue.send(new GetCrawlerCommand({Name: CRAWLER}))).Crawler).toMatchObject(expected)
    expect((await glue.send(new GetCrawlersCommand({}))).Crawlers).toEqual([expect.objectContaining(expected)])
    const batch = await glue.send(new BatchGetCrawlersCommand({CrawlerNames: [CRAWLER, 'missing']}))
    expect(batch.Crawlers).toEqual([expect.objectContaining(expected)])
    expect(batch.CrawlersNotFound).toEqual(['missing'])
  })

  it('serves UpdateCrawler, which moto lacks: given members replace, the rest and CreationTime stay, Version goes up', async () => {
    await setUpLake()
    const {glue} = clients()
    const before = (await glue.send(new GetCrawlerCommand({Name: CRAWLER}))).Crawler
    await glue.send(new UpdateCrawlerCommand({Name: CRAWLER, Schedule: 'cron(0 2 * * ? *)', Description: 'CloudTrail logs', LakeFormationConfiguration: {UseLakeFormationCredentials: false}}))
    const after = (await glue.send(new GetCrawlerCommand({Name: CRAWLER}))).Crawler
    expect(after).toMatchObject({
      Description: 'CloudTrail logs',
      Schedule: {ScheduleExpression: 'cron(0 2 * * ? *)'},
      Targets: before?.Targets,
      Classifiers: ['cloudtrail-records'],
      SchemaChangePolicy: {UpdateBehavior: 'UPDATE_IN_DATABASE', DeleteBehavior: 'LOG'},
      LakeFormationConfiguration: {UseLakeFormationCredentials: false},
      Version: 2,
      CreationTime: before?.CreationTime,
    })
    expect((await failure(glue.send(new UpdateCrawlerCommand({Name: 'missing', Description: 'x'})))).name).toBe('EntityNotFoundException')
  })
})

describe('sandbox Glue: crawls refused the way AWS refuses them', () => {
  it.each([
    ['the location is not registered', {register: false}, 'The S3 location: s3://lake-data/cloudtrail is not registered.'],
    [
      'the role may not call lakeformation:GetDataAccess',
      {getDataAccess: false},
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/AWS-Crawler is not authorized to perform: lakeformation:GetDataAccess because no identity-based policy allows the lakeformation:GetDataAccess action (Service: AWSLakeFormation; Status Code: 400; Error Code: AccessDeniedException)`,
    ],
    [
      'the role lacks DATA_LOCATION_ACCESS',
      {locationGrant: false},
      'Insufficient Lake Formation permission(s) on s3://lake-data/cloudtrail (Service: AWSLakeFormation; Status Code: 400; Error Code: AccessDeniedException)',
    ],
    ['the role lacks CREATE_TABLE on the database', {databaseGrant: false}, 'Insufficient Lake Formation permission(s) on cloudtrail'],
    ['the crawler does not use Lake Formation credentials on a registered location', {useLakeFormationCredentials: false}, 'User does not have access to target s3://lake-data/cloudtrail'],
  ])('fails the crawl when %s', async (_, lake, message) => {
    await setUpLake(lake)
    const {states, crawler} = await crawlToCompletion()
    expect(states).toEqual(['RUNNING', 'STOPPING', 'READY'])
    expect(crawler.LastCrawl).toMatchObject({Status: 'FAILED', ErrorMessage: message, LogGroup: '/aws-glue/crawlers', LogStream: CRAWLER})
    expect((await failure(clients().glue.send(new GetTableCommand({DatabaseName: DATABASE, Name: 'cloudtrail'})))).name).toBe('EntityNotFoundException')
  })

  it('lets a data lake admin role crawl without grants', async () => {
    await setUpLake({locationGrant: false, databaseGrant: false})
    await clients().lakeformation.send(new PutDataLakeSettingsCommand({DataLakeSettings: {DataLakeAdmins: [{DataLakePrincipalIdentifier: ROLE_ARN}]}}))
    expect((await crawlToCompletion()).crawler.LastCrawl).toMatchObject({Status: 'SUCCEEDED'})
  })
})

describe('sandbox Glue: a successful crawl of CloudTrail logs', () => {
  it('goes RUNNING, STOPPING, READY and catalogs one partitioned table, the digest excluded', async () => {
    await setUpLake()
    const {glue} = clients()
    const {states, crawler} = await crawlToCompletion()
    expect(states).toEqual(['RUNNING', 'STOPPING', 'READY'])
    expect(crawler.LastCrawl?.Status).toBe('SUCCEEDED')
    expect(crawler.LastCrawl?.ErrorMessage).toBeUndefined()
    expect(crawler.LastCrawl?.StartTime).toBeInstanceOf(Date)

    const {Table} = await glue.send(new GetTableCommand({DatabaseName: DATABASE, Name: 'cloudtrail'}))
    expect(Table?.StorageDescriptor).toMatchObject({
      Location: `${TARGET}/`,
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      SerdeInfo: {SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe'},
    })
    expect(Table?.Parameters).toMatchObject({classification: 'json', compressionType: 'gzip', jsonPath: '$.Records[*]', UPDATED_BY_CRAWLER: CRAWLER, objectCount: '3', recordCount: '8'})
    const columns = Object.fromEntries((Table?.StorageDescriptor?.Columns ?? []).map((column) => [column.Name, column.Type]))
    expect(Object.keys(columns).slice(0, 6)).toEqual(['eventversion', 'useridentity', 'eventtime', 'eventsource', 'eventname', 'awsregion'])
    expect(columns).toMatchObject({eventname: 'string', eventsource: 'string', readonly: 'boolean', managementevent: 'boolean', errorcode: 'string'})
    expect(columns.useridentity).toMatch(/^struct<type:string,principalid:string,arn:string,accountid:string,/)
    expect(columns.useridentity).toContain('sessioncontext:struct<sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>')
    expect(columns.resources).toBe('array<struct<type:string,arn:string,accountid:string>>')
    expect(columns.requestparameters).toContain('tablearn:string')
    expect(columns.requestparameters).toContain('permissions:array<string>')
    expect(columns.additionaleventdata).toContain('lakeformationprincipal:string')
    expect(columns.additionaleventdata).toContain('bytestransferredout:bigint')
    expect(Table?.PartitionKeys?.map((key) => key.Name)).toEqual(['partition_0', 'partition_1', 'partition_2', 'partition_3', 'partition_4', 'partition_5', 'partition_6'])

    const {Partitions} = await glue.send(new GetPartitionsCommand({DatabaseName: DATABASE, TableName: 'cloudtrail'}))
    const values = (Partitions ?? []).map((partition) => partition.Values?.join('/')).sort()
    expect(values).toEqual([`AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11/24`, `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11/25`])
    expect(Partitions?.[0].StorageDescriptor?.Location).toMatch(new RegExp(`^${TARGET}/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11/2[45]/$`))

    const {CrawlerMetricsList} = await glue.send(new GetCrawlerMetricsCommand({CrawlerNameList: [CRAWLER]}))
    expect(CrawlerMetricsList).toEqual([
      expect.objectContaining({CrawlerName: CRAWLER, TablesCreated: 1, TablesUpdated: 0, TablesDeleted: 0, StillEstimating: false, TimeLeftSeconds: 0}),
    ])
    // Two 300 ms phases, less a millisecond: Node's timers may fire a millisecond early against the wall clock.
    expect(CrawlerMetricsList?.[0].LastRuntimeSeconds).toBeGreaterThanOrEqual(0.59)
    expect(CrawlerMetricsList?.[0].MedianRuntimeSeconds).toBe(CrawlerMetricsList?.[0].LastRuntimeSeconds)
  })

  it('changes nothing on a second crawl of the same objects, and updates the table when the schema grows', async () => {
    await setUpLake()
    const {glue} = clients()
    await crawlToCompletion()
    await crawlToCompletion()
    expect((await glue.send(new GetCrawlerMetricsCommand({}))).CrawlerMetricsList?.[0]).toMatchObject({TablesCreated: 0, TablesUpdated: 0})

    // Crawling every object, the digest included, adds its fields and its folder.
    await glue.send(new UpdateCrawlerCommand({Name: CRAWLER, Targets: {S3Targets: [{Path: TARGET}]}, Classifiers: []}))
    const {crawler} = await crawlToCompletion()
    expect(crawler.LastCrawl?.Status).toBe('SUCCEEDED')
    expect((await glue.send(new GetCrawlerMetricsCommand({CrawlerNameList: [CRAWLER]}))).CrawlerMetricsList?.[0]).toMatchObject({TablesCreated: 0, TablesUpdated: 1})
    const {Partitions} = await glue.send(new GetPartitionsCommand({DatabaseName: DATABASE, TableName: 'cloudtrail'}))
    expect(Partitions?.map((partition) => partition.Values?.[2]).sort()).toEqual(['CloudTrail', 'CloudTrail', 'CloudTrail-Digest'])
  })

  it('succeeds with no table when the target holds no objects', async () => {
    await setUpLake({crawler: {Targets: {S3Targets: [{Path: `s3://${BUCKET}/empty`}]}}})
    await clients().lakeformation.send(new RegisterResourceCommand({ResourceArn: `arn:aws:s3:::${BUCKET}/empty`, UseServiceLinkedRole: true}))
    await clients().lakeformation.send(
      new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: ROLE_ARN}, Resource: {DataLocation: {ResourceArn: `arn:aws:s3:::${BUCKET}/empty`}}, Permissions: ['DATA_LOCATION_ACCESS']}),
    )
    const {crawler} = await crawlToCompletion()
    expect(crawler.LastCrawl?.Status).toBe('SUCCEEDED')
    expect((await clients().glue.send(new GetCrawlerMetricsCommand({}))).CrawlerMetricsList?.[0]).toMatchObject({TablesCreated: 0, TablesUpdated: 0, TablesDeleted: 0})
  })

  it('uploads the fixtures under the real CloudTrail key layout', () => {
    expect(cloudTrailFixtureKeys()).toEqual([
      `AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2026/11/24/${ACCOUNT}_CloudTrail-Digest_us-east-1_lakegov-trail_us-east-1_20261124T010000Z.json.gz`,
      `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11/24/${ACCOUNT}_CloudTrail_us-east-1_20261124T0005Z_abc123.json.gz`,
      `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11/24/${ACCOUNT}_CloudTrail_us-east-1_20261124T0015Z_def456.json.gz`,
      `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11/25/${ACCOUNT}_CloudTrail_us-east-1_20261125T0010Z_0a1b2c.json.gz`,
    ])
  })
})

describe('sandbox Glue: starting and stopping', () => {
  it('refuses a second start while running, and a stop when not running', async () => {
    await setUpLake()
    const {glue} = clients()
    expect((await failure(glue.send(new StopCrawlerCommand({Name: CRAWLER})))).name).toBe('CrawlerNotRunningException')
    await glue.send(new StartCrawlerCommand({Name: CRAWLER}))
    const again = await failure(glue.send(new StartCrawlerCommand({Name: CRAWLER})))
    expect(again.name).toBe('CrawlerRunningException')
    expect((await failure(glue.send(new DeleteCrawlerCommand({Name: CRAWLER})))).name).toBe('CrawlerRunningException')
    await crawlToCompletion(CRAWLER, false)
    expect((await failure(glue.send(new StartCrawlerCommand({Name: 'missing'})))).name).toBe('EntityNotFoundException')
  })

  it('cancels a running crawl on StopCrawler: STOPPING, then READY with LastCrawl CANCELLED', async () => {
    await setUpLake()
    const {glue} = clients()
    await glue.send(new StartCrawlerCommand({Name: CRAWLER}))
    expect((await glue.send(new GetCrawlerCommand({Name: CRAWLER}))).Crawler?.State).toBe('RUNNING')
    await glue.send(new StopCrawlerCommand({Name: CRAWLER}))
    expect((await failure(glue.send(new StopCrawlerCommand({Name: CRAWLER})))).name).toBe('CrawlerStoppingException')
    const {states, crawler} = await crawlToCompletion(CRAWLER, false)
    expect(states).toEqual(['STOPPING', 'READY'])
    expect(crawler.LastCrawl).toMatchObject({Status: 'CANCELLED'})
    expect(crawler.LastCrawl?.ErrorMessage).toBeUndefined()
  })

  it('counts and faults the calls it serves, as the gateway does for every call', async () => {
    await setUpLake()
    const {glue} = clients()
    await setSandboxFaults({failNext: [{service: 'glue', operation: 'StartCrawler', kind: 'throttle', count: 1}]})
    expect((await failure(glue.send(new StartCrawlerCommand({Name: CRAWLER})))).name).toBe('ThrottlingException')
    expect((await glue.send(new GetCrawlerCommand({Name: CRAWLER}))).Crawler?.State).toBe('READY')
    const stats = await sandboxStats()
    expect(stats.services.glue).toMatchObject({StartCrawler: 1, GetCrawler: 1, CreateCrawler: 1, CreateClassifier: 1})
    expect(stats.faults.throttle).toBe(1)
  })
})
