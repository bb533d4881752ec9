import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'

import {nextRequestId} from '../lakeformation/rest-json'
import type {CannedResponse} from './fault-responses'
import {policiesAllowOn} from './glue/iam-policy'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

const OPERATIONS = new Set(['CreateKey', 'PutKeyPolicy'])

function asList(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]
}

/**
 * The policy lockout safety check moto 5.2.1 leaves out. KMS API reference, PutKeyPolicy (and
 * CreateKey), BypassPolicyLockoutSafetyCheck: unless it is set, "the key policy must allow the
 * principal that is making the PutKeyPolicy request to make a subsequent PutKeyPolicy request on
 * the KMS key", else MalformedPolicyDocumentException. A statement allows the caller when its
 * Principal is everyone, the caller's account (its root or id, which hands the decision to IAM), or
 * the caller's own ARN. Policies that do not parse go on to moto, which refuses them.
 */
export class KmsChecks {
  private readonly sts: STSClient

  constructor(motoEndpoint: string) {
    this.sts = new STSClient({region: 'us-east-1', endpoint: motoEndpoint, credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'}, maxAttempts: 1})
  }

  handles(operation: string): boolean {
    return OPERATIONS.has(operation)
  }

  async check(body: Buffer): Promise<CannedResponse | undefined> {
    let input: {Policy?: unknown; BypassPolicyLockoutSafetyCheck?: unknown}
    let policy: {Statement?: unknown}
    try {
      input = JSON.parse(body.toString('utf8') || '{}')
      if (typeof input.Policy !== 'string' || input.BypassPolicyLockoutSafetyCheck === true) return undefined
      policy = JSON.parse(input.Policy)
    } catch {
      return undefined
    }
    const {Arn: caller = '', Account: account = ''} = await this.sts.send(new GetCallerIdentityCommand({}))
    const callers = new Set(['*', account, `arn:aws:iam::${account}:root`, caller])
    const forCaller = asList(policy?.Statement).filter((statement) => {
      const principal = (statement as {Principal?: unknown})?.Principal
      if (principal === '*') return true
      return asList((principal as {AWS?: unknown} | undefined)?.AWS).some((entry) => typeof entry === 'string' && callers.has(entry))
    })
    if (policiesAllowOn([{Statement: forCaller}], 'kms:PutKeyPolicy', '*')) return undefined
    return {
      status: 400,
      headers: {'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': nextRequestId()},
      body: JSON.stringify({
        __type: 'MalformedPolicyDocumentException',
        message: 'The new key policy will not allow you to update the key policy in the future.',
      }),
    }
  }

  close(): void {
    this.sts.destroy()
  }
}
