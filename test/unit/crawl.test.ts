import {explainCrawlError, parseDuration, preflightCrawl, waitForCrawl, type PreflightInput} from '../../src/core/crawl/crawl'
import type {ObservedCrawler} from '../../src/core/lake/observed'
import {policyDocument} from '../../src/core/iam'

const ROLE = 'arn:aws:iam::123456789012:role/lakegov-crawler'
const LOCATION = 'arn:aws:s3:::logs/AWSLogs'

function ready(): PreflightInput {
  return {
    crawlerName: 'ct',
    roleArn: ROLE,
    locationArn: LOCATION,
    database: 'cloudtrail',
    crawler: {exists: true, s3Targets: [], classifiers: [], useLakeFormationCredentials: true},
    registration: {resourceArn: LOCATION, roleArn: 'arn:aws:iam::123456789012:role/reg', verificationStatus: 'VERIFIED'},
    parentRegistrations: [],
    roleGrants: [
      {principal: ROLE, resource: {type: 'dataLocation', path: LOCATION}, permissions: ['DATA_LOCATION_ACCESS'], grantable: []},
      {principal: ROLE, resource: {type: 'database', database: 'cloudtrail'}, permissions: ['ALTER', 'CREATE_TABLE', 'DESCRIBE'], grantable: []},
    ],
    admins: [],
    roleExists: true,
    rolePolicies: {lakegov: policyDocument([{Effect: 'Allow', Action: 'lakeformation:GetDataAccess', Resource: '*'}])},
    logObjects: ['AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/24/x.json.gz'],
  }
}

function failing(input: PreflightInput): string[] {
  return preflightCrawl(input)
    .filter((check) => !check.ok)
    .map((check) => check.id)
}

describe('preflightCrawl', () => {
  it('passes when every prerequisite is there', () => {
    expect(failing(ready())).toEqual([])
  })

  it.each<[string, (input: PreflightInput) => void, string]>([
    ['no crawler', (input) => (input.crawler = {exists: false, s3Targets: [], classifiers: [], useLakeFormationCredentials: false}), 'crawler'],
    ['a crawler without Lake Formation credentials', (input) => (input.crawler.useLakeFormationCredentials = false), 'crawler'],
    ['an unregistered location', (input) => delete input.registration, 'registration'],
    ['a registration that failed verification', (input) => (input.registration!.verificationStatus = 'VERIFICATION_FAILED'), 'registration'],
    ['no DATA_LOCATION_ACCESS', (input) => (input.roleGrants = input.roleGrants.filter((grant) => grant.resource.type !== 'dataLocation')), 'location-permission'],
    ['DATA_LOCATION_ACCESS on another location', (input) => (input.roleGrants[0].resource = {type: 'dataLocation', path: 'arn:aws:s3:::other'}), 'location-permission'],
    ['no ALTER on the database', (input) => (input.roleGrants[1].permissions = ['CREATE_TABLE', 'DESCRIBE']), 'database-permissions'],
    ['no GetDataAccess in IAM', (input) => (input.rolePolicies = {lakegov: policyDocument([{Effect: 'Allow', Action: 's3:GetObject', Resource: '*'}])}), 'get-data-access'],
    ['GetDataAccess denied', (input) => (input.rolePolicies.deny = policyDocument([{Effect: 'Deny', Action: 'lakeformation:*', Resource: '*'}])), 'get-data-access'],
    ['no role', (input) => ((input.roleExists = false), (input.rolePolicies = {})), 'get-data-access'],
    ['no CloudTrail objects', (input) => (input.logObjects = []), 'log-objects'],
  ])('fails on %s, with a fix', (_name, breakIt, id) => {
    const input = ready()
    breakIt(input)
    expect(failing(input)).toEqual([id])
    expect(preflightCrawl(input).find((check) => check.id === id)?.fix).toBeTruthy()
  })

  it('accepts ALL on the database, a registered parent location, and an admin crawler role', () => {
    const input = ready()
    input.roleGrants[1].permissions = ['ALL']
    expect(failing(input)).toEqual([])
    const parent = ready()
    delete parent.registration
    parent.parentRegistrations = ['arn:aws:s3:::logs']
    parent.roleGrants[0].resource = {type: 'dataLocation', path: 'arn:aws:s3:::logs'}
    expect(failing(parent)).toEqual([])
    const admin = ready()
    admin.roleGrants = []
    admin.admins = [ROLE]
    expect(failing(admin)).toEqual([])
  })
})

describe('explainCrawlError', () => {
  it.each([
    ['The S3 location: s3://logs/AWSLogs is not registered.', 'not registered'],
    ['User: arn:aws:sts::1:assumed-role/c/AWS-Crawler is not authorized to perform: lakeformation:GetDataAccess because no identity-based policy allows it', 'GetDataAccess'],
    ['Insufficient Lake Formation permission(s) on s3://logs/AWSLogs (Service: AWSLakeFormation)', 'DATA_LOCATION_ACCESS'],
    ['Insufficient Lake Formation permission(s) on cloudtrail', 'CREATE_TABLE'],
    ['User does not have access to target s3://logs/AWSLogs', 'UseLakeFormationCredentials'],
  ])('explains "%s"', (message, cause) => {
    expect(explainCrawlError(message)?.cause).toContain(cause)
  })

  it('says nothing about messages it does not know', () => {
    expect(explainCrawlError('Internal service error')).toBeUndefined()
    expect(explainCrawlError(undefined)).toBeUndefined()
  })
})

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['2h', 7_200_000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms))
  it.each(['', '10', '5 minutes', 'm'])('rejects "%s"', (text) => expect(parseDuration(text)).toBeUndefined())
})

describe('waitForCrawl', () => {
  const start = new Date('2026-11-25T10:00:00Z')

  function reader(states: ObservedCrawler[]) {
    let index = 0
    return {readCrawler: async () => states[Math.min(index++, states.length - 1)]}
  }
  const crawler = (state: string, lastStart?: string): ObservedCrawler => ({
    exists: true,
    s3Targets: [],
    classifiers: [],
    useLakeFormationCredentials: true,
    state,
    ...(lastStart ? {lastCrawl: {status: 'SUCCEEDED', startTime: lastStart}} : {}),
  })

  it('waits through RUNNING and STOPPING for READY, backing off', async () => {
    const sleeps: number[] = []
    const progress: string[] = []
    const result = await waitForCrawl(reader([crawler('RUNNING'), crawler('RUNNING'), crawler('STOPPING'), crawler('READY', '2026-11-25T10:00:00Z')]), 'ct', {
      startedAt: start,
      timeoutMs: 60_000,
      pollMs: 1000,
      now: () => start,
      sleep: async (ms) => void sleeps.push(ms),
      onProgress: (state) => progress.push(state),
    })
    expect(result.outcome).toBe('finished')
    expect(progress).toEqual(['RUNNING', 'RUNNING', 'STOPPING', 'READY'])
    expect(sleeps).toEqual([1000, 1500, 2250])
  })

  it('recognises a crawl that ended before the first poll by its start time, but not an older crawl', async () => {
    const options = {startedAt: start, timeoutMs: 5000, now: () => start, sleep: async () => undefined}
    expect((await waitForCrawl(reader([crawler('READY', '2026-11-25T10:00:00Z')]), 'ct', options)).outcome).toBe('finished')
    let clock = start.getTime()
    const older = await waitForCrawl(reader([crawler('READY', '2026-11-24T10:00:00Z')]), 'ct', {...options, now: () => new Date((clock += 2000))})
    expect(older.outcome).toBe('timeout')
  })

  it('stops waiting when interrupted, leaving the crawler running', async () => {
    const interrupt = new AbortController()
    const result = await waitForCrawl(reader([crawler('RUNNING')]), 'ct', {
      startedAt: start,
      timeoutMs: 60_000,
      now: () => start,
      signal: interrupt.signal,
      sleep: async () => interrupt.abort(),
    })
    expect(result).toMatchObject({outcome: 'interrupted', crawler: {state: 'RUNNING'}})
  })
})
