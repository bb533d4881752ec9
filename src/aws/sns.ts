import {CreateTopicCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SubscribeCommand, type Subscription} from '@aws-sdk/client-sns'

import type {ObservedSubscription} from '../core/alarms/plan'
import {ServiceAdapter} from './adapter'
import type {AwsClients} from './clients'

/** SNS topics and subscriptions. */
export class SnsAdapter extends ServiceAdapter {
  constructor(clients: AwsClients) {
    super(clients, 'sns')
  }

  private send<T>(operation: string, command: {input: unknown}): Promise<T> {
    return this.call(`sns:${operation}`, () => this.clients.sns.send(command as never) as Promise<T>)
  }

  /** Creates the topic, or returns the existing one's ARN (CreateTopic is idempotent for the same name and attributes). */
  async createTopic(name: string): Promise<string> {
    const out = await this.send<{TopicArn?: string}>('CreateTopic', new CreateTopicCommand({Name: name}))
    return out.TopicArn ?? ''
  }

  /** Subscribes an email address; AWS then emails a confirmation link to it. */
  async subscribeEmail(topicArn: string, email: string): Promise<void> {
    await this.send('Subscribe', new SubscribeCommand({TopicArn: topicArn, Protocol: 'email', Endpoint: email}))
  }

  /** The topic's attributes, or undefined when it does not exist. */
  async getTopicAttributes(topicArn: string): Promise<Record<string, string> | undefined> {
    const out = await this.callOrAbsent('sns:GetTopicAttributes', () => this.clients.sns.send(new GetTopicAttributesCommand({TopicArn: topicArn})), ['NotFoundException', 'NotFound'])
    return out ? (out.Attributes ?? {}) : undefined
  }

  /** The topic's subscriptions; a pending one shows SubscriptionArn "PendingConfirmation". */
  async listSubscriptions(topicArn: string): Promise<ObservedSubscription[]> {
    const subscriptions: ObservedSubscription[] = []
    let token: string | undefined
    do {
      const page = await this.send<{Subscriptions?: Subscription[]; NextToken?: string}>('ListSubscriptionsByTopic', new ListSubscriptionsByTopicCommand({TopicArn: topicArn, ...(token ? {NextToken: token} : {})}))
      subscriptions.push(
        ...(page.Subscriptions ?? []).map((subscription) => ({
          protocol: subscription.Protocol ?? '',
          endpoint: subscription.Endpoint ?? '',
          pending: subscription.SubscriptionArn === 'PendingConfirmation',
        })),
      )
      token = page.NextToken
    } while (token)
    return subscriptions
  }
}
