// The planner consumes in batches; @freshet/observability's instrumentBus counts single
// deliveries only (it wraps `handle`). This wrapper, under it, counts every event of a batch on
// `freshet_events_consumed_total{topic}` so the metric means the same as for the other services.
import type { DeliveryBatch, EventBus, SubscribeOptions, Subscription } from '@freshet/messaging';
import type { FreshetMetrics } from '@freshet/observability';

export function countBatches(bus: EventBus, metrics: Pick<FreshetMetrics, 'eventsConsumed'>): EventBus {
  return {
    publish: (topic, messages) => bus.publish(topic, messages),
    ensureTopics: (topics) => bus.ensureTopics(topics),
    close: () => bus.close(),
    subscriptionHealth: () => bus.subscriptionHealth?.() ?? [],
    subscribe(options: SubscribeOptions): Promise<Subscription> {
      if (!options.handleBatch) return bus.subscribe(options);
      return bus.subscribe({
        ...options,
        handleBatch: (batch: DeliveryBatch) => {
          metrics.eventsConsumed.inc({ topic: batch.topic }, batch.deliveries.length);
          return options.handleBatch ? options.handleBatch(batch) : Promise.resolve();
        },
      });
    },
  };
}
