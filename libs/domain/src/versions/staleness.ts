// Staleness per asset partition (SEMANTICS, reference §3): missing, fresh, or stale with direct
// causes only (not transitive: a child is not stale because its parent is).

import type { AssetGraph, AssetNode } from '../graph/asset-graph';
import type { Instant } from '../partitions/types';
import type { MaterializationEntry } from '../state/asset-history';
import type { PlannerState } from '../state/planner-state';
import { currentInput } from './data-version';

export type StaleCause = 'codeVersionChanged' | 'newParentDataVersion' | 'newParentMaterialization' | 'dependencyAdded' | 'dependencyRemoved';

export interface StaleCauseDetail {
  readonly cause: StaleCause;
  /** The dependency involved, when there is one. */
  readonly dependency?: string;
}

const CAUSE_SENTENCES: Readonly<Record<StaleCause, (dependency: string | undefined) => string>> = {
  codeVersionChanged: () => 'its code version changed since it was last materialized',
  newParentDataVersion: (dep) => `${dep ?? 'a parent'} has a new data version it has not consumed`,
  newParentMaterialization: (dep) => `${dep ?? 'a parent'} was materialized again since`,
  dependencyAdded: (dep) => `${dep ?? 'a dependency'} was added since it was last materialized`,
  dependencyRemoved: (dep) => `${dep ?? 'a dependency'} was removed since it was last materialized`,
};

/** The cause in words, naming the dependency (staleness events, the API and the UI say it alike). */
export function staleCauseSentence(cause: StaleCauseDetail): string {
  return CAUSE_SENTENCES[cause.cause](cause.dependency);
}

export type StalenessStatus =
  | { readonly status: 'missing' }
  | { readonly status: 'fresh' }
  | { readonly status: 'stale'; readonly causes: readonly StaleCauseDetail[] };

/** Parents whose versions are meaningful (a code version, or an observed source). */
function isVersioned(parent: AssetNode): boolean {
  return parent.kind !== 'materializable' || parent.codeVersion !== null;
}

export function stalenessOf(graph: AssetGraph, state: PlannerState, node: AssetNode, index: number, now: Instant): StalenessStatus {
  const entry = state.history(node.key)?.materializations.get(index);
  if (!entry) return { status: 'missing' };
  const causes: StaleCauseDetail[] = [];
  if (node.codeVersion !== null && entry.codeVersion !== node.codeVersion) causes.push({ cause: 'codeVersionChanged' });
  const edges = node.parents;
  const removed = removedDependencies(node, entry.inputs);
  for (const dep of removed) causes.push({ cause: 'dependencyRemoved', dependency: dep });
  for (const edge of edges) {
    const consumed = entry.inputs[edge.parentKey];
    if (!consumed) {
      causes.push({ cause: 'dependencyAdded', dependency: edge.parentKey });
      continue;
    }
    const parent = graph.node(edge.parent);
    if (parent.kind === 'source') continue;
    const now_ = currentInput(graph, state, edge, index, now);
    if (now_.dataVersion === null || now_.dataVersion === consumed.dataVersion) continue;
    causes.push({ cause: isVersioned(parent) ? 'newParentDataVersion' : 'newParentMaterialization', dependency: edge.parentKey });
  }
  return causes.length === 0 ? { status: 'fresh' } : { status: 'stale', causes };
}

const NONE_REMOVED: readonly string[] = [];

/** Inputs the materialization read that are no longer parents (nor the asset itself), sorted. */
function removedDependencies(node: AssetNode, inputs: MaterializationEntry['inputs']): readonly string[] {
  // Usually the inputs are exactly the parents (plus itself, for a self-dependency): count first.
  let parentsRead = 0;
  for (const edge of node.parents) if (Object.prototype.hasOwnProperty.call(inputs, edge.parentKey)) parentsRead++;
  let read = 0;
  for (const dep in inputs) if (dep !== node.key) read++;
  if (read === parentsRead) return NONE_REMOVED;
  const current = new Set(node.parents.map((e) => e.parentKey));
  return Object.keys(inputs)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .filter((dep) => !current.has(dep) && dep !== node.key);
}

/** A compact, comparable form of a status ("stale:codeVersionChanged,newParentDataVersion@a"). */
export function stalenessSignature(s: StalenessStatus): string {
  if (s.status !== 'stale') return s.status;
  return `stale:${s.causes.map((c) => (c.dependency ? `${c.cause}@${c.dependency}` : c.cause)).join(',')}`;
}
