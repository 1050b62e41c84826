// The asset graph the planner reads: specs resolved into nodes with integer indices, parents and
// children, partitions definitions and mappings, automation rule sets, topological ranks and the
// freshness policies each asset serves. Built once per definitions change; immutable.

import { InvalidSpecsError } from '../errors';
import type { PartitionMapping, PartitionMappingSpec, PartitionsDefinition } from '../partitions/types';
import { resolveAutomation, type ResolvedAutomation } from '../specs/automation';
import { compareStrings } from '../specs/json';
import type { AssetKind, AssetSpec, DefaultAutomation, FreshnessPolicySpec } from '../specs/types';
import { DEFAULT_CODE_LOCATION } from '../specs/types';
import { depKey, validateAssetSpecs } from '../specs/validate';
import { defaultPartitionMapping, makePartitionMapping, makePartitionsDefinition } from './partitions-port';

export interface ParentEdge {
  readonly parent: number;
  readonly parentKey: string;
  /** The parent's kind and whether it is partitioned: read on every edge, kept on the edge. */
  readonly parentKind: AssetKind;
  readonly parentPartitioned: boolean;
  readonly child: number;
  /** Both sides partitioned: the mapping (explicit or default). Otherwise null (see partition-edges). */
  readonly mapping: PartitionMapping | null;
  readonly mappingSpec: PartitionMappingSpec | null;
  readonly isSelf: boolean;
  /**
   * Same-run eligible (reference §2.2): both materializable, same partitions definition,
   * identity-like mapping, same code location; a child may count this parent's request this
   * tick as its own input.
   */
  readonly sameRun: boolean;
}

export interface PolicyRef {
  readonly assetKey: string;
  readonly policy: FreshnessPolicySpec;
}

export interface AssetNode {
  readonly index: number;
  readonly key: string;
  readonly kind: AssetKind;
  readonly spec: AssetSpec;
  readonly codeVersion: string | null;
  readonly codeLocation: string;
  readonly partitions: PartitionsDefinition | null;
  readonly isTimePartitioned: boolean;
  /** Fingerprint of the partitions spec: a change resets what the cursor remembers. */
  readonly partitionsFingerprint: string;
  /** Parents other than itself, sorted by key. */
  readonly parents: readonly ParentEdge[];
  readonly selfEdge: ParentEdge | null;
  /** Children other than itself, sorted by key. */
  readonly children: readonly ParentEdge[];
  /** No materializable or observable parent (itself excluded). */
  readonly isRoot: boolean;
  readonly rank: number;
  readonly automation: ResolvedAutomation;
  readonly freshness: FreshnessPolicySpec | null;
  /** Pol(A): its own policy (when unpartitioned) and those of all descendants (reference §2.6). */
  readonly servedPolicies: readonly PolicyRef[];
  /** Keys computed together and requested together (non-subsettable multi-asset), itself included. */
  readonly unit: readonly number[];
  readonly selected: boolean;
}

export interface GraphOptions {
  readonly defaultAutomation?: DefaultAutomation;
  /** Keys the planner may request; default every materializable asset. */
  readonly selection?: readonly string[];
}

export class AssetGraph {
  /** Nodes in topological order: by rank, then key. `nodes[i].index === i`. */
  readonly nodes: readonly AssetNode[];
  /** Evaluation units (an asset, or a non-subsettable multi-asset) in topological order. */
  readonly units: readonly (readonly AssetNode[])[];
  /** Assets with a freshness policy of their own. */
  readonly withPolicy: readonly AssetNode[];
  /**
   * Children by node index, compactly (a tick marks the children of everything it requests):
   * node i's children are `childIndex[childStart[i] .. childStart[i + 1] - 1]`, as in `children`.
   */
  readonly childStart: Int32Array;
  readonly childIndex: Int32Array;
  private readonly byKey: ReadonlyMap<string, AssetNode>;

  constructor(nodes: readonly AssetNode[]) {
    this.nodes = nodes;
    this.byKey = new Map(nodes.map((n) => [n.key, n]));
    const seen = new Uint8Array(nodes.length);
    const units: AssetNode[][] = [];
    for (const n of nodes) {
      if (seen[n.index]) continue;
      for (const j of n.unit) seen[j] = 1;
      units.push(n.unit.map((j) => nodes[j] as AssetNode));
    }
    this.units = units;
    this.withPolicy = nodes.filter((n) => n.freshness !== null);
    this.childStart = new Int32Array(nodes.length + 1);
    for (const n of nodes) this.childStart[n.index + 1] = (this.childStart[n.index] as number) + n.children.length;
    this.childIndex = new Int32Array(this.childStart[nodes.length] as number);
    for (const n of nodes) n.children.forEach((e, k) => (this.childIndex[(this.childStart[n.index] as number) + k] = e.child));
  }

  get(key: string): AssetNode | undefined {
    return this.byKey.get(key);
  }

  /** The node at `index` (indices come from the graph itself: no bounds check on this hot path). */
  node(index: number): AssetNode {
    return this.nodes[index] as AssetNode;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Every asset reachable downstream of `indices` (inclusive), as a sorted index list. */
  descendantsOf(indices: Iterable<number>): number[] {
    const seen = new Uint8Array(this.nodes.length);
    const stack = [...indices];
    for (const i of stack) seen[i] = 1;
    while (stack.length > 0) {
      const i = stack.pop() as number;
      for (const e of this.node(i).children) {
        if (!seen[e.child]) {
          seen[e.child] = 1;
          stack.push(e.child);
        }
      }
    }
    const out: number[] = [];
    seen.forEach((v, i) => {
      if (v) out.push(i);
    });
    return out;
  }
}

interface Draft {
  spec: AssetSpec;
  kind: AssetKind;
  parentKeys: string[];
  childKeys: string[];
  rank: number;
}

/** Validates specs and builds the graph; throws InvalidSpecsError with every problem. */
export function buildAssetGraph(specs: readonly AssetSpec[], options: GraphOptions = {}): AssetGraph {
  const problems = validateAssetSpecs(specs);
  const known = new Set(specs.map((s) => s.key));
  (options.selection ?? []).forEach((k, i) => {
    if (!known.has(k)) problems.push({ path: `$.selection[${i}]`, message: `unknown asset "${k}"` });
  });
  if (problems.length > 0) throw new InvalidSpecsError(problems);

  const drafts = new Map<string, Draft>();
  for (const spec of specs) {
    const parentKeys = [...new Set((spec.deps ?? []).map(depKey))].filter((k) => k !== spec.key).sort(compareStrings);
    drafts.set(spec.key, { spec, kind: spec.kind ?? 'materializable', parentKeys, childKeys: [], rank: -1 });
  }
  for (const d of drafts.values()) for (const p of d.parentKeys) drafts.get(p)?.childKeys.push(d.spec.key);
  const rankOf = (key: string): number => {
    const d = drafts.get(key) as Draft;
    if (d.rank >= 0) return d.rank;
    d.rank = 0;
    for (const p of d.parentKeys) d.rank = Math.max(d.rank, rankOf(p) + 1);
    return d.rank;
  };
  for (const k of drafts.keys()) rankOf(k);

  // Non-subsettable multi-assets move as one unit: every member takes the unit's highest rank so
  // the unit is evaluated once all members' parents have been.
  const units = new Map<string, string[]>();
  for (const d of drafts.values()) {
    if (d.spec.multiAsset !== undefined && !d.spec.canSubset) {
      const u = units.get(d.spec.multiAsset) ?? [];
      u.push(d.spec.key);
      units.set(d.spec.multiAsset, u);
    }
  }
  const unitRank = new Map<string, number>();
  for (const [id, members] of units) unitRank.set(id, Math.max(...members.map((m) => (drafts.get(m) as Draft).rank)));

  const effectiveRank = (d: Draft): number =>
    d.spec.multiAsset !== undefined && !d.spec.canSubset ? (unitRank.get(d.spec.multiAsset) as number) : d.rank;
  const ordered = [...drafts.values()].sort((a, b) => effectiveRank(a) - effectiveRank(b) || compareStrings(a.spec.key, b.spec.key));
  const indexOf = new Map(ordered.map((d, i) => [d.spec.key, i]));

  const partitionsOf = new Map<string, PartitionsDefinition | null>();
  for (const d of ordered) partitionsOf.set(d.spec.key, d.spec.partitions ? makePartitionsDefinition(d.spec.partitions) : null);

  // Policies served by each asset: its own (unpartitioned only) plus every descendant's.
  const served = new Map<string, Map<string, FreshnessPolicySpec>>();
  const upstreamOfPolicy = new Map<string, boolean>();
  for (let i = ordered.length - 1; i >= 0; i--) {
    const d = ordered[i] as Draft;
    const mine = new Map<string, FreshnessPolicySpec>();
    let below = false;
    for (const c of d.childKeys) {
      const cd = drafts.get(c) as Draft;
      for (const [k, p] of served.get(c) ?? []) mine.set(k, p);
      if (cd.spec.freshness || upstreamOfPolicy.get(c)) below = true;
    }
    if (d.spec.freshness && !d.spec.partitions) mine.set(d.spec.key, d.spec.freshness);
    served.set(d.spec.key, mine);
    // Under `reconcile`, an asset that serves a policy (a descendant's, or its own when it is
    // unpartitioned, as in Dagster's implicit policy) refreshes only when a policy needs it.
    upstreamOfPolicy.set(d.spec.key, below || mine.size > 0);
  }

  const selection = options.selection ? new Set(options.selection) : null;
  const edgesByChild = new Map<string, ParentEdge[]>();
  const selfEdges = new Map<string, ParentEdge>();
  for (const d of ordered) {
    const child = indexOf.get(d.spec.key) as number;
    const list: ParentEdge[] = [];
    for (const dep of d.spec.deps ?? []) {
      const key = depKey(dep);
      const explicit = typeof dep === 'string' ? undefined : dep.mapping;
      const up = partitionsOf.get(key) ?? null;
      const down = partitionsOf.get(d.spec.key) ?? null;
      let mapping: PartitionMapping | null = null;
      if (up && down) mapping = explicit ? makePartitionMapping(explicit) : defaultPartitionMapping(up, down);
      const parentDraft = drafts.get(key) as Draft;
      const mappingSpec = explicit ?? mapping?.spec ?? null;
      const identityLike =
        !up ||
        !mappingSpec ||
        mappingSpec.kind === 'identity' ||
        (mappingSpec.kind === 'timeWindow' && (mappingSpec.startOffset ?? 0) === 0 && (mappingSpec.endOffset ?? 0) === 0);
      const edge: ParentEdge = {
        parent: indexOf.get(key) as number,
        parentKey: key,
        parentKind: parentDraft.kind,
        parentPartitioned: up !== null,
        child,
        mapping,
        mappingSpec,
        isSelf: key === d.spec.key,
        sameRun:
          key !== d.spec.key &&
          parentDraft.kind === 'materializable' &&
          d.kind === 'materializable' &&
          (parentDraft.spec.codeLocation ?? DEFAULT_CODE_LOCATION) === (d.spec.codeLocation ?? DEFAULT_CODE_LOCATION) &&
          JSON.stringify(parentDraft.spec.partitions ?? null) === JSON.stringify(d.spec.partitions ?? null) &&
          identityLike,
      };
      if (edge.isSelf) selfEdges.set(d.spec.key, edge);
      else if (!list.some((e) => e.parentKey === key)) list.push(edge);
    }
    list.sort((a, b) => compareStrings(a.parentKey, b.parentKey));
    edgesByChild.set(d.spec.key, list);
  }
  const childrenOf = new Map<string, ParentEdge[]>();
  for (const list of edgesByChild.values())
    for (const e of list) {
      const c = childrenOf.get(e.parentKey) ?? [];
      c.push(e);
      childrenOf.set(e.parentKey, c);
    }

  const nodes: AssetNode[] = ordered.map((d, index) => {
    const parents = edgesByChild.get(d.spec.key) ?? [];
    const children = (childrenOf.get(d.spec.key) ?? []).sort((a, b) => a.child - b.child);
    const partitions = partitionsOf.get(d.spec.key) ?? null;
    const materializable = d.kind === 'materializable';
    const unitMembers =
      d.spec.multiAsset !== undefined && !d.spec.canSubset
        ? (units.get(d.spec.multiAsset) as string[]).map((k) => indexOf.get(k) as number).sort((a, b) => a - b)
        : [index];
    const policies = [...(served.get(d.spec.key) ?? new Map<string, FreshnessPolicySpec>())]
      .map(([assetKey, policy]) => ({ assetKey, policy }))
      .sort((a, b) => compareStrings(a.assetKey, b.assetKey));
    return {
      index,
      key: d.spec.key,
      kind: d.kind,
      spec: d.spec,
      codeVersion: d.spec.codeVersion ?? null,
      codeLocation: d.spec.codeLocation ?? DEFAULT_CODE_LOCATION,
      partitions,
      isTimePartitioned: partitions?.isTimeWindow ?? false,
      partitionsFingerprint: JSON.stringify(d.spec.partitions ?? null),
      parents,
      selfEdge: selfEdges.get(d.spec.key) ?? null,
      children,
      isRoot: parents.every((e) => (drafts.get(e.parentKey) as Draft).kind === 'source'),
      rank: effectiveRank(d),
      automation: materializable
        ? resolveAutomation(d.spec.automation, options.defaultAutomation ?? 'reconcile', d.spec.partitions, upstreamOfPolicy.get(d.spec.key) ?? false)
        : resolveAutomation('none', 'none', undefined, false),
      freshness: d.spec.freshness ?? null,
      servedPolicies: policies,
      unit: unitMembers,
      selected: materializable && (selection === null || selection.has(d.spec.key)),
    };
  });
  return new AssetGraph(nodes);
}
