import nock from 'nock'

import {LakeAdapter} from '../../src/workflows/lake'
import type {LakeConfig} from '../../src/core/lake/config'
import {runCrawl} from '../../src/workflows/crawl'
import {testClients, useNock} from '../support/nock-setup'

const GLUE = 'https://glue.us-east-1.amazonaws.com'
const CONFIG: LakeConfig = {
  region: 'us-east-1',
  admins: [],
  readOnlyAdmins: [],
  bucket: {name: 'logs', prefix: 'AWSLogs/', encryption: {type: 'AES256'}},
  registration: {role: 'reg'},
  database: 'cloudtrail',
  crawler: {name: 'ct', role: 'lakegov-crawler'},
  sources: {},
}

type Reply = [number, object]

/** Serves Glue's awsJson calls from per-operation queues of replies, and records the operations called. */
function mountGlue(replies: Record<string, Reply[]>): string[] {
  const calls: string[] = []
  nock(GLUE)
    .persist()
    .post('/')
    .reply(function () {
      const operation = String(this.req.headers['x-amz-target']).split('.').pop() ?? ''
      calls.push(operation)
      const queue = replies[operation]
      if (!queue?.length) return [500, {__type: 'InternalServiceException', message: `unexpected ${operation}`}]
      return queue.length > 1 ? queue.shift()! : queue[0]
    })
  return calls
}

function crawler(state: string, last?: object): Reply {
  return [200, {Crawler: {Name: 'ct', State: state, LakeFormationConfiguration: {UseLakeFormationCredentials: true}, ...(last ? {LastCrawl: last} : {})}}]
}

const now = () => Date.now() / 1000
const METRICS: Reply = [200, {CrawlerMetricsList: [{CrawlerName: 'ct', TablesCreated: 1, TablesUpdated: 0, TablesDeleted: 0, LastRuntimeSeconds: 3}]}]
const TABLES: Reply = [200, {TableList: [{Name: 'awslogs', StorageDescriptor: {Location: 's3://logs/AWSLogs/', Columns: [{Name: 'eventname', Type: 'string'}]}, PartitionKeys: [{Name: 'partition_0', Type: 'string'}]}]}]
const PARTITIONS: Reply = [200, {Partitions: [{Values: ['a']}, {Values: ['b']}]}]

function adapter(): LakeAdapter {
  return new LakeAdapter(testClients(), {account: '123456789012', region: 'us-east-1', partition: 'aws'})
}

describe('lakegov crawl against Glue (wire)', () => {
  useNock()

  it.each([
    ['SUCCEEDED', undefined, undefined],
    ['FAILED', 'The S3 location: s3://logs/AWSLogs is not registered.', 'The crawled S3 location is not registered with Lake Formation.'],
    ['CANCELLED', undefined, undefined],
  ])('follows READY, RUNNING, STOPPING, READY to a %s crawl and reports it', async (status, errorMessage, cause) => {
    const last = {Status: status, StartTime: now(), ...(errorMessage ? {ErrorMessage: errorMessage} : {}), LogGroup: '/aws-glue/crawlers', LogStream: 'ct'}
    const calls = mountGlue({
      StartCrawler: [[200, {}]],
      GetCrawler: [crawler('RUNNING'), crawler('RUNNING'), crawler('STOPPING'), crawler('READY', last)],
      GetCrawlerMetrics: [METRICS],
      GetTables: [TABLES],
      GetPartitions: [PARTITIONS],
    })
    const states: string[] = []

    const report = await runCrawl(adapter(), CONFIG, [], {wait: true, timeoutMs: 60_000, pollMs: 1, onProgress: (state) => states.push(state)})

    expect(states).toEqual(['RUNNING', 'RUNNING', 'STOPPING', 'READY'])
    expect(calls.slice(0, 5)).toEqual(['StartCrawler', 'GetCrawler', 'GetCrawler', 'GetCrawler', 'GetCrawler'])
    expect(report).toMatchObject({started: 'started', outcome: 'finished', state: 'READY', lastCrawl: {status}})
    expect(report.metrics).toEqual({tablesCreated: 1, tablesUpdated: 0, tablesDeleted: 0, lastRuntimeSeconds: 3})
    expect(report.tables).toEqual([{name: 'awslogs', location: 's3://logs/AWSLogs/', columns: 1, partitions: 2}])
    expect(report.explanation?.cause).toBe(cause)
  })

  it('joins a crawl already under way instead of failing', async () => {
    mountGlue({
      StartCrawler: [[400, {__type: 'CrawlerRunningException', message: 'Crawler with name ct has already started'}]],
      GetCrawler: [crawler('STOPPING'), crawler('READY', {Status: 'SUCCEEDED', StartTime: now() - 60})],
      GetCrawlerMetrics: [METRICS],
      GetTables: [[200, {TableList: []}]],
    })
    const report = await runCrawl(adapter(), CONFIG, [], {wait: true, timeoutMs: 60_000, pollMs: 1})
    expect(report).toMatchObject({started: 'already-running', outcome: 'finished', lastCrawl: {status: 'SUCCEEDED'}})
  })

  it('without --wait, starts the crawler and returns', async () => {
    const calls = mountGlue({StartCrawler: [[200, {}]]})
    expect(await runCrawl(adapter(), CONFIG, [], {wait: false, timeoutMs: 1})).toMatchObject({started: 'started', outcome: 'not-waited'})
    expect(calls).toEqual(['StartCrawler'])
  })
})
