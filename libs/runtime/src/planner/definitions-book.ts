// The definitions the planner knows: the latest specs of each code location, merged into one
// graph. A new definitions record tells what changed, so the planner can record code deploys
// (the domain's `codeVersionDeployed`) and which assets the change touched.
import { buildAssetGraph, type AssetGraph, type AssetSpec } from '@freshet/domain';
import type { DefinitionsV1 } from '@freshet/contracts';
import { canonicalJson, type JsonValue } from '@freshet/cache';

// Specs are JSON by construction (they arrive as JSON on the definitions topic).
const asJson = (spec: AssetSpec | undefined): JsonValue => (spec ?? null) as unknown as JsonValue;

export interface DefinitionsDiff {
  /** Assets added, removed or changed, sorted. */
  readonly changed: readonly string[];
  /** Assets whose code version changed (not new ones), sorted by key. */
  readonly codeVersions: readonly { readonly asset: string; readonly codeVersion: string | null }[];
}

const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export class DefinitionsBook {
  private readonly locations = new Map<string, readonly AssetSpec[]>();

  /** Every spec of every location, sorted by key, each tagged with its code location. */
  specs(): AssetSpec[] {
    const all: AssetSpec[] = [];
    for (const [location, specs] of this.locations) for (const spec of specs) all.push({ ...spec, codeLocation: location });
    return all.sort(byKey);
  }

  get isEmpty(): boolean {
    return this.locations.size === 0;
  }

  locationNames(): string[] {
    return [...this.locations.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** What replacing a location's specs with `payload` would change; does not apply it. */
  diff(payload: DefinitionsV1): DefinitionsDiff {
    const before = new Map((this.locations.get(payload.codeLocation) ?? []).map((s) => [s.key, s]));
    const after = new Map(toDomainSpecs(payload).map((s) => [s.key, s]));
    const keys = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const changed: string[] = [];
    const codeVersions: { asset: string; codeVersion: string | null }[] = [];
    for (const key of keys) {
      const a = before.get(key);
      const b = after.get(key);
      if (canonicalJson(asJson(a)) !== canonicalJson(asJson(b))) changed.push(key);
      if (a && b && (a.codeVersion ?? null) !== (b.codeVersion ?? null)) codeVersions.push({ asset: key, codeVersion: b.codeVersion ?? null });
    }
    return { changed, codeVersions };
  }

  /** The graph with `payload` applied, or throws InvalidSpecsError; applies nothing. */
  graphWith(payload: DefinitionsV1): AssetGraph {
    const next = new Map(this.locations);
    next.set(payload.codeLocation, toDomainSpecs(payload));
    const all: AssetSpec[] = [];
    for (const [location, specs] of next) for (const spec of specs) all.push({ ...spec, codeLocation: location });
    return buildAssetGraph(all.sort(byKey));
  }

  apply(payload: DefinitionsV1): void {
    this.locations.set(payload.codeLocation, toDomainSpecs(payload));
  }
}

/** The contract's specs are the domain's JSON form; the domain validates them when it builds the graph. */
export function toDomainSpecs(payload: DefinitionsV1): AssetSpec[] {
  return (payload.assets as unknown as AssetSpec[]).map((spec) => ({ ...spec, codeLocation: payload.codeLocation })).sort(byKey);
}
