// How far a materialization has consumed a parent. A run reads its inputs when it starts and is
// recorded when it ends: a parent update that lands in between is older than the materialization
// but newer than what it read, so "newer than the child's materialization" is the wrong test.
import type { MaterializationEntry } from '../state/asset-history';

/**
 * The storage id up to which `mine` reflects `parentKey`: the record its input pointer names when
 * there is one, else (no pointer, or one the log could not resolve) the materialization itself.
 */
export function consumedUpTo(mine: MaterializationEntry, parentKey: string): number {
  const read = mine.inputs[parentKey]?.storageId;
  return read !== undefined && read !== null && read < mine.storageId ? read : mine.storageId;
}
