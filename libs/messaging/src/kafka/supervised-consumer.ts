// One subscription's kafkajs consumer, kept alive. kafkajs gives up on a consumer for good after
// some crashes (`restart: false`, e.g. no broker answered within its retries during an outage);
// the subscription must not die with it. Every crash is handled here the same way: the consumer
// is thrown away and a new one with the same group, topics and handler joins again after a
// bounded exponential backoff (forever, logged). Offsets are committed only after handling, so a
// message in flight during the crash is delivered again to whoever owns its partition next.
import type { Consumer } from 'kafkajs';
import type { SubscriptionHealth } from '../event-bus.port';
import type { BusLogger } from '../logger';

export interface ResubscribeBackoff {
  /** Wait before the first resubscribe. Default 1000. */
  readonly initialMs?: number;
  /** The wait doubles up to this. Default 30000. */
  readonly maxMs?: number;
}

export interface SupervisedConsumerOptions {
  readonly group: string;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  /** A new, unconnected consumer of the group (kafkajs's own restart turned off). */
  readonly create: () => Consumer;
  /** `consumer.run(...)` with the handler bound to that consumer (its commits go through it). */
  readonly run: (consumer: Consumer, isClosing: () => boolean) => Promise<void>;
  readonly joinTimeoutMs: number;
  /**
   * A joined consumer that completed no fetch for this long while handling nothing is not
   * consuming (kafkajs retrying a broker that is away, in its own backoff): health says so.
   */
  readonly stallMs: number;
  readonly backoff?: ResubscribeBackoff;
  readonly logger: BusLogger;
  readonly clock: () => number;
  /** Told of every crash (the consumer is replaced whatever the listener does). */
  readonly onCrash?: (error: Error, info: { readonly group: string; readonly restart: boolean }) => void;
}

const SLEEP_SLICE_MS = 100;

export class SupervisedConsumer {
  private consumer?: Consumer;
  private consuming = false;
  private since: number;
  private reason?: string = 'joining';
  private failures = 0;
  /** Last completed fetch or handled delivery of the current consumer. */
  private lastActivityAt = 0;
  /** Deliveries being handled now (no fetch happens meanwhile: kafkajs waits for its workers). */
  private inFlight = 0;
  /** The first join succeeded; before it, subscribe() gets the failure instead of a retry. */
  private started = false;
  private wantsRecovery = false;
  private recovering = false;
  private recovery?: Promise<void>;
  private closing = false;
  private closed?: Promise<void>;

  constructor(private readonly options: SupervisedConsumerOptions) {
    this.since = options.clock();
  }

  /** First join: fails (and cleans up) when the group cannot be joined, as subscribe() must. */
  async start(): Promise<void> {
    await this.attempt();
    this.started = true;
    // A crash between the join and here was only noted.
    if (this.wantsRecovery) this.ensureRecovering();
  }

  health(): SubscriptionHealth {
    const base = { group: this.options.group, topics: [...this.options.topics] };
    if (!this.consuming) return { ...base, consuming: false, since: this.since, ...(this.reason === undefined ? {} : { reason: this.reason }) };
    const idleMs = this.options.clock() - this.lastActivityAt;
    if (this.inFlight === 0 && idleMs > this.options.stallMs) {
      return { ...base, consuming: false, since: this.lastActivityAt, reason: `no fetch completed for ${idleMs} ms (broker unreachable?)` };
    }
    return { ...base, consuming: true, since: this.since };
  }

  /** Runs one delivery's handling, counted as activity (a long handler is not a stall). */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
      this.lastActivityAt = this.options.clock();
    }
  }

  /** Stops resubscribing, then leaves the group after the in-flight message is handled and committed. */
  close(): Promise<void> {
    this.closing = true;
    this.closed ??= (async () => {
      await this.recovery;
      // kafkajs's disconnect waits for the running handler, then leaves the group.
      await this.consumer?.disconnect();
      this.setConsuming(false, 'closed');
    })();
    return this.closed;
  }

  /** Creates, connects and runs a consumer; resolves when it joined the group. */
  private async attempt(): Promise<void> {
    const consumer = this.options.create();
    this.consumer = consumer;
    let settle: ((error?: Error) => void) | undefined;
    const joined = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    // A crash can settle it before anything awaits it: never an unhandled rejection.
    joined.catch(() => undefined);
    consumer.on(consumer.events.FETCH, () => {
      if (this.consumer === consumer) this.lastActivityAt = this.options.clock();
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.consumer !== consumer) return;
      this.failures = 0;
      this.lastActivityAt = this.options.clock();
      this.setConsuming(true);
      settle?.();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (this.consumer !== consumer || this.closing) return;
      const { error } = event.payload;
      this.setConsuming(false, `crashed: ${error.message}`);
      this.options.logger.error(`kafka bus: consumer of group ${this.options.group} crashed: ${error.message}`);
      this.options.onCrash?.(error, { group: this.options.group, restart: event.payload.restart });
      // Before the join, the attempt fails (and its caller decides); after it, start over.
      settle?.(error);
      this.wantsRecovery = true;
      this.ensureRecovering();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning });
      await this.options.run(consumer, () => this.closing);
      await withTimeout(joined, this.options.joinTimeoutMs, `group ${this.options.group} join`);
    } catch (error) {
      this.setConsuming(false, describe(error));
      await consumer.disconnect().catch(() => undefined);
      throw error;
    } finally {
      settle = undefined;
    }
  }

  private ensureRecovering(): void {
    // The first start reports its own failure to subscribe(); nothing to recover yet.
    if (this.recovering || this.closing || !this.started) return;
    this.recovering = true;
    this.recovery = this.recover();
  }

  private async recover(): Promise<void> {
    try {
      while (this.wantsRecovery && !this.closing) {
        this.wantsRecovery = false;
        const waitMs = this.nextBackoff();
        this.options.logger.warn(`kafka bus: group ${this.options.group} is not consuming (${this.reason ?? 'unknown'}); resubscribing in ${waitMs} ms (attempt ${this.failures})`);
        if (!(await this.sleepUnlessClosing(waitMs))) return;
        await this.consumer?.disconnect().catch(() => undefined);
        try {
          await this.attempt();
          this.options.logger.log(`kafka bus: group ${this.options.group} consuming again`);
        } catch (error) {
          this.options.logger.error(`kafka bus: resubscribing group ${this.options.group} failed: ${describe(error)}`);
          this.wantsRecovery = true;
        }
      }
    } finally {
      // Synchronously with the loop's last check: a crash after it starts a new recovery.
      this.recovering = false;
    }
  }

  private nextBackoff(): number {
    const initial = this.options.backoff?.initialMs ?? 1000;
    const max = this.options.backoff?.maxMs ?? 30_000;
    const waitMs = Math.min(max, initial * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return waitMs;
  }

  private setConsuming(consuming: boolean, reason?: string): void {
    if (consuming !== this.consuming) this.since = this.options.clock();
    this.consuming = consuming;
    this.reason = consuming ? undefined : reason;
  }

  private async sleepUnlessClosing(ms: number): Promise<boolean> {
    for (let slept = 0; slept < ms; slept += SLEEP_SLICE_MS) {
      if (this.closing) return false;
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(SLEEP_SLICE_MS, ms - slept)));
    }
    return !this.closing;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
