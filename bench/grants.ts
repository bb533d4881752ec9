/**
 * Grants at scale, through the sandbox (a call-counting gateway) with 20 ms of injected latency:
 * 5,000 grants declared against 5,000 existing ones, 10% of them differing. lakegov's plan and
 * apply are measured against the minimum number of calls (the list pages plus ceil(changes/20)),
 * and against the one-call-per-grant approach terraform takes (refresh each grant with a filtered
 * ListPermissions, then one GrantPermissions per change, 10 at a time), measured in the same run.
 */
import {mkdtempSync, mkdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {CreateDatabaseCommand, CreateTableCommand, GlueClient} from '@aws-sdk/client-glue'
import {BatchGrantPermissionsCommand, GrantPermissionsCommand, LakeFormationClient, ListPermissionsCommand, PutDataLakeSettingsCommand} from '@aws-sdk/client-lakeformation'

import {sandboxEnv} from '../test/support/cli'
import {timedCli} from './timed-cli'
import {startSandbox, type Sandbox} from '../test/support/sandbox'
import {sandboxSdkConfig} from '../test/support/sandbox/client'

if (require.main === module) {
  benchGrants().then(
    (lines) => console.log(lines.join('\n')),
    (error) => {
      console.error(error)
      process.exit(1)
    },
  )
}

const ROOT = path.resolve(__dirname, '..')
const GRANTS = Number(process.env.BENCH_GRANTS ?? 5000)
const DIFFERING = Math.round(GRANTS / 10)
const LATENCY_MS = 20
const ACCOUNT = '123456789012'

const principal = (i: number) => `arn:aws:iam::${ACCOUNT}:role/reader-${String(Math.floor(i / 50)).padStart(3, '0')}`
const table = (i: number) => `t${String(i % 50).padStart(2, '0')}_${String(Math.floor(i / 2500))}`

/** The declared grants: DESCRIBE on 5,000 (principal, table) pairs; the first 10% also SELECT. */
function policyYaml(): string {
  const principals = new Map<string, string>()
  const lines = ['grants:']
  for (let i = 0; i < GRANTS; i++) {
    const name = `reader${String(Math.floor(i / 50)).padStart(3, '0')}`
    principals.set(name, principal(i))
    const permissions = i < DIFFERING ? '[DESCRIBE, ALTER]' : '[DESCRIBE]'
    lines.push(`  - {principal: ${name}, database: cloudtrail, table: ${table(i)}, permissions: ${permissions}}`)
  }
  return ['principals:', ...[...principals].map(([name, arn]) => `  ${name}: ${arn}`), 'scope:', '  databases: [cloudtrail]', ...lines, ''].join('\n')
}

/** The Glue catalog the grants name: Lake Formation refuses grants on missing tables, and plan checks them first. */
async function createCatalog(glue: GlueClient): Promise<void> {
  await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'cloudtrail', CreateTableDefaultPermissions: []}}))
  for (const name of new Set(Array.from({length: GRANTS}, (_, i) => table(i)))) {
    await glue.send(new CreateTableCommand({DatabaseName: 'cloudtrail', TableInput: {Name: name, StorageDescriptor: {Columns: [{Name: 'eventname', Type: 'string'}]}}}))
  }
}

async function seed(client: LakeFormationClient): Promise<void> {
  await client.send(
    new PutDataLakeSettingsCommand({DataLakeSettings: {DataLakeAdmins: [{DataLakePrincipalIdentifier: `arn:aws:iam::${ACCOUNT}:user/moto`}], CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: []}}),
  )
  for (let start = 0; start < GRANTS; start += 20) {
    const entries = Array.from({length: Math.min(20, GRANTS - start)}, (_, k) => start + k).map((i) => ({
      Id: String(i),
      Principal: {DataLakePrincipalIdentifier: principal(i)},
      Resource: {Table: {DatabaseName: 'cloudtrail', Name: table(i)}},
      Permissions: ['DESCRIBE' as const],
    }))
    await client.send(new BatchGrantPermissionsCommand({Entries: entries}))
  }
}

async function stats(sandbox: Sandbox): Promise<{calls: number; pages: number}> {
  const current = await sandbox.stats()
  // The pages a plan cannot do without: ListPermissions, and the Glue catalog check (GetDatabases, GetTables).
  const glue = current.services.glue ?? {}
  return {calls: current.total, pages: (current.services.lakeformation?.ListPermissions ?? 0) + (glue.GetDatabases ?? 0) + (glue.GetTables ?? 0)}
}

/** terraform's shape: refresh every declared grant with its own filtered call, then one write per change. */
async function oneCallPerGrant(client: LakeFormationClient): Promise<number> {
  const start = process.hrtime.bigint()
  const queue = Array.from({length: GRANTS}, (_, i) => i)
  const worker = async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
      const resource = {Table: {DatabaseName: 'cloudtrail', Name: table(i)}}
      await client.send(new ListPermissionsCommand({Principal: {DataLakePrincipalIdentifier: principal(i)}, Resource: resource}))
      if (i < DIFFERING) await client.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: principal(i)}, Resource: resource, Permissions: ['ALTER']}))
    }
  }
  await Promise.all(Array.from({length: 10}, worker))
  return Number(process.hrtime.bigint() - start) / 1e6
}

export async function benchGrants(): Promise<string[]> {
  const sandbox = await startSandbox({port: 0})
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-bench-'))
    mkdirSync(path.join(dir, 'grants'))
    writeFileSync(path.join(dir, 'grants', 'bench.yaml'), policyYaml())
    const client = new LakeFormationClient(sandboxSdkConfig(sandbox.endpoint))
    const env = sandboxEnv(sandbox.endpoint)

    await createCatalog(new GlueClient(sandboxSdkConfig(sandbox.endpoint)))
    await seed(client)
    await sandbox.setFaults({latencyMs: LATENCY_MS})

    const before = await stats(sandbox)
    const plan = await timedCli(['grants', 'plan', '--policies', dir, '--json'], env, {cwd: ROOT})
    const afterPlan = await stats(sandbox)
    const apply = await timedCli(['grants', 'apply', '--policies', dir, '--auto-approve', '--json'], env, {cwd: ROOT})
    const afterApply = await stats(sandbox)
    const check = await timedCli(['grants', 'plan', '--policies', dir, '--detailed-exitcode'], env, {cwd: ROOT})
    if (plan.code !== 0 || apply.code !== 0 || check.code !== 0) throw new Error(`lakegov failed: plan ${plan.code}, apply ${apply.code}, re-plan ${check.code}`)

    const applyCalls = afterApply.calls - afterPlan.calls
    const minimum = afterApply.pages - afterPlan.pages + Math.ceil(DIFFERING / 20)
    const beforeBaseline = await stats(sandbox)
    const baselineMs = await oneCallPerGrant(client)
    const baselineCalls = (await stats(sandbox)).calls - beforeBaseline.calls

    return [
      `grants: ${GRANTS} declared, ${GRANTS} existing, ${DIFFERING} differing, ${LATENCY_MS} ms latency per call`,
      `  lakegov plan            ${String(afterPlan.calls - before.calls).padStart(6)} calls  ${plan.ms.toFixed(0).padStart(7)} ms  peak ${plan.maxRssMb.toFixed(0)} MB`,
      `  lakegov apply (plans)   ${String(applyCalls).padStart(6)} calls  ${apply.ms.toFixed(0).padStart(7)} ms  peak ${apply.maxRssMb.toFixed(0)} MB`,
      `  minimum (pages+batches) ${String(minimum).padStart(6)} calls   ratio ${(applyCalls / minimum).toFixed(2)}x (goal <= 1.1x: ${applyCalls / minimum <= 1.1 ? 'met' : 'MISSED'})`,
      `  one call per grant      ${String(baselineCalls).padStart(6)} calls  ${baselineMs.toFixed(0).padStart(7)} ms  (10 in parallel, as terraform)`,
      `  lakegov vs one-per-grant: ${(baselineCalls / applyCalls).toFixed(0)}x fewer calls, ${(baselineMs / apply.ms).toFixed(1)}x faster`,
    ]
  } finally {
    await sandbox.stop()
  }
}
