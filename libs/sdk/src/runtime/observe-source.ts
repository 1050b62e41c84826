// Calls an observable source's observe function, for the observer service and `freshet dev`.
import { randomUUID } from 'node:crypto';
import type { CodeLocation, Metadata, ObservableSourceDefinition } from '../define/types';
import type { ResourceAccess } from '../resources/resource';
import { createRunLogger, stdoutJsonSink, type LogSink } from './logger';
import { withTimeout } from './timeout';

export interface Observation {
  readonly asset: string;
  readonly partition: string | null;
  readonly dataVersion: string;
  readonly metadata: Metadata;
  /** When the data last changed, if the source said; epoch ms. */
  readonly dataTime: number | null;
  readonly observedAt: number;
}

export class NotObservableError extends Error {
  override readonly name = 'NotObservableError';
}

export function observableSourceOf(location: CodeLocation, key: string): ObservableSourceDefinition {
  const found = location.sources.find((s) => s.spec.key === key);
  if (found?.definitionKind !== 'observableSource') {
    throw new NotObservableError(`${key} is not an observable source of code location ${location.name}`);
  }
  return found;
}

export interface ObserveOptions {
  readonly partition?: string | null;
  readonly resources: ResourceAccess;
  readonly now?: () => number;
  readonly log?: LogSink;
  readonly newId?: () => string;
}

/** Observes one source (partition). Null when the source reports nothing yet (e.g. a file not there). */
export async function observeSource(location: CodeLocation, key: string, options: ObserveOptions): Promise<Observation | null> {
  const definition = observableSourceOf(location, key);
  const now = options.now ?? Date.now;
  const partition = options.partition ?? null;
  const logger = createRunLogger({ runId: `observe-${(options.newId ?? randomUUID)()}`, attempt: 1, asset: key, partition }, options.log ?? stdoutJsonSink, now);
  const result = await withTimeout(
    async (signal) => definition.observe({ asset: key, partition, logger, resources: options.resources, signal }),
    definition.timeoutMs,
  );
  if (result === null) return null;
  const normalized = typeof result === 'string' ? { dataVersion: result } : result;
  return {
    asset: key,
    partition,
    dataVersion: normalized.dataVersion,
    metadata: normalized.metadata ?? {},
    dataTime: normalized.dataTime ?? null,
    observedAt: now(),
  };
}
