import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {CloudTrailClient, GetEventSelectorsCommand, PutEventSelectorsCommand} from '@aws-sdk/client-cloudtrail'
import {GetRoleCommand, IAMClient} from '@aws-sdk/client-iam'
import {GetDataLakeSettingsCommand, LakeFormationClient} from '@aws-sdk/client-lakeformation'

import type {BootstrapPlan} from '../../src/core/lake/bootstrap'
import type {BootstrapOutput} from '../../src/commands/bootstrap'
import {parseJson, runCli, sandboxEnv, type CliResult} from '../support/cli'
import {resetSandbox, sandboxEndpoint, sandboxSdkConfig} from '../support/sandbox/client'

const ROOT = path.resolve(__dirname, '..', '..')
const ACCOUNT = '123456789012'

function sdk() {
  return sandboxSdkConfig(sandboxEndpoint(), 1)
}

function lakegov(policies: string, ...args: string[]): Promise<CliResult> {
  return runCli([...args, '--policies', policies], sandboxEnv(sandboxEndpoint()), ROOT)
}

/** A lake with SSE-S3, a trail that logs reads of the logs, and source identity on. */
function lakeDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-data-events-'))
  writeFileSync(
    path.join(dir, 'lake.yaml'),
    `region: us-east-1
admins: [arn:aws:iam::${ACCOUNT}:role/LakeAdmin]
bucket:
  name: read-logs
  prefix: AWSLogs/
  encryption: {type: AES256}
registration:
  role: lakegov-registration
  sourceIdentity: true
database: cloudtrail
trail:
  name: lake-trail
  dataEvents:
    logReads: true
`,
  )
  return dir
}

const LOG_READS = {
  Name: 'lakegov-log-reads',
  FieldSelectors: [
    {Field: 'eventCategory', Equals: ['Data']},
    {Field: 'resources.type', Equals: ['AWS::S3::Object']},
    {Field: 'readOnly', Equals: ['true']},
    {Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::read-logs/AWSLogs/']},
  ],
}
const MANAGEMENT = {Name: 'Management events selector', FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}]}

describe('bootstrap: trail.dataEvents.logReads and registration.sourceIdentity (e2e, against the sandbox)', () => {
  beforeEach(() => resetSandbox())

  it('leaves the right selector on the trail and source identity on; a second run plans nothing; status shows a removed selector as drift', async () => {
    const policies = lakeDir()
    const first = await lakegov(policies, 'bootstrap', '--json')
    expect(first.code).toBe(0)
    const trailStep = parseJson<BootstrapOutput>(first).plan.steps.find((step) => step.step === 'trail')!
    expect(trailStep.changes.map((change) => change.action)).toEqual(['CreateTrail', 'StartLogging', 'PutEventSelectors'])

    const cloudtrail = new CloudTrailClient(sdk())
    const selectors = await cloudtrail.send(new GetEventSelectorsCommand({TrailName: 'lake-trail'}))
    expect(selectors.EventSelectors ?? []).toEqual([])
    expect(selectors.AdvancedEventSelectors).toEqual([MANAGEMENT, LOG_READS])

    const settings = (await new LakeFormationClient(sdk()).send(new GetDataLakeSettingsCommand({}))).DataLakeSettings
    expect(settings?.Parameters).toMatchObject({SET_SOURCE_IDENTITY: 'TRUE'})
    const role = (await new IAMClient({...sdk(), region: 'us-east-1'}).send(new GetRoleCommand({RoleName: 'lakegov-registration'}))).Role
    const trust = JSON.parse(decodeURIComponent(role?.AssumeRolePolicyDocument ?? '{}'))
    expect(trust.Statement[0]).toMatchObject({Principal: {Service: 'lakeformation.amazonaws.com'}, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity']})

    const second = await lakegov(policies, 'bootstrap', '--json')
    expect(second.code).toBe(0)
    expect(parseJson<BootstrapOutput>(second).plan.summary.changes).toBe(0)

    // Someone replaces the selectors with their own: lakegov's is missing, theirs must survive the repair.
    const theirs = {Name: 'invoices', FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}, {Field: 'resources.type', Equals: ['AWS::S3::Object']}, {Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::invoices/']}]}
    await cloudtrail.send(new PutEventSelectorsCommand({TrailName: 'lake-trail', AdvancedEventSelectors: [MANAGEMENT, theirs]}))
    const status = await lakegov(policies, 'status', '--detailed-exitcode', '--json')
    expect(status.code).toBe(2)
    const drifted = parseJson<BootstrapPlan>(status).steps.filter((step) => step.status !== 'ok')
    expect(drifted.map((step) => [step.step, step.status, step.changes.map((change) => change.action)])).toEqual([['trail', 'drifted', ['PutEventSelectors']]])

    expect((await lakegov(policies, 'bootstrap', '--json')).code).toBe(0)
    expect((await cloudtrail.send(new GetEventSelectorsCommand({TrailName: 'lake-trail'}))).AdvancedEventSelectors).toEqual([MANAGEMENT, theirs, LOG_READS])
    expect((await lakegov(policies, 'status', '--detailed-exitcode')).code).toBe(0)
  })
})
