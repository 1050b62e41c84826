// Turns a run request into steps in dependency order. A step is one asset partition, or the
// requested members of one multi-asset for one partition (computed by a single call). Steps are
// ordered topologically among the run's members, level by level, sorted by (asset, partition)
// within a level, so the order never depends on the order of the request.
import { depKey, type AssetSpecJson } from '../define/spec-types';
import type { AssetDefinition, CodeLocation, MultiAssetDefinition } from '../define/types';
import { compareAssetPartitions, type AssetPartitionRef } from './run-events';
import type { UpstreamPartitionsResolver } from './upstream-partitions';

export interface Step {
  /** Members sorted so a member's sibling parents come first. */
  readonly members: readonly { readonly ref: AssetPartitionRef; readonly definition: AssetDefinition }[];
  readonly multi: MultiAssetDefinition | null;
  /** Other steps' asset partitions this step reads. */
  readonly parents: readonly AssetPartitionRef[];
}

export interface InvalidMember {
  readonly ref: AssetPartitionRef;
  readonly reason: string;
}

export const apId = (ref: AssetPartitionRef): string => `${ref.asset}\u0000${ref.partition ?? ''}`;

function invalidReason(location: CodeLocation, ref: AssetPartitionRef): string | null {
  const definition = location.assets.find((a) => a.spec.key === ref.asset);
  if (!definition) {
    const isSource = location.sources.some((s) => s.spec.key === ref.asset);
    return isSource
      ? `${ref.asset} is a source of code location ${location.name}: it is observed, never materialized`
      : `${ref.asset} is not an asset of code location ${location.name}`;
  }
  if (definition.spec.partitions === undefined && ref.partition !== null) return `${ref.asset} is not partitioned but partition ${ref.partition} was requested`;
  if (definition.spec.partitions !== undefined && ref.partition === null) return `${ref.asset} is partitioned but no partition was requested`;
  const partitions = definition.spec.partitions;
  if (partitions?.kind === 'static' && ref.partition !== null && !partitions.keys.includes(ref.partition)) {
    return `${ref.partition} is not a partition of ${ref.asset}`;
  }
  return null;
}

/** Parent asset partitions of `ref` that are members of the run. */
function parentsInRun(
  spec: AssetSpecJson,
  ref: AssetPartitionRef,
  specs: ReadonlyMap<string, AssetSpecJson>,
  members: readonly AssetPartitionRef[],
  resolve: UpstreamPartitionsResolver,
): AssetPartitionRef[] {
  const out: AssetPartitionRef[] = [];
  for (const dep of spec.deps ?? []) {
    const parent = specs.get(depKey(dep));
    if (!parent) continue;
    const candidates = members.filter((m) => m.asset === parent.key && !(m.asset === ref.asset && m.partition === ref.partition));
    if (candidates.length === 0) continue;
    const read = resolve(spec, ref.partition, parent);
    out.push(...(read === null ? candidates : candidates.filter((c) => read.includes(c.partition))));
  }
  return out;
}

export function planSteps(
  location: CodeLocation,
  requested: readonly AssetPartitionRef[],
  resolve: UpstreamPartitionsResolver,
): { steps: Step[]; invalid: InvalidMember[] } {
  const unique = new Map<string, AssetPartitionRef>();
  for (const ref of requested) unique.set(apId(ref), { asset: ref.asset, partition: ref.partition ?? null });
  const all = [...unique.values()].sort(compareAssetPartitions);
  const invalid: InvalidMember[] = [];
  const valid: AssetPartitionRef[] = [];
  for (const ref of all) {
    const reason = invalidReason(location, ref);
    if (reason === null) valid.push(ref);
    else invalid.push({ ref, reason });
  }

  const definitions = new Map(location.assets.map((a) => [a.spec.key, a] as const));
  const specs = new Map<string, AssetSpecJson>([
    ...location.sources.map((s) => [s.spec.key, s.spec] as const),
    ...location.assets.map((a) => [a.spec.key, a.spec] as const),
  ]);
  const multis = new Map(location.multiAssets.map((m) => [m.name, m] as const));

  // Group multi-asset members of the same partition into one step.
  const groups = new Map<string, AssetPartitionRef[]>();
  for (const ref of valid) {
    const multiName = definitions.get(ref.asset)?.spec.multiAsset;
    const groupId = multiName === undefined ? `a\u0000${apId(ref)}` : `m\u0000${multiName}\u0000${ref.partition ?? ''}`;
    groups.set(groupId, [...(groups.get(groupId) ?? []), ref]);
  }

  const stepOf = new Map<string, number>();
  const drafts = [...groups.values()].map((refs, index) => {
    for (const ref of refs) stepOf.set(apId(ref), index);
    return refs;
  });
  const steps: Step[] = drafts.map((refs, index) => {
    const parents = new Map<string, AssetPartitionRef>();
    const siblingParents = new Map<string, Set<string>>();
    for (const ref of refs) {
      const spec = specs.get(ref.asset) as AssetSpecJson;
      for (const parent of parentsInRun(spec, ref, specs, valid, resolve)) {
        if (stepOf.get(apId(parent)) === index) {
          siblingParents.set(ref.asset, (siblingParents.get(ref.asset) ?? new Set()).add(parent.asset));
        } else {
          parents.set(apId(parent), parent);
        }
      }
    }
    // Order members so that siblings a member reads come first (depth-first, key order).
    const ordered: AssetPartitionRef[] = [];
    const placed = new Set<string>();
    const place = (ref: AssetPartitionRef, depth: number): void => {
      if (placed.has(ref.asset) || depth > refs.length) return;
      for (const siblingKey of [...(siblingParents.get(ref.asset) ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
        const sibling = refs.find((r) => r.asset === siblingKey);
        if (sibling) place(sibling, depth + 1);
      }
      placed.add(ref.asset);
      ordered.push(ref);
    };
    refs.forEach((ref) => place(ref, 0));
    const multiName = definitions.get(refs[0]?.asset ?? '')?.spec.multiAsset;
    return {
      members: ordered.map((ref) => ({ ref, definition: definitions.get(ref.asset) as AssetDefinition })),
      multi: multiName === undefined ? null : (multis.get(multiName) ?? null),
      parents: [...parents.values()].sort(compareAssetPartitions),
    };
  });

  // Kahn's algorithm, one level at a time, each level sorted by its first member.
  const remaining = new Set(steps.map((_, i) => i));
  const ordered: Step[] = [];
  const done = new Set<string>();
  const firstRef = (step: Step): AssetPartitionRef => step.members[0]?.ref ?? { asset: '', partition: null };
  while (remaining.size > 0) {
    let level = [...remaining].filter((i) => steps[i]?.parents.every((p) => done.has(apId(p))));
    // Cannot happen for a validated location; if it ever does, run the rest in stable order.
    if (level.length === 0) level = [...remaining];
    level.sort((a, b) => compareAssetPartitions(firstRef(steps[a] as Step), firstRef(steps[b] as Step)));
    for (const i of level) {
      const step = steps[i] as Step;
      ordered.push(step);
      remaining.delete(i);
      for (const m of step.members) done.add(apId(m.ref));
    }
  }
  return { steps: ordered, invalid };
}
