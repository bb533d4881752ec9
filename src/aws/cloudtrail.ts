import {CreateTrailCommand, GetTrailCommand, GetTrailStatusCommand, StartLoggingCommand, UpdateTrailCommand} from '@aws-sdk/client-cloudtrail'
import {CreateLogGroupCommand, DescribeLogGroupsCommand} from '@aws-sdk/client-cloudwatch-logs'

import type {TrailSpec} from '../core/lake/bootstrap'
import type {ObservedTrail} from '../core/lake/observed'
import {resolveEndpoint, type AwsClients} from './clients'
import {callAws, callAwsOrAbsent} from './errors'

/** Reads and writes the trail and its CloudWatch Logs log group. */
export class CloudTrailAdapter {
  private readonly endpoint: string | undefined

  constructor(private readonly clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 'cloudtrail')
  }

  async readTrail(name: string): Promise<ObservedTrail> {
    const got = await callAwsOrAbsent('cloudtrail:GetTrail', () => this.clients.cloudtrail.send(new GetTrailCommand({Name: name})), ['TrailNotFoundException'], this.endpoint)
    const trail = got?.Trail
    if (!trail) return {exists: false}
    const status = await callAws('cloudtrail:GetTrailStatus', () => this.clients.cloudtrail.send(new GetTrailStatusCommand({Name: name})), this.endpoint)
    return {
      exists: true,
      s3BucketName: trail.S3BucketName,
      s3KeyPrefix: trail.S3KeyPrefix,
      multiRegion: trail.IsMultiRegionTrail,
      logFileValidation: trail.LogFileValidationEnabled,
      kmsKeyId: trail.KmsKeyId,
      cloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn,
      cloudWatchLogsRoleArn: trail.CloudWatchLogsRoleArn,
      isLogging: status.IsLogging === true,
      homeRegion: trail.HomeRegion,
    }
  }

  async createTrail(spec: TrailSpec): Promise<void> {
    await callAws('cloudtrail:CreateTrail', () => this.clients.cloudtrail.send(new CreateTrailCommand({...trailInput(spec), IncludeGlobalServiceEvents: true})), this.endpoint)
  }

  async updateTrail(spec: TrailSpec): Promise<void> {
    await callAws('cloudtrail:UpdateTrail', () => this.clients.cloudtrail.send(new UpdateTrailCommand(trailInput(spec))), this.endpoint)
  }

  async startLogging(name: string): Promise<void> {
    await callAws('cloudtrail:StartLogging', () => this.clients.cloudtrail.send(new StartLoggingCommand({Name: name})), this.endpoint)
  }

  async logGroupExists(name: string): Promise<boolean> {
    const out = await callAws('logs:DescribeLogGroups', () => this.clients.logs.send(new DescribeLogGroupsCommand({logGroupNamePrefix: name})), resolveEndpoint(this.clients.context, 'logs'))
    return (out.logGroups ?? []).some((group) => group.logGroupName === name)
  }

  async createLogGroup(name: string): Promise<void> {
    await callAws('logs:CreateLogGroup', () => this.clients.logs.send(new CreateLogGroupCommand({logGroupName: name})), resolveEndpoint(this.clients.context, 'logs'))
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
