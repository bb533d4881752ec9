import {GetCallerIdentityCommand, type ServiceInputTypes, type ServiceOutputTypes, type STSClientResolvedConfig} from '@aws-sdk/client-sts'
import type {Command} from '@smithy/types'

import type {CallerIdentity} from '../core/model/lake'
import type {IdentityReader} from '../core/ports'
import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'

/** STS behind the IdentityReader port. */
export class StsAdapter extends ServiceAdapter implements IdentityReader {
  constructor(clients: AwsClients) {
    super(clients, 'sts')
  }

  async getCallerIdentity(): Promise<CallerIdentity> {
    const out = await this.send('sts:GetCallerIdentity', new GetCallerIdentityCommand({}))
    return {account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? ''}
  }

  private send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: Command<ServiceInputTypes, I, ServiceOutputTypes, O, STSClientResolvedConfig>): Promise<O> {
    return this.call(operation, () => this.clients.sts.send(command))
  }
}
