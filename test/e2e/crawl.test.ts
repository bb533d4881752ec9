import path from 'node:path'

import {GetTableCommand, GetPartitionsCommand, GlueClient} from '@aws-sdk/client-glue'
import {CreateAliasCommand, CreateKeyCommand, KMSClient} from '@aws-sdk/client-kms'
import {LakeFormationClient, RevokePermissionsCommand} from '@aws-sdk/client-lakeformation'
import {S3Client} from '@aws-sdk/client-s3'

import type {CrawlReport} from '../../src/core/crawl/crawl'
import {uploadCloudTrailFixtures} from '../support/cloudtrail-fixtures'
import {parseJson, runCli, sandboxEnv, type CliResult} from '../support/cli'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

const ROOT = path.resolve(__dirname, '..', '..')
const BUCKET = 'acme-cloudtrail-logs'

function sdk() {
  return sandboxSdkConfig(sandboxEndpoint(), 1)
}

function lakegov(...args: string[]): Promise<CliResult> {
  return runCli([...args, '--policies', 'policies'], sandboxEnv(sandboxEndpoint()), ROOT)
}

describe('crawl (e2e, against the sandbox)', () => {
  beforeEach(async () => {
    await resetSandbox()
    const kms = new KMSClient(sdk())
    const key = await kms.send(new CreateKeyCommand({}))
    await kms.send(new CreateAliasCommand({AliasName: 'alias/lake-logs', TargetKeyId: key.KeyMetadata!.KeyId}))
    expect((await lakegov('bootstrap')).code).toBe(0)
  })

  it('refuses to start before there are logs, then crawls real-format CloudTrail files into a partitioned table', async () => {
    const early = await lakegov('crawl', '--wait', '--json')
    expect(early.code).toBe(4)
    expect(parseJson<{error: {code: string; suggestions: string[]}}>(early).error.code).toBe('CRAWL_PREFLIGHT_FAILED')

    await uploadCloudTrailFixtures(new S3Client({...sdk(), forcePathStyle: true}), {bucket: BUCKET})
    const crawl = await lakegov('crawl', '--wait', '--json', '--poll-interval', '200')
    expect(crawl.code).toBe(0)
    const report = parseJson<CrawlReport>(crawl)
    expect(report.preflight.every((check) => check.ok)).toBe(true)
    expect(report).toMatchObject({started: 'started', outcome: 'finished', state: 'READY', lastCrawl: {status: 'SUCCEEDED'}})
    expect(report.metrics).toMatchObject({tablesCreated: 1, tablesDeleted: 0})
    expect(crawl.stderr).toMatch(/crawler RUNNING/)

    const [table] = report.tables!
    const {Table} = await new GlueClient(sdk()).send(new GetTableCommand({DatabaseName: 'cloudtrail', Name: table.name}))
    const columns = (Table?.StorageDescriptor?.Columns ?? []).map((column) => column.Name)
    expect(columns).toEqual(expect.arrayContaining(['eventname', 'eventsource', 'useridentity', 'awsregion', 'requestparameters']))
    const {Partitions} = await new GlueClient(sdk()).send(new GetPartitionsCommand({DatabaseName: 'cloudtrail', TableName: table.name}))
    expect(table.partitions).toBe(Partitions?.length)
    // The digest is excluded: no partition comes from CloudTrail-Digest.
    expect(JSON.stringify(Partitions)).not.toContain('CloudTrail-Digest')

    const text = await lakegov('crawl', '--wait', '--poll-interval', '200')
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('Crawl SUCCEEDED')
  })

  it('names the missing Lake Formation permission before starting, with the fix', async () => {
    await uploadCloudTrailFixtures(new S3Client({...sdk(), forcePathStyle: true}), {bucket: BUCKET})
    await new LakeFormationClient(sdk()).send(
      new RevokePermissionsCommand({
        Principal: {DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/lakegov-crawler'},
        Resource: {DataLocation: {ResourceArn: `arn:aws:s3:::${BUCKET}/AWSLogs`}},
        Permissions: ['DATA_LOCATION_ACCESS'],
      }),
    )
    const crawl = await lakegov('crawl', '--wait')
    expect(crawl.code).toBe(4)
    expect(crawl.stdout).toMatch(/FAIL location-permission +the crawler role lacks DATA_LOCATION_ACCESS/)
    expect(crawl.stdout).toContain('fix: Run lakegov bootstrap')

    // The fix works: bootstrap grants it again (through the grants engine), and the crawl succeeds.
    expect((await lakegov('bootstrap')).code).toBe(0)
    expect((await lakegov('crawl', '--wait', '--poll-interval', '200')).code).toBe(0)
  })
})
