// An EventBus that prepends a prefix to every topic (and consumer group) on the way out and strips it from deliveries
// on the way in. Services and their `@EventPattern(TOPICS.x.name)` handlers keep using the contract
// names; the prefix isolates deployments (and tests) sharing one Kafka cluster.
import type { BusMessage, Delivery, DeliveryBatch, EventBus, SubscribeOptions, Subscription, SubscriptionHealth, TopicConfig } from '@freshet/messaging';

export class PrefixedEventBus implements EventBus {
  constructor(
    readonly inner: EventBus,
    readonly prefix: string,
  ) {}

  publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    return this.inner.publish(this.prefix + topic, messages);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const subscription = await this.inner.subscribe({
      ...options,
      topics: options.topics.map((topic) => this.prefix + topic),
      // Groups too: two deployments sharing a cluster must never share a consumer group.
      group: this.prefix + options.group,
      handle: (delivery: Delivery) => options.handle(this.unprefixed(delivery)),
      ...(options.handleBatch
        ? {
            handleBatch: (batch: DeliveryBatch) =>
              options.handleBatch
                ? options.handleBatch({
                    topic: this.unprefixedTopic(batch.topic),
                    partition: batch.partition,
                    deliveries: batch.deliveries.map((delivery) => this.unprefixed(delivery)),
                    heartbeat: () => batch.heartbeat(),
                  })
                : Promise.resolve(),
          }
        : {}),
    });
    return { group: options.group, topics: [...options.topics], close: () => subscription.close() };
  }

  ensureTopics(topics: readonly TopicConfig[]): Promise<void> {
    return this.inner.ensureTopics(topics.map((topic) => ({ ...topic, name: this.prefix + topic.name })));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The inner bus's subscriptions of this deployment, named as the services name them. */
  subscriptionHealth(): readonly SubscriptionHealth[] {
    return (this.inner.subscriptionHealth?.() ?? [])
      .filter((health) => health.group.startsWith(this.prefix))
      .map((health) => ({
        ...health,
        group: health.group.slice(this.prefix.length),
        topics: health.topics.map((topic) => (topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic)),
      }));
  }

  private unprefixedTopic(topic: string): string {
    return this.prefix !== '' && topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic;
  }

  private unprefixed(delivery: Delivery): Delivery {
    if (this.prefix === '' || !delivery.topic.startsWith(this.prefix)) return delivery;
    // A spread would drop nothing here (Delivery is a plain object), but keep heartbeat bound to the original.
    return {
      topic: delivery.topic.slice(this.prefix.length),
      partition: delivery.partition,
      offset: delivery.offset,
      key: delivery.key,
      value: delivery.value,
      headers: delivery.headers,
      attempt: delivery.attempt,
      heartbeat: () => delivery.heartbeat(),
    };
  }
}
