// A NestJS custom transport over the bus port. Services write plain `@EventPattern(topic)`
// methods; this server subscribes those topics as one consumer group through the EventBus, so
// delivery is ours (typed decode, commit after the handler, bounded retries, dead letters) and
// not the built-in Kafka transport's, whose handler errors block a partition for ever
// (nestjs/nest#14664).
//
//   const app = await NestFactory.createMicroservice(PlannerModule, {
//     strategy: new FreshetBusServer({ bus, group: 'freshet-planner' }),
//   });
//   app.useGlobalFilters(new BusErrorPassthroughFilter());   // keeps NonRetriableError visible
//   await app.listen();
//
// Handlers receive the decoded CloudEvent as payload and a FreshetBusContext (`@Ctx()`).
//
// Batch handlers, `@EventPattern(topic, { batch: true })`, receive a partition's decoded events at
// once (an array, at most `maxBatchSize`) with a FreshetBusBatchContext, and return the events they
// will never take: `{ rejected: [{ index, error }] }` (dead-lettered; the rest is committed).
// Messages that do not decode are dead-lettered by the server before the handler sees the batch.
import { Catch, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { isObservable, lastValueFrom, throwError, type Observable } from 'rxjs';
import { decode, type AnyCloudEvent } from '@freshet/contracts';
import type { BatchResult, Delivery, DeliveryBatch, EventBus, Subscription } from '../event-bus.port';
import { NonRetriableError } from '../errors';
import { UndecodableMessageError, decodeDelivery } from '../typed-bus';

export const FRESHET_BUS_TRANSPORT = Symbol('FRESHET_BUS_TRANSPORT');

export class FreshetBusContext extends BaseRpcContext<[Delivery, AnyCloudEvent]> {
  getDelivery(): Delivery {
    return this.args[0];
  }
  getEvent(): AnyCloudEvent {
    return this.args[1];
  }
  /** Long handlers call this between steps (Kafka session timeout). */
  heartbeat(): Promise<void> {
    return this.args[0].heartbeat();
  }
}

export class FreshetBusBatchContext extends BaseRpcContext<[DeliveryBatch]> {
  /** The deliveries of the events handed over, in the same order. */
  getDeliveries(): readonly Delivery[] {
    return this.args[0].deliveries;
  }
  getTopic(): string {
    return this.args[0].topic;
  }
  /** Long handlers call this between steps (Kafka session timeout). */
  heartbeat(): Promise<void> {
    return this.args[0].heartbeat();
  }
}

/** What a batch handler returns: the events (by index in its array) it will never take, and why. */
export interface EventBatchResult {
  readonly rejected?: readonly { readonly index: number; readonly error: unknown }[];
}

/**
 * Nest's default RPC exception filter replaces every error with `{status, message}`, which
 * would hide whether it is retriable. This filter hands the original error back to the server.
 */
@Catch()
export class BusErrorPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

export interface FreshetBusServerOptions {
  readonly bus: EventBus;
  /** The consumer group: every replica of a service uses the same one. */
  readonly group: string;
  readonly fromBeginning?: boolean;
  readonly maxAttempts?: number;
  /** A valid event on a topic with no handler for it: skipped (default) or dead-lettered. */
  readonly unhandledEvents?: 'skip' | 'deadLetter';
  /** Most events per batch handler call (the bus's DEFAULT_MAX_BATCH_SIZE when absent). */
  readonly maxBatchSize?: number;
}

export interface FreshetBusServerEvents extends Record<string, (...args: never[]) => void> {
  /** A handler failed (the bus retries or dead-letters it). */
  handlerError: (error: unknown, delivery: Delivery) => void;
}

type FreshetBusStatus = 'connecting' | 'connected' | 'disconnected';

export class FreshetBusServer
  extends Server<FreshetBusServerEvents, FreshetBusStatus>
  implements CustomTransportStrategy
{
  override readonly transportId = FRESHET_BUS_TRANSPORT;
  private subscription?: Subscription;
  private readonly listeners: { [K in keyof FreshetBusServerEvents]: FreshetBusServerEvents[K][] } = { handlerError: [] };

  constructor(private readonly options: FreshetBusServerOptions) {
    super();
  }

  /** The topics of the app's `@EventPattern` handlers, sorted. */
  subscribedTopics(): string[] {
    return [...this.messageHandlers.entries()]
      .filter(([, handler]) => handler.isEventHandler)
      .map(([pattern]) => pattern)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this._status$.next('connecting');
    this.start().then(
      () => {
        this._status$.next('connected');
        callback();
      },
      (error: unknown) => callback(error),
    );
  }

  async close(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
    this._status$.next('disconnected');
  }

  on<K extends keyof FreshetBusServerEvents>(event: K, callback: FreshetBusServerEvents[K]): void {
    this.listeners[event].push(callback);
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }

  private async start(): Promise<void> {
    const topics = this.subscribedTopics();
    if (topics.length === 0) {
      this.logger.warn?.('FreshetBusServer: no @EventPattern handlers, nothing to subscribe');
      return;
    }
    this.subscription = await this.options.bus.subscribe({
      topics,
      group: this.options.group,
      ...(this.options.fromBeginning !== undefined ? { fromBeginning: this.options.fromBeginning } : {}),
      ...(this.options.maxAttempts !== undefined ? { maxAttempts: this.options.maxAttempts } : {}),
      handle: (delivery) => this.dispatch(delivery),
      // Batches as soon as one handler takes them; the others still get one event at a time.
      ...(topics.some((topic) => isBatchHandler(this.getHandlerByPattern(topic)))
        ? {
            handleBatch: (batch: DeliveryBatch) => this.dispatchBatch(batch),
            ...(this.options.maxBatchSize !== undefined ? { maxBatchSize: this.options.maxBatchSize } : {}),
          }
        : {}),
    });
  }

  private async dispatchBatch(batch: DeliveryBatch): Promise<BatchResult> {
    const rejected: { offset: string; error: unknown }[] = [];
    const decoded: { delivery: Delivery; event: AnyCloudEvent }[] = [];
    for (const delivery of batch.deliveries) {
      const result = decode(delivery.value);
      if (result.ok) decoded.push({ delivery, event: result.event });
      else rejected.push({ offset: delivery.offset, error: new UndecodableMessageError(result.reason) });
    }
    const handler = this.getHandlerByPattern(batch.topic);
    if (!isBatchHandler(handler)) {
      // A topic whose handler takes one event at a time, in order (a throw fails the batch, and
      // the bus then hands its messages over one by one).
      for (const { delivery } of decoded) await this.dispatch(delivery);
      return { rejected };
    }
    if (decoded.length === 0) return { rejected };
    const deliveries = decoded.map((entry) => entry.delivery);
    try {
      const result = await invoke(handler, decoded.map((entry) => entry.event), new FreshetBusBatchContext([{ ...batch, deliveries }]));
      for (const { index, error } of (result as EventBatchResult | undefined)?.rejected ?? []) {
        const delivery = deliveries[index];
        if (delivery) rejected.push({ offset: delivery.offset, error });
      }
    } catch (error) {
      const surfaced = asError(error);
      for (const listener of this.listeners.handlerError) for (const delivery of deliveries) listener(surfaced, delivery);
      throw surfaced;
    }
    return { rejected };
  }

  private async dispatch(delivery: Delivery): Promise<void> {
    const event = decodeDelivery(delivery);
    const handler = this.getHandlerByPattern(delivery.topic);
    if (!handler) {
      if (this.options.unhandledEvents === 'deadLetter') {
        throw new NonRetriableError(`no handler for topic ${delivery.topic}`, 'UNHANDLED_EVENT_TYPE');
      }
      return;
    }
    try {
      if (isBatchHandler(handler)) {
        // One event alone (the bus's fallback after its batch failed): a rejection is thrown.
        const result = (await invoke(handler, [event], new FreshetBusBatchContext([{ topic: delivery.topic, partition: delivery.partition, deliveries: [delivery], heartbeat: () => delivery.heartbeat() }]))) as EventBatchResult | undefined;
        const rejection = result?.rejected?.find((entry) => entry.index === 0);
        if (rejection) throw rejection.error;
        return;
      }
      await invoke(handler, event, new FreshetBusContext([delivery, event]));
    } catch (error) {
      const surfaced = asError(error);
      for (const listener of this.listeners.handlerError) listener(surfaced, delivery);
      throw surfaced;
    }
  }
}

type Handler = NonNullable<ReturnType<Server['getHandlerByPattern']>>;

function isBatchHandler(handler: Handler | null): handler is Handler {
  return (handler?.extras as { batch?: unknown } | undefined)?.batch === true;
}

/** Calls a Nest handler and unwraps what it returns (a value, a promise or an observable). */
async function invoke(handler: Handler, payload: unknown, context: BaseRpcContext): Promise<unknown> {
  const result: unknown = await handler(payload, context);
  return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
}

/** Without the passthrough filter errors arrive as `{status, message}` objects: keep them readable. */
function asError(error: unknown): unknown {
  if (error instanceof Error) return error;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return new Error(String(error.message));
  }
  return error;
}
