// The planner cursor: what a tick remembers for the next one. Versioned and JSON-serializable,
// because the planner service persists it; a restarted planner neither forgets owed work nor
// re-requests what is in flight (the in-flight part lives in the event log itself).

import { IndexSet, type IndexRange } from '../collections/index-set';
import { InvalidCursorError } from '../errors';
import type { AssetGraph } from '../graph/asset-graph';
import type { Instant } from '../partitions/types';
import type { MaterializeReason } from '../planner/types';
import { isObject } from '../specs/json';

export const CURSOR_VERSION = 1;

/** A candidate that was held back (or is awaiting its cron's parents) and is still owed. */
export interface OwedEntry {
  readonly ranges: readonly IndexRange[];
  readonly reasons: readonly MaterializeReason[];
  /** Assets involved, for the sentence. */
  readonly assets: readonly string[];
  /** The log position at which it became owed: a materialization after it settles it. */
  readonly since: number;
  /** Only re-injected for event-driven reasons; the others are recomputed each tick. */
  readonly carry: boolean;
  readonly cronTick?: Instant;
}

export interface AssetViolationState {
  readonly since: Instant;
  /** Time-partitioned assets: the overdue partitions (per-partition freshness). */
  readonly partitions?: readonly IndexRange[];
}

export interface AssetCursor {
  readonly partitionsFingerprint: string;
  /** Root partitions requested or discarded (handled: never requested for `missing` again). */
  readonly handled?: readonly IndexRange[];
  readonly owed?: readonly OwedEntry[];
  /** It had candidates last tick: look again (a request may not have been launched). */
  readonly recheck?: true;
  /** The next instant something time-driven may change this asset's planning decision. */
  readonly wakeAt?: Instant;
  /** The next instant a freshness violation of this asset may begin. */
  readonly violationWakeAt?: Instant;
  readonly violation?: AssetViolationState;
  /** Last reported staleness signature per partition key ('' when unpartitioned); fresh is implicit. */
  readonly staleness?: Readonly<Record<string, string>>;
}

export interface PlannerCursor {
  readonly version: 1;
  /** Every record at or below this storage id has been seen by a tick. */
  readonly lastStorageId: number;
  /** For cron catch-up. */
  readonly lastTickAt: Instant | null;
  readonly assets: Readonly<Record<string, AssetCursor>>;
}

export function emptyCursor(): PlannerCursor {
  return { version: CURSOR_VERSION, lastStorageId: 0, lastTickAt: null, assets: {} };
}

/** Parses a persisted cursor (from JSON); throws InvalidCursorError on an unknown version. */
export function decodeCursor(value: unknown): PlannerCursor {
  if (value === null || value === undefined) return emptyCursor();
  if (!isObject(value)) throw new InvalidCursorError('a planner cursor must be an object');
  if (value.version !== CURSOR_VERSION) throw new InvalidCursorError(`unsupported planner cursor version ${String(value.version)} (expected ${CURSOR_VERSION})`);
  if (typeof value.lastStorageId !== 'number' || !isObject(value.assets))
    throw new InvalidCursorError('a planner cursor needs lastStorageId and assets');
  return value as unknown as PlannerCursor;
}

/**
 * Drops what the cursor knows about assets that no longer exist, and resets assets whose
 * partitions definition changed (they are treated as never handled).
 */
export function alignCursor(cursor: PlannerCursor, graph: AssetGraph): PlannerCursor {
  // Most ticks change nothing here: check before copying.
  let aligned = true;
  for (const key in cursor.assets) {
    const node = graph.get(key);
    if (!node || cursor.assets[key]?.partitionsFingerprint !== node.partitionsFingerprint) {
      aligned = false;
      break;
    }
  }
  if (aligned) return cursor;
  const assets: Record<string, AssetCursor> = {};
  for (const [key, a] of Object.entries(cursor.assets)) {
    const node = graph.get(key);
    if (!node) continue;
    assets[key] = a.partitionsFingerprint === node.partitionsFingerprint ? a : { partitionsFingerprint: node.partitionsFingerprint };
  }
  return { ...cursor, assets };
}

export function handledSet(a: AssetCursor | undefined): IndexSet {
  return a?.handled ? IndexSet.fromRanges(a.handled) : IndexSet.EMPTY;
}
