import {DescribeKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand} from '@aws-sdk/client-kms'

import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {ObservedKey} from '../core/lake/observed'
import {parsePolicyDocument, type PolicyDocument} from '../core/iam'
import type {SourceRef} from '../core/policy/source-map'
import {resolveEndpoint, type AwsClients} from './clients'
import {callAws, callAwsOrAbsent, errorNameOf, toLakegovError} from './errors'

/** Reads the bucket key and, when lakegov may, adds statements to its policy. */
export class KmsAdapter {
  private readonly endpoint: string | undefined

  constructor(private readonly clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 'kms')
  }

  /**
   * Resolves the declared key (an ARN, alias ARN or alias/NAME) and reads its policy. A key that does
   * not exist is an error in lake.yaml, reported at the line that names it (exit 3).
   */
  async readKey(declared: string, account: string, source?: SourceRef): Promise<ObservedKey> {
    const described = await callAwsOrAbsent('kms:DescribeKey', () => this.clients.kms.send(new DescribeKeyCommand({KeyId: declared})), ['NotFoundException'], this.endpoint)
    const metadata = described?.KeyMetadata
    if (!metadata?.Arn) {
      const where = source ? `${source.file}:${source.line}:${source.column} (${source.field}): ` : ''
      throw new LakegovError(`${where}KMS key ${declared} does not exist in this account and region.`, {
        exitCode: ExitCode.InvalidPolicy,
        code: 'KMS_KEY_NOT_FOUND',
        suggestions: ['Check the key ARN (and the region in lake.yaml), or use encryption: {type: AES256}.'],
      })
    }
    if (metadata.KeyManager === 'AWS') return {arn: metadata.Arn, cannotChange: 'it is an AWS managed key'}
    if (metadata.AWSAccountId && metadata.AWSAccountId !== account) return {arn: metadata.Arn, cannotChange: `it belongs to account ${metadata.AWSAccountId}`}
    try {
      const policy = await this.clients.kms.send(new GetKeyPolicyCommand({KeyId: metadata.Arn, PolicyName: 'default'}))
      return {arn: metadata.Arn, ...(policy.Policy ? {policy: parsePolicyDocument(policy.Policy)} : {})}
    } catch (error) {
      if (errorNameOf(error) === 'AccessDeniedException') return {arn: metadata.Arn, cannotChange: 'kms:GetKeyPolicy is denied'}
      throw toLakegovError(error, {operation: 'kms:GetKeyPolicy', endpoint: this.endpoint})
    }
  }

  async putKeyPolicy(keyArn: string, policy: PolicyDocument): Promise<void> {
    await callAws('kms:PutKeyPolicy', () => this.clients.kms.send(new PutKeyPolicyCommand({KeyId: keyArn, PolicyName: 'default', Policy: JSON.stringify(policy)})), this.endpoint)
  }
}
