import {
  DescribeAlarmsCommand,
  DescribeAnomalyDetectorsCommand,
  PutAnomalyDetectorCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch'

import type {AlarmSpec, ObservedAlarm} from '../core/alarms/plan'
import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'

/** The alarm states SetAlarmState accepts. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'

/** CloudWatch alarms and anomaly detectors. */
export class CloudWatchAdapter extends ServiceAdapter {
  constructor(clients: AwsClients) {
    super(clients, 'cloudwatch')
  }

  private send<T>(operation: string, command: {input: unknown}): Promise<T> {
    return this.call(`cloudwatch:${operation}`, () => this.clients.cloudwatch.send(command as never) as Promise<T>)
  }

  /** Every metric alarm, or those whose name starts with `prefix`; composite alarms are not read. */
  async describeAlarms(prefix?: string): Promise<ObservedAlarm[]> {
    const alarms: ObservedAlarm[] = []
    let token: string | undefined
    do {
      const page = await this.send<{MetricAlarms?: MetricAlarm[]; NextToken?: string}>(
        'DescribeAlarms',
        new DescribeAlarmsCommand({AlarmTypes: ['MetricAlarm'], ...(prefix ? {AlarmNamePrefix: prefix} : {}), ...(token ? {NextToken: token} : {}), MaxRecords: 100}),
      )
      alarms.push(...(page.MetricAlarms ?? []).map(observedAlarmOf))
      token = page.NextToken
    } while (token)
    return alarms
  }

  /** Creates or overwrites an alarm. */
  async putMetricAlarm(alarm: AlarmSpec): Promise<void> {
    await this.send('PutMetricAlarm', new PutMetricAlarmCommand(alarmInput(alarm)))
  }

  /** Sets an alarm's state until its next evaluation: the way to test the notification path. */
  async setAlarmState(name: string, state: AlarmState, reason: string): Promise<void> {
    await this.send('SetAlarmState', new SetAlarmStateCommand({AlarmName: name, StateValue: state, StateReason: reason}))
  }

  /** Creates (or keeps) the anomaly detection model of one metric and statistic. */
  async putAnomalyDetector(namespace: string, metricName: string, stat: string): Promise<void> {
    await this.send('PutAnomalyDetector', new PutAnomalyDetectorCommand({SingleMetricAnomalyDetector: {Namespace: namespace, MetricName: metricName, Stat: stat}}))
  }

  /** The single-metric anomaly detectors of a namespace. */
  async describeAnomalyDetectors(namespace: string): Promise<{namespace: string; metricName: string; stat: string}[]> {
    const found: {namespace: string; metricName: string; stat: string}[] = []
    let token: string | undefined
    do {
      const page = await this.send<{AnomalyDetectors?: {SingleMetricAnomalyDetector?: {Namespace?: string; MetricName?: string; Stat?: string}}[]; NextToken?: string}>(
        'DescribeAnomalyDetectors',
        new DescribeAnomalyDetectorsCommand({Namespace: namespace, ...(token ? {NextToken: token} : {})}),
      )
      for (const detector of page.AnomalyDetectors ?? []) {
        const single = detector.SingleMetricAnomalyDetector
        if (single?.Namespace && single.MetricName && single.Stat) found.push({namespace: single.Namespace, metricName: single.MetricName, stat: single.Stat})
      }
      token = page.NextToken
    } while (token)
    return found
  }
}

/** PutMetricAlarm's input: a Sum over the period, or for a band alarm the metric and its ANOMALY_DETECTION_BAND. */
export function alarmInput(alarm: AlarmSpec): PutMetricAlarmCommandInput {
  const common = {
    AlarmName: alarm.name,
    AlarmDescription: alarm.description,
    AlarmActions: alarm.actions,
    ActionsEnabled: true,
    EvaluationPeriods: 1,
    ComparisonOperator: alarm.comparison,
    // No event in a period means nothing risky happened, not that the alarm lacks data.
    TreatMissingData: 'notBreaching',
  }
  if (alarm.band === undefined) {
    return {...common, Namespace: alarm.namespace, MetricName: alarm.metricName, Statistic: 'Sum', Period: alarm.period, Threshold: alarm.threshold}
  }
  return {
    ...common,
    ThresholdMetricId: 'ad1',
    Metrics: [
      {Id: 'm1', ReturnData: true, MetricStat: {Metric: {Namespace: alarm.namespace, MetricName: alarm.metricName}, Period: alarm.period, Stat: 'Sum'}},
      {Id: 'ad1', ReturnData: true, Label: `${alarm.metricName} (expected)`, Expression: `ANOMALY_DETECTION_BAND(m1, ${alarm.band})`},
    ],
  }
}

function observedAlarmOf(alarm: MetricAlarm): ObservedAlarm {
  const stat = alarm.Metrics?.find((metric) => metric.MetricStat)?.MetricStat
  const bandExpression = alarm.Metrics?.find((metric) => metric.Id === alarm.ThresholdMetricId)?.Expression
  const band = bandExpression ? /ANOMALY_DETECTION_BAND\s*\(\s*\w+\s*,\s*([\d.]+)\s*\)/.exec(bandExpression)?.[1] : undefined
  return {
    name: alarm.AlarmName ?? '',
    ...(alarm.AlarmDescription === undefined ? {} : {description: alarm.AlarmDescription}),
    ...((alarm.Namespace ?? stat?.Metric?.Namespace) ? {namespace: alarm.Namespace ?? stat?.Metric?.Namespace} : {}),
    ...((alarm.MetricName ?? stat?.Metric?.MetricName) ? {metricName: alarm.MetricName ?? stat?.Metric?.MetricName} : {}),
    ...((alarm.Period ?? stat?.Period) === undefined ? {} : {period: alarm.Period ?? stat?.Period}),
    ...(alarm.ThresholdMetricId || alarm.Threshold === undefined ? {} : {threshold: alarm.Threshold}),
    ...(band === undefined ? {} : {band: Number(band)}),
    ...(alarm.ComparisonOperator ? {comparison: alarm.ComparisonOperator} : {}),
    actions: alarm.AlarmActions ?? [],
    actionsEnabled: alarm.ActionsEnabled !== false,
    ...(alarm.StateValue ? {state: alarm.StateValue} : {}),
  }
}
