import {ListSubscriptionsByTopicCommand, SNSClient} from '@aws-sdk/client-sns'

import type {CannedResponse} from '../fault-responses'
import {type AlarmsCall, PerRegion, callMoto} from './shared'

const OPERATIONS = new Set(['Subscribe', 'ListSubscriptionsByTopic', 'ListSubscriptions', 'GetTopicAttributes'])
/** SNS developer guide, "Email notifications": email and email-json endpoints must confirm by the link in the message. */
const CONFIRMED_BY_OWNER = new Set(['email', 'email-json'])

/** An email subscription the owner has not confirmed. */
export interface PendingSubscription {
  /** moto's ARN for it, which AWS would not reveal before confirmation. */
  subscriptionArn: string
  /** The topic. */
  topicArn: string
  /** The address. */
  endpoint: string
}

/**
 * SNS email subscriptions as AWS keeps them, where moto 5.2.1 confirms them at once:
 * - Subscribe with protocol email or email-json answers SubscriptionArn "pending confirmation"
 *   until the owner confirms, unless ReturnSubscriptionArn is true (API reference, Subscribe:
 *   "If you set this parameter to true, the response includes the ARN in all cases, even if the
 *   subscription is not yet confirmed").
 * - ListSubscriptionsByTopic and ListSubscriptions show a pending subscription with SubscriptionArn
 *   "PendingConfirmation" (SNS developer guide, "Subscribing an endpoint to an Amazon SNS topic").
 * - GetTopicAttributes counts SubscriptionsConfirmed and SubscriptionsPending (API reference,
 *   GetTopicAttributes); moto reports 0 for both.
 * Tests confirm with `POST /_sandbox/sns {"confirm": "ADDRESS"}`, as the owner clicking the link.
 */
export class SnsSubscriptions {
  private readonly sns: PerRegion<SNSClient>
  private readonly pending = new Map<string, PendingSubscription>()
  private readonly confirmed = new Set<string>()

  constructor(private readonly motoEndpoint: string) {
    this.sns = new PerRegion((config) => new SNSClient(config), motoEndpoint)
  }

  handles(operation: string): boolean {
    return OPERATIONS.has(operation)
  }

  async handle(call: AlarmsCall): Promise<CannedResponse> {
    const params = new URLSearchParams(call.body.toString('utf8'))
    const answer = await callMoto(this.motoEndpoint, call)
    if (answer.status !== 200) return answer
    if (call.operation === 'Subscribe') return this.subscribed(params, answer)
    if (call.operation === 'GetTopicAttributes') return this.countSubscriptions(call.region, params.get('TopicArn') ?? '', answer)
    return {...answer, body: answer.body.replace(/<SubscriptionArn>([^<]*)<\/SubscriptionArn>/g, (whole, arn: string) => (this.pending.has(arn) ? '<SubscriptionArn>PendingConfirmation</SubscriptionArn>' : whole))}
  }

  private subscribed(params: URLSearchParams, answer: CannedResponse): CannedResponse {
    const protocol = params.get('Protocol') ?? ''
    const arn = /<SubscriptionArn>([^<]*)<\/SubscriptionArn>/.exec(answer.body)?.[1]
    if (!CONFIRMED_BY_OWNER.has(protocol) || !arn) return answer
    // moto answers an existing subscription with its ARN: one confirmed already stays confirmed.
    const known = this.confirmed.has(arn)
    if (!known) this.pending.set(arn, {subscriptionArn: arn, topicArn: params.get('TopicArn') ?? '', endpoint: params.get('Endpoint') ?? ''})
    if (known || params.get('ReturnSubscriptionArn') === 'true') return answer
    return {...answer, body: answer.body.replace(`<SubscriptionArn>${arn}</SubscriptionArn>`, '<SubscriptionArn>pending confirmation</SubscriptionArn>')}
  }

  private async countSubscriptions(region: string, topicArn: string, answer: CannedResponse): Promise<CannedResponse> {
    const arns: string[] = []
    let token: string | undefined
    do {
      const page = await this.sns.get(region).send(new ListSubscriptionsByTopicCommand({TopicArn: topicArn, NextToken: token}))
      arns.push(...(page.Subscriptions ?? []).map((subscription) => subscription.SubscriptionArn ?? ''))
      token = page.NextToken
    } while (token)
    const pending = arns.filter((arn) => this.pending.has(arn)).length
    const counts: Record<string, number> = {SubscriptionsPending: pending, SubscriptionsConfirmed: arns.length - pending}
    const body = answer.body.replace(/<key>(SubscriptionsPending|SubscriptionsConfirmed)<\/key>(\s*)<value>[^<]*<\/value>/g, (_, key: string, space: string) => `<key>${key}</key>${space}<value>${counts[key]}</value>`)
    return {...answer, body}
  }

  /** Confirms the pending subscriptions of an address ("*" for all), as its owner would; returns them. */
  confirm(endpoint: string): PendingSubscription[] {
    const done = [...this.pending.values()].filter((subscription) => endpoint === '*' || subscription.endpoint === endpoint)
    for (const subscription of done) {
      this.pending.delete(subscription.subscriptionArn)
      this.confirmed.add(subscription.subscriptionArn)
    }
    return done
  }

  /** The subscriptions still pending. */
  listPending(): PendingSubscription[] {
    return [...this.pending.values()]
  }

  reset(): void {
    this.pending.clear()
    this.confirmed.clear()
  }

  close(): void {
    this.sns.close()
  }
}
