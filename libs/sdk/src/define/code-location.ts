// `defineCodeLocation({...})`: the unit a worker pool loads. Checks the whole graph once, when
// defined: unique keys, every dependency declared, no cycles (a partitioned self-dependency with
// a mapping is allowed: "today reads yesterday").
import { DefinitionError } from './errors';
import { checkKey } from './validate-fields';
import { depKey, depMapping } from './spec-types';
import type {
  AssetDefinition,
  CodeLocation,
  ComputeFn,
  MultiAssetDefinition,
  SourceLike,
} from './types';
import type { ResourceDefinition } from '../resources/resource';

export interface CodeLocationOptions {
  readonly name: string;
  readonly assets?: readonly (AssetDefinition | MultiAssetDefinition)[];
  readonly sources?: readonly SourceLike[];
  readonly resources?: Readonly<Record<string, ResourceDefinition>>;
}

const byKey = <T extends { spec: { key: string } }>(a: T, b: T): number =>
  a.spec.key < b.spec.key ? -1 : a.spec.key > b.spec.key ? 1 : 0;

function memberOf(multi: MultiAssetDefinition): ComputeFn {
  return () => {
    throw new Error(`a member of multi-asset ${multi.name} runs only through the multi-asset`);
  };
}

export function isCodeLocation(value: unknown): value is CodeLocation {
  return typeof value === 'object' && value !== null && (value as { definitionKind?: unknown }).definitionKind === 'codeLocation';
}

/** Finds a dependency cycle among materializable assets (self-edges with a mapping excluded). */
function findCycle(assets: readonly AssetDefinition[]): string[] | null {
  const parents = new Map<string, string[]>();
  for (const a of assets) {
    const keys = (a.spec.deps ?? [])
      .filter((dep) => !(depKey(dep) === a.spec.key && depMapping(dep) !== undefined && a.spec.partitions !== undefined))
      .map(depKey)
      .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    parents.set(a.spec.key, keys);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (key: string): string[] | null => {
    const seen = state.get(key);
    if (seen === 'done') return null;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(key)), key];
    state.set(key, 'visiting');
    stack.push(key);
    for (const parent of parents.get(key) ?? []) {
      const cycle = visit(parent);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(key, 'done');
    return null;
  };
  for (const a of assets) {
    const cycle = visit(a.spec.key);
    if (cycle) return cycle;
  }
  return null;
}

export function defineCodeLocation(options: CodeLocationOptions): CodeLocation {
  const name = checkKey(options.name, 'defineCodeLocation()');
  const assets: AssetDefinition[] = [];
  const multiAssets: MultiAssetDefinition[] = [];
  for (const entry of options.assets ?? []) {
    if (entry.definitionKind === 'multiAsset') {
      multiAssets.push(entry);
      for (const spec of entry.specs) {
        assets.push({ definitionKind: 'asset', type: 'compute', spec, compute: memberOf(entry), timeoutMs: entry.timeoutMs, describe: null });
      }
    } else if (entry.definitionKind === 'asset') {
      assets.push(entry);
    } else {
      throw new DefinitionError('invalidSpec', `${name}: assets[] holds something that is not an asset (use asset(), sqlAsset(), shellAsset() or multiAsset())`);
    }
  }
  const sources = [...(options.sources ?? [])];
  for (const s of sources) {
    if (s.definitionKind !== 'source' && s.definitionKind !== 'observableSource') {
      throw new DefinitionError('invalidSpec', `${name}: sources[] holds something that is not a source (use source() or observableSource())`);
    }
  }

  const seen = new Set<string>();
  const multiNames = new Set<string>();
  for (const multi of multiAssets) {
    if (multiNames.has(multi.name)) throw new DefinitionError('duplicateKey', `${name}: two multi-assets are named ${multi.name}`);
    multiNames.add(multi.name);
  }
  for (const def of [...assets, ...sources]) {
    if (seen.has(def.spec.key)) throw new DefinitionError('duplicateKey', `${name}: asset key ${def.spec.key} is defined twice`);
    seen.add(def.spec.key);
  }
  for (const def of assets) {
    for (const dep of def.spec.deps ?? []) {
      const key = depKey(dep);
      if (!seen.has(key)) {
        throw new DefinitionError(
          'unknownDependency',
          `${name}: ${def.spec.key} depends on ${key}, which is not defined here (declare it with source({ key: '${key}' }) if it lives outside Freshet)`,
        );
      }
      if (key === def.spec.key && (def.spec.partitions === undefined || depMapping(dep) === undefined)) {
        throw new DefinitionError('dependencyCycle', `${name}: ${key} depends on itself; only a partitioned asset with a mapping (e.g. timeWindow -1) may`);
      }
    }
  }
  const cycle = findCycle(assets);
  if (cycle) throw new DefinitionError('dependencyCycle', `${name}: dependency cycle ${cycle.join(' → ')}`);

  const resources = { ...(options.resources ?? {}) };
  for (const [resourceName, resource] of Object.entries(resources)) {
    if (resource?.definitionKind !== 'resource') {
      throw new DefinitionError('invalidResource', `${name}: resource ${resourceName} is not a resource definition (use postgresResource(), pgliteResource(), warehouseFromEnv() or defineResource())`);
    }
  }

  return {
    definitionKind: 'codeLocation',
    name,
    assets: assets.sort(byKey),
    multiAssets: multiAssets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    sources: sources.sort(byKey),
    resources,
  };
}
