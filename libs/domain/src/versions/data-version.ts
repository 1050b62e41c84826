// Data versions (SEMANTICS "Versions and staleness"): user-provided, or a hash of the code version
// (the run id when the asset has none) and the input data versions sorted by parent key, so
// re-running unchanged code on unchanged inputs yields the same version.

import type { InputPointer } from '../records/records';
import type { AssetGraph, ParentEdge } from '../graph/asset-graph';
import { upstreamOf } from '../graph/partition-edges';
import type { Instant } from '../partitions/types';
import { UNPARTITIONED } from '../state/asset-history';
import type { PlannerState } from '../state/planner-state';
import { fnv1a64 } from './hash';

/** The version an input is consumed at before its source was ever observed. */
export const INITIAL_VERSION = 'INITIAL';
/** Beyond this many mapped partitions an input's version is its newest storage id (reference §4.5). */
const MAX_DIGESTED_PARTITIONS = 100;

export function computeDataVersion(codeVersionOrRunId: string, inputs: Readonly<Record<string, InputPointer>>): string {
  const parts = Object.keys(inputs)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${inputs[k]?.dataVersion ?? INITIAL_VERSION}`);
  return fnv1a64([codeVersionOrRunId, ...parts].join('\n'));
}

/**
 * The data version a worker records when it does not get one from the compute: an asset that
 * reads no tracked input (no materializable or observable parent) gets a new version on every
 * run, since its output depends on data Freshet cannot see.
 */
export function dataVersionFor(graph: AssetGraph, assetKey: string, runId: string, inputs: Readonly<Record<string, InputPointer>>): string {
  const node = graph.get(assetKey);
  const code = node?.codeVersion ?? runId;
  const tracked = node?.parents.some((e) => graph.node(e.parent).kind !== 'source') ?? false;
  return computeDataVersion(tracked ? code : `${code}\nrun:${runId}`, inputs);
}

/** What child partition `childIndex` would consume from `edge`'s parent right now. */
export function currentInput(graph: AssetGraph, state: PlannerState, edge: ParentEdge, childIndex: number, now: Instant): InputPointer {
  const parent = graph.node(edge.parent);
  // By index when the state is bound to this graph (the planner's case: no key lookup per edge).
  const h = state.graph === graph ? state.historyAt(edge.parent) : state.history(parent.key);
  if (!h) return { storageId: null, dataVersion: null };
  if (parent.kind === 'observableSource') {
    const obs = parent.partitions ? h.lastUpdate : h.observations.get(UNPARTITIONED);
    return obs ? { storageId: obs.storageId, dataVersion: obs.dataVersion ?? INITIAL_VERSION } : { storageId: null, dataVersion: INITIAL_VERSION };
  }
  if (parent.kind === 'source') return { storageId: null, dataVersion: INITIAL_VERSION };
  if (!parent.partitions) {
    const m = h.materializations.get(UNPARTITIONED);
    return m ? { storageId: m.storageId, dataVersion: m.dataVersion } : { storageId: null, dataVersion: null };
  }
  const mapped = upstreamOf(graph, edge, childIndex, now).partitions;
  let maxId: number | null = null;
  const versions: string[] = [];
  let count = 0;
  for (const [a, b] of mapped.ranges()) {
    for (const e of h.materializations.entriesIn(a, b)) {
      maxId = maxId === null ? e.value.storageId : Math.max(maxId, e.value.storageId);
      count += e.end - e.start + 1;
      if (count <= MAX_DIGESTED_PARTITIONS) for (let i = e.start; i <= e.end; i++) versions.push(`${i}:${e.value.dataVersion}`);
    }
  }
  if (maxId === null) return { storageId: null, dataVersion: null };
  if (count > MAX_DIGESTED_PARTITIONS) return { storageId: maxId, dataVersion: `sid:${maxId}` };
  if (count === 1 && mapped.size === 1) return { storageId: maxId, dataVersion: (versions[0] as string).split(':').slice(1).join(':') };
  return { storageId: maxId, dataVersion: fnv1a64(versions.join('\n')) };
}

/** Input pointers for a materialization of `asset` partition `childIndex` starting now. */
export function currentInputs(graph: AssetGraph, state: PlannerState, assetKey: string, childIndex: number, now: Instant): Record<string, InputPointer> {
  const node = graph.get(assetKey);
  if (!node) return {};
  const out: Record<string, InputPointer> = {};
  for (const edge of node.parents) out[edge.parentKey] = currentInput(graph, state, edge, childIndex, now);
  if (node.selfEdge && node.partitions) out[node.key] = currentInput(graph, state, node.selfEdge, childIndex, now);
  return out;
}
