import {DescribeRegionsCommand} from '@aws-sdk/client-ec2'

import {resolveEndpoint, type AwsClients} from './clients'
import {callAws} from './errors'

/** EC2 DescribeRegions: the regions enabled for the account (AllRegions false, the default). */
export class Ec2Adapter {
  private readonly endpoint: string | undefined

  constructor(private readonly clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 'ec2')
  }

  /** The enabled regions' names, sorted. */
  async enabledRegions(): Promise<string[]> {
    const out = await callAws('ec2:DescribeRegions', () => this.clients.ec2.send(new DescribeRegionsCommand({})), this.endpoint)
    return (out.Regions ?? []).map((region) => region.RegionName ?? '').filter((name) => name !== '').sort()
  }
}
