// An ExecutionEnv for executeRun backed by an in-memory event log: emitted materializations get
// increasing storage ids and become the latest records children and later runs read. Lets tests
// (and the worker's own tests) run a code location without Postgres or Kafka.
import type { ExecutionEnv, LatestRecord, LogLine, RunEvent } from '@freshet/sdk';

export interface InMemoryExecutionEnv extends ExecutionEnv {
  readonly events: RunEvent[];
  readonly logs: LogLine[];
  /** Records an observation of a source (what the observer would write). */
  observe(asset: string, partition: string | null, dataVersion: string, dataTime?: number): number;
  /** The latest record of an asset partition, as the worker would read it. */
  latest(asset: string, partition: string | null): LatestRecord | null;
  /** Events of one type, in emission order. */
  ofType<T extends RunEvent['type']>(type: T): Extract<RunEvent, { type: T }>[];
}

export interface InMemoryExecutionEnvOptions {
  /** A fixed clock for deterministic tests; default Date.now. */
  readonly now?: () => number;
  /** Deterministic ids; default a counter (`id-1`, `id-2`, …). */
  readonly newId?: () => string;
  readonly variables?: Readonly<Record<string, string | undefined>>;
  readonly overrides?: Partial<ExecutionEnv>;
}

const apKey = (asset: string, partition: string | null): string => `${asset}\u0000${partition ?? ''}`;

export function createInMemoryExecutionEnv(options: InMemoryExecutionEnvOptions = {}): InMemoryExecutionEnv {
  let nextStorageId = 1;
  let nextId = 1;
  const records = new Map<string, LatestRecord & { asset: string }>();
  const events: RunEvent[] = [];
  const logs: LogLine[] = [];
  const store = (asset: string, partition: string | null, record: Omit<LatestRecord, 'storageId'>): number => {
    const storageId = nextStorageId++;
    const full = { ...record, storageId, asset };
    records.set(apKey(asset, partition), full);
    // Also the "any partition" answer for children that read every partition.
    if (partition !== null) records.set(apKey(asset, null), full);
    return storageId;
  };
  return {
    events,
    logs,
    now: options.now,
    newId: options.newId ?? (() => `id-${nextId++}`),
    variables: options.variables ?? {},
    log: (line) => logs.push(line),
    latestRecord: (asset, partition) => records.get(apKey(asset, partition)) ?? null,
    latest: (asset, partition) => records.get(apKey(asset, partition)) ?? null,
    emit(event) {
      events.push(event);
      if (event.type !== 'assetMaterialized') return;
      return {
        storageId: store(event.asset, event.partition, { dataVersion: event.dataVersion, dataTime: event.dataTime, eventId: event.eventId }),
      };
    },
    observe: (asset, partition, dataVersion, dataTime) => store(asset, partition, { dataVersion, dataTime: dataTime ?? null, eventId: null }),
    ofType<T extends RunEvent['type']>(type: T) {
      return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
    },
    ...options.overrides,
  };
}
