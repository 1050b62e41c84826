// Readiness of a service's subscriptions: a service whose consumer crashed, is rejoining or is
// being recreated by the bus is not doing its work even when Kafka itself answers again, so it
// reports unready (naming the group, for how long and why) until it consumes again.
import type { EventBus } from '@freshet/messaging';

/** Shaped like @freshet/observability's HealthCheck (structurally; runtime does not import it). */
export interface ConsumersCheck {
  readonly name: string;
  check(): Promise<void>;
}

export function consumersCheck(bus: Pick<EventBus, 'subscriptionHealth'>, clock: () => number = Date.now): ConsumersCheck {
  return {
    name: 'consumers',
    check() {
      const idle = (bus.subscriptionHealth?.() ?? []).filter((subscription) => !subscription.consuming);
      if (idle.length === 0) return Promise.resolve();
      const now = clock();
      const said = idle.map((s) => `group ${s.group} not consuming for ${Math.max(0, Math.round((now - s.since) / 1000))} s${s.reason ? ` (${s.reason})` : ''}`);
      return Promise.reject(new Error(said.join('; ')));
    },
  };
}
