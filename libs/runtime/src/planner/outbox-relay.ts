// Publishes committed outbox messages to the bus and marks each one published. One relay runs,
// in the leading planner; it is woken right after a commit and also polls, so a message written by
// a planner that died before publishing goes out as soon as its claim lapses. It also deletes
// published rows once their retention has passed: every decision writes rows, and a table that is
// never pruned grows for as long as the planner runs.
import type { EventBus } from '@freshet/messaging';
import type { EventLog, OutboxMessage } from '@freshet/storage';
import type { ServiceLogger } from '../logger';

export interface OutboxRelayOptions {
  readonly pollMs?: number;
  /** A claim lasts this long; a relay that dies loses its rows to the next one after it. */
  readonly claimLeaseMs?: number;
  readonly batchSize?: number;
  /** Published rows are kept this long (they still dedupe a message appended again); default 24 h. */
  readonly retentionMs?: number;
  /** How often published rows past their retention are deleted; default 10 min. */
  readonly pruneEveryMs?: number;
}

const DEFAULT_POLL_MS = 250;
const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** After a failed pass the poll waits, doubling up to this: a database that is down is not asked 4 times a second. */
const MAX_FAILURE_BACKOFF_MS = 10_000;
const DEFAULT_PRUNE_EVERY_MS = 10 * 60 * 1000;

export class OutboxRelay {
  private running = false;
  private wanted = false;
  private timer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;
  private pruning?: Promise<void>;
  private active = false;
  private loop?: Promise<void>;
  /** After failures: polls before this instant are skipped, and the wait after the next failure. */
  private quietUntil = 0;
  private backoffMs = 0;

  constructor(
    private readonly eventLog: EventLog,
    private readonly bus: EventBus,
    private readonly logger: ServiceLogger,
    private readonly options: OutboxRelayOptions = {},
  ) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.timer = setInterval(() => {
      if (Date.now() >= this.quietUntil) this.kick();
    }, this.options.pollMs ?? DEFAULT_POLL_MS);
    this.pruneTimer = setInterval(() => void this.prune(), this.options.pruneEveryMs ?? DEFAULT_PRUNE_EVERY_MS);
    this.kick();
    void this.prune();
  }

  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.timer = undefined;
    this.pruneTimer = undefined;
    await Promise.all([this.loop, this.pruning]);
  }

  /** Deletes published rows past their retention (one pass at a time; a failure is logged). */
  prune(): Promise<void> {
    if (!this.active || this.pruning) return this.pruning ?? Promise.resolve();
    this.pruning = this.eventLog
      .pruneOutbox(this.options.retentionMs ?? DEFAULT_RETENTION_MS)
      .then((deleted) => {
        if (deleted > 0) this.logger.log(`outbox relay: deleted ${deleted} published messages past their retention`);
      })
      .catch((error: unknown) => this.logger.warn(`outbox relay: pruning failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.pruning = undefined;
      });
    return this.pruning;
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
        this.backoffMs = 0;
      } catch (error) {
        this.backoffMs = Math.min(MAX_FAILURE_BACKOFF_MS, Math.max(this.options.pollMs ?? DEFAULT_POLL_MS, 2 * this.backoffMs));
        this.quietUntil = Date.now() + this.backoffMs;
        this.logger.warn(`outbox relay: ${error instanceof Error ? error.message : String(error)} (next poll in ${this.backoffMs} ms)`);
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
