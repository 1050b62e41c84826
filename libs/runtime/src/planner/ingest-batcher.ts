// Appends consumed events to the event log in batches: every handler awaits the batch its record
// went into, so its offset is committed only after the record is in Postgres, while events that
// arrive together (several partitions at once) share one transaction.
import { NonRetriableError } from '@freshet/messaging';
import { InvalidRecordError, type EventLog, type NewRecord } from '@freshet/storage';

interface Pending {
  readonly record: NewRecord;
  resolve(): void;
  reject(error: unknown): void;
}

export class IngestBatcher {
  private pending: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly eventLog: EventLog,
    /** Called after each committed batch with how many records were new. */
    private readonly onAppended: (inserted: number) => void,
    private readonly maxBatch = 500,
  ) {}

  add(record: NewRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let the other partitions' handlers of this turn join the batch.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.slice(0, this.maxBatch);
        this.pending = this.pending.slice(batch.length);
        try {
          const result = await this.eventLog.append(batch.map((p) => p.record));
          for (const p of batch) p.resolve();
          this.onAppended(result.inserted.length);
        } catch (error) {
          if (batch.length === 1) (batch[0] as Pending).reject(classify(error));
          // One bad record must not fail its neighbours: retry them one by one.
          else for (const p of batch) await this.appendOne(p);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async appendOne(p: Pending): Promise<void> {
    try {
      const result = await this.eventLog.append([p.record]);
      p.resolve();
      this.onAppended(result.inserted.length);
    } catch (error) {
      p.reject(classify(error));
    }
  }
}

/** A malformed record will never be stored: dead-letter it at once instead of retrying. */
function classify(error: unknown): unknown {
  if (error instanceof InvalidRecordError) return new NonRetriableError(error.message, 'INVALID_RECORD', { cause: error });
  return error;
}
