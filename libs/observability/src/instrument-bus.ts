// Counts what a service consumes: wraps the bus its consumer (the Nest transport) subscribes
// through, so every delivery counts on `freshet_events_consumed_total{topic}` and the deliveries
// taken but not yet handled show as that consumer's lag.
import type { Delivery, EventBus, SubscribeOptions, Subscription } from '@freshet/messaging';
import type { FreshetMetrics } from './metrics';

export interface InstrumentedBus extends EventBus {
  /** Deliveries received and not yet handled, by consumer group. */
  pending(): Record<string, number>;
}

export function instrumentBus(bus: EventBus, metrics: FreshetMetrics): InstrumentedBus {
  const pending = new Map<string, number>();
  return {
    publish: (topic, messages) => bus.publish(topic, messages),
    ensureTopics: (topics) => bus.ensureTopics(topics),
    close: () => bus.close(),
    pending: () => Object.fromEntries([...pending.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    subscribe(options: SubscribeOptions): Promise<Subscription> {
      pending.set(options.group, pending.get(options.group) ?? 0);
      return bus.subscribe({
        ...options,
        handle: async (delivery: Delivery) => {
          metrics.eventsConsumed.inc({ topic: delivery.topic });
          pending.set(options.group, (pending.get(options.group) ?? 0) + 1);
          try {
            return await options.handle(delivery);
          } finally {
            pending.set(options.group, Math.max(0, (pending.get(options.group) ?? 1) - 1));
          }
        },
      });
    },
  };
}
