// A discrete-event simulation of the warehouse over a trace: sources change, runs execute their
// asset steps (each step starts when the run's steps for its parents have finished and takes its
// compute duration; workers are unlimited), and a scheduling strategy reacts. The executor keeps
// the materialization history every strategy is judged on.

import { MaterializationHistory } from './history';
import type { Warehouse, WarehouseAsset } from './warehouse';

/** What a strategy sees and does. Hooks run in time order; same-instant events in the order below. */
export interface Strategy {
  readonly name: string;
  /** After the bootstrap, at `from`: every asset has just been materialized from the sources as of `from`. */
  init(ex: Executor): void;
  onSourceChange?(ex: Executor, source: string, version: string, t: number): void;
  onStepStart?(ex: Executor, runId: string, asset: string, t: number): void;
  onStepEnd?(ex: Executor, runId: string, asset: string, t: number): void;
  onRunFinished?(ex: Executor, runId: string, t: number): void;
  /** After every event of instant t was handled (the strategy may launch runs at t). */
  afterInstant(ex: Executor, t: number): void;
  /** The next instant the strategy must be woken at without an event (null: only on events). */
  nextWake(): number | null;
}

type Event =
  | { readonly kind: 'sourceChange'; readonly source: string; readonly version: string }
  | { readonly kind: 'stepEnd'; readonly runId: string; readonly asset: string; readonly start: number; readonly dataTime: number }
  | { readonly kind: 'stepStart'; readonly runId: string; readonly asset: string; readonly duration: number };

/** Same-instant order: source data lands first, then finished steps (and runs), then new starts. */
const PRIORITY: Record<Event['kind'], number> = { sourceChange: 0, stepEnd: 1, stepStart: 2 };

interface Queued {
  readonly t: number;
  readonly priority: number;
  readonly seq: number;
  readonly event: Event;
}

function before(a: Queued, b: Queued): boolean {
  return a.t !== b.t ? a.t < b.t : a.priority !== b.priority ? a.priority < b.priority : a.seq < b.seq;
}

/** A binary min-heap of events. */
class EventQueue {
  private readonly items: Queued[] = [];
  private seq = 0;

  push(t: number, event: Event): void {
    const item = { t, priority: PRIORITY[event.kind], seq: this.seq++, event };
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i] as Queued, a[parent] as Queued)) break;
      [a[i], a[parent]] = [a[parent] as Queued, a[i] as Queued];
      i = parent;
    }
  }

  peek(): Queued | undefined {
    return this.items[0];
  }

  pop(): Queued | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l] as Queued, a[m] as Queued)) m = l;
        if (r < a.length && before(a[r] as Queued, a[m] as Queued)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as Queued, a[i] as Queued];
        i = m;
      }
    }
    return top;
  }
}

export interface SimulationResult {
  readonly strategy: string;
  readonly history: MaterializationHistory;
  /** Data time of each asset after the bootstrap. */
  readonly bootstrap: ReadonlyMap<string, number>;
  /** Materializations started in [from, to), per asset key. */
  readonly materializations: ReadonlyMap<string, number>;
}

const MAX_ROUNDS_PER_INSTANT = 1000;

export class Executor {
  readonly history: MaterializationHistory;
  readonly assets: ReadonlyMap<string, WarehouseAsset>;
  /** Children of each source or asset key, in dependency order. */
  readonly children: ReadonlyMap<string, readonly string[]>;
  private readonly queue = new EventQueue();
  private readonly started = new Map<string, number>();
  /** Steps not yet finished, per run: the run finishes with its last step. */
  private readonly pendingSteps = new Map<string, number>();
  private runCounter = 0;
  private now: number;

  constructor(readonly warehouse: Warehouse) {
    this.history = new MaterializationHistory(warehouse);
    this.assets = new Map(warehouse.assets.map((a) => [a.key, a]));
    const children = new Map<string, string[]>();
    for (const a of warehouse.assets) for (const d of a.deps) children.set(d, [...(children.get(d) ?? []), a.key]);
    this.children = children;
    this.now = warehouse.from;
  }

  get from(): number {
    return this.warehouse.from;
  }

  get to(): number {
    return this.warehouse.to;
  }

  newRunId(prefix: string): string {
    return `${prefix}-${++this.runCounter}`;
  }

  /**
   * Starts a run of `assets` at t (any order; executed in dependency order): each step starts when
   * the run's steps for its parents have finished. Runs are not launched at or after `to`.
   */
  launch(assets: readonly string[], t: number, runId = this.newRunId('run')): string | null {
    if (t >= this.to) return null;
    const inRun = new Set(assets);
    const ends = new Map<string, number>();
    let steps = 0;
    for (const a of this.warehouse.assets) {
      if (!inRun.has(a.key)) continue;
      const start = Math.max(t, ...a.deps.map((d) => ends.get(d) ?? t));
      ends.set(a.key, start + a.durationMs);
      this.queue.push(start, { kind: 'stepStart', runId, asset: a.key, duration: a.durationMs });
      steps++;
    }
    if (steps === 0) return null;
    this.pendingSteps.set(runId, steps);
    return runId;
  }

  run(strategy: Strategy): SimulationResult {
    const bootstrap = new Map<string, number>();
    for (const a of this.warehouse.assets) {
      const dataTime = this.history.dataTimeOfReadAt(a.key, this.from);
      this.history.complete({ asset: a.key, start: this.from, end: this.from, dataTime });
      bootstrap.set(a.key, dataTime);
    }
    const bootstrapped = this.history.completed.length;
    for (const s of this.warehouse.sources)
      s.changes.forEach((c, i) => {
        if (c > this.from && c <= this.to) this.queue.push(c, { kind: 'sourceChange', source: s.key, version: `v${i}` });
      });
    strategy.init(this);
    strategy.afterInstant(this, this.from);
    for (;;) {
      const head = this.queue.peek()?.t ?? Number.POSITIVE_INFINITY;
      const wake = strategy.nextWake();
      const t = Math.min(head, wake !== null && wake > this.now ? wake : Number.POSITIVE_INFINITY);
      if (t > this.to || !Number.isFinite(t)) break;
      this.now = t;
      let rounds = 0;
      do {
        while (this.queue.peek()?.t === t) this.handle(strategy, (this.queue.pop() as Queued).event, t);
        strategy.afterInstant(this, t);
        if (++rounds > MAX_ROUNDS_PER_INSTANT) throw new Error(`no progress at ${new Date(t).toISOString()}`);
      } while (this.queue.peek()?.t === t);
    }
    const history = this.history;
    history.completed.splice(0, bootstrapped);
    return { strategy: strategy.name, history, bootstrap, materializations: this.started };
  }

  private handle(strategy: Strategy, e: Event, t: number): void {
    switch (e.kind) {
      case 'sourceChange':
        strategy.onSourceChange?.(this, e.source, e.version, t);
        break;
      case 'stepStart': {
        if (t < this.to) this.started.set(e.asset, (this.started.get(e.asset) ?? 0) + 1);
        // The step reads its inputs now: its data time is fixed by what it reads.
        const dataTime = this.history.dataTimeOfReadAt(e.asset, t);
        strategy.onStepStart?.(this, e.runId, e.asset, t);
        this.queue.push(t + e.duration, { kind: 'stepEnd', runId: e.runId, asset: e.asset, start: t, dataTime });
        break;
      }
      case 'stepEnd': {
        this.history.complete({ asset: e.asset, start: e.start, end: t, dataTime: e.dataTime });
        strategy.onStepEnd?.(this, e.runId, e.asset, t);
        const left = (this.pendingSteps.get(e.runId) ?? 1) - 1;
        if (left > 0) this.pendingSteps.set(e.runId, left);
        else {
          this.pendingSteps.delete(e.runId);
          strategy.onRunFinished?.(this, e.runId, t);
        }
        break;
      }
    }
  }
}
