// The Prometheus metrics every Freshet service exposes on `/metrics`. One registry per service
// instance (not prom-client's global one), so `freshet dev` and tests can hold several services in
// one process without name clashes. Values the service knows only at scrape time (runs by status,
// overdue assets, consumer lag) are read through `collect` callbacks set by the service.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ScrapeSnapshot {
  /** Runs by status (requested, started, succeeded, failed) as the event log knows them. */
  readonly runsByStatus?: Readonly<Record<string, number>>;
  readonly overdueAssets?: number;
  /** Open freshness violations (asset or partition level). */
  readonly openViolations?: number;
  /** Records consumed but not yet processed, per consumer group. */
  readonly consumerLag?: Readonly<Record<string, number>>;
}

export class FreshetMetrics {
  readonly registry = new Registry();
  readonly tickDuration: Histogram;
  readonly eventsConsumed: Counter;
  readonly runsFinished: Counter;
  readonly violationsStarted: Counter;
  private readonly runs: Gauge;
  private readonly overdue: Gauge;
  private readonly openViolations: Gauge;
  private readonly consumerLag: Gauge;
  private snapshot: () => Promise<ScrapeSnapshot> | ScrapeSnapshot = () => ({});

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'freshet_' });
    const registers = [this.registry];
    this.tickDuration = new Histogram({
      name: 'freshet_planner_tick_duration_seconds',
      help: 'Time one planner evaluation (tick) took, decisions written included',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.eventsConsumed = new Counter({ name: 'freshet_events_consumed_total', help: 'Events consumed from the bus, by topic', labelNames: ['topic'], registers });
    this.runsFinished = new Counter({ name: 'freshet_runs_finished_total', help: 'Runs this process finished, by outcome', labelNames: ['status'], registers });
    this.violationsStarted = new Counter({ name: 'freshet_freshness_violations_total', help: 'Freshness violations started (violated events emitted)', registers });
    // prom-client calls `collect` with the metric as `this`; the snapshot is read through this reader.
    const read = (): Promise<ScrapeSnapshot> => this.read();
    this.runs = new Gauge({
      name: 'freshet_runs',
      help: 'Runs in the event log, by status',
      labelNames: ['status'],
      registers,
      async collect() {
        const byStatus = (await read()).runsByStatus ?? {};
        this.reset();
        for (const [status, count] of Object.entries(byStatus)) this.set({ status }, count);
      },
    });
    this.overdue = new Gauge({
      name: 'freshet_overdue_assets',
      help: 'Assets with an open freshness violation',
      registers,
      async collect() {
        this.set((await read()).overdueAssets ?? 0);
      },
    });
    this.openViolations = new Gauge({
      name: 'freshet_freshness_violations_open',
      help: 'Open freshness violations (assets and partitions)',
      registers,
      async collect() {
        this.set((await read()).openViolations ?? 0);
      },
    });
    this.consumerLag = new Gauge({
      name: 'freshet_consumer_lag',
      help: 'Records received but not yet processed, by consumer',
      labelNames: ['consumer'],
      registers,
      async collect() {
        const lag = (await read()).consumerLag ?? {};
        this.reset();
        for (const [consumer, value] of Object.entries(lag)) this.set({ consumer }, value);
      },
    });
  }

  /** What the service knows at scrape time; called once per gauge per scrape (keep it cheap). */
  collectWith(snapshot: () => Promise<ScrapeSnapshot> | ScrapeSnapshot): void {
    this.snapshot = snapshot;
  }

  /** The text exposition format. */
  async text(): Promise<string> {
    this.cached = null;
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  // One snapshot per scrape, shared by the gauges.
  private cached: Promise<ScrapeSnapshot> | null = null;
  private read(): Promise<ScrapeSnapshot> {
    this.cached ??= Promise.resolve()
      .then(() => this.snapshot())
      .catch(() => ({}));
    return this.cached;
  }
}
