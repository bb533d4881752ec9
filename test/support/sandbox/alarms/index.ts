import type {CannedResponse} from '../fault-responses'
import {CloudWatchAlarms} from './cloudwatch'
import {CloudWatchDashboards} from './dashboards'
import {LogsFilters} from './logs'
import type {AlarmsCall} from './shared'
import {SnsSubscriptions} from './sns'

export type {AlarmsCall} from './shared'
export type {PendingSubscription} from './sns'

/**
 * The alarms path (CloudWatch Logs metric filters, CloudWatch alarms and anomaly detectors, SNS
 * email subscriptions), and the report's CloudWatch dashboards, where moto 5.2.1 differs from AWS. Each part cites its source; calls it does
 * not serve go to moto unchanged.
 */
export class AlarmsExtension {
  readonly logs: LogsFilters
  readonly cloudwatch: CloudWatchAlarms
  readonly dashboards: CloudWatchDashboards
  readonly sns: SnsSubscriptions

  constructor(motoEndpoint: string) {
    this.logs = new LogsFilters(motoEndpoint)
    this.cloudwatch = new CloudWatchAlarms(motoEndpoint)
    this.dashboards = new CloudWatchDashboards(motoEndpoint)
    this.sns = new SnsSubscriptions(motoEndpoint)
  }

  handles(service: string | undefined, operation: string): boolean {
    if (service === 'logs') return this.logs.handles(operation)
    if (service === 'monitoring') return this.cloudwatch.handles(operation) || this.dashboards.handles(operation)
    if (service === 'sns') return this.sns.handles(operation)
    return false
  }

  handle(call: AlarmsCall): Promise<CannedResponse> {
    if (call.service === 'logs') return this.logs.handle(call)
    if (call.service === 'monitoring') return this.dashboards.handles(call.operation) ? this.dashboards.handle(call) : this.cloudwatch.handle(call)
    return this.sns.handle(call)
  }

  reset(): void {
    this.cloudwatch.reset()
    this.sns.reset()
  }

  close(): void {
    this.logs.close()
    this.cloudwatch.close()
    this.sns.close()
  }
}
