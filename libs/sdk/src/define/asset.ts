// `asset({...})`: a materializable asset computed by a TypeScript function.
import { checkSpecFields, specFromFields, timeoutMs } from './validate-fields';
import type { AssetDefinition, AssetSpecFields, ComputeFn, ExecutionOptions } from './types';

export interface AssetOptions extends AssetSpecFields, ExecutionOptions {
  readonly compute: ComputeFn;
}

export function asset(options: AssetOptions): AssetDefinition {
  checkSpecFields(options, 'asset()');
  return {
    definitionKind: 'asset',
    type: 'compute',
    spec: specFromFields(options),
    compute: options.compute,
    timeoutMs: timeoutMs(options.timeoutSeconds, options.key),
    describe: null,
  };
}
