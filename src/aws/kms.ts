import {DescribeKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand, type KMSClientResolvedConfig, type ServiceInputTypes, type ServiceOutputTypes} from '@aws-sdk/client-kms'
import type {Command} from '@smithy/types'

import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import type {ObservedKey} from '../core/lake/observed'
import {parsePolicyDocument, type PolicyDocument} from '../core/iam'
import type {SourceRef} from '../core/policy/source-map'
import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'

type KmsCommand<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<ServiceInputTypes, I, ServiceOutputTypes, O, KMSClientResolvedConfig>

/** Reads the bucket key and, when lakegov may, adds statements to its policy. */
export class KmsAdapter extends ServiceAdapter {
  constructor(clients: AwsClients) {
    super(clients, 'kms')
  }

  /**
   * Resolves the declared key (an ARN, alias ARN or alias/NAME) and reads its policy. A key that does
   * not exist is an error in lake.yaml, reported at the line that names it (exit 3).
   */
  async readKey(declared: string, account: string, source?: SourceRef): Promise<ObservedKey> {
    const described = await this.sendOrAbsent('kms:DescribeKey', new DescribeKeyCommand({KeyId: declared}), ['NotFoundException'])
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
    // A key policy lakegov may not read is one it must not change.
    const policy = await this.sendOrAbsent('kms:GetKeyPolicy', new GetKeyPolicyCommand({KeyId: metadata.Arn, PolicyName: 'default'}), ['AccessDeniedException'])
    if (!policy) return {arn: metadata.Arn, cannotChange: 'kms:GetKeyPolicy is denied'}
    return {arn: metadata.Arn, ...(policy.Policy ? {policy: parsePolicyDocument(policy.Policy)} : {})}
  }

  async putKeyPolicy(keyArn: string, policy: PolicyDocument): Promise<void> {
    await this.send('kms:PutKeyPolicy', new PutKeyPolicyCommand({KeyId: keyArn, PolicyName: 'default', Policy: JSON.stringify(policy)}))
  }

  private send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: KmsCommand<I, O>): Promise<O> {
    return this.call(operation, () => this.clients.kms.send(command))
  }

  private sendOrAbsent<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: KmsCommand<I, O>, absent: readonly string[]): Promise<O | undefined> {
    return this.callOrAbsent(operation, () => this.clients.kms.send(command), absent)
  }
}
