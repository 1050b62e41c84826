// The SDK hook dbt needs: a multi-asset may fail some members while others materialize.
import { createInMemoryExecutionEnv } from '@freshet/testing';
import { asset, defineCodeLocation, executeRun, type MultiAssetDefinition } from '@freshet/sdk';

const multi: MultiAssetDefinition = {
  definitionKind: 'multiAsset',
  name: 'models',
  canSubset: true,
  timeoutMs: null,
  specs: [
    { key: 'a', kind: 'materializable', codeVersion: '1', multiAsset: 'models', canSubset: true },
    { key: 'b', kind: 'materializable', deps: ['a'], codeVersion: '2', multiAsset: 'models', canSubset: true },
    { key: 'c', kind: 'materializable', deps: ['b'], codeVersion: '3', multiAsset: 'models', canSubset: true },
  ],
  compute: () => ({
    a: { metadata: { rows: 1 } },
    b: { failed: true, error: { name: 'DbtNodeFailed', message: 'dbt test unique_b failed' } },
    c: { failed: true, error: { name: 'UpstreamFailed', message: 'skipped by dbt' }, blockedBy: 'b' },
  }),
};

describe('a multi-asset reporting per-member failures', () => {
  it('materializes the members that succeeded, fails the failed one, blocks the skipped one and what reads them', async () => {
    const location = defineCodeLocation({ name: 'mixed', assets: [multi, asset({ key: 'report', deps: ['c'], compute: () => undefined })] });
    const env = createInMemoryExecutionEnv();
    const result = await executeRun(location, { runId: 'r1', attempt: 1, assetPartitions: ['a', 'b', 'c', 'report'].map((key) => ({ asset: key, partition: null })) }, env);
    expect(result.status).toBe('failed');
    expect(result.materialized.map((m) => [m.asset, m.codeVersion, m.metadata])).toEqual([['a', '1', { rows: 1 }]]);
    expect(result.failed.map((f) => [f.asset, f.kind, f.error.message])).toEqual([['b', 'error', 'dbt test unique_b failed']]);
    expect(result.skipped.map((f) => [f.asset, f.kind, f.blockedBy?.asset])).toEqual([
      ['c', 'upstreamFailed', 'b'],
      // The executor names the root cause, not the nearest skipped parent.
      ['report', 'upstreamFailed', 'b'],
    ]);
  });
});
