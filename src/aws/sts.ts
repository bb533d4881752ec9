import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'

import type {CallerIdentity} from '../core/model/lake'
import type {IdentityReader} from '../core/ports'
import type {AwsClients} from './clients'
import {resolveEndpoint} from './clients'
import {callAws} from './errors'

/** STS behind the IdentityReader port. */
export class StsIdentityReader implements IdentityReader {
  constructor(private readonly clients: AwsClients) {}

  async getCallerIdentity(): Promise<CallerIdentity> {
    const out = await callAws(
      'sts:GetCallerIdentity',
      () => this.clients.sts.send(new GetCallerIdentityCommand({})),
      resolveEndpoint(this.clients.context, 'sts'),
    )
    return {account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? ''}
  }
}
