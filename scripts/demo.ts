/**
 * `npm run demo`: the main job, run locally. Starts the sandbox on a free loopback port, runs the
 * built CLI against it as a user would, prints what it says, and stops the sandbox.
 */
import {spawn} from 'node:child_process'
import path from 'node:path'

import {CreateAliasCommand, CreateKeyCommand, KMSClient} from '@aws-sdk/client-kms'
import {LakeFormationClient, PutDataLakeSettingsCommand} from '@aws-sdk/client-lakeformation'
import {S3Client} from '@aws-sdk/client-s3'
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'

import {iamArnOf} from '../src/core/model/principal'
import {generateCloudTrail, uploadCloudTrailFixtures, uploadGeneratedCloudTrail} from '../test/support/cloudtrail-fixtures'
import {sandboxEnv} from '../test/support/cli'
import {startSandbox} from '../test/support/sandbox'
import {sandboxSdkConfig} from '../test/support/sandbox/client'

const BIN = path.resolve(__dirname, '..', 'bin', 'run.js')

function step(title: string): void {
  process.stdout.write(`\n\x1b[1m== ${title}\x1b[0m\n`)
}

/**
 * Runs lakegov with the sandbox's environment, streaming its output, and returns its exit code.
 * Asynchronous on purpose: the sandbox runs in this process and must keep answering meanwhile.
 */
function lakegov(env: NodeJS.ProcessEnv, ...args: string[]): Promise<number> {
  process.stdout.write(`$ lakegov ${args.join(' ')}\n`)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {env, stdio: 'inherit'})
    child.on('error', reject)
    child.on('close', (code) => {
      process.stdout.write(`(exit ${code})\n`)
      resolve(code ?? 1)
    })
  })
}

async function main(): Promise<number> {
  step('Starting the sandbox (moto behind the lakegov gateway)')
  const sandbox = await startSandbox({port: 0})
  process.stdout.write(`endpoint: ${sandbox.endpoint}\n`)
  try {
    const env = sandboxEnv(sandbox.endpoint)
    const sdk = sandboxSdkConfig(sandbox.endpoint)

    step('doctor on a fresh account: nobody administers the lake yet')
    await lakegov(env, 'doctor')

    step('An administrator makes the caller a data lake admin (the lake starts as IAM-governed)')
    const caller = await new STSClient(sdk).send(new GetCallerIdentityCommand({}))
    const admin = iamArnOf(caller.Arn ?? '')
    const iamDecides = [{Principal: {DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS'}, Permissions: ['ALL' as const]}]
    await new LakeFormationClient(sdk).send(
      new PutDataLakeSettingsCommand({DataLakeSettings: {DataLakeAdmins: [{DataLakePrincipalIdentifier: admin}], CreateDatabaseDefaultPermissions: iamDecides, CreateTableDefaultPermissions: iamDecides}}),
    )
    process.stdout.write(`DataLakeAdmins = [${admin}]; default permissions = ALL to IAM_ALLOWED_PRINCIPALS (IAM decides)\n`)

    step('doctor again')
    const doctor = await lakegov(env, 'doctor')

    step('The security team\'s KMS key for the logs (the one prerequisite of policies/lake.yaml)')
    const kms = new KMSClient(sdk)
    const key = await kms.send(new CreateKeyCommand({Description: 'CloudTrail logs'}))
    await kms.send(new CreateAliasCommand({AliasName: 'alias/lake-logs', TargetKeyId: key.KeyMetadata?.KeyId}))
    process.stdout.write(`alias/lake-logs -> ${key.KeyMetadata?.Arn}\n`)

    step('Bootstrap, dry run: what building policies/lake.yaml would change')
    await lakegov(env, 'bootstrap', '--dry-run')

    step('Bootstrap: bucket, registration role, key policy, settings, registration, database, trail')
    const bootstrap = await lakegov(env, 'bootstrap')

    step('Status: every step matches lake.yaml (exit 0 under --detailed-exitcode)')
    const status = await lakegov(env, 'status', '--detailed-exitcode')

    step('CloudTrail delivers its first log files (real-format fixtures, several event types)')
    const keys = await uploadCloudTrailFixtures(new S3Client({...sdk, forcePathStyle: true}), {bucket: 'acme-cloudtrail-logs'})
    process.stdout.write(`${keys.map((key) => `s3://acme-cloudtrail-logs/${key}`).join('\n')}\n`)

    step('Crawl: preflight checks, then the Glue crawler with Lake Formation credentials')
    const crawl = await lakegov(env, 'crawl', '--wait', '--poll-interval', '250')

    step('Or the table AWS documents for Athena: partition projection, no crawler needed')
    const table = await lakegov(env, 'table')

    step('Two days of API activity arrive in the lake (generated in CloudTrail\'s own format and layout)')
    const activity = generateCloudTrail({seed: 7, days: 2, filesPerDay: 4, eventsPerFile: 25, dataBucket: 'acme-cloudtrail-logs', includeAwsSamples: false})
    await uploadGeneratedCloudTrail(new S3Client({...sdk, forcePathStyle: true}), activity.files, {bucket: 'acme-cloudtrail-logs'})
    process.stdout.write(`${activity.files.length} log files, ${activity.records.length} events\n`)

    step('Activity: the most used services (the local engine: DuckDB over the downloaded log files)')
    const summary = await lakegov(env, 'activity', 'summary', '--by', 'service', '--since', '3d', '--engine', 'local', '--top', '8')

    step('Activity: the latest calls that failed')
    const errors = await lakegov(env, 'activity', 'events', '--errors', '--since', '3d', '--limit', '5')

    step('Who DID read the logs: Lake Formation reads and direct S3 reads')
    const reads = await lakegov(env, 'activity', 'reads', '--since', '3d')

    step('Alarm patterns checked offline on AWS\'s sample events (exit 2: some patterns match none of them)')
    const alarms = await lakegov(env, 'alarms', 'test')

    step('Grants as code: validate the example policies/grants offline')
    const validate = await lakegov(env, 'grants', 'validate')

    step('Plan: what apply would change')
    await lakegov(env, 'grants', 'plan')

    step('Apply (in CI, after review)')
    const apply = await lakegov(env, 'grants', 'apply', '--auto-approve')

    step('Plan again: converged, so no changes (exit 0 under --detailed-exitcode)')
    const converged = await lakegov(env, 'grants', 'plan', '--detailed-exitcode')

    step('Audit: who can read the logs, and through which path')
    const access = await lakegov(env, 'audit', 'access')

    step('Audit findings (the demo lake keeps a single IAM-user admin, so expect findings)')
    const findings = await lakegov(env, 'audit', 'findings')
    step('The lake report: one self-contained HTML page with charts')
    const reportFile = path.resolve('lake-report.html')
    const report = await lakegov(env, 'report', '--since', '3d', '--engine', 'local', '--out', reportFile)
    process.stdout.write(`Open ${reportFile} in a browser (it loads nothing from the network).\n`)
    // alarms test exits 2 when a pattern warns, which it does on the few sample events it ships.
    const alarmsFailed = alarms === 2 ? 0 : alarms
    return [doctor, bootstrap, status, crawl, table, summary, errors, reads, alarmsFailed, validate, apply, converged, access, findings, report].find((code) => code !== 0) ?? 0
  } finally {
    await sandbox.stop()
    step('Sandbox stopped')
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
