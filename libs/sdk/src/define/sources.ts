// Sources: assets that exist outside Freshet. An observable source has an `observe` function the
// observer calls on an interval; its data version is what children consume. A plain source is
// only named (it documents a dependency and is invisible to data time).
import { checkKey, specFromFields, timeoutMs } from './validate-fields';
import { DefinitionError } from './errors';
import type { ObservableSourceDefinition, ObserveFn, SourceDefinition } from './types';
import type { PartitionsSpecJson } from './spec-types';

export interface ObservableSourceOptions {
  readonly key: string;
  readonly partitions?: PartitionsSpecJson;
  readonly observe: ObserveFn;
  /** Default 60 s. */
  readonly intervalSeconds?: number;
  /** Report every observation even when the data version is unchanged. Default false. */
  readonly alwaysEmit?: boolean;
  readonly timeoutSeconds?: number;
  readonly description?: string;
  readonly group?: string;
}

export const DEFAULT_OBSERVE_INTERVAL_SECONDS = 60;

export function observableSource(options: ObservableSourceOptions): ObservableSourceDefinition {
  const key = checkKey(options.key, 'observableSource()');
  const intervalSeconds = options.intervalSeconds ?? DEFAULT_OBSERVE_INTERVAL_SECONDS;
  if (!(intervalSeconds > 0)) throw new DefinitionError('invalidSpec', `${key}: intervalSeconds must be > 0`);
  if (typeof options.observe !== 'function') throw new DefinitionError('invalidSpec', `${key}: observe must be a function`);
  return {
    definitionKind: 'observableSource',
    spec: specFromFields(
      { key, partitions: options.partitions, description: options.description, group: options.group },
      { kind: 'observableSource' },
    ),
    observe: options.observe,
    intervalSeconds,
    alwaysEmit: options.alwaysEmit ?? false,
    timeoutMs: timeoutMs(options.timeoutSeconds, key),
  };
}

export interface SourceOptions {
  readonly key: string;
  readonly description?: string;
  readonly group?: string;
}

export function source(options: SourceOptions): SourceDefinition {
  const key = checkKey(options.key, 'source()');
  return {
    definitionKind: 'source',
    spec: specFromFields({ key, description: options.description, group: options.group }, { kind: 'source' }),
  };
}
