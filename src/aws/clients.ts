import type {AthenaClient} from '@aws-sdk/client-athena'
import type {CloudTrailClient} from '@aws-sdk/client-cloudtrail'
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import type {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import type {EC2Client} from '@aws-sdk/client-ec2'
import type {GlueClient} from '@aws-sdk/client-glue'
import type {IAMClient} from '@aws-sdk/client-iam'
import type {KMSClient} from '@aws-sdk/client-kms'
import type {LakeFormationClient} from '@aws-sdk/client-lakeformation'
import type {S3Client} from '@aws-sdk/client-s3'
import type {SNSClient} from '@aws-sdk/client-sns'
import type {STSClient} from '@aws-sdk/client-sts'
import type {AwsCredentialIdentity, AwsCredentialIdentityProvider} from '@smithy/types'

// lakegov supports Node 20 on purpose; the SDK's per-process warning would only add noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

/** The services lakegov talks to, keyed by the suffix of their AWS_ENDPOINT_URL_<SERVICE> variable. */
export type ServiceName = 'lakeformation' | 'glue' | 'iam' | 's3' | 'sts' | 'kms' | 'cloudtrail' | 'logs' | 'athena' | 'ec2' | 'cloudwatch' | 'sns'

/** Everything that decides how lakegov reaches AWS: one value, built once per command. */
export interface AwsContext {
  /** Region from --region; undefined lets the SDK resolve it (AWS_REGION, then the profile). */
  region?: string
  /** Named profile from --profile; undefined uses the default credential chain. */
  profile?: string
  /** Endpoint from --endpoint-url, overriding AWS_ENDPOINT_URL and the per-service variables. */
  endpointUrl?: string
  /** Total attempts per call, including the first; retries use the SDK's adaptive mode. */
  maxAttempts: number
  /** lakegov's version, sent in the user agent so that CloudTrail shows which tool made a call. */
  version: string
  /** Fixed credentials, used by tests; production code leaves this to the credential chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider
  /** The environment to read endpoint variables from; defaults to process.env. */
  env?: NodeJS.ProcessEnv
}

const ENV_SUFFIX: Record<ServiceName, string> = {
  athena: 'ATHENA',
  ec2: 'EC2',
  cloudtrail: 'CLOUDTRAIL',
  kms: 'KMS',
  logs: 'CLOUDWATCH_LOGS',
  cloudwatch: 'CLOUDWATCH',
  sns: 'SNS',
  glue: 'GLUE',
  iam: 'IAM',
  lakeformation: 'LAKEFORMATION',
  s3: 'S3',
  sts: 'STS',
}

/**
 * The endpoint a service will be called on, or undefined for the real AWS endpoint. The SDK applies
 * the same order itself; lakegov resolves it too so that `doctor` can show it and S3 can switch to
 * path-style addressing, which local emulators need.
 */
export function resolveEndpoint(ctx: AwsContext, service: ServiceName): string | undefined {
  const env = ctx.env ?? process.env
  return ctx.endpointUrl || env[`AWS_ENDPOINT_URL_${ENV_SUFFIX[service]}`] || env.AWS_ENDPOINT_URL || undefined
}

/** The client configuration shared by every service: the one place that decides region, retries and identity. */
export function clientConfig(ctx: AwsContext, service: ServiceName) {
  const endpoint = resolveEndpoint(ctx, service)
  return {
    region: ctx.region,
    profile: ctx.profile,
    credentials: ctx.credentials,
    endpoint,
    maxAttempts: ctx.maxAttempts,
    retryMode: 'adaptive',
    customUserAgent: [['lakegov', ctx.version]] as [string, string][],
    // Each command class's middleware stack is resolved once, not on every call: lakegov never changes
    // a stack. That was some 6 s of the CPU of a cold local run's 26,000 GetObjects (issue 14's bench;
    // "cacheMiddleware" in @smithy/core's SmithyConfiguration).
    cacheMiddleware: true,
    ...(service === 's3' && endpoint ? {forcePathStyle: true} : {}),
  }
}

/**
 * Lazily built SDK clients. Each client module is loaded on first use, so a command pays only for
 * the services it calls, and `--help` or `--version` load none.
 */
export class AwsClients {
  private readonly cache = new Map<ServiceName, unknown>()

  constructor(readonly context: AwsContext) {}

  get sts(): STSClient {
    return this.client('sts', () => new (require('@aws-sdk/client-sts').STSClient)(clientConfig(this.context, 'sts')))
  }

  get lakeformation(): LakeFormationClient {
    return this.client('lakeformation', () => new (require('@aws-sdk/client-lakeformation').LakeFormationClient)(clientConfig(this.context, 'lakeformation')))
  }

  get glue(): GlueClient {
    return this.client('glue', () => new (require('@aws-sdk/client-glue').GlueClient)(clientConfig(this.context, 'glue')))
  }

  get iam(): IAMClient {
    return this.client('iam', () => new (require('@aws-sdk/client-iam').IAMClient)(clientConfig(this.context, 'iam')))
  }

  get s3(): S3Client {
    return this.client('s3', () => new (require('@aws-sdk/client-s3').S3Client)(clientConfig(this.context, 's3')))
  }

  get kms(): KMSClient {
    return this.client('kms', () => new (require('@aws-sdk/client-kms').KMSClient)(clientConfig(this.context, 'kms')))
  }

  get cloudtrail(): CloudTrailClient {
    return this.client('cloudtrail', () => new (require('@aws-sdk/client-cloudtrail').CloudTrailClient)(clientConfig(this.context, 'cloudtrail')))
  }

  get logs(): CloudWatchLogsClient {
    return this.client('logs', () => new (require('@aws-sdk/client-cloudwatch-logs').CloudWatchLogsClient)(clientConfig(this.context, 'logs')))
  }

  get cloudwatch(): CloudWatchClient {
    return this.client('cloudwatch', () => new (require('@aws-sdk/client-cloudwatch').CloudWatchClient)(clientConfig(this.context, 'cloudwatch')))
  }

  get sns(): SNSClient {
    return this.client('sns', () => new (require('@aws-sdk/client-sns').SNSClient)(clientConfig(this.context, 'sns')))
  }

  get athena(): AthenaClient {
    return this.client('athena', () => new (require('@aws-sdk/client-athena').AthenaClient)(clientConfig(this.context, 'athena')))
  }

  get ec2(): EC2Client {
    return this.client('ec2', () => new (require('@aws-sdk/client-ec2').EC2Client)(clientConfig(this.context, 'ec2')))
  }

  /** A CloudTrail client for another region (LookupEvents is regional), built once per region. */
  cloudtrailIn(region: string): CloudTrailClient {
    return this.regional(`cloudtrail:${region}`, () => new (require('@aws-sdk/client-cloudtrail').CloudTrailClient)({...clientConfig(this.context, 'cloudtrail'), region}))
  }

  /** The region the clients resolved: the flag, else the SDK's own chain (AWS_REGION, the profile). */
  async region(): Promise<string> {
    return this.sts.config.region()
  }

  private readonly regionalCache = new Map<string, unknown>()

  private regional<T>(key: string, build: () => T): T {
    if (!this.regionalCache.has(key)) this.regionalCache.set(key, build())
    return this.regionalCache.get(key) as T
  }

  private client<T>(service: ServiceName, build: () => T): T {
    if (!this.cache.has(service)) this.cache.set(service, build())
    return this.cache.get(service) as T
  }
}
