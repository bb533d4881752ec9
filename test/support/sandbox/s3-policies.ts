import {PutBucketPolicyCommand, S3Client} from '@aws-sdk/client-s3'

import type {CannedResponse} from './fault-responses'

/** The S3 operations this fills in. */
const OPERATIONS = new Set(['PutBucketPolicy', 'GetBucketPolicy', 'DeleteBucketPolicy'])

interface Statement {
  Effect?: string
  Condition?: unknown
  Principal?: unknown
  NotPrincipal?: unknown
  Resource?: unknown
  NotResource?: unknown
}

function asList(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]
}

/** What a bucket policy's AWS principal may be: everyone, an account id, or an IAM ARN (IAM user guide, "AWS JSON policy elements: Principal"). */
const AWS_PRINCIPAL = /^(\*|\d{12}|arn:aws[a-z-]*:(iam::\d{12}:(root|user\/.+|role\/.+|federated-user\/.+)|sts::\d{12}:(assumed-role\/.+|federated-user\/.+)))$/
const PRINCIPAL_KEYS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser'])

function principalIsValid(principal: unknown): boolean {
  if (principal === '*') return true
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal)) return false
  const entries = Object.entries(principal)
  if (entries.length === 0) return false
  return entries.every(([key, value]) => {
    const values = asList(value)
    if (!PRINCIPAL_KEYS.has(key) || values.length === 0 || !values.every((entry) => typeof entry === 'string' && entry !== '')) return false
    if (key === 'AWS') return values.every((entry) => AWS_PRINCIPAL.test(entry as string))
    if (key === 'Service') return values.every((entry) => /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(entry as string))
    return true
  })
}

/**
 * Why S3 would answer MalformedPolicy, or undefined. A bucket policy's statements need a valid
 * Principal ("Invalid principal in policy") and resources that are this bucket or its objects
 * ("Policy has invalid resource"): S3 API reference, PutBucketPolicy, and the S3 user guide, "Bucket
 * policy examples"; moto 5.2.1 accepts both. The policy is kept as written otherwise, conditional
 * statements included.
 */
function malformedStatement(statements: Statement[], bucket: string): string | undefined {
  for (const statement of statements) {
    const principal = statement.Principal ?? statement.NotPrincipal
    if (!principalIsValid(principal)) return 'Invalid principal in policy'
    const resources = asList(statement.Resource ?? statement.NotResource)
    const ours = (resource: unknown) => typeof resource === 'string' && (resource === `arn:aws:s3:::${bucket}` || resource.startsWith(`arn:aws:s3:::${bucket}/`))
    if (resources.length === 0 || !resources.every(ours)) return 'Policy has invalid resource'
  }
  return undefined
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
        const malformed = malformedStatement(statements, bucket)
        if (malformed !== undefined) {
          return {status: 400, headers: {'content-type': 'application/xml'}, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>MalformedPolicy</Code><Message>${malformed}</Message></Error>`}
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
