import {
  CloudWatchLogsClient,
  DeleteMetricFilterCommand,
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  PutMetricFilterCommand,
  type LogGroup,
  type MetricFilter,
} from '@aws-sdk/client-cloudwatch-logs'

import type {FilterSpec, ObservedFilter} from '../core/alarms/plan'
import {resolveEndpoint, type AwsClients} from './clients'
import {callAws} from './errors'

/** A log group as the alarms and the audit read it. */
export interface ObservedLogGroup {
  /** Whether it exists. */
  exists: boolean
  /** Days events are kept; undefined means forever. */
  retentionInDays?: number
}

/** CloudWatch Logs metric filters and log groups. */
export class LogsAdapter {
  private readonly endpoint: string | undefined
  private readonly client: CloudWatchLogsClient

  constructor(clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 'logs')
    this.client = clients.logs
  }

  private send<T>(operation: string, command: {input: unknown}): Promise<T> {
    return callAws(`logs:${operation}`, () => this.client.send(command as never) as Promise<T>, this.endpoint)
  }

  /** Whether the log group exists, and its retention. */
  async readLogGroup(name: string): Promise<ObservedLogGroup> {
    let token: string | undefined
    do {
      const page = await this.send<{logGroups?: LogGroup[]; nextToken?: string}>('DescribeLogGroups', new DescribeLogGroupsCommand({logGroupNamePrefix: name, ...(token ? {nextToken: token} : {})}))
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
      const page = await this.send<{metricFilters?: MetricFilter[]; nextToken?: string}>('DescribeMetricFilters', new DescribeMetricFiltersCommand({logGroupName: logGroup, ...(token ? {nextToken: token} : {})}))
      filters.push(...(page.metricFilters ?? []).map(observedFilterOf))
      token = page.nextToken
    } while (token)
    return filters
  }

  /** Creates or replaces a metric filter. */
  async putMetricFilter(logGroup: string, filter: FilterSpec): Promise<void> {
    await this.send(
      'PutMetricFilter',
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
    await this.send('DeleteMetricFilter', new DeleteMetricFilterCommand({logGroupName: logGroup, filterName: name}))
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
