// The typed layer services use: events are encoded and validated through the contracts on
// publish, and decoded and validated on consume. A message that does not decode is rejected as
// non-retriable, so the bus dead-letters it at once with the decode reason and moves on.
import {
  createEvent,
  decode,
  serialize,
  type AnyCloudEvent,
  type CloudEvent,
  type EventData,
  type EventType,
} from '@freshet/contracts';
import type { Delivery, EventBus, Subscription } from './event-bus.port';
import { NonRetriableError } from './errors';

export interface PublishEventOptions {
  readonly id?: string;
  readonly time?: string | number | Date;
  /** Default: the key. */
  readonly subject?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type EventHandler<T extends EventType> = (event: CloudEvent<T>, delivery: Delivery) => Promise<void>;
export type EventHandlers = { readonly [T in EventType]?: EventHandler<T> };

export interface SubscribeEventsOptions {
  readonly topics: readonly string[];
  readonly group: string;
  readonly handlers: EventHandlers;
  readonly fromBeginning?: boolean;
  readonly maxAttempts?: number;
  /** A valid event of a type with no handler: skipped (default) or dead-lettered. */
  readonly unhandledTypes?: 'skip' | 'deadLetter';
}

/** Thrown for a message that does not decode; the bus dead-letters it with this reason. */
export class UndecodableMessageError extends NonRetriableError {
  override readonly name = 'UndecodableMessageError';
  constructor(reason: string) {
    super(reason, 'UNDECODABLE_MESSAGE');
  }
}

/** Decodes a delivery or throws UndecodableMessageError (non-retriable). */
export function decodeDelivery(delivery: Delivery): AnyCloudEvent {
  const result = decode(delivery.value);
  if (!result.ok) throw new UndecodableMessageError(result.reason);
  return result.event;
}

export class TypedBus {
  constructor(
    readonly bus: EventBus,
    /** CloudEvents `source` of what this service publishes, e.g. `freshet/planner`. */
    readonly source: string,
  ) {}

  /** Validates (throws ContractViolation), encodes and publishes one event. Returns it. */
  async publishEvent<T extends EventType>(
    topic: string,
    type: T,
    data: EventData<T>,
    key: string,
    options: PublishEventOptions = {},
  ): Promise<CloudEvent<T>> {
    const event = createEvent(type, data, {
      source: this.source,
      subject: options.subject ?? key,
      ...(options.id !== undefined ? { id: options.id } : {}),
      ...(options.time !== undefined ? { time: options.time } : {}),
    });
    await this.bus.publish(topic, [
      { key, value: serialize(event), ...(options.headers ? { headers: options.headers } : {}) },
    ]);
    return event;
  }

  subscribeEvents(options: SubscribeEventsOptions): Promise<Subscription> {
    return this.bus.subscribe({
      topics: options.topics,
      group: options.group,
      ...(options.fromBeginning !== undefined ? { fromBeginning: options.fromBeginning } : {}),
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      handle: async (delivery) => {
        const event = decodeDelivery(delivery);
        const handler = options.handlers[event.type] as EventHandler<typeof event.type> | undefined;
        if (handler) return handler(event, delivery);
        if (options.unhandledTypes === 'deadLetter') {
          throw new NonRetriableError(`no handler for ${event.type} on ${delivery.topic}`, 'UNHANDLED_EVENT_TYPE');
        }
      },
    });
  }
}
