import {LookupEventsCommand, type LookupAttributeKey} from '@aws-sdk/client-cloudtrail'

import {resolveEndpoint, type AwsClients} from './clients'
import {callAws} from './errors'

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

/** CloudTrail LookupEvents (botocore cloudtrail/2013-11-01). */
export class CloudTrailEventsAdapter {
  private readonly endpoint: string | undefined

  constructor(private readonly clients: AwsClients) {
    this.endpoint = resolveEndpoint(clients.context, 'cloudtrail')
  }

  async lookupPage(request: LookupRequest): Promise<LookupPage> {
    const out = await callAws(
      'cloudtrail:LookupEvents',
      () =>
        this.clients.cloudtrailIn(request.region).send(
          new LookupEventsCommand({
            ...(request.attribute ? {LookupAttributes: [{AttributeKey: request.attribute.key, AttributeValue: request.attribute.value}]} : {}),
            StartTime: new Date(request.startTime),
            EndTime: new Date(request.endTime),
            MaxResults: request.maxResults,
            ...(request.nextToken ? {NextToken: request.nextToken} : {}),
          }),
        ),
      this.endpoint,
    )
    return {records: (out.Events ?? []).map((event) => event.CloudTrailEvent ?? '').filter((text) => text !== ''), ...(out.NextToken ? {nextToken: out.NextToken} : {})}
  }
}
