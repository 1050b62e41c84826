// Staleness per asset partition (SEMANTICS, reference §3): missing, fresh, or stale with direct
// causes only (not transitive: a child is not stale because its parent is).

import type { AssetGraph, AssetNode } from '../graph/asset-graph';
import type { Instant } from '../partitions/types';
import type { PlannerState } from '../state/planner-state';
import { currentInput } from './data-version';

export type StaleCause = 'codeVersionChanged' | 'newParentDataVersion' | 'newParentMaterialization' | 'dependencyAdded' | 'dependencyRemoved';

export interface StaleCauseDetail {
  readonly cause: StaleCause;
  /** The dependency involved, when there is one. */
  readonly dependency?: string;
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
  const edges = node.selfEdge ? [...node.parents] : node.parents;
  const current = new Set(edges.map((e) => e.parentKey));
  for (const dep of Object.keys(entry.inputs).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
    if (!current.has(dep) && dep !== node.key) causes.push({ cause: 'dependencyRemoved', dependency: dep });
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

/** A compact, comparable form of a status ("stale:codeVersionChanged,newParentDataVersion@a"). */
export function stalenessSignature(s: StalenessStatus): string {
  if (s.status !== 'stale') return s.status;
  return `stale:${s.causes.map((c) => (c.dependency ? `${c.cause}@${c.dependency}` : c.cause)).join(',')}`;
}
