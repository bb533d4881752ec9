import {PutBucketPolicyCommand, S3Client} from '@aws-sdk/client-s3'

import type {CannedResponse} from './fault-responses'

/** The S3 operations this fills in. */
const OPERATIONS = new Set(['PutBucketPolicy', 'GetBucketPolicy', 'DeleteBucketPolicy'])

interface Statement {
  Effect?: string
  Condition?: unknown
}

/**
 * Bucket policies as AWS evaluates them. moto ignores a statement's Condition when it authorizes an
 * object call, so the usual TLS-only statement (Deny s3:* unless aws:SecureTransport) would deny
 * every object call made over the sandbox's plain HTTP. The gateway therefore keeps the policy as
 * written (GetBucketPolicy returns it byte for byte) and gives moto the policy without the
 * conditional Deny statements, which moto cannot evaluate.
 */
export class BucketPolicies {
  private readonly policies = new Map<string, string>()
  private readonly moto: S3Client

  constructor(motoEndpoint: string) {
    this.moto = new S3Client({
      region: 'us-east-1',
      endpoint: motoEndpoint,
      forcePathStyle: true,
      credentials: {accessKeyId: 'testing', secretAccessKey: 'testing'},
      maxAttempts: 1,
    })
  }

  handles(operation: string): boolean {
    return OPERATIONS.has(operation)
  }

  /** Serves the call, or returns 'forward' when moto's own answer is right. */
  async handle(call: {operation: string; url: string; body: Buffer}): Promise<CannedResponse | 'forward'> {
    const bucket = decodeURIComponent(new URL(call.url, 'http://sandbox').pathname.split('/')[1] ?? '')
    switch (call.operation) {
      case 'GetBucketPolicy': {
        const policy = this.policies.get(bucket)
        return policy === undefined ? 'forward' : {status: 200, headers: {'content-type': 'application/json'}, body: policy}
      }
      case 'DeleteBucketPolicy': {
        this.policies.delete(bucket)
        return 'forward'
      }
      default: {
        const text = call.body.toString('utf8')
        let statements: Statement[]
        try {
          const parsed = JSON.parse(text) as {Statement?: Statement | Statement[]}
          statements = [parsed.Statement ?? []].flat()
        } catch {
          return 'forward' // moto answers MalformedPolicy as S3 does
        }
        const evaluable = statements.filter((statement) => !(statement.Effect === 'Deny' && statement.Condition))
        try {
          await this.moto.send(new PutBucketPolicyCommand({Bucket: bucket, Policy: JSON.stringify({...JSON.parse(text), Statement: evaluable})}))
        } catch (error) {
          const {name, message} = error as Error
          const status = (error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode ?? 500
          return {status, headers: {'content-type': 'application/xml'}, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${name}</Code><Message>${message}</Message></Error>`}
        }
        this.policies.set(bucket, text)
        return {status: 204, headers: {}, body: ''}
      }
    }
  }

  /** The policy of a bucket as it was put (conditions included), or undefined when none was put through the gateway. */
  policyOf(bucket: string): string | undefined {
    return this.policies.get(bucket)
  }

  reset(): void {
    this.policies.clear()
  }
}
