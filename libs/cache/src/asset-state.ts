import { type AssetState, type AssetStateEntry } from './graph-cache.port';

export function validateAssetState(state: AssetState): void {
  if (!Number.isSafeInteger(state.storageId) || state.storageId < 0) {
    throw new Error(`An asset state needs a non-negative integer storageId, got ${String(state.storageId)}`);
  }
}

/** By asset key, then partition key with the unpartitioned (null) entry first; code-point order. */
export function compareAssetStateEntries(a: AssetStateEntry, b: AssetStateEntry): number {
  if (a.assetKey !== b.assetKey) return a.assetKey < b.assetKey ? -1 : 1;
  if (a.partitionKey === b.partitionKey) return 0;
  if (a.partitionKey === null) return -1;
  if (b.partitionKey === null) return 1;
  return a.partitionKey < b.partitionKey ? -1 : 1;
}
