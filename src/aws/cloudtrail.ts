/** CloudTrail: the trail bootstrap manages, the trails the audit finds on the bucket, and LookupEvents for the activity engines. */
import {
  CreateTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  LookupEventsCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
  type CloudTrailClient,
  type CloudTrailClientResolvedConfig,
  type LookupAttributeKey,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type Trail,
} from '@aws-sdk/client-cloudtrail'
import type {Command} from '@smithy/types'

import type {TrailSpec} from '../core/lake/bootstrap'
import type {AdvancedEventSelector, ObservedEventSelectors, ObservedTrail} from '../core/lake/observed'
import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'

type CloudTrailCommand<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<ServiceInputTypes, I, ServiceOutputTypes, O, CloudTrailClientResolvedConfig>

/** One LookupEvents request: one region, one optional lookup attribute, a time range. */
export interface LookupRequest {
  /** The region to read (LookupEvents is regional). */
  region: string
  /** At most one lookup attribute (the API takes one). */
  attribute?: {key: LookupAttributeKey; value: string}
  /** StartTime, ISO. */
  startTime: string
  /** EndTime, ISO. */
  endTime: string
  /** The page size, 1 to 50. */
  maxResults: number
  /** The previous page's NextToken, replayed with the same parameters. */
  nextToken?: string
}

/** One page of LookupEvents: each event's CloudTrailEvent (the whole record, as JSON text). */
export interface LookupPage {
  /** The records' JSON texts. */
  records: string[]
  /** The token of the next page, if any. */
  nextToken?: string
}

/** A trail and its logging status as lakegov compares them. */
function toObservedTrail(trail: Trail, isLogging: boolean | undefined): ObservedTrail {
  return {
    exists: true,
    s3BucketName: trail.S3BucketName,
    s3KeyPrefix: trail.S3KeyPrefix,
    multiRegion: trail.IsMultiRegionTrail,
    logFileValidation: trail.LogFileValidationEnabled,
    kmsKeyId: trail.KmsKeyId,
    cloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn,
    cloudWatchLogsRoleArn: trail.CloudWatchLogsRoleArn,
    isLogging: isLogging === true,
    homeRegion: trail.HomeRegion,
  }
}

/** CloudTrail (botocore cloudtrail/2013-11-01). */
export class CloudTrailAdapter extends ServiceAdapter {
  constructor(clients: AwsClients) {
    super(clients, 'cloudtrail')
  }

  async readTrail(name: string): Promise<ObservedTrail> {
    const got = await this.sendOrAbsent('cloudtrail:GetTrail', new GetTrailCommand({Name: name}), ['TrailNotFoundException'])
    const trail = got?.Trail
    if (!trail) return {exists: false}
    const status = await this.send('cloudtrail:GetTrailStatus', new GetTrailStatusCommand({Name: name}))
    return toObservedTrail(trail, status.IsLogging)
  }

  /** The trails that write into the bucket, with their status: for a lake.yaml that declares no trail. */
  async listTrailsOnBucket(bucket: string): Promise<Array<ObservedTrail & {name: string}>> {
    const out = await this.send('cloudtrail:DescribeTrails', new DescribeTrailsCommand({includeShadowTrails: true}))
    const trails = (out.trailList ?? []).filter((trail) => trail.S3BucketName === bucket && trail.Name)
    return Promise.all(
      trails.map(async (trail) => {
        const status = await this.send('cloudtrail:GetTrailStatus', new GetTrailStatusCommand({Name: trail.TrailARN ?? trail.Name}))
        return {name: trail.Name!, ...toObservedTrail(trail, status.IsLogging)}
      }),
    )
  }

  async createTrail(spec: TrailSpec): Promise<void> {
    await this.send('cloudtrail:CreateTrail', new CreateTrailCommand({...trailInput(spec), IncludeGlobalServiceEvents: true}))
  }

  async updateTrail(spec: TrailSpec): Promise<void> {
    await this.send('cloudtrail:UpdateTrail', new UpdateTrailCommand(trailInput(spec)))
  }

  /** The trail's event selectors: basic or advanced (GetEventSelectors). */
  async readEventSelectors(name: string): Promise<ObservedEventSelectors> {
    const out = await this.send('cloudtrail:GetEventSelectors', new GetEventSelectorsCommand({TrailName: name}))
    return {
      basic: (out.EventSelectors ?? []).map((selector) => ({
        ...(selector.ReadWriteType ? {ReadWriteType: selector.ReadWriteType} : {}),
        ...(selector.IncludeManagementEvents === undefined ? {} : {IncludeManagementEvents: selector.IncludeManagementEvents}),
        DataResources: (selector.DataResources ?? []).map((resource) => ({Type: resource.Type, Values: resource.Values ?? []})),
        ExcludeManagementEventSources: selector.ExcludeManagementEventSources ?? [],
      })),
      advanced: (out.AdvancedEventSelectors ?? []).map((selector) => ({
        ...(selector.Name === undefined ? {} : {Name: selector.Name}),
        FieldSelectors: (selector.FieldSelectors ?? []).map((field) => {
          const {Field, ...operators} = field
          return {Field: Field ?? '', ...Object.fromEntries(Object.entries(operators).filter(([, values]) => Array.isArray(values) && values.length > 0))}
        }),
      })),
    }
  }

  /** Replaces the trail's selectors with these advanced ones (any basic ones are overwritten). */
  async putAdvancedEventSelectors(name: string, selectors: AdvancedEventSelector[]): Promise<void> {
    await this.send('cloudtrail:PutEventSelectors', new PutEventSelectorsCommand({TrailName: name, AdvancedEventSelectors: selectors}))
  }

  async startLogging(name: string): Promise<void> {
    await this.send('cloudtrail:StartLogging', new StartLoggingCommand({Name: name}))
  }

  /** One page of LookupEvents, in the request's region. */
  async lookupPage(request: LookupRequest): Promise<LookupPage> {
    const command = new LookupEventsCommand({
      ...(request.attribute ? {LookupAttributes: [{AttributeKey: request.attribute.key, AttributeValue: request.attribute.value}]} : {}),
      StartTime: new Date(request.startTime),
      EndTime: new Date(request.endTime),
      MaxResults: request.maxResults,
      ...(request.nextToken ? {NextToken: request.nextToken} : {}),
    })
    const out = await this.send('cloudtrail:LookupEvents', command, this.clients.cloudtrailIn(request.region))
    return {records: (out.Events ?? []).map((event) => event.CloudTrailEvent ?? '').filter((text) => text !== ''), ...(out.NextToken ? {nextToken: out.NextToken} : {})}
  }

  private send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: CloudTrailCommand<I, O>, client: CloudTrailClient = this.clients.cloudtrail): Promise<O> {
    return this.call(operation, () => client.send(command))
  }

  private sendOrAbsent<I extends ServiceInputTypes, O extends ServiceOutputTypes>(operation: string, command: CloudTrailCommand<I, O>, absent: readonly string[]): Promise<O | undefined> {
    return this.callOrAbsent(operation, () => this.clients.cloudtrail.send(command), absent)
  }
}

function trailInput(spec: TrailSpec) {
  return {
    Name: spec.name,
    S3BucketName: spec.s3BucketName,
    // An empty string clears a key prefix (or a key, or the CloudWatch Logs delivery) that should not be there.
    S3KeyPrefix: spec.s3KeyPrefix ?? '',
    IsMultiRegionTrail: spec.multiRegion,
    EnableLogFileValidation: spec.logFileValidation,
    ...(spec.kmsKeyId ? {KmsKeyId: spec.kmsKeyId} : {}),
    ...(spec.cloudWatchLogsLogGroupArn ? {CloudWatchLogsLogGroupArn: spec.cloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn: spec.cloudWatchLogsRoleArn} : {}),
  }
}
