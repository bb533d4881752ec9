import {cpSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {CloudWatchClient, DescribeAlarmsCommand, DescribeAnomalyDetectorsCommand, PutMetricAlarmCommand} from '@aws-sdk/client-cloudwatch'
import {CloudWatchLogsClient, DescribeMetricFiltersCommand, PutMetricFilterCommand} from '@aws-sdk/client-cloudwatch-logs'
import {CreateAliasCommand, CreateKeyCommand, KMSClient} from '@aws-sdk/client-kms'
import {ListSubscriptionsByTopicCommand, SNSClient} from '@aws-sdk/client-sns'

import type {BootstrapOutput} from '../../src/commands/bootstrap'
import type {BootstrapPlan} from '../../src/core/lake/bootstrap'
import {parseJson, runCli, sandboxEnv, type CliResult} from '../support/cli'
import {confirmSandboxSubscriptions, resetSandbox, sandboxEndpoint, sandboxSdkConfig, sandboxStats} from '../support/sandbox/client'

const ROOT = path.resolve(__dirname, '..', '..')
const ACCOUNT = '123456789012'
const LOG_GROUP = '/lake/cloudtrail'
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:lake-alarms`
/** Security Hub's CloudWatch.1 to .14 patterns, as its user guide prints them (kept beside the unit test of the cis set). */
const CIS = readFileSync(path.join(ROOT, 'test', 'fixtures', 'alarms', 'security-hub-cloudwatch-controls.tsv'), 'utf8')
  .split('\n')
  .filter((line) => /^CloudWatch\.\d+\t/.test(line))
  .map((line) => line.split('\t'))

const sdk = () => sandboxSdkConfig(sandboxEndpoint(), 1)

function lakegov(policies: string, ...args: string[]): Promise<CliResult> {
  return runCli([...args, '--policies', policies], sandboxEnv(sandboxEndpoint()), ROOT)
}

async function createKey(): Promise<void> {
  const kms = new KMSClient(sdk())
  const key = await kms.send(new CreateKeyCommand({Description: 'CloudTrail logs'}))
  await kms.send(new CreateAliasCommand({AliasName: 'alias/lake-logs', TargetKeyId: key.KeyMetadata!.KeyId}))
}

function alarmsStep(plan: BootstrapPlan) {
  return plan.steps.find((step) => step.step === 'alarms')!
}

describe('bootstrap: the alarms step (e2e, against the sandbox)', () => {
  beforeEach(() => resetSandbox())

  it('creates the topic, the subscription, the filters and the alarms; converges; repairs a hand-edited pattern', async () => {
    expect(CIS).toHaveLength(14)
    await createKey()
    const first = await lakegov('policies', 'bootstrap', '--json')
    expect(first.code).toBe(0)
    const step = alarmsStep(parseJson<BootstrapOutput>(first).plan)
    expect(step.status).toBe('missing')
    expect(step.changes.slice(0, 2).map((change) => change.action)).toEqual(['CreateTopic', 'Subscribe'])

    // Read back through the SDK: every CIS pattern byte for byte, on the trail's log group.
    const logs = new CloudWatchLogsClient(sdk())
    const filters = (await logs.send(new DescribeMetricFiltersCommand({logGroupName: LOG_GROUP}))).metricFilters ?? []
    for (const [id, pattern] of CIS) expect(filters.find((filter) => filter.filterName === `lakegov-${id}`)?.filterPattern).toBe(pattern)
    expect(filters.find((filter) => filter.filterName === 'lakegov-volume')?.metricTransformations?.[0]).toMatchObject({metricNamespace: 'LogMetrics', defaultValue: 0})
    expect(filters.some((filter) => filter.filterName === 'lakegov-lake-grant-by-non-admin')).toBe(true)

    const cloudwatch = new CloudWatchClient(sdk())
    const alarms = (await cloudwatch.send(new DescribeAlarmsCommand({AlarmNamePrefix: 'lakegov-'}))).MetricAlarms ?? []
    expect(alarms.map((alarm) => alarm.AlarmName).sort()).toEqual(filters.map((filter) => filter.filterName).sort())
    expect(alarms.every((alarm) => alarm.AlarmActions?.[0] === TOPIC && alarm.StateValue === 'INSUFFICIENT_DATA')).toBe(true)
    expect(alarms.find((alarm) => alarm.AlarmName === 'lakegov-volume')?.ThresholdMetricId).toBe('ad1')
    expect((await cloudwatch.send(new DescribeAnomalyDetectorsCommand({Namespace: 'LogMetrics'}))).AnomalyDetectors).toHaveLength(1)
    const sns = new SNSClient(sdk())
    expect((await sns.send(new ListSubscriptionsByTopicCommand({TopicArn: TOPIC}))).Subscriptions?.map((subscription) => [subscription.Endpoint, subscription.SubscriptionArn])).toEqual([
      ['secops@example.com', 'PendingConfirmation'],
    ])

    // A second run plans nothing, and says the subscription is still pending.
    const second = parseJson<BootstrapOutput>(await lakegov('policies', 'bootstrap', '--json'))
    expect(second.plan.summary.changes).toBe(0)
    expect(alarmsStep(second.plan).notes.join('\n')).toContain('the subscription of secops@example.com to lake-alarms is pending')
    const alarmFindings = async () => {
      const audit = await lakegov('policies', 'audit', 'findings', '--json')
      return parseJson<{findings: {ruleId: string; resource: string}[]}>(audit).findings.filter((entry) => ['LG019', 'LG020', 'LG021', 'LG022'].includes(entry.ruleId))
    }
    expect(await alarmFindings()).toEqual([expect.objectContaining({ruleId: 'LG021', resource: TOPIC})])
    await confirmSandboxSubscriptions('secops@example.com')
    expect(await alarmFindings()).toEqual([])
    expect(alarmsStep(parseJson<BootstrapPlan>(await lakegov('policies', 'status', '--json'))).notes.join('\n')).not.toContain('pending')

    // Someone "fixes" CloudWatch.1 by hand: one character, and Security Hub fails the control.
    const [, rootPattern] = CIS[0]
    await logs.send(
      new PutMetricFilterCommand({
        logGroupName: LOG_GROUP,
        filterName: 'lakegov-CloudWatch.1',
        filterPattern: rootPattern.replace('"Root"', '"root"'),
        metricTransformations: [{metricName: 'lakegov-CloudWatch.1', metricNamespace: 'LogMetrics', metricValue: '1'}],
      }),
    )
    const status = await lakegov('policies', 'status', '--detailed-exitcode', '--json')
    expect(status.code).toBe(2)
    const drifted = parseJson<BootstrapPlan>(status).steps.filter((planned) => planned.status !== 'ok')
    expect(drifted.map((planned) => [planned.step, planned.status, planned.changes.map((change) => change.action)])).toEqual([['alarms', 'drifted', ['PutMetricFilter']]])
    const human = await lakegov('policies', 'status')
    expect(human.stdout).toContain('lakegov-CloudWatch.1 on /lake/cloudtrail: pattern drifted')

    expect((await lakegov('policies', 'bootstrap')).code).toBe(0)
    const repaired = (await logs.send(new DescribeMetricFiltersCommand({logGroupName: LOG_GROUP, filterNamePrefix: 'lakegov-CloudWatch.1'}))).metricFilters ?? []
    expect(repaired.filter((filter) => filter.filterName === 'lakegov-CloudWatch.1').map((filter) => filter.filterPattern)).toEqual([rootPattern])
    expect((await lakegov('policies', 'status', '--detailed-exitcode')).code).toBe(0)
  })

  it('is a blocked step naming trail.cloudWatchLogGroup when the trail has no log group, and writes no alarm', async () => {
    await createKey()
    const dir = mkdtempSync(path.join(tmpdir(), 'lakegov-alarms-'))
    cpSync(path.join(ROOT, 'policies'), dir, {recursive: true})
    const lake = path.join(dir, 'lake.yaml')
    writeFileSync(lake, readFileSync(lake, 'utf8').replace(/^ {2}cloudWatchLogGroup:.*\n/m, ''))
    const run = await lakegov(dir, 'bootstrap', '--json')
    expect(run.code).toBe(6)
    const step = alarmsStep(parseJson<BootstrapOutput>(run).plan)
    expect(step.status).toBe('blocked')
    expect(step.blocked?.reason).toMatch(/lake\.yaml:\d+\) need the trail's CloudWatch Logs log group, and lake\.yaml sets no trail\.cloudWatchLogGroup/)
    expect((await new CloudWatchClient(sdk()).send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([])
  })

  it('alarms test --fire sets each managed alarm to ALARM and back, and refuses without --yes off a terminal (exit 64)', async () => {
    const cloudwatch = new CloudWatchClient(sdk())
    const alarm = {Namespace: 'LogMetrics', Statistic: 'Sum' as const, Period: 300, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' as const}
    await cloudwatch.send(new PutMetricAlarmCommand({...alarm, AlarmName: 'lakegov-CloudWatch.1', MetricName: 'lakegov-CloudWatch.1', AlarmActions: [TOPIC]}))
    await cloudwatch.send(new PutMetricAlarmCommand({...alarm, AlarmName: 'theirs', MetricName: 'theirs'}))
    const refused = await lakegov('policies', 'alarms', 'test', '--fire')
    expect(refused.code).toBe(64)
    expect(refused.stderr).toContain('--yes')
    expect((await sandboxStats()).services.monitoring?.SetAlarmState).toBeUndefined()

    const run = await lakegov('policies', 'alarms', 'test', '--fire', '--yes', '--json')
    expect(run.code).toBe(0)
    expect(parseJson<{fired: unknown[]}>(run).fired).toEqual([{name: 'lakegov-CloudWatch.1', actions: [TOPIC], restoredTo: 'INSUFFICIENT_DATA'}])
    expect((await sandboxStats()).services.monitoring.SetAlarmState).toBe(2)
    const states = (await cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms?.map((entry) => [entry.AlarmName, entry.StateValue])
    expect(states).toEqual([['lakegov-CloudWatch.1', 'INSUFFICIENT_DATA'], ['theirs', 'INSUFFICIENT_DATA']])
  })
})
