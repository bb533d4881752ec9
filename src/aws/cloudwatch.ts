import {
  DescribeAlarmsCommand,
  DescribeAnomalyDetectorsCommand,
  GetDashboardCommand,
  PutAnomalyDetectorCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
  type DashboardValidationMessage,
  type GetDashboardCommandOutput,
  type MetricAlarm,
  type PutDashboardCommandOutput,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch'

import type {AlarmSpec, ObservedAlarm} from '../core/alarms/plan'
import type {DashboardMessage} from '../core/report/dashboard'
import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'

/** A stored dashboard, as GetDashboard returns it. */
export interface StoredDashboard {
  /** Its ARN. */
  arn?: string
  /** The DashboardBody, exactly as stored. */
  body: string
}

/**
 * GetDashboard of a missing dashboard: the botocore model (monitoring/2010-08-01) names the shape
 * DashboardNotFoundError with the awsQuery code ResourceNotFound (HTTP 404). The SDK, in
 * query-compatible mode, names the error after that code; the shape's name is kept in case it does not.
 */
const DASHBOARD_ABSENT = ['DashboardNotFoundError', 'ResourceNotFound'] as const

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

  private sendOrAbsent<T>(operation: string, command: {input: unknown}, absent: readonly string[]): Promise<T | undefined> {
    return this.callOrAbsent(`cloudwatch:${operation}`, () => this.clients.cloudwatch.send(command as never) as Promise<T>, absent)
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

  /** The dashboard, or undefined when there is none by that name (dashboards are global to the account). */
  async getDashboard(name: string): Promise<StoredDashboard | undefined> {
    const found = await this.sendOrAbsent<GetDashboardCommandOutput>('GetDashboard', new GetDashboardCommand({DashboardName: name}), DASHBOARD_ABSENT)
    if (!found) return undefined
    return {...(found.DashboardArn ? {arn: found.DashboardArn} : {}), body: found.DashboardBody ?? ''}
  }

  /**
   * Creates or replaces a dashboard. The answer's DashboardValidationMessages are warnings (the body
   * was stored, some widgets may not render); a refused body (DashboardInvalidInputError) becomes an
   * error that lists AWS's messages.
   */
  async putDashboard(name: string, body: string): Promise<DashboardMessage[]> {
    try {
      const answer = await this.send<PutDashboardCommandOutput>('PutDashboard', new PutDashboardCommand({DashboardName: name, DashboardBody: body}))
      return messagesOf(answer.DashboardValidationMessages)
    } catch (error) {
      const refused = (error instanceof LakegovError ? error.cause : error) as {name?: string; dashboardValidationMessages?: DashboardValidationMessage[]; message?: string} | undefined
      if (refused?.name !== 'DashboardInvalidInputError') throw error
      const messages = messagesOf(refused.dashboardValidationMessages)
      throw new LakegovError(`CloudWatch refused the body of dashboard ${name} (during cloudwatch:PutDashboard): ${refused.message ?? 'invalid input'}${messages.map((entry) => `\n  ${entry.dataPath || '/'}: ${entry.message}`).join('')}`, {
        exitCode: ExitCode.Internal,
        code: 'AWS_DashboardInvalidInputError',
        suggestions: ['lakegov built a body CloudWatch does not accept: this is a bug in lakegov. Run again with DEBUG=lakegov* and report it with the output.'],
        cause: error,
      })
    }
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

function messagesOf(messages: DashboardValidationMessage[] | undefined): DashboardMessage[] {
  return (messages ?? []).map((entry) => ({dataPath: entry.DataPath ?? '', message: entry.Message ?? ''}))
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
