import {DescribeRegionsCommand, type EC2ClientResolvedConfig, type ServiceInputTypes, type ServiceOutputTypes} from '@aws-sdk/client-ec2'
import type {Command} from '@smithy/types'

import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'

/** EC2 DescribeRegions: the regions enabled for the account (AllRegions false, the default). */
export class Ec2Adapter extends ServiceAdapter {
  constructor(clients: AwsClients) {
    super(clients, 'ec2')
  }

  /** The enabled regions' names, sorted. */
  async enabledRegions(): Promise<string[]> {
    const out = await this.send('ec2:DescribeRegions', new DescribeRegionsCommand({}))
    return (out.Regions ?? []).map((region) => region.RegionName ?? '').filter((name) => name !== '').sort()
  }

  private send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: Command<ServiceInputTypes, I, ServiceOutputTypes, O, EC2ClientResolvedConfig>): Promise<O> {
    return this.call(operation, () => this.clients.ec2.send(command))
  }
}
