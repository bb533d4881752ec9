import nock from 'nock'

import {CloudWatchAdapter} from '../../src/aws/cloudwatch'
import {LogsAdapter} from '../../src/aws/logs'
import {SnsAdapter} from '../../src/aws/sns'
import {ExitCode} from '../../src/core/exit-codes'
import {testClients, useNock} from '../support/nock-setup'

const MONITORING = 'https://monitoring.us-east-1.amazonaws.com'
const LOGS = 'https://logs.us-east-1.amazonaws.com'
const SNS = 'https://sns.us-east-1.amazonaws.com'
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:lake-alarms'

type Recorded = {target?: string; body: Record<string, unknown>}

/** nock parses only application/json bodies; the awsJson ones come as text. */
const json = (body: nock.Body): Record<string, unknown> => (typeof body === 'string' ? (JSON.parse(body) as Record<string, unknown>) : (body as Record<string, unknown>))

/** Answers awsJson calls by x-amz-target, recording each request. */
function jsonService(origin: string, answers: Record<string, unknown>, recorded: Recorded[]): nock.Scope {
  return nock(origin)
    .post('/')
    .times(Object.keys(answers).length)
    .reply(function (_uri, body) {
      const target = String(this.req.headers['x-amz-target'])
      recorded.push({target, body: json(body)})
      return [200, JSON.stringify(answers[target.split('.').pop() ?? ''] ?? {}), {'content-type': 'application/x-amz-json-1.0'}]
    })
}

describe('CloudWatch, CloudWatch Logs and SNS adapters (wire)', () => {
  useNock()

  it('CloudWatch speaks JSON 1.0 with the Granite target: a static alarm, a band alarm, SetAlarmState, PutAnomalyDetector', async () => {
    const recorded: Recorded[] = []
    const scope = jsonService(MONITORING, {PutMetricAlarm: {}, SetAlarmState: {}, PutAnomalyDetector: {}}, recorded)
    nock(MONITORING)
      .post('/')
      .reply(function (_uri, body) {
        recorded.push({target: String(this.req.headers['x-amz-target']), body: json(body)})
        return [200, JSON.stringify({})]
      })
    const cloudwatch = new CloudWatchAdapter(testClients())
    await cloudwatch.putMetricAlarm({name: 'lakegov-CloudWatch.1', description: 'd', namespace: 'LogMetrics', metricName: 'lakegov-CloudWatch.1', period: 300, threshold: 1, comparison: 'GreaterThanOrEqualToThreshold', actions: [TOPIC]})
    await cloudwatch.putMetricAlarm({name: 'lakegov-volume', description: 'v', namespace: 'LogMetrics', metricName: 'lakegov-volume', period: 300, band: 2, comparison: 'GreaterThanUpperThreshold', actions: [TOPIC]})
    await cloudwatch.setAlarmState('lakegov-volume', 'ALARM', 'test')
    await cloudwatch.putAnomalyDetector('LogMetrics', 'lakegov-volume', 'Sum')
    scope.done()
    expect(recorded.map((call) => call.target)).toEqual([
      'GraniteServiceVersion20100801.PutMetricAlarm',
      'GraniteServiceVersion20100801.PutMetricAlarm',
      'GraniteServiceVersion20100801.SetAlarmState',
      'GraniteServiceVersion20100801.PutAnomalyDetector',
    ])
    expect(recorded[0].body).toEqual({
      AlarmName: 'lakegov-CloudWatch.1',
      AlarmDescription: 'd',
      AlarmActions: [TOPIC],
      ActionsEnabled: true,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Namespace: 'LogMetrics',
      MetricName: 'lakegov-CloudWatch.1',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
    })
    expect(recorded[1].body).toMatchObject({ThresholdMetricId: 'ad1', Metrics: [{Id: 'm1', MetricStat: {Metric: {Namespace: 'LogMetrics', MetricName: 'lakegov-volume'}, Period: 300, Stat: 'Sum'}}, {Id: 'ad1', Expression: 'ANOMALY_DETECTION_BAND(m1, 2)'}]})
    expect(recorded[1].body).not.toHaveProperty('Threshold')
    expect(recorded[2].body).toEqual({AlarmName: 'lakegov-volume', StateValue: 'ALARM', StateReason: 'test'})
    expect(recorded[3].body).toEqual({SingleMetricAnomalyDetector: {Namespace: 'LogMetrics', MetricName: 'lakegov-volume', Stat: 'Sum'}})
  })

  it('DescribeAlarms pages and reads a band alarm back into the same fields the planner compares', async () => {
    const bodies: Record<string, unknown>[] = []
    const pages = [
      {MetricAlarms: [{AlarmName: 'a', Namespace: 'LogMetrics', MetricName: 'a', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [], ActionsEnabled: true, StateValue: 'INSUFFICIENT_DATA'}], NextToken: 't1'},
      {
        MetricAlarms: [
          {
            AlarmName: 'v',
            ThresholdMetricId: 'ad1',
            ComparisonOperator: 'GreaterThanUpperThreshold',
            AlarmActions: [TOPIC],
            Metrics: [{Id: 'm1', MetricStat: {Metric: {Namespace: 'LogMetrics', MetricName: 'v'}, Period: 300, Stat: 'Sum'}}, {Id: 'ad1', Expression: 'ANOMALY_DETECTION_BAND(m1, 2.5)'}],
          },
        ],
      },
    ]
    const scope = nock(MONITORING)
      .post('/')
      .times(2)
      .reply((_uri, body) => {
        bodies.push(json(body))
        return [200, JSON.stringify(pages[bodies.length - 1])]
      })
    const alarms = await new CloudWatchAdapter(testClients()).describeAlarms('lakegov-')
    scope.done()
    expect(bodies).toEqual([
      {AlarmTypes: ['MetricAlarm'], AlarmNamePrefix: 'lakegov-', MaxRecords: 100},
      {AlarmTypes: ['MetricAlarm'], AlarmNamePrefix: 'lakegov-', NextToken: 't1', MaxRecords: 100},
    ])
    expect(alarms).toEqual([
      {name: 'a', namespace: 'LogMetrics', metricName: 'a', period: 300, threshold: 1, comparison: 'GreaterThanOrEqualToThreshold', actions: [], actionsEnabled: true, state: 'INSUFFICIENT_DATA'},
      {name: 'v', namespace: 'LogMetrics', metricName: 'v', period: 300, band: 2.5, comparison: 'GreaterThanUpperThreshold', actions: [TOPIC], actionsEnabled: true},
    ])
  })

  it('CloudWatch Logs: PutMetricFilter sends the pattern byte for byte with defaultValue; DescribeMetricFilters pages', async () => {
    const recorded: Recorded[] = []
    const pattern = '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}'
    const scope = nock(LOGS)
      .post('/')
      .times(4)
      .reply(function (_uri, body) {
        const target = String(this.req.headers['x-amz-target'])
        recorded.push({target, body: json(body)})
        if (target.endsWith('DescribeMetricFilters')) {
          const first = !json(body).nextToken
          return [200, JSON.stringify(first ? {metricFilters: [{filterName: 'x', filterPattern: pattern, metricTransformations: [{metricName: 'x', metricNamespace: 'LogMetrics', metricValue: '1'}]}], nextToken: 'n'} : {metricFilters: []})]
        }
        return [200, '{}']
      })
    const logs = new LogsAdapter(testClients())
    await logs.putMetricFilter('trail', {name: 'lakegov-volume', pattern: '', namespace: 'LogMetrics', value: '1', defaultValue: 0})
    await logs.deleteMetricFilter('trail', 'old')
    const filters = await logs.describeMetricFilters('trail')
    scope.done()
    expect(recorded.map((call) => call.target)).toEqual(['Logs_20140328.PutMetricFilter', 'Logs_20140328.DeleteMetricFilter', 'Logs_20140328.DescribeMetricFilters', 'Logs_20140328.DescribeMetricFilters'])
    expect(recorded[0].body).toEqual({logGroupName: 'trail', filterName: 'lakegov-volume', filterPattern: '', metricTransformations: [{metricName: 'lakegov-volume', metricNamespace: 'LogMetrics', metricValue: '1', defaultValue: 0}]})
    expect(recorded[3].body).toEqual({logGroupName: 'trail', nextToken: 'n'})
    expect(filters).toEqual([{name: 'x', pattern, namespace: 'LogMetrics', metricName: 'x', value: '1'}])
  })

  it('SNS speaks awsQuery: CreateTopic, an email Subscribe, pending subscriptions, a missing topic, and an access error mapped to exit 4', async () => {
    const forms: URLSearchParams[] = []
    const xml = (action: string, result: string) => `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></${action}Response>`
    const answers = [
      [200, xml('CreateTopic', `<TopicArn>${TOPIC}</TopicArn>`)],
      [200, xml('Subscribe', '<SubscriptionArn>pending confirmation</SubscriptionArn>')],
      [200, xml('ListSubscriptionsByTopic', `<Subscriptions><member><SubscriptionArn>PendingConfirmation</SubscriptionArn><Protocol>email</Protocol><Endpoint>secops@example.com</Endpoint><TopicArn>${TOPIC}</TopicArn><Owner>123456789012</Owner></member></Subscriptions>`)],
      [404, '<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>2</RequestId></ErrorResponse>'],
      [403, '<ErrorResponse><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>User is not authorized to perform: SNS:CreateTopic</Message></Error><RequestId>3</RequestId></ErrorResponse>'],
    ] as const
    const scope = nock(SNS)
      .post('/')
      .times(answers.length)
      .reply((_uri, body) => {
        forms.push(new URLSearchParams(String(body)))
        const [status, text] = answers[forms.length - 1]
        return [status, text, {'content-type': 'text/xml'}]
      })
    const sns = new SnsAdapter(testClients())
    expect(await sns.createTopic('lake-alarms')).toBe(TOPIC)
    await sns.subscribeEmail(TOPIC, 'secops@example.com')
    expect(await sns.listSubscriptions(TOPIC)).toEqual([{protocol: 'email', endpoint: 'secops@example.com', pending: true}])
    expect(await sns.getTopicAttributes(`${TOPIC}-gone`)).toBeUndefined()
    await expect(sns.createTopic('x')).rejects.toMatchObject({exitCode: ExitCode.AwsAccess})
    scope.done()
    expect(forms.map((form) => form.get('Action'))).toEqual(['CreateTopic', 'Subscribe', 'ListSubscriptionsByTopic', 'GetTopicAttributes', 'CreateTopic'])
    expect(Object.fromEntries(forms[1])).toEqual({Action: 'Subscribe', Version: '2010-03-31', TopicArn: TOPIC, Protocol: 'email', Endpoint: 'secops@example.com'})
  })
})
