import {mkdirSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {parse} from 'yaml'

import {AddLFTagsToResourceCommand, BatchGrantPermissionsCommand, LakeFormationClient, PutDataLakeSettingsCommand, RegisterResourceCommand} from '@aws-sdk/client-lakeformation'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

import type {Plan} from '../../src/core/plan/plan'
import {CLOUDTRAIL_COLUMNS, createGlueCatalog} from '../support/catalog-fixtures'
import {parseJson, runCli, sandboxEnv} from '../support/cli'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

const ROOT = path.resolve(__dirname, '..', '..')

function sdk() {
  return sandboxSdkConfig(sandboxEndpoint(), 1)
}

function run(...args: string[]) {
  return runCli(args, sandboxEnv(sandboxEndpoint()), ROOT)
}

function exportDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-export-'))
  mkdirSync(path.join(dir, 'grants'))
  return dir
}

describe('grants export (e2e)', () => {
  beforeEach(resetSandbox)

  it('exports grants made by hand as policy YAML that validates and plans to zero changes', async () => {
    const lakeformation = new LakeFormationClient(sdk())
    await new S3Client({...sdk(), forcePathStyle: true}).send(new CreateBucketCommand({Bucket: 'acme-cloudtrail-logs'}))
    await lakeformation.send(new RegisterResourceCommand({ResourceArn: 'arn:aws:s3:::acme-cloudtrail-logs/AWSLogs', UseServiceLinkedRole: true}))
    // An admin's grants are implicit: export must leave them out.
    await lakeformation.send(new PutDataLakeSettingsCommand({DataLakeSettings: {DataLakeAdmins: [{DataLakePrincipalIdentifier: 'arn:aws:iam::123456789012:role/LakeAdmin'}]}}))
    // The Glue catalog the grants are on: Lake Formation refuses grants on missing tables. (The settings above already leave IAM mode.)
    await createGlueCatalog(sdk(), 'cloudtrail', {logs: CLOUDTRAIL_COLUMNS}, {lakeFormationDefaults: false})
    const entry = (id: string, principal: string, resource: object, permissions: string[], grantable: string[] = []) => ({
      Id: id,
      Principal: {DataLakePrincipalIdentifier: principal},
      Resource: resource,
      Permissions: permissions,
      PermissionsWithGrantOption: grantable,
    })
    await lakeformation.send(
      new BatchGrantPermissionsCommand({
        Entries: [
          entry('1', 'arn:aws:iam::123456789012:role/Analyst', {Table: {DatabaseName: 'cloudtrail', TableWildcard: {}}}, ['SELECT', 'DESCRIBE']),
          entry('2', 'arn:aws:iam::123456789012:role/Auditor', {TableWithColumns: {DatabaseName: 'cloudtrail', Name: 'logs', ColumnWildcard: {ExcludedColumnNames: ['sourceipaddress']}}}, ['SELECT']),
          entry('3', 'arn:aws:iam::123456789012:role/Auditor', {Table: {DatabaseName: 'cloudtrail', Name: 'logs'}}, ['ALL'], ['DESCRIBE']),
          entry('4', '444455556666', {Database: {Name: 'cloudtrail'}}, ['DESCRIBE']),
          entry('5', 'arn:aws:iam::123456789012:role/Crawler', {DataLocation: {ResourceArn: 'arn:aws:s3:::acme-cloudtrail-logs/AWSLogs'}}, ['DATA_LOCATION_ACCESS']),
          entry('6', 'arn:aws:iam::123456789012:role/LakeAdmin', {Database: {Name: 'cloudtrail'}}, ['ALL']),
        ] as never,
      }),
    )

    const dir = exportDir()
    const file = path.join(dir, 'grants', 'existing.yaml')
    const exported = await run('grants', 'export', '--database', 'cloudtrail', '--location', 's3://acme-cloudtrail-logs/AWSLogs/', '--out', file)
    expect(exported.code).toBe(0)
    const yaml = readFileSync(file, 'utf8')
    expect(yaml).toContain('analyst: arn:aws:iam::123456789012:role/Analyst')
    expect(yaml).not.toContain('LakeAdmin')

    expect((await run('grants', 'validate', '--policies', dir)).code).toBe(0)
    const plan = await run('grants', 'plan', '--prune', '--json', '--detailed-exitcode', '--policies', dir)
    expect(plan.code).toBe(0)
    expect(parseJson<Plan>(plan).summary).toEqual({grant: 0, change: 0, revoke: 0, unmanaged: 0, dangerous: 0, objects: 0})
  })

  it('round-trips the example policies, with their data cells filter and LF-tag expression', async () => {
    await createGlueCatalog(sdk(), 'cloudtrail', {cloudtrail_logs: CLOUDTRAIL_COLUMNS})
    expect((await run('grants', 'apply', '--auto-approve')).code).toBe(0)
    const dir = exportDir()
    const exported = await run('grants', 'export', '--database', 'cloudtrail', '--tags', '--out', path.join(dir, 'grants', 'existing.yaml'))
    expect(exported.code).toBe(0)
    const plan = await run('grants', 'plan', '--prune', '--json', '--detailed-exitcode', '--policies', dir)
    expect(plan.code).toBe(0)
    expect(parseJson<Plan>(plan).summary).toMatchObject({grant: 0, change: 0, revoke: 0, unmanaged: 0})
  })

  it('exports LF-tag expression grants, tag assignments and data cells filters without --tags, and round-trips into an empty account', async () => {
    await createGlueCatalog(sdk(), 'cloudtrail', {cloudtrail_logs: CLOUDTRAIL_COLUMNS})
    // The example policies: an LF-tag expression grant, a filter, and a table assignment.
    expect((await run('grants', 'apply', '--auto-approve')).code).toBe(0)
    // Assignments made by hand, on the database and on two columns.
    const lakeformation = new LakeFormationClient(sdk())
    await lakeformation.send(new AddLFTagsToResourceCommand({Resource: {Database: {Name: 'cloudtrail'}}, LFTags: [{TagKey: 'sensitivity', TagValues: ['public']}]}))
    await lakeformation.send(
      new AddLFTagsToResourceCommand({
        Resource: {TableWithColumns: {DatabaseName: 'cloudtrail', Name: 'cloudtrail_logs', ColumnNames: ['sourceipaddress', 'useridentity']}},
        LFTags: [{TagKey: 'sensitivity', TagValues: ['restricted']}],
      }),
    )

    const first = exportDir()
    const firstFile = path.join(first, 'grants', 'existing.yaml')
    expect((await run('grants', 'export', '--database', 'cloudtrail', '--out', firstFile)).code).toBe(0)
    const document = parse(readFileSync(firstFile, 'utf8'))
    expect(document.scope).toEqual({databases: ['cloudtrail'], tags: true})
    expect(document.grants).toContainEqual({principal: 'securityanalyst', tags: {sensitivity: ['internal']}, permissions: ['SELECT']})
    expect(document.tags).toEqual({sensitivity: ['internal', 'public', 'restricted']})
    expect(document.filters).toEqual({
      us_east_only: {database: 'cloudtrail', table: 'cloudtrail_logs', rows: "awsregion = 'us-east-1'", columns: {exclude: ['sourceipaddress']}},
    })
    expect(document.assign).toEqual([
      {database: 'cloudtrail', tags: {sensitivity: 'public'}},
      {database: 'cloudtrail', table: 'cloudtrail_logs', tags: {sensitivity: 'internal'}},
      {database: 'cloudtrail', table: 'cloudtrail_logs', columns: ['sourceipaddress', 'useridentity'], tags: {sensitivity: 'restricted'}},
    ])
    const plan = await run('grants', 'plan', '--prune', '--json', '--detailed-exitcode', '--policies', first)
    expect(plan.code).toBe(0)
    expect(parseJson<Plan>(plan).summary).toMatchObject({grant: 0, change: 0, revoke: 0, unmanaged: 0, objects: 0})

    // Applied to an empty account with the same catalog, the export rebuilds the same lake.
    await resetSandbox()
    await createGlueCatalog(sdk(), 'cloudtrail', {cloudtrail_logs: CLOUDTRAIL_COLUMNS})
    expect((await run('grants', 'apply', '--auto-approve', '--policies', first)).code).toBe(0)
    const second = exportDir()
    const secondFile = path.join(second, 'grants', 'existing.yaml')
    expect((await run('grants', 'export', '--database', 'cloudtrail', '--out', secondFile)).code).toBe(0)
    expect(readFileSync(secondFile, 'utf8')).toBe(readFileSync(firstFile, 'utf8'))
  })

  it('accepts --tags as a deprecated no-op', async () => {
    await createGlueCatalog(sdk(), 'cloudtrail', {cloudtrail_logs: CLOUDTRAIL_COLUMNS})
    expect((await run('grants', 'apply', '--auto-approve')).code).toBe(0)
    const withFlag = await run('grants', 'export', '--database', 'cloudtrail', '--tags')
    const without = await run('grants', 'export', '--database', 'cloudtrail')
    expect(withFlag.code).toBe(0)
    expect(withFlag.stderr).toContain('--tags is ignored')
    expect(withFlag.stdout).toBe(without.stdout)
  })
})
