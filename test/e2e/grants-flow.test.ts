import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {GetResourceLFTagsCommand, GrantPermissionsCommand, LakeFormationClient, ListPermissionsCommand, RegisterResourceCommand} from '@aws-sdk/client-lakeformation'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import type {Plan} from '../../src/core/plan/plan'
import {CLOUDTRAIL_COLUMNS, createGlueCatalog} from '../support/catalog-fixtures'
import {parseJson, runCli, sandboxEnv, type CliResult} from '../support/cli'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig, sandboxStats, setSandboxFaults} from '../support/sandbox/client'

const ROOT = path.resolve(__dirname, '..', '..')
const POLICIES = path.join('test', 'fixtures', 'policies', 'e2e')

function sdk() {
  return sandboxSdkConfig(sandboxEndpoint(), 1)
}

function lakegov(...args: string[]): Promise<CliResult> {
  return runCli([...args, '--policies', POLICIES], sandboxEnv(sandboxEndpoint()), ROOT)
}

async function prepareLake(): Promise<void> {
  // The Glue catalog the grants are on, as a user has it before granting: Lake Formation refuses grants on missing tables.
  await createGlueCatalog(sdk(), 'cloudtrail', {cloudtrail_logs: CLOUDTRAIL_COLUMNS})
  await new S3Client({...sdk(), forcePathStyle: true}).send(new CreateBucketCommand({Bucket: 'acme-cloudtrail-logs'}))
  await new LakeFormationClient(sdk()).send(new RegisterResourceCommand({ResourceArn: 'arn:aws:s3:::acme-cloudtrail-logs/AWSLogs', UseServiceLinkedRole: true}))
}

async function grantCount(): Promise<number> {
  const out = await new LakeFormationClient(sdk()).send(new ListPermissionsCommand({MaxResults: 1000}))
  return out.PrincipalResourcePermissions?.length ?? 0
}

describe('grants validate, plan, apply, prune (e2e, against the sandbox)', () => {
  beforeEach(async () => {
    await resetSandbox()
    await prepareLake()
  })

  it('converges, stays converged, reports an out-of-band grant as unmanaged, and prunes it', async () => {
    expect((await lakegov('grants', 'validate')).code).toBe(0)

    const first = await lakegov('grants', 'plan', '--json', '--detailed-exitcode')
    expect(first.code).toBe(2)
    expect(parseJson<Plan>(first).summary).toEqual({grant: 6, change: 0, revoke: 0, unmanaged: 0, dangerous: 0, objects: 0})
    expect(parseJson<Plan>(first).broadening.map((entry) => entry.key)).toContain('444455556666 table:cloudtrail.cloudtrail_logs')

    const applied = await lakegov('grants', 'apply', '--auto-approve', '--json')
    expect(applied.code).toBe(0)
    expect(parseJson<{result: {ok: boolean; calls: number}}>(applied).result).toMatchObject({ok: true, calls: 1})

    const again = await lakegov('grants', 'plan', '--detailed-exitcode')
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('Plan: No changes.')

    await new LakeFormationClient(sdk()).send(
      new GrantPermissionsCommand({
        Principal: {DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/Intruder'},
        Resource: {Table: {DatabaseName: 'cloudtrail', Name: 'cloudtrail_logs'}},
        Permissions: ['SELECT'],
      }),
    )
    const drift = await lakegov('grants', 'plan', '--json', '--detailed-exitcode')
    expect(drift.code).toBe(0)
    const driftPlan = parseJson<Plan>(drift)
    expect(driftPlan.unmanaged.map((grant) => grant.principal)).toEqual(['arn:aws:iam::123456789012:role/Intruder'])

    const pruned = await lakegov('grants', 'apply', '--prune', '--auto-approve')
    expect(pruned.code).toBe(0)
    expect(pruned.stdout).toContain('- table:cloudtrail.cloudtrail_logs')

    const final = await lakegov('grants', 'plan', '--prune', '--detailed-exitcode', '--json')
    expect(final.code).toBe(0)
    expect(parseJson<Plan>(final).summary).toEqual({grant: 0, change: 0, revoke: 0, unmanaged: 0, dangerous: 0, objects: 0})
  })

  it('refuses a saved plan once the grants have changed, with exit 5', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-plan-'))
    const planFile = path.join(dir, 'plan.json')
    expect((await lakegov('grants', 'plan', '--out', planFile)).code).toBe(0)

    await new LakeFormationClient(sdk()).send(
      new GrantPermissionsCommand({
        Principal: {DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/Other'},
        Resource: {Database: {Name: 'cloudtrail'}},
        Permissions: ['DESCRIBE'],
      }),
    )
    const stale = await lakegov('grants', 'apply', planFile, '--auto-approve')
    expect(stale.code).toBe(5)
    expect(stale.stderr).toContain('Saved plan is stale')
    expect(await grantCount()).toBe(1)
  })

  it('applies a fresh saved plan', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-plan-'))
    const planFile = path.join(dir, 'plan.json')
    expect((await lakegov('grants', 'plan', '--out', planFile)).code).toBe(0)
    expect((await lakegov('grants', 'apply', planFile, '--auto-approve')).code).toBe(0)
    expect((await lakegov('grants', 'plan', '--detailed-exitcode')).code).toBe(0)
  })

  it('refuses a plan made for another account, with exit 5', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-plan-'))
    const planFile = path.join(dir, 'plan.json')
    expect((await lakegov('grants', 'plan', '--out', planFile, '--json')).code).toBe(0)
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Plan
    writeFileSync(planFile, JSON.stringify({...plan, account: '999999999999'}))
    const wrong = await lakegov('grants', 'apply', planFile, '--auto-approve')
    expect(wrong.code).toBe(5)
    expect(wrong.stderr).toContain('account 999999999999')
  })

  it('exits 3 on bad files without calling AWS', async () => {
    const before = (await sandboxStats()).total
    const result = await runCli(['grants', 'plan', '--policies', path.join('test', 'fixtures', 'policies', 'invalid')], sandboxEnv(sandboxEndpoint()), ROOT)
    expect(result.code).toBe(3)
    expect(result.stderr).toContain('unknown principal "analyst"')
    expect((await sandboxStats()).total).toBe(before)
  })

  it('exits 6 when a write fails, reports what was applied, and converges when run again', async () => {
    await new LakeFormationClient(sdk()).send(
      new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/Intruder'}, Resource: {Database: {Name: 'cloudtrail'}}, Permissions: ['DESCRIBE']}),
    )
    await setSandboxFaults({failNext: [{service: 'lakeformation', operation: 'BatchRevokePermissions', kind: '5xx', count: 2}]})

    const failed = await lakegov('grants', 'apply', '--prune', '--auto-approve', '--max-attempts', '2', '--json')
    expect(failed.code).toBe(6)
    const outcomes = parseJson<{result: {outcomes: Array<{key: string; status: string}>}}>(failed).result.outcomes
    expect(outcomes.filter((outcome) => outcome.status === 'applied')).toHaveLength(6)
    expect(outcomes.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.key)).toEqual(['arn:aws:iam::123456789012:role/Intruder database:cloudtrail'])

    const rerun = await lakegov('grants', 'apply', '--prune', '--auto-approve')
    expect(rerun.code).toBe(0)
    expect(rerun.stdout).toContain('Apply: 1 applied, 0 failed, 0 skipped')
    expect((await lakegov('grants', 'plan', '--prune', '--detailed-exitcode')).code).toBe(0)
  })

  it('needs --auto-approve when not on a terminal', async () => {
    const result = await lakegov('grants', 'apply')
    expect(result.code).toBe(64)
    expect(result.stderr).toContain('--auto-approve')
    expect(await grantCount()).toBe(0)
  })
})

describe('the example policies in the repository (e2e)', () => {
  beforeEach(resetSandbox)

  it('creates the LF-tag, the data cells filter and the assignment before the grants, and converges', async () => {
    await createGlueCatalog(sdk(), 'cloudtrail', {cloudtrail_logs: CLOUDTRAIL_COLUMNS})
    const run = (...args: string[]) => runCli(args, sandboxEnv(sandboxEndpoint()), ROOT)
    const first = parseJson<Plan>(await run('grants', 'plan', '--json'))
    expect(first.objects.map((change) => `${change.kind}:${change.action}`)).toEqual(['tag:create', 'filter:create', 'assignment:assign'])
    expect(first.summary).toMatchObject({grant: 4, objects: 3})

    const applied = await run('grants', 'apply', '--auto-approve')
    expect(applied.code).toBe(0)
    expect(applied.stdout).toContain('Apply: 7 applied, 0 failed, 0 skipped, in 4 write call(s)')

    const again = await run('grants', 'plan', '--detailed-exitcode')
    expect(again.stdout).toContain('Plan: No changes.')
    expect(again.code).toBe(0)

    const tags = await new LakeFormationClient(sdk()).send(new GetResourceLFTagsCommand({Resource: {Table: {DatabaseName: 'cloudtrail', Name: 'cloudtrail_logs'}}}))
    expect(tags.LFTagsOnTable).toEqual([expect.objectContaining({TagKey: 'sensitivity', TagValues: ['internal']})])
  })
})
