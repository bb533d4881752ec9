/** CloudWatch Logs (botocore logs/2014-03-28): the trail's log group, and the alarms' metric filters on it. */
import {
  CreateLogGroupCommand,
  DeleteMetricFilterCommand,
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  PutMetricFilterCommand,
  type CloudWatchLogsClientResolvedConfig,
  type MetricFilter,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-cloudwatch-logs'
import type {Command} from '@smithy/types'

import type {FilterSpec, ObservedFilter} from '../core/alarms/plan'
import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'

type LogsCommand<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<ServiceInputTypes, I, ServiceOutputTypes, O, CloudWatchLogsClientResolvedConfig>

/** A log group as the alarms and the audit read it. */
export interface ObservedLogGroup {
  /** Whether it exists. */
  exists: boolean
  /** Days events are kept; undefined means forever. */
  retentionInDays?: number
}

/** CloudWatch Logs: log groups and metric filters. */
export class LogsAdapter extends ServiceAdapter {
  constructor(clients: AwsClients) {
    super(clients, 'logs')
  }

  async logGroupExists(name: string): Promise<boolean> {
    return (await this.readLogGroup(name)).exists
  }

  async createLogGroup(name: string): Promise<void> {
    await this.send('logs:CreateLogGroup', new CreateLogGroupCommand({logGroupName: name}))
  }

  /** Whether the log group exists, and its retention (DescribeLogGroups matches by prefix, so every page is searched). */
  async readLogGroup(name: string): Promise<ObservedLogGroup> {
    let token: string | undefined
    do {
      const page = await this.send('logs:DescribeLogGroups', new DescribeLogGroupsCommand({logGroupNamePrefix: name, ...(token ? {nextToken: token} : {})}))
      const group = (page.logGroups ?? []).find((candidate) => candidate.logGroupName === name)
      if (group) return {exists: true, ...(group.retentionInDays === undefined ? {} : {retentionInDays: group.retentionInDays})}
      token = page.nextToken
    } while (token)
    return {exists: false}
  }

  /** Every metric filter on a log group. */
  async describeMetricFilters(logGroup: string): Promise<ObservedFilter[]> {
    const filters: ObservedFilter[] = []
    let token: string | undefined
    do {
      const page = await this.send('logs:DescribeMetricFilters', new DescribeMetricFiltersCommand({logGroupName: logGroup, ...(token ? {nextToken: token} : {})}))
      filters.push(...(page.metricFilters ?? []).map(observedFilterOf))
      token = page.nextToken
    } while (token)
    return filters
  }

  /** Creates or replaces a metric filter. */
  async putMetricFilter(logGroup: string, filter: FilterSpec): Promise<void> {
    await this.send(
      'logs:PutMetricFilter',
      new PutMetricFilterCommand({
        logGroupName: logGroup,
        filterName: filter.name,
        filterPattern: filter.pattern,
        metricTransformations: [{metricName: filter.name, metricNamespace: filter.namespace, metricValue: filter.value, ...(filter.defaultValue === undefined ? {} : {defaultValue: filter.defaultValue})}],
      }),
    )
  }

  /** Deletes a metric filter. */
  async deleteMetricFilter(logGroup: string, name: string): Promise<void> {
    await this.send('logs:DeleteMetricFilter', new DeleteMetricFilterCommand({logGroupName: logGroup, filterName: name}))
  }

  private send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: LogsCommand<I, O>): Promise<O> {
    return this.call(operation, () => this.clients.logs.send(command))
  }
}

function observedFilterOf(filter: MetricFilter): ObservedFilter {
  const metric = filter.metricTransformations?.[0]
  return {
    name: filter.filterName ?? '',
    pattern: filter.filterPattern ?? '',
    ...(metric?.metricNamespace ? {namespace: metric.metricNamespace} : {}),
    ...(metric?.metricName ? {metricName: metric.metricName} : {}),
    ...(metric?.metricValue ? {value: metric.metricValue} : {}),
    ...(metric?.defaultValue === undefined ? {} : {defaultValue: metric.defaultValue}),
  }
}
