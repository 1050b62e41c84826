// Publishes committed outbox messages to the bus and marks each one published. One relay runs,
// in the leading planner; it is woken right after a commit and also polls, so a message written by
// a planner that died before publishing goes out as soon as its claim lapses.
import type { EventBus } from '@freshet/messaging';
import type { EventLog, OutboxMessage } from '@freshet/storage';
import type { ServiceLogger } from '../logger';

export interface OutboxRelayOptions {
  readonly pollMs?: number;
  /** A claim lasts this long; a relay that dies loses its rows to the next one after it. */
  readonly claimLeaseMs?: number;
  readonly batchSize?: number;
}

export class OutboxRelay {
  private running = false;
  private wanted = false;
  private timer?: NodeJS.Timeout;
  private active = false;
  private loop?: Promise<void>;

  constructor(
    private readonly eventLog: EventLog,
    private readonly bus: EventBus,
    private readonly logger: ServiceLogger,
    private readonly options: OutboxRelayOptions = {},
  ) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 250);
    this.kick();
  }

  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.loop;
  }

  /** Publishes what is pending now (coalesced with a run already going). */
  kick(): void {
    if (!this.active) return;
    this.wanted = true;
    if (this.running) return;
    this.running = true;
    this.loop = this.drain().finally(() => {
      this.running = false;
    });
  }

  private async drain(): Promise<void> {
    while (this.wanted && this.active) {
      this.wanted = false;
      try {
        for (;;) {
          const batch = await this.eventLog.claimOutbox(this.options.batchSize ?? 200, { leaseMs: this.options.claimLeaseMs ?? 5000 });
          if (batch.length === 0) break;
          await this.publish(batch);
          if (!this.active) break;
        }
      } catch (error) {
        this.logger.warn(`outbox relay: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private async publish(batch: readonly OutboxMessage[]): Promise<void> {
    try {
      // Consecutive messages of one topic go in one call; the claim order (oldest first) is kept.
      let start = 0;
      while (start < batch.length) {
        const topic = (batch[start] as OutboxMessage).topic;
        let end = start;
        while (end < batch.length && (batch[end] as OutboxMessage).topic === topic) end++;
        await this.bus.publish(
          topic,
          batch.slice(start, end).map((m) => ({
            key: m.key ?? '',
            value: JSON.stringify(m.value),
            ...(Object.keys(m.headers).length > 0 ? { headers: m.headers } : {}),
          })),
        );
        start = end;
      }
      await this.eventLog.markPublished(batch.map((m) => m.id));
    } catch (error) {
      await this.eventLog.releaseClaims(batch.map((m) => m.id)).catch(() => undefined);
      throw error;
    }
  }
}
