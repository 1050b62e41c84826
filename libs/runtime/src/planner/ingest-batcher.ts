// Appends consumed events to the event log in batches: every caller awaits the append its
// records went into, so offsets are committed only after the records are in Postgres, while what
// arrives together (a bus batch, several partitions at once) shares one transaction — one
// multi-row INSERT … ON CONFLICT DO NOTHING per 1000 records.
import { NonRetriableError, isUnavailable } from '@freshet/messaging';
import { InvalidRecordError, type EventLog, type NewRecord } from '@freshet/storage';

/** Per record of an `addAll` call: stored (or a duplicate), or why it was not. */
export type IngestOutcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

interface Pending {
  readonly records: readonly NewRecord[];
  settle(outcomes: readonly IngestOutcome[]): void;
}

const STORED: IngestOutcome = { ok: true };

export class IngestBatcher {
  private pending: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly eventLog: EventLog,
    /** Called after each committed append with how many records were new. */
    private readonly onAppended: (inserted: number) => void,
    /** Records per append: groups are never split, so one append may hold one larger group. */
    private readonly maxBatch = 10_000,
  ) {}

  /** One record; rejects with why it could not be stored (NonRetriableError when it never can). */
  async add(record: NewRecord): Promise<void> {
    const [outcome] = await this.addAll([record]);
    if (outcome && !outcome.ok) throw outcome.error;
  }

  /** Several records, appended together (with whatever else is pending); one outcome per record. */
  addAll(records: readonly NewRecord[]): Promise<IngestOutcome[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise<IngestOutcome[]>((resolve) => {
      this.pending.push({ records, settle: (outcomes) => resolve([...outcomes]) });
      if (!this.flushing) {
        this.flushing = true;
        // Let the other partitions' handlers of this turn join the append.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        let count = 0;
        let take = 0;
        while (take < this.pending.length && (take === 0 || count + (this.pending[take] as Pending).records.length <= this.maxBatch)) {
          count += (this.pending[take] as Pending).records.length;
          take++;
        }
        const groups = this.pending.slice(0, take);
        this.pending = this.pending.slice(take);
        await this.append(groups);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async append(groups: readonly Pending[]): Promise<void> {
    try {
      const result = await this.eventLog.append(groups.flatMap((group) => group.records));
      for (const group of groups) group.settle(group.records.map(() => STORED));
      this.onAppended(result.inserted.length);
    } catch (error) {
      const total = groups.reduce((n, group) => n + group.records.length, 0);
      // The database is away: every record waits for it alike (the bus retries the batches).
      if (total === 1 || isUnavailable(error)) {
        for (const group of groups) group.settle(group.records.map(() => ({ ok: false, error: classify(error) })));
        return;
      }
      // One bad record must not fail its neighbours: the records one by one.
      for (const group of groups) {
        const outcomes: IngestOutcome[] = [];
        for (const record of group.records) outcomes.push(await this.appendOne(record));
        group.settle(outcomes);
      }
    }
  }

  private async appendOne(record: NewRecord): Promise<IngestOutcome> {
    try {
      const result = await this.eventLog.append([record]);
      this.onAppended(result.inserted.length);
      return STORED;
    } catch (error) {
      return { ok: false, error: classify(error) };
    }
  }
}

/** A malformed record will never be stored: dead-letter it at once instead of retrying. */
function classify(error: unknown): unknown {
  if (error instanceof InvalidRecordError) return new NonRetriableError(error.message, 'INVALID_RECORD', { cause: error });
  return error;
}
