/**
 * The account side of bootstrap and crawl: reads what lake.yaml describes into an ObservedLake
 * through the per-service adapters, and carries out planned changes one at a time. Decisions are
 * the core's; grant changes go through the core's grants engine with Lake Formation as its port.
 * It is a workflow, not an adapter: adapters (src/aws) only talk to AWS and never call the core.
 */
import {applyChanges} from '../core/apply/apply'
import {topicArnOf, type ObservedAlarms} from '../core/alarms/plan'
import {LakegovError} from '../core/errors'
import {ExitCode} from '../core/exit-codes'
import {classifierNameOf, type BootstrapChange} from '../core/lake/bootstrap'
import {locationArnOf, type LakeConfig} from '../core/lake/config'
import {roleArnOf, type LakeTarget} from '../core/lake/documents'
import type {ObservedLake} from '../core/lake/observed'
import {IAM_ALLOWED_PRINCIPALS} from '../core/model/lake'
import {iamArnOf, isSamePrincipal} from '../core/model/principal'
import type {AwsClients} from '../aws/clients'
import {CloudTrailAdapter} from '../aws/cloudtrail'
import {CloudWatchAdapter} from '../aws/cloudwatch'
import {errorNameOf} from '../aws/errors'
import {GlueAdapter} from '../aws/glue'
import {IamAdapter} from '../aws/iam'
import {KmsAdapter} from '../aws/kms'
import {LakeFormationAdapter} from '../aws/lakeformation'
import {LogsAdapter} from '../aws/logs'
import {S3Adapter} from '../aws/s3'
import {SnsAdapter} from '../aws/sns'
import {StsAdapter} from '../aws/sts'

/** Errors AWS returns for a principal it has not finished propagating (IAM is eventually consistent). */
const NOT_YET_PROPAGATED = new Set(['MalformedPolicyDocumentException', 'InvalidCloudWatchLogsRoleArnException', 'InsufficientEncryptionPolicyException'])

function notYetPropagated(error: unknown): boolean {
  const name = errorNameOf(error)
  // Glue says "Service is unable to assume provided role" for a role IAM has not propagated yet.
  return NOT_YET_PROPAGATED.has(name) || (name === 'InvalidInputException' && /assume|role/i.test((error as Error).message))
}

/** Knobs for the waits after creating a role; tests shorten them. */
export interface LakeAdapterOptions {
  /** Tries for a change that fails because a new role has not propagated yet. */
  propagationAttempts?: number
  /** The wait between those tries, in ms (multiplied by the attempt number). */
  propagationDelayMs?: number
  /** The wait itself. */
  sleep?: (ms: number) => Promise<void>
}

/** Every adapter bootstrap and crawl use, bound to one account. */
export class LakeAdapter {
  readonly s3: S3Adapter
  readonly iam: IamAdapter
  readonly kms: KmsAdapter
  readonly glue: GlueAdapter
  readonly cloudtrail: CloudTrailAdapter
  readonly lakeformation: LakeFormationAdapter
  readonly cloudwatch: CloudWatchAdapter
  readonly logs: LogsAdapter
  readonly sns: SnsAdapter

  constructor(
    clients: AwsClients,
    readonly target: LakeTarget,
    private readonly options: LakeAdapterOptions = {},
  ) {
    this.s3 = new S3Adapter(clients)
    this.iam = new IamAdapter(clients)
    this.kms = new KmsAdapter(clients)
    this.glue = new GlueAdapter(clients)
    this.cloudtrail = new CloudTrailAdapter(clients)
    this.lakeformation = new LakeFormationAdapter(clients, target.account)
    this.cloudwatch = new CloudWatchAdapter(clients)
    this.logs = new LogsAdapter(clients)
    this.sns = new SnsAdapter(clients)
  }

  /** Reads the account: who is calling, and where. */
  static async connect(clients: AwsClients, options: LakeAdapterOptions = {}): Promise<{adapter: LakeAdapter; caller: string}> {
    const identity = await new StsAdapter(clients).getCallerIdentity()
    const partition = /^arn:([^:]+):/.exec(identity.arn)?.[1] ?? 'aws'
    const target = {account: identity.account, region: await clients.region(), partition}
    return {adapter: new LakeAdapter(clients, target, options), caller: identity.arn}
  }

  /** Reads every resource lake.yaml describes. Reads only: nothing is changed. */
  async observe(config: LakeConfig, caller: string): Promise<ObservedLake> {
    const locationArn = locationArnOf(config.bucket)
    const encryption = config.bucket.encryption
    const crawlerConfig = config.crawler
    const [bucket, key, role, settings, registration, database, grants, trail, logs, crawlerRole, classifierJsonPath, crawler] = await Promise.all([
      this.s3.readBucket(config.bucket.name),
      encryption.type === 'aws:kms' ? this.kms.readKey(encryption.kmsKeyArn, this.target.account, config.sources['bucket.encryption.kmsKeyArn']) : undefined,
      'role' in config.registration ? this.iam.readRole(config.registration.role) : undefined,
      this.lakeformation.getRawSettings(),
      this.lakeformation.describeRegistration(locationArn),
      this.glue.readDatabase(config.database),
      this.lakeformation.listGrants(),
      config.trail ? this.readTrail(config) : undefined,
      config.trail?.cloudWatchLogGroup ? this.readLogs(config.trail.cloudWatchLogGroup, config.trail.cloudWatchRole) : undefined,
      crawlerConfig ? this.iam.readRole(crawlerConfig.role) : undefined,
      crawlerConfig ? this.glue.readClassifierJsonPath(classifierNameOf(crawlerConfig.name)) : undefined,
      crawlerConfig ? this.glue.readCrawler(crawlerConfig.name) : undefined,
    ])
    const alarms = config.alarms && config.trail?.cloudWatchLogGroup ? await this.readAlarms(config, config.trail.cloudWatchLogGroup) : undefined
    const parentRegistrations = registration ? [] : (await this.lakeformation.listRegisteredLocations()).map((location) => location.resourceArn).filter((arn) => locationArn.startsWith(`${arn}/`))
    const iamAllowedGrants = grants.filter((grant) => grant.principal === IAM_ALLOWED_PRINCIPALS && 'database' in grant.resource && grant.resource.database === config.database)
    return {
      target: this.target,
      caller: iamArnOf(caller),
      bucket,
      ...(key ? {key} : {}),
      ...(role ? {role} : {}),
      settings,
      ...(registration ? {registration} : {}),
      parentRegistrations,
      database: {...database, iamAllowedGrants},
      ...(trail ? {trail} : {}),
      ...(logs ? {logs} : {}),
      ...(alarms ? {alarms} : {}),
      ...(crawlerConfig && crawlerRole && crawler
        ? {
            crawler: {
              role: crawlerRole,
              grants: grants.filter((grant) => isSamePrincipal(grant.principal, roleArnOf(this.target, crawlerConfig.role))),
              ...(classifierJsonPath === undefined ? {} : {classifierJsonPath}),
              crawler,
            },
          }
        : {}),
    }
  }

  /** The trail, with its event selectors when lake.yaml sets trail.dataEvents. */
  private async readTrail(config: LakeConfig) {
    const name = config.trail!.name
    const trail = await this.cloudtrail.readTrail(name)
    if (!trail.exists || config.trail?.dataEvents?.logReads === undefined) return trail
    // Selectors can only be read from the trail's home region; the plan blocks the step elsewhere.
    if (trail.homeRegion && trail.homeRegion !== this.target.region) return trail
    return {...trail, eventSelectors: await this.cloudtrail.readEventSelectors(name)}
  }

  private async readLogs(logGroup: string, roleName: string) {
    const [logGroupExists, role] = await Promise.all([this.logs.logGroupExists(logGroup), this.iam.readRole(roleName)])
    return {logGroupExists, role}
  }

  /** The alarms step's view: the log group's filters, the alarms, the topic and its subscriptions, the anomaly detectors. */
  async readAlarms(config: LakeConfig, logGroup: string): Promise<ObservedAlarms> {
    const topicArn = topicArnOf(config, this.target)
    const [group, alarms, attributes, detectors] = await Promise.all([
      this.logs.readLogGroup(logGroup),
      this.cloudwatch.describeAlarms(),
      this.sns.getTopicAttributes(topicArn),
      config.alarms?.volume ? this.cloudwatch.describeAnomalyDetectors('LogMetrics') : [],
    ])
    const [filters, subscriptions] = await Promise.all([group.exists ? this.logs.describeMetricFilters(logGroup) : [], attributes ? this.sns.listSubscriptions(topicArn) : []])
    return {logGroupExists: group.exists, filters, alarms, topic: {arn: topicArn, exists: attributes !== undefined, subscriptions}, anomalyDetectors: detectors}
  }

  /** Makes one planned change. Throws a LakegovError naming the AWS action when AWS refuses. */
  async apply(change: BootstrapChange): Promise<void> {
    switch (change.action) {
      case 'CreateBucket':
        return this.s3.createBucket(change.bucket, change.region)
      case 'PutPublicAccessBlock':
        return this.s3.blockPublicAccess(change.bucket)
      case 'PutBucketEncryption':
        return this.s3.putEncryption(change.bucket, change.algorithm, change.kmsKeyArn)
      case 'PutBucketVersioning':
        return this.s3.enableVersioning(change.bucket)
      case 'PutBucketPolicy':
        return this.s3.putPolicy(change.bucket, change.policy)
      case 'PutBucketLifecycleConfiguration':
        return this.s3.putLifecycle(change.bucket, change.rules)
      case 'CreateRole':
        return this.iam.createRole(change.role)
      case 'UpdateAssumeRolePolicy':
        return this.iam.updateTrust(change.role)
      case 'PutRolePolicy':
        return this.iam.putPolicy(change.role)
      case 'PutKeyPolicy':
        return this.untilPropagated(() => this.kms.putKeyPolicy(change.keyArn, change.policy))
      case 'PutDataLakeSettings':
        return this.lakeformation.putRawSettings(change.settings)
      case 'RegisterResource':
        return this.untilPropagated(() => this.lakeformation.register(change.resourceArn, change.roleArn))
      case 'UpdateResource':
        return this.lakeformation.updateRegistration(change.resourceArn, change.roleArn)
      case 'CreateDatabase':
        return this.glue.createDatabase(change.database)
      case 'UpdateDatabase':
        return this.glue.clearTableDefaults(change.database)
      case 'RevokeIamAllowedPrincipals':
      case 'GrantCrawlerPermissions':
        return this.applyGrantChanges(change.changes)
      case 'CreateClassifier':
      case 'UpdateClassifier':
        return this.glue.putClassifier(change.name, change.jsonPath, change.action === 'CreateClassifier')
      case 'CreateCrawler':
      case 'UpdateCrawler':
        // A role created moments ago may not be usable by Glue yet.
        return this.untilPropagated(() => this.glue.putCrawler(change.crawler, change.action === 'CreateCrawler'))
      default:
        return this.applyDelivery(change)
    }
  }

  /** The changes of the trail and alarms steps: where the logs go, and who hears about them. */
  private async applyDelivery(change: BootstrapChange): Promise<void> {
    switch (change.action) {
      case 'CreateLogGroup':
        return this.logs.createLogGroup(change.logGroup)
      case 'CreateTrail':
        return this.untilPropagated(() => this.cloudtrail.createTrail(change.trail))
      case 'UpdateTrail':
        return this.untilPropagated(() => this.cloudtrail.updateTrail(change.trail))
      case 'StartLogging':
        return this.cloudtrail.startLogging(change.trail)
      case 'PutEventSelectors':
        return this.cloudtrail.putAdvancedEventSelectors(change.trail, change.advancedEventSelectors)
      case 'CreateTopic':
        return void (await this.sns.createTopic(change.name))
      case 'Subscribe':
        return this.sns.subscribeEmail(change.topicArn, change.email)
      case 'PutMetricFilter':
        return this.logs.putMetricFilter(change.logGroup, change.filter)
      case 'PutAnomalyDetector':
        return this.cloudwatch.putAnomalyDetector(change.namespace, change.metricName, change.stat)
      case 'PutMetricAlarm':
        return this.cloudwatch.putMetricAlarm(change.alarm)
    }
  }

  /** Grants and revokes through the grants engine: the same batching, retries and "already revoked" handling as grants apply. */
  private async applyGrantChanges(changes: Parameters<typeof applyChanges>[0]): Promise<void> {
    const result = await applyChanges(changes, this.lakeformation)
    const failed = result.outcomes.filter((outcome) => outcome.status !== 'applied')
    if (failed.length > 0) {
      throw new LakegovError(`Lake Formation refused ${failed.map((outcome) => `${outcome.key}${outcome.error ? ` (${outcome.error.code}: ${outcome.error.message})` : ''}`).join('; ')}`, {
        exitCode: ExitCode.ApplyFailed,
        code: 'GRANT_CHANGE_FAILED',
        suggestions: ['Run bootstrap again; granting and revoking need a data lake administrator.'],
      })
    }
  }

  /** Retries a call that names a role IAM may not have propagated yet (seconds, on real AWS; never in the sandbox). */
  private async untilPropagated(call: () => Promise<void>): Promise<void> {
    const attempts = this.options.propagationAttempts ?? 6
    const delay = this.options.propagationDelayMs ?? 2000
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
    for (let attempt = 1; ; attempt++) {
      try {
        return await call()
      } catch (error) {
        if (attempt >= attempts || !notYetPropagated((error as {cause?: unknown}).cause ?? error)) throw error
        await sleep(delay * attempt)
      }
    }
  }
}
