/**
 * The audit at scale, through the sandbox (a call-counting gateway) with injected latency: a lake
 * bootstrapped by lakegov, then 2,000 tables, 20,000 grants and 500 IAM roles. `audit access --json`
 * and `audit findings` are measured for API calls against the minimum possible, wall time and
 * peak memory (max RSS of the child, from /usr/bin/time).
 *
 * The minimum is counted per operation: a paginated listing needs as many pages as a walk at the
 * largest page size takes on this sandbox (measured here, outside the CLI runs), every other read
 * once, and nothing the answer does not depend on. The pages real AWS would need (GetTables at
 * 100 per page; moto serves all tables in one) are printed alongside.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {CreateTableCommand, GlueClient, paginateGetTables} from '@aws-sdk/client-glue'
import {CreateRoleCommand, IAMClient, PutRolePolicyCommand, paginateGetAccountAuthorizationDetails} from '@aws-sdk/client-iam'
import {BatchGrantPermissionsCommand, LakeFormationClient, paginateListPermissions, type BatchPermissionsRequestEntry} from '@aws-sdk/client-lakeformation'

import {sandboxEnv} from '../test/support/cli'
import {timedCli, type TimedRun} from './timed-cli'
import {startSandbox, type Sandbox} from '../test/support/sandbox'
import {sandboxSdkConfig} from '../test/support/sandbox/client'

if (require.main === module) {
  benchAudit().then(
    (lines) => console.log(lines.join('\n')),
    (error) => {
      console.error(error)
      process.exit(1)
    },
  )
}

const ROOT = path.resolve(__dirname, '..')
const TABLES = Number(process.env.BENCH_TABLES ?? 2000)
const GRANTS = Number(process.env.BENCH_AUDIT_GRANTS ?? 20000)
const ROLES = Number(process.env.BENCH_ROLES ?? 500)
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20)
const SEED_CONCURRENCY = 16
/** `audit access --json` streams its rows (issue 11): its peak memory must not grow with the report. */
const ACCESS_PEAK_GOAL_MB = 300
const ACCOUNT = '123456789012'
const BUCKET = 'bench-cloudtrail-logs'

const LAKE_YAML = `region: us-east-1
admins: [arn:aws:iam::${ACCOUNT}:role/LakeAdmin, arn:aws:iam::${ACCOUNT}:role/LakeAdminBreakGlass]
bucket: {name: ${BUCKET}, prefix: AWSLogs/, encryption: {type: AES256}}
registration: {role: lakegov-registration}
database: cloudtrail
trail: {name: bench-trail, multiRegion: true, logFileValidation: true}
`

const tableName = (i: number) => `t${String(i).padStart(4, '0')}`
const roleName = (i: number) => `reader-${String(i).padStart(3, '0')}`

/** Runs the tasks with a fixed number in flight. */
async function inParallel(count: number, task: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({length: SEED_CONCURRENCY}, worker))
}

async function seed(endpoint: string): Promise<void> {
  const config = sandboxSdkConfig(endpoint)
  const glue = new GlueClient(config)
  const columns = ['eventtime', 'eventname', 'eventsource', 'useridentity', 'sourceipaddress', 'requestparameters'].map((Name) => ({Name, Type: 'string'}))
  await inParallel(TABLES, (i) =>
    glue.send(
      new CreateTableCommand({
        DatabaseName: 'cloudtrail',
        TableInput: {Name: tableName(i), StorageDescriptor: {Columns: columns, Location: `s3://${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/t${i}/`}, PartitionKeys: [{Name: 'timestamp', Type: 'string'}]},
      }),
    ),
  )

  const iam = new IAMClient(config)
  const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'ec2.amazonaws.com'}, Action: 'sts:AssumeRole'}]})
  await inParallel(ROLES, async (i) => {
    await iam.send(new CreateRoleCommand({RoleName: roleName(i), AssumeRolePolicyDocument: trust}))
    // One role in 50 reads the log objects directly: the S3 bypass the audit must find.
    const resource = i % 50 === 0 ? `arn:aws:s3:::${BUCKET}/*` : `arn:aws:s3:::app-bucket-${i}/*`
    const policy = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: resource}]}
    await iam.send(new PutRolePolicyCommand({RoleName: roleName(i), PolicyName: 'app', PolicyDocument: JSON.stringify(policy)}))
  })

  // Ten grants per table, each to a different role; one in 100 is grantable.
  const lf = new LakeFormationClient(config)
  const entry = (i: number): BatchPermissionsRequestEntry => {
    const table = i % TABLES
    const role = (Math.floor(i / TABLES) * 50 + (table % 50)) % ROLES
    return {
      Id: String(i),
      Principal: {DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:role/${roleName(role)}`},
      Resource: {Table: {DatabaseName: 'cloudtrail', Name: tableName(table)}},
      Permissions: ['SELECT', 'DESCRIBE'],
      ...(i % 100 === 0 ? {PermissionsWithGrantOption: ['DESCRIBE']} : {}),
    }
  }
  await inParallel(Math.ceil(GRANTS / 20), async (batch) => {
    const entries = Array.from({length: Math.min(20, GRANTS - batch * 20)}, (_, k) => entry(batch * 20 + k))
    const out = await lf.send(new BatchGrantPermissionsCommand({Entries: entries}))
    if (out.Failures?.length) throw new Error(`seeding grants failed: ${JSON.stringify(out.Failures[0])}`)
  })
}

/** Pages a walk at the largest page size takes on this sandbox: the floor for each listing. */
async function listingPages(endpoint: string): Promise<{permissions: number; permissionEntries: number; tables: number; iam: number}> {
  const config = sandboxSdkConfig(endpoint)
  let permissions = 0
  let permissionEntries = 0
  for await (const page of paginateListPermissions({client: new LakeFormationClient(config), pageSize: 1000}, {IncludeRelated: 'TRUE'})) {
    permissions++
    permissionEntries += page.PrincipalResourcePermissions?.length ?? 0
  }
  let tables = 0
  for await (const _page of paginateGetTables({client: new GlueClient(config), pageSize: 100}, {DatabaseName: 'cloudtrail'})) tables++
  let iam = 0
  for await (const _page of paginateGetAccountAuthorizationDetails({client: new IAMClient(config), pageSize: 1000}, {Filter: ['Role', 'User', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy']})) iam++
  return {permissions, permissionEntries, tables, iam}
}

interface Run extends TimedRun {
  calls: Record<string, number>
  total: number
}

function flatten(stats: Awaited<ReturnType<Sandbox['stats']>>): Record<string, number> {
  const calls: Record<string, number> = {}
  for (const [service, operations] of Object.entries(stats.services)) for (const [operation, count] of Object.entries(operations)) calls[`${service}:${operation}`] = count
  return calls
}

/** Runs the CLI as timedCli does, and counts the calls it made. */
async function timedCliCalls(sandbox: Sandbox, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  const before = flatten(await sandbox.stats())
  const result = await timedCli(args, env, {cwd, okCodes: [0, 7]})
  const after = flatten(await sandbox.stats())
  const calls: Record<string, number> = {}
  for (const [key, count] of Object.entries(after)) if (count - (before[key] ?? 0) > 0) calls[key] = count - (before[key] ?? 0)
  return {...result, calls, total: Object.values(calls).reduce((sum, count) => sum + count, 0)}
}

function describeCalls(run: Run, minimum: Record<string, number>): string[] {
  const keys = [...new Set([...Object.keys(run.calls), ...Object.keys(minimum)])].sort()
  return keys.map((key) => `    ${key.padEnd(44)} ${String(run.calls[key] ?? 0).padStart(5)}  (minimum ${minimum[key] ?? 0})`)
}

export async function benchAudit(): Promise<string[]> {
  const sandbox = await startSandbox({port: 0})
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-bench-audit-'))
    writeFileSync(path.join(dir, 'lake.yaml'), LAKE_YAML)
    const env = sandboxEnv(sandbox.endpoint)
    const bootstrap = await timedCliCalls(sandbox, ['bootstrap', '--exact-admins', '--policies', dir], env, ROOT)
    if (bootstrap.code !== 0) throw new Error(`bootstrap failed with exit ${bootstrap.code}`)
    const seedStart = process.hrtime.bigint()
    await seed(sandbox.endpoint)
    const seedMs = Number(process.hrtime.bigint() - seedStart) / 1e6
    const pages = await listingPages(sandbox.endpoint)

    await sandbox.setFaults({latencyMs: LATENCY_MS})
    const access = await timedCliCalls(sandbox, ['audit', 'access', '--json', '--policies', dir], env, ROOT)
    const findings = await timedCliCalls(sandbox, ['audit', 'findings', '--fail-on', 'high', '--policies', dir], env, ROOT)
    await sandbox.setFaults({latencyMs: 0})
    if (access.code !== 0 || findings.code !== 7) throw new Error(`lakegov failed: access exit ${access.code}, findings exit ${findings.code} (7 expected: the seeded bypass readers)`)

    // What the answer cannot be computed without. No data cells filter or LF-tag expression grant
    // exists, so no ListDataCellsFilter, ListLFTags or GetResourceLFTags is needed; HeadBucket and
    // the lifecycle are not either.
    const common = {
      'sts:GetCallerIdentity': 1,
      'lakeformation:GetDataLakeSettings': 1,
      'lakeformation:ListPermissions': pages.permissions,
      'lakeformation:DescribeResource': 1,
      'glue:GetTables': pages.tables,
      'glue:GetCrawlers': 1,
      'iam:GetAccountAuthorizationDetails': pages.iam,
      's3:GetBucketPolicy': 1,
    }
    const accessMinimum: Record<string, number> = common
    const findingsMinimum: Record<string, number> = {
      ...common,
      's3:GetPublicAccessBlock': 1,
      's3:GetBucketEncryption': 1,
      's3:GetBucketVersioning': 1,
      'cloudtrail:GetTrail': 1,
      'cloudtrail:GetTrailStatus': 1,
    }
    const sum = (record: Record<string, number>) => Object.values(record).reduce((total, count) => total + count, 0)
    const ratio = (run: Run, minimum: Record<string, number>) => (run.total / sum(minimum)).toFixed(2)
    return [
      `audit: ${TABLES} tables, ${GRANTS} grants (${pages.permissionEntries} ListPermissions entries), ${ROLES} IAM roles, ${LATENCY_MS} ms latency per call; seeded in ${(seedMs / 1000).toFixed(1)} s`,
      `  audit access --json     ${String(access.total).padStart(5)} calls (minimum ${sum(accessMinimum)}, ratio ${ratio(access, accessMinimum)}x)  ${access.ms.toFixed(0).padStart(6)} ms  peak ${access.maxRssMb.toFixed(0)} MB (goal <= ${ACCESS_PEAK_GOAL_MB} MB: ${access.maxRssMb <= ACCESS_PEAK_GOAL_MB ? 'met' : 'MISSED'})`,
      ...describeCalls(access, accessMinimum),
      `  audit findings          ${String(findings.total).padStart(5)} calls (minimum ${sum(findingsMinimum)}, ratio ${ratio(findings, findingsMinimum)}x)  ${findings.ms.toFixed(0).padStart(6)} ms  peak ${findings.maxRssMb.toFixed(0)} MB`,
      ...describeCalls(findings, findingsMinimum),
      `  on real AWS the listings would take: GetTables ${Math.ceil(TABLES / 100)} pages (100 per page; the sandbox serves all in ${pages.tables}), ListPermissions ${Math.ceil(pages.permissionEntries / 1000)}, GetAccountAuthorizationDetails >= ${Math.ceil((ROLES + 2) / 1000)} (AWS may return fewer than 1,000 per page)`,
    ]
  } finally {
    await sandbox.stop()
  }
}
