// `multiAsset({...})`: several assets produced by one function (one query that writes two tables,
// a model that emits scores and a report). Unless `canSubset`, the planner requests them together.
import { DefinitionError } from './errors';
import { checkKey, checkSpecFields, specFromFields, timeoutMs } from './validate-fields';
import type { AssetSpecFields, ExecutionOptions, MultiAssetDefinition, MultiComputeFn } from './types';

export interface MultiAssetOptions extends ExecutionOptions {
  readonly name: string;
  readonly assets: readonly Omit<AssetSpecFields, 'codeVersion' | 'partitions'>[];
  /** Shared by every member. */
  readonly codeVersion?: string;
  readonly partitions?: AssetSpecFields['partitions'];
  readonly canSubset?: boolean;
  readonly compute: MultiComputeFn;
}

export function multiAsset(options: MultiAssetOptions): MultiAssetDefinition {
  const name = checkKey(options.name, 'multiAsset()');
  if (options.assets.length === 0) throw new DefinitionError('invalidSpec', `multi-asset ${name}: no assets`);
  const canSubset = options.canSubset ?? false;
  const specs = options.assets.map((member) => {
    const fields: AssetSpecFields = { ...member, codeVersion: options.codeVersion, partitions: options.partitions };
    checkSpecFields(fields, `multiAsset(${name})`);
    return specFromFields(fields, { multiAsset: name, canSubset });
  });
  return {
    definitionKind: 'multiAsset',
    name,
    canSubset,
    specs,
    compute: options.compute,
    timeoutMs: timeoutMs(options.timeoutSeconds, name),
  };
}
