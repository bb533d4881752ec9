import {CloudWatchClient, DeleteAnomalyDetectorCommand, DescribeAlarmsCommand, DescribeAnomalyDetectorsCommand, PutAnomalyDetectorCommand, PutMetricAlarmCommand, SetAlarmStateCommand} from '@aws-sdk/client-cloudwatch'
import {CloudWatchLogsClient, CreateLogGroupCommand, DescribeMetricFiltersCommand, PutMetricFilterCommand, TestMetricFilterCommand} from '@aws-sdk/client-cloudwatch-logs'
import {CreateTopicCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand} from '@aws-sdk/client-sns'

import {confirmSandboxSubscriptions, resetSandbox, sandboxEndpoint, sandboxSdkConfig, sandboxStats} from '../support/sandbox/client'

jest.setTimeout(60_000)

const config = () => sandboxSdkConfig(sandboxEndpoint(), 1)
const transformation = (metricName: string) => [{metricName, metricNamespace: 'LogMetrics', metricValue: '1'}]

async function failure(promise: Promise<unknown>): Promise<Error & {$metadata?: {httpStatusCode?: number; attempts?: number}}> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to fail')
}

beforeEach(async () => {
  await resetSandbox()
})

describe('sandbox: CloudWatch Logs metric filters', () => {
  it('a second PutMetricFilter with the same name replaces the filter instead of adding one', async () => {
    const logs = new CloudWatchLogsClient(config())
    await logs.send(new CreateLogGroupCommand({logGroupName: 'trail'}))
    await logs.send(new PutMetricFilterCommand({logGroupName: 'trail', filterName: 'f', filterPattern: '{ $.a = "1" }', metricTransformations: transformation('m')}))
    await logs.send(new PutMetricFilterCommand({logGroupName: 'trail', filterName: 'f', filterPattern: '{ $.a = "2" }', metricTransformations: transformation('m')}))
    const filters = (await logs.send(new DescribeMetricFiltersCommand({logGroupName: 'trail'}))).metricFilters ?? []
    expect(filters.map((filter) => [filter.filterName, filter.filterPattern])).toEqual([['f', '{ $.a = "2" }']])
  })

  it('refuses a filter on a log group that does not exist, and the 101st filter of a log group', async () => {
    const logs = new CloudWatchLogsClient(config())
    const missing = await failure(logs.send(new PutMetricFilterCommand({logGroupName: 'nope', filterName: 'f', filterPattern: '', metricTransformations: transformation('m')})))
    expect(missing.name).toBe('ResourceNotFoundException')
    await logs.send(new CreateLogGroupCommand({logGroupName: 'trail'}))
    for (let index = 0; index < 100; index++) {
      await logs.send(new PutMetricFilterCommand({logGroupName: 'trail', filterName: `f${index}`, filterPattern: '', metricTransformations: transformation(`m${index}`)}))
    }
    const over = await failure(logs.send(new PutMetricFilterCommand({logGroupName: 'trail', filterName: 'one-more', filterPattern: '', metricTransformations: transformation('x')})))
    expect(over.name).toBe('LimitExceededException')
    // Replacing one of the 100 is still allowed.
    await logs.send(new PutMetricFilterCommand({logGroupName: 'trail', filterName: 'f0', filterPattern: '{ $.b = 1 }', metricTransformations: transformation('m0')}))
    expect((await logs.send(new DescribeMetricFiltersCommand({logGroupName: 'trail'}))).metricFilters).toHaveLength(100)
  })

  it('answers TestMetricFilter with a 400 the SDK does not retry, instead of a 500', async () => {
    const logs = new CloudWatchLogsClient(sandboxSdkConfig(sandboxEndpoint(), 3))
    const error = await failure(logs.send(new TestMetricFilterCommand({filterPattern: '{ $.a = 1 }', logEventMessages: ['{"a":1}']})))
    expect(error.name).toBe('InvalidOperationException')
    expect(error.$metadata?.attempts).toBe(1)
    expect((await sandboxStats()).services.logs.TestMetricFilter).toBe(1)
  })
})

describe('sandbox: CloudWatch alarms and anomaly detectors', () => {
  const alarm = {MetricName: 'm', Namespace: 'LogMetrics', Statistic: 'Sum' as const, Period: 300, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' as const}

  it('starts a new alarm in INSUFFICIENT_DATA and leaves the state of an updated one unchanged', async () => {
    const cloudwatch = new CloudWatchClient(config())
    await cloudwatch.send(new PutMetricAlarmCommand({AlarmName: 'a', ...alarm}))
    const read = async () => (await cloudwatch.send(new DescribeAlarmsCommand({AlarmNames: ['a']}))).MetricAlarms?.[0]
    expect((await read())?.StateValue).toBe('INSUFFICIENT_DATA')
    await cloudwatch.send(new SetAlarmStateCommand({AlarmName: 'a', StateValue: 'ALARM', StateReason: 'test'}))
    await cloudwatch.send(new PutMetricAlarmCommand({AlarmName: 'a', ...alarm, Threshold: 5}))
    const after = await read()
    expect([after?.StateValue, after?.Threshold]).toEqual(['ALARM', 5])
  })

  it('keeps anomaly detectors, and accepts a band alarm only with its ANOMALY_DETECTION_BAND threshold', async () => {
    const cloudwatch = new CloudWatchClient(sandboxSdkConfig(sandboxEndpoint(), 3))
    const detector = {Namespace: 'LogMetrics', MetricName: 'calls', Stat: 'Sum'}
    expect((await cloudwatch.send(new DescribeAnomalyDetectorsCommand({}))).AnomalyDetectors).toEqual([])
    await cloudwatch.send(new PutAnomalyDetectorCommand({SingleMetricAnomalyDetector: detector}))
    await cloudwatch.send(new PutAnomalyDetectorCommand({SingleMetricAnomalyDetector: detector}))
    const listed = (await cloudwatch.send(new DescribeAnomalyDetectorsCommand({Namespace: 'LogMetrics'}))).AnomalyDetectors ?? []
    expect(listed.map((entry) => [entry.SingleMetricAnomalyDetector?.MetricName, entry.StateValue])).toEqual([['calls', 'PENDING_TRAINING']])
    const metrics = [
      {Id: 'm1', ReturnData: true, MetricStat: {Metric: {Namespace: 'LogMetrics', MetricName: 'calls'}, Period: 300, Stat: 'Sum'}},
      {Id: 'ad1', ReturnData: true, Expression: 'ANOMALY_DETECTION_BAND(m1, 2)'},
    ]
    const band = {AlarmName: 'volume', EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanUpperThreshold' as const, Metrics: metrics}
    const wrong = await failure(cloudwatch.send(new PutMetricAlarmCommand({...band, ThresholdMetricId: 'm1'})))
    expect([wrong.name, wrong.$metadata?.attempts]).toEqual(['ValidationException', 1])
    expect((await failure(cloudwatch.send(new PutMetricAlarmCommand({...band, ThresholdMetricId: 'ad1', Threshold: 1})))).name).toBe('ValidationException')
    await cloudwatch.send(new PutMetricAlarmCommand({...band, ThresholdMetricId: 'ad1'}))
    const stored = (await cloudwatch.send(new DescribeAlarmsCommand({AlarmNames: ['volume']}))).MetricAlarms?.[0]
    expect([stored?.ThresholdMetricId, stored?.StateValue]).toEqual(['ad1', 'INSUFFICIENT_DATA'])
    await cloudwatch.send(new DeleteAnomalyDetectorCommand({SingleMetricAnomalyDetector: detector}))
    expect((await failure(cloudwatch.send(new DeleteAnomalyDetectorCommand({SingleMetricAnomalyDetector: detector})))).name).toBe('ResourceNotFoundException')
  })
})

describe('sandbox: SNS email subscriptions', () => {
  it('stay PendingConfirmation until a test confirms them, and GetTopicAttributes counts them', async () => {
    const sns = new SNSClient(config())
    const {TopicArn} = await sns.send(new CreateTopicCommand({Name: 'alarms'}))
    const subscribed = await sns.send(new SubscribeCommand({TopicArn, Protocol: 'email', Endpoint: 'secops@example.com'}))
    expect(subscribed.SubscriptionArn).toBe('pending confirmation')
    const list = async () => (await sns.send(new ListSubscriptionsByTopicCommand({TopicArn}))).Subscriptions ?? []
    expect((await list()).map((subscription) => [subscription.Endpoint, subscription.SubscriptionArn])).toEqual([['secops@example.com', 'PendingConfirmation']])
    const counts = async () => {
      const attributes = (await sns.send(new GetTopicAttributesCommand({TopicArn}))).Attributes ?? {}
      return [attributes.SubscriptionsPending, attributes.SubscriptionsConfirmed]
    }
    expect(await counts()).toEqual(['1', '0'])
    expect(await confirmSandboxSubscriptions('nobody@example.com')).toEqual([])
    const confirmed = await confirmSandboxSubscriptions('secops@example.com')
    expect(confirmed).toHaveLength(1)
    expect((await list())[0].SubscriptionArn).toBe(confirmed[0])
    expect(await counts()).toEqual(['0', '1'])
    // Subscribing the confirmed address again returns its ARN: nothing is pending.
    expect((await sns.send(new SubscribeCommand({TopicArn, Protocol: 'email', Endpoint: 'secops@example.com'}))).SubscriptionArn).toBe(confirmed[0])
  })
})
