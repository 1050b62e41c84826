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
import { Catch, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { isObservable, lastValueFrom, throwError, type Observable } from 'rxjs';
import type { AnyCloudEvent } from '@freshet/contracts';
import type { Delivery, EventBus, Subscription } from '../event-bus.port';
import { NonRetriableError } from '../errors';
import { decodeDelivery } from '../typed-bus';

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
    });
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
      const result: unknown = await handler(event, new FreshetBusContext([delivery, event]));
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      const surfaced = asError(error);
      for (const listener of this.listeners.handlerError) listener(surfaced, delivery);
      throw surfaced;
    }
  }
}

/** Without the passthrough filter errors arrive as `{status, message}` objects: keep them readable. */
function asError(error: unknown): unknown {
  if (error instanceof Error) return error;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return new Error(String(error.message));
  }
  return error;
}
