import {cpSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {BatchGrantPermissionsCommand, LakeFormationClient, ListPermissionsCommand, RegisterResourceCommand} from '@aws-sdk/client-lakeformation'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import type {Plan} from '../../src/core/plan/plan'
import {CLOUDTRAIL_COLUMNS, createGlueCatalog} from '../support/catalog-fixtures'
import {parseJson, runCli, sandboxEnv, type CliResult} from '../support/cli'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig, sandboxStats} from '../support/sandbox/client'

const ROOT = path.resolve(__dirname, '..', '..')
const CRAWLER = 'arn:aws:iam::123456789012:role/lakegov-crawler'

function sdk() {
  return sandboxSdkConfig(sandboxEndpoint(), 1)
}

/** A policies directory: the e2e grants, and the repository's lake.yaml when `lake` is set; `extra` adds grants files. */
function policiesDir(options: {lake?: boolean; extra?: Record<string, string>} = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-policies-'))
  cpSync(path.join(ROOT, 'test', 'fixtures', 'policies', 'e2e', 'grants'), path.join(dir, 'grants'), {recursive: true})
  if (options.lake) cpSync(path.join(ROOT, 'policies', 'lake.yaml'), path.join(dir, 'lake.yaml'))
  for (const [name, text] of Object.entries(options.extra ?? {})) writeFileSync(path.join(dir, 'grants', name), text)
  return dir
}

function lakegov(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli([...args, '--policies', dir], sandboxEnv(sandboxEndpoint(), env), ROOT)
}

async function listAll() {
  return (await new LakeFormationClient(sdk()).send(new ListPermissionsCommand({MaxResults: 1000}))).PrincipalResourcePermissions ?? []
}

beforeEach(async () => {
  await resetSandbox()
  await new S3Client({...sdk(), forcePathStyle: true}).send(new CreateBucketCommand({Bucket: 'acme-cloudtrail-logs'}))
  await new LakeFormationClient(sdk()).send(new RegisterResourceCommand({ResourceArn: 'arn:aws:s3:::acme-cloudtrail-logs/AWSLogs', UseServiceLinkedRole: true}))
  // The Glue catalog the grants name, as a user has it before granting on it.
  await createGlueCatalog(sdk(), 'cloudtrail', {cloudtrail_logs: CLOUDTRAIL_COLUMNS})
})

describe('grants on objects that do not exist (e2e)', () => {
  const typo = 'grants:\n  - principal: analysts\n    database: cloudtrail\n    table: cloudtrail_log\n    permissions: [SELECT]\n'

  it('plan and apply exit 3 at the file and line, with did you mean, and nothing is applied', async () => {
    const dir = policiesDir({extra: {'typo.yaml': typo}})
    const plan = await lakegov(dir, ['grants', 'plan'])
    expect(plan.code).toBe(3)
    expect(plan.stderr).toMatch(/typo\.yaml:2/)
    expect(plan.stderr).toContain('table "cloudtrail.cloudtrail_log" does not exist in the Glue catalog')
    expect(plan.stderr).toContain('did you mean "cloudtrail_logs"?')

    const apply = await lakegov(dir, ['grants', 'apply', '--auto-approve', '--json'])
    expect(apply.code).toBe(3)
    expect(parseJson<{error: {issues: Array<{field: string}>}}>(apply).error.issues.map((issue) => issue.field)).toEqual(['grants[0].table'])
    expect(await listAll()).toEqual([])
  })

  it('validate stays offline: it makes no AWS call', async () => {
    const dir = policiesDir({extra: {'typo.yaml': typo}})
    const before = (await sandboxStats()).total
    expect((await lakegov(dir, ['grants', 'validate'])).code).toBe(0)
    expect((await sandboxStats()).total).toBe(before)
  })

  it('SELECT on an LF-tag expression on databases is invalid at validate time', async () => {
    const dir = policiesDir({extra: {'tags.yaml': 'tags:\n  env: [prod]\ngrants:\n  - principal: analysts\n    tags: {env: [prod]}\n    on: databases\n    permissions: [SELECT]\n'}})
    const result = await lakegov(dir, ['grants', 'validate'])
    expect(result.code).toBe(3)
    expect(result.stderr).toContain('SELECT is not a permission on an LF-tag expression on databases')
    expect(result.stderr).toMatch(/tags\.yaml:7/)
  })
})

describe('the grants commands and lake.yaml (e2e)', () => {
  it('lake.yaml\'s region is the default, over AWS_REGION; a contradicting --region is exit 64 naming both', async () => {
    const dir = policiesDir({lake: true})
    const plan = await lakegov(dir, ['grants', 'plan', '--json'], {AWS_REGION: 'eu-west-1'})
    expect(plan.code).toBe(0)
    expect(parseJson<Plan>(plan).region).toBe('us-east-1')

    const wrong = await lakegov(dir, ['grants', 'plan', '--region', 'eu-west-1'])
    expect(wrong.code).toBe(64)
    expect(wrong.stderr).toContain('--region eu-west-1 contradicts region: us-east-1')
    expect(wrong.stderr).toMatch(/lake\.yaml:5/)
  })

  it('apply --prune never revokes the crawler role\'s grants that bootstrap made, and shows them as bootstrap\'s', async () => {
    // What bootstrap grants the crawler role (lake.yaml's crawler:), made here directly.
    await new LakeFormationClient(sdk()).send(
      new BatchGrantPermissionsCommand({
        Entries: [
          {Id: '0', Principal: {DataLakePrincipalIdentifier: CRAWLER}, Resource: {DataLocation: {ResourceArn: 'arn:aws:s3:::acme-cloudtrail-logs/AWSLogs'}}, Permissions: ['DATA_LOCATION_ACCESS']},
          {Id: '1', Principal: {DataLakePrincipalIdentifier: CRAWLER}, Resource: {Database: {Name: 'cloudtrail'}}, Permissions: ['ALTER', 'CREATE_TABLE', 'DESCRIBE']},
        ],
      }),
    )
    const dir = policiesDir({lake: true})
    const applied = await lakegov(dir, ['grants', 'apply', '--prune', '--auto-approve'])
    expect(applied.code).toBe(0)
    expect(applied.stdout).not.toMatch(/^ {2}- /m)
    expect(applied.stdout).toContain('Managed by bootstrap')
    const crawler = (await listAll()).filter((entry) => entry.Principal?.DataLakePrincipalIdentifier === CRAWLER)
    expect(crawler.map((entry) => entry.Permissions)).toEqual(expect.arrayContaining([['DATA_LOCATION_ACCESS'], ['ALTER', 'CREATE_TABLE', 'DESCRIBE']]))

    const plan = await lakegov(dir, ['grants', 'plan', '--prune', '--detailed-exitcode'])
    expect(plan.code).toBe(0)
    expect(plan.stdout).toContain('Managed by bootstrap')
    expect(plan.stdout).toContain('lakegov-crawler')
  })
})

describe('converging over the faithful listing (e2e)', () => {
  it('table: "*" and ALL: apply, then plan gives no changes (exit 0 with --detailed-exitcode)', async () => {
    const dir = policiesDir()
    expect((await lakegov(dir, ['grants', 'apply', '--auto-approve'])).code).toBe(0)
    // Lake Formation lists the wildcard's SELECT as TableWithColumns ALL_TABLES.
    expect((await listAll()).map((entry) => entry.Resource?.TableWithColumns?.Name)).toContain('ALL_TABLES')
    const plan = await lakegov(dir, ['grants', 'plan', '--prune', '--detailed-exitcode'])
    expect(plan.stdout).toContain('Plan: No changes.')
    expect(plan.code).toBe(0)
  })

  it('narrowing ALL to SELECT converges in one apply', async () => {
    const dir = policiesDir()
    expect((await lakegov(dir, ['grants', 'apply', '--auto-approve'])).code).toBe(0)
    const narrowed = policiesDir()
    const file = path.join(narrowed, 'grants', 'readers.yaml')
    const {readFileSync} = await import('node:fs')
    writeFileSync(file, readFileSync(file, 'utf8').replace('permissions: [ALL]\n    grantable: [DESCRIBE]', 'permissions: [SELECT]'))
    expect((await lakegov(narrowed, ['grants', 'apply', '--prune', '--auto-approve'])).code).toBe(0)
    const plan = await lakegov(narrowed, ['grants', 'plan', '--prune', '--detailed-exitcode'])
    expect(plan.stdout).toContain('Plan: No changes.')
    expect(plan.code).toBe(0)
  })
})

describe('dangerous unmanaged grants (e2e)', () => {
  it('an undeclared cross-account grant is in the summary, and --detailed-exitcode exits 2 over it', async () => {
    const dir = policiesDir()
    expect((await lakegov(dir, ['grants', 'apply', '--auto-approve'])).code).toBe(0)
    await new LakeFormationClient(sdk()).send(
      new BatchGrantPermissionsCommand({
        Entries: [{Id: '0', Principal: {DataLakePrincipalIdentifier: '999988887777'}, Resource: {Table: {DatabaseName: 'cloudtrail', Name: 'cloudtrail_logs'}}, Permissions: ['SELECT']}],
      }),
    )
    const plan = await lakegov(dir, ['grants', 'plan', '--detailed-exitcode'])
    expect(plan.code).toBe(2)
    expect(plan.stdout).toContain('1 unmanaged (left alone; --prune revokes them). 1 of them dangerous')
    expect(plan.stdout).toContain('999988887777 table:cloudtrail.cloudtrail_logs: cross-account')
  })
})
