// The JSON asset specs of a code location: what it publishes on the definitions topic and what a
// scenario file's `assets` holds. Sorted by key, each naming its code location.
import type { AssetSpecJson } from './spec-types';
import type { CodeLocation } from './types';

export function toAssetSpecs(location: CodeLocation): AssetSpecJson[] {
  const all = [...location.sources.map((s) => s.spec), ...location.assets.map((a) => a.spec)];
  return all
    .map((spec) => ({ ...spec, codeLocation: location.name }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
