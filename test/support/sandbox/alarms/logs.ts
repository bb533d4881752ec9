import {CloudWatchLogsClient, DeleteMetricFilterCommand, DescribeLogGroupsCommand, DescribeMetricFiltersCommand} from '@aws-sdk/client-cloudwatch-logs'

import type {CannedResponse} from '../fault-responses'
import {type AlarmsCall, PerRegion, callMoto, jsonBody, jsonError} from './shared'

/**
 * CloudWatch Logs quotas ("CloudWatch Logs quotas", https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html)
 * and the PutMetricFilter API reference: "The maximum number of metric filters that can be
 * associated with a log group is 100." The quota cannot be raised.
 */
export const METRIC_FILTERS_PER_LOG_GROUP = 100

/**
 * What CloudWatch Logs does and moto 5.2.1 gets wrong:
 * - PutMetricFilter "Creates or updates a metric filter" (API reference, PutMetricFilter): a second
 *   call with the same filterName on the same log group replaces the filter. moto appends a
 *   duplicate; the sandbox removes the old one first.
 * - PutMetricFilter on a log group that does not exist fails with ResourceNotFoundException (same
 *   page, Errors); moto stores the filter anyway.
 * - A new filter beyond the quota of 100 fails with LimitExceededException (same page, Errors).
 * - TestMetricFilter is not implemented by moto (HTTP 500, which the SDK retries). The sandbox does
 *   not evaluate patterns itself: a second, independent evaluator of the whole filter pattern
 *   syntax (JSON, space-delimited and term patterns) is more than the sandbox should carry, and
 *   lakegov never calls TestMetricFilter (`alarms test` evaluates offline). It answers a 400
 *   InvalidOperationException, which the SDK does not retry, naming the gap.
 */
export class LogsFilters {
  private readonly logs: PerRegion<CloudWatchLogsClient>

  constructor(private readonly motoEndpoint: string) {
    this.logs = new PerRegion((config) => new CloudWatchLogsClient(config), motoEndpoint)
  }

  handles(operation: string): boolean {
    return operation === 'PutMetricFilter' || operation === 'TestMetricFilter'
  }

  async handle(call: AlarmsCall): Promise<CannedResponse> {
    if (call.operation === 'TestMetricFilter') {
      return jsonError('1.1', 400, 'InvalidOperationException', 'The lakegov sandbox does not implement TestMetricFilter: use lakegov alarms test, which evaluates patterns offline.')
    }
    return this.putMetricFilter(call)
  }

  private async putMetricFilter(call: AlarmsCall): Promise<CannedResponse> {
    const input = jsonBody(call.body)
    const logGroupName = typeof input.logGroupName === 'string' ? input.logGroupName : undefined
    const filterName = typeof input.filterName === 'string' ? input.filterName : undefined
    if (!logGroupName || !filterName) return callMoto(this.motoEndpoint, call)
    const logs = this.logs.get(call.region)
    const groups = (await logs.send(new DescribeLogGroupsCommand({logGroupNamePrefix: logGroupName}))).logGroups ?? []
    if (!groups.some((group) => group.logGroupName === logGroupName)) return jsonError('1.1', 400, 'ResourceNotFoundException', 'The specified log group does not exist.')
    const filters = (await logs.send(new DescribeMetricFiltersCommand({logGroupName}))).metricFilters ?? []
    const names = new Set(filters.map((filter) => filter.filterName))
    if (names.has(filterName)) await logs.send(new DeleteMetricFilterCommand({logGroupName, filterName}))
    else if (names.size >= METRIC_FILTERS_PER_LOG_GROUP) return jsonError('1.1', 400, 'LimitExceededException', 'Resource limit exceeded.')
    return callMoto(this.motoEndpoint, call)
  }

  close(): void {
    this.logs.close()
  }
}
