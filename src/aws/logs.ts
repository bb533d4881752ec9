/** CloudWatch Logs: the log group a trail delivers to. */
import {
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  type CloudWatchLogsClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-cloudwatch-logs'
import type {Command} from '@smithy/types'

import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'

type LogsCommand<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<ServiceInputTypes, I, ServiceOutputTypes, O, CloudWatchLogsClientResolvedConfig>

/** CloudWatch Logs (botocore logs/2014-03-28). */
export class LogsAdapter extends ServiceAdapter {
  constructor(clients: AwsClients) {
    super(clients, 'logs')
  }

  async logGroupExists(name: string): Promise<boolean> {
    const out = await this.send('logs:DescribeLogGroups', new DescribeLogGroupsCommand({logGroupNamePrefix: name}))
    return (out.logGroups ?? []).some((group) => group.logGroupName === name)
  }

  async createLogGroup(name: string): Promise<void> {
    await this.send('logs:CreateLogGroup', new CreateLogGroupCommand({logGroupName: name}))
  }

  private send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: LogsCommand<I, O>): Promise<O> {
    return this.call(operation, () => this.clients.logs.send(command))
  }
}
