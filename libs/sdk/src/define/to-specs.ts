// The JSON asset specs of a code location: what it publishes on the definitions topic and what a
// scenario file's `assets` holds. Sorted by key, each naming its code location. The planner's spec
// form has no documentation fields, so `description` and `group` are left out unless asked for.
import type { AssetSpecJson } from './spec-types';
import type { CodeLocation } from './types';

export interface ToAssetSpecsOptions {
  /** Keep `description` and `group` (for UIs and catalogs; the planner's parser rejects them). */
  readonly includeDocs?: boolean;
}

export function toAssetSpecs(location: CodeLocation, options: ToAssetSpecsOptions = {}): AssetSpecJson[] {
  const all = [...location.sources.map((s) => s.spec), ...location.assets.map((a) => a.spec)];
  return all
    .map((spec): AssetSpecJson => {
      const { description, group, ...planned } = spec;
      const docs = options.includeDocs ? { ...(description === undefined ? {} : { description }), ...(group === undefined ? {} : { group }) } : {};
      return { ...planned, ...docs, codeLocation: location.name };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
