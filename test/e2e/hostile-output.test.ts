/* eslint-disable no-control-regex -- these tests look for control characters */
/**
 * Issue 18, end to end: Glue table names carrying hostile text (what AWS's Glue name pattern lets
 * through: HTML, pipes, backticks, a right-to-left override, a formula, a C1 CSI), granted in Lake
 * Formation, then `audit access` in every format. Nothing may reach the terminal raw, leave its CSV
 * field or markdown cell, or become a formula, link or HTML; --json keeps the names exact.
 */
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {CreateDatabaseCommand, CreateTableCommand, GlueClient} from '@aws-sdk/client-glue'
import {GrantPermissionsCommand, LakeFormationClient, PutDataLakeSettingsCommand} from '@aws-sdk/client-lakeformation'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'
import MarkdownIt from 'markdown-it'

import type {AccessReport} from '../../src/output/audit'
import {parseJson, runCli, sandboxEnv} from '../support/cli'
import {HOSTILE} from '../support/hostile'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

const ACCOUNT = '123456789012'
const ADMIN = `arn:aws:iam::${ACCOUNT}:user/alice`
const ANALYST = `arn:aws:iam::${ACCOUNT}:role/Analyst`
const TERMINAL_ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
// Glue names allow [\u0020-\uD7FF\uE000-\uFFFD\t] (Glue API reference, "Single-line string pattern"): no ESC, but the rest.
const TABLES = [HOSTILE.scriptUserAgent, HOSTILE.pipeInName, HOSTILE.backticksInName, HOSTILE.rightToLeftOverride, '=hyperlink("https://evil.example")', HOSTILE.c1Csi, HOSTILE.markdownLink].map((name) => name.toLowerCase())

const LAKE = `region: us-east-1
admins: [${ADMIN}]
bucket:
  name: hostile-logs
  prefix: AWSLogs/
  encryption: {type: AES256}
registration:
  role: hostile-registration
database: cloudtrail
`

async function seed(): Promise<string> {
  const config = sandboxSdkConfig(sandboxEndpoint(), 1)
  await new S3Client({...config, forcePathStyle: true}).send(new CreateBucketCommand({Bucket: 'hostile-logs'}))
  const glue = new GlueClient(config)
  await glue.send(new CreateDatabaseCommand({DatabaseInput: {Name: 'cloudtrail'}}))
  const lf = new LakeFormationClient(config)
  await lf.send(new PutDataLakeSettingsCommand({DataLakeSettings: {DataLakeAdmins: [{DataLakePrincipalIdentifier: ADMIN}], CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: []}}))
  for (const Name of TABLES) {
    await glue.send(new CreateTableCommand({DatabaseName: 'cloudtrail', TableInput: {Name, StorageDescriptor: {Columns: [{Name: 'eventname', Type: 'string'}], Location: `s3://hostile-logs/AWSLogs/${ACCOUNT}/CloudTrail/`}}}))
    await lf.send(new GrantPermissionsCommand({Principal: {DataLakePrincipalIdentifier: ANALYST}, Resource: {Table: {DatabaseName: 'cloudtrail', Name}}, Permissions: ['SELECT']}))
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-hostile-out-'))
  mkdirSync(path.join(dir, 'policies'))
  writeFileSync(path.join(dir, 'policies', 'lake.yaml'), LAKE)
  return dir
}

describe('audit access over hostile table names (e2e)', () => {
  let repo: string
  const audit = (...args: string[]) => runCli(['audit', 'access', '--policies', 'policies', '--principal', ANALYST, ...args], sandboxEnv(sandboxEndpoint()), repo)

  beforeAll(async () => {
    await resetSandbox()
    repo = await seed()
  })

  it('json keeps the names exact; table, csv and markdown keep them inert', async () => {
    const json = await audit('--json')
    expect(json.code).toBe(0)
    expect(json.stdout).not.toMatch(TERMINAL_ACTIVE)
    const report = parseJson<AccessReport>(json)
    const granted = report.rows.filter((row) => row.principal === ANALYST).map((row) => row.table)
    expect([...granted].sort()).toEqual([...TABLES].sort())

    const table = await audit()
    expect(table.code).toBe(0)
    expect(table.stdout).not.toMatch(TERMINAL_ACTIVE)
    expect(table.stderr).not.toMatch(TERMINAL_ACTIVE)
    expect(table.stdout).toContain('cloudtrail.invoice\\u202egpj.exe')
    expect(table.stdout.split('\n').filter((line) => line.includes(ANALYST))).toHaveLength(TABLES.length)

    const csv = await audit('--format', 'csv')
    expect(csv.code).toBe(0)
    expect(csv.stdout).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e]/)
    expect(csv.stdout).toContain(`"'=hyperlink(""https://evil.example"")"`)
    expect(csv.stdout).not.toMatch(/(^|,)=/m)

    const markdown = await audit('--format', 'markdown')
    expect(markdown.code).toBe(0)
    expect(markdown.stdout).not.toMatch(TERMINAL_ACTIVE)
    const html = new MarkdownIt({html: true, linkify: true}).render(markdown.stdout)
    const rows = report.rows.length
    expect(html.match(/<tr>/g)).toHaveLength(rows + 1)
    expect(html.match(/<td>/g)).toHaveLength(rows * 7)
    expect(html).not.toMatch(/<(a|img|script|code|pre)\b/i)
    expect(html).toContain('cloudtrail.&lt;script&gt;alert(document.cookie)&lt;/script&gt;')
  })
})
