// Pure parts of the API: selections, request validation naming the field, query parameters.
import { buildAssetGraph, type AssetSpec } from '@freshet/domain';
import { resolveSelection } from './commands/selection';
import { InvalidRequestError } from './errors';
import { BackfillBody, MaterializeBody, instantParam, intParam, validate } from './http/schemas';

const spec = (key: string, deps: string[] = [], kind: AssetSpec['kind'] = 'materializable'): AssetSpec => ({ key, deps, kind, codeLocation: 'loc' });
const graph = buildAssetGraph([spec('src', [], 'observableSource'), spec('a', ['src']), spec('b', ['a']), spec('c', ['b']), spec('z')]);
const keys = (selection: string): string[] => resolveSelection(graph, selection).map((n) => n.key);

function fieldOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.field;
    throw error;
  }
  return '(no error)';
}

describe('asset selections', () => {
  it('take keys, downstream (key+), upstream (+key) and everything (*), in dependency order, sources left out', () => {
    expect(keys('b')).toEqual(['b']);
    expect(keys('a+')).toEqual(['a', 'b', 'c']);
    expect(keys('+b')).toEqual(['a', 'b']);
    expect(keys('c, z')).toEqual(['z', 'c']);
    expect(keys('*')).toEqual(['z', 'a', 'b', 'c']);
  });

  it('reject unknown assets, sources named directly and empty selections, naming the field', () => {
    expect(() => keys('nope')).toThrow('selection: unknown asset "nope"');
    expect(() => keys('src')).toThrow('selection: "src" is a source: it is observed, not materialized');
    expect(() => keys(' , ')).toThrow('selection: name at least one asset');
  });
});

describe('request validation', () => {
  it('names the missing, mistyped or unknown field', () => {
    expect(fieldOf(() => validate(MaterializeBody, {}))).toBe('selection');
    expect(fieldOf(() => validate(MaterializeBody, { selection: '' }))).toBe('selection');
    expect(fieldOf(() => validate(MaterializeBody, { selection: 'a', partition: 3 }))).toBe('partition');
    expect(fieldOf(() => validate(MaterializeBody, { selection: 'a', extra: 1 }))).toBe('extra');
    expect(fieldOf(() => validate(MaterializeBody, [1]))).toBe('body');
    expect(fieldOf(() => validate(BackfillBody, { asset: 'a', from: 'x' }))).toBe('to');
    expect(fieldOf(() => validate(BackfillBody, { asset: 'a', from: 'x', to: 'y', downstream: 1 }))).toBe('downstream');
    expect(validate(BackfillBody, { asset: 'a', from: 'x', to: 'y', downstream: true })).toEqual({ asset: 'a', from: 'x', to: 'y', downstream: true });
  });

  it('checks query parameters', () => {
    expect(intParam('limit', undefined, 100, 1, 10)).toBe(100);
    expect(intParam('limit', '7', 100, 1, 10)).toBe(7);
    expect(fieldOf(() => intParam('limit', '11', 100, 1, 10))).toBe('limit');
    expect(fieldOf(() => intParam('limit', '2.5', 100, 1, 10))).toBe('limit');
    expect(instantParam('at', undefined, 42)).toBe(42);
    expect(instantParam('at', '2024-01-01T09:00:00Z', 0)).toBe(Date.UTC(2024, 0, 1, 9));
    expect(instantParam('at', '2024-01-01T10:00+01:00', 0)).toBe(Date.UTC(2024, 0, 1, 9));
    expect(fieldOf(() => instantParam('at', '2024-01-01 09:00', 0))).toBe('at');
  });
});

describe('a standby planner replica', () => {
  it('answers state reads with NotLeadingError (503), never with stale or empty data', async () => {
    const { ApiService } = await import('./api.service');
    const { NotLeadingError } = await import('./errors');
    const { FreshetMetrics, HealthChecks } = await import('@freshet/observability');
    const standby = { latestTick: () => null, isLeader: false, currentEpoch: null, requestTick: () => undefined, onTick: () => undefined };
    const service = new ApiService({
      planner: standby as unknown as ConstructorParameters<typeof ApiService>[0]['planner'],
      eventLog: {} as ConstructorParameters<typeof ApiService>[0]['eventLog'],
      auth: { token: 't', openReads: false },
      health: new HealthChecks(),
      metrics: new FreshetMetrics('test'),
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    });
    expect(() => service.assets()).toThrow(NotLeadingError);
    expect(() => service.asset('a')).toThrow(NotLeadingError);
    await expect(service.materialize({ selection: 'a' })).rejects.toThrow(NotLeadingError);
    await expect(service.backfill({ asset: 'a', from: '2024-01-01', to: '2024-01-02' })).rejects.toThrow(NotLeadingError);
  });
});
