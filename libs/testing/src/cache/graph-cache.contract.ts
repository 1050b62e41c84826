import { DuplicateAssetKeyError, GraphCycleError, type GraphCache, type GraphInput } from '@freshet/cache';

export interface GraphCacheContractHarness {
  /** Opens the cache once for the file, isolated from other files (own key prefix). */
  open(): Promise<GraphCache>;
  /** Tears down what `open` created (the suite flushes the cache itself). */
  dispose?(): Promise<void>;
}

/** raw_orders (source, outside the graph) → orders → {daily_revenue, customers_orders}; events is self-dependent. */
const SHOP: GraphInput = {
  assets: [
    { key: 'daily_revenue', deps: ['orders'], spec: { kind: 'asset', codeVersion: '2', freshness: { maximumLagMinutes: 60 } } },
    { key: 'orders', deps: ['raw_orders'], spec: { kind: 'asset', codeVersion: '1', partitions: null } },
    { key: 'customers_orders', deps: ['orders', 'customers'], spec: { kind: 'asset' } },
    { key: 'customers', deps: [], spec: { kind: 'asset', automation: 'eager' } },
    { key: 'events', deps: ['events'], spec: { kind: 'asset', partitions: { type: 'daily', start: '2026-01-01' } } },
  ],
  meta: { codeLocations: ['shop'] },
};

/** The same definitions written differently: other asset order, dep order, spec key order. */
const SHOP_REORDERED: GraphInput = {
  assets: [
    { key: 'events', deps: ['events'], spec: { partitions: { start: '2026-01-01', type: 'daily' }, kind: 'asset' } },
    { key: 'customers', deps: [], spec: { automation: 'eager', kind: 'asset' } },
    { key: 'customers_orders', deps: ['customers', 'orders', 'customers'], spec: { kind: 'asset' } },
    { key: 'orders', deps: ['raw_orders'], spec: { partitions: null, codeVersion: '1', kind: 'asset' } },
    { key: 'daily_revenue', deps: ['orders'], spec: { freshness: { maximumLagMinutes: 60 }, codeVersion: '2', kind: 'asset' } },
  ],
  meta: { codeLocations: ['shop'] },
};

/**
 * The behaviour every GraphCache adapter must show; run against the in-memory cache (unit) and
 * Redis (integration) so `freshet dev` and production read the same answers.
 */
export function describeGraphCacheContract(adapterName: string, harness: GraphCacheContractHarness): void {
  describe(`GraphCache contract: ${adapterName}`, () => {
    let cache: GraphCache;

    beforeAll(async () => {
      cache = await harness.open();
    });
    beforeEach(async () => {
      await cache.flush();
    });
    afterAll(async () => {
      await cache?.flush();
      await harness.dispose?.();
    });

    describe('graph', () => {
      it('has no graph before the first publish', async () => {
        expect(await cache.getCurrentVersion()).toBeNull();
        expect(await cache.getCurrentGraph()).toBeNull();
        expect(await cache.getAsset('orders')).toBeNull();
        expect(await cache.getUpstream('orders')).toEqual([]);
        expect(await cache.getTopologicalOrder()).toEqual([]);
      });

      it('versions a graph by the sha256 of its canonical definitions', async () => {
        const first = await cache.publishGraph(SHOP);
        expect(first.version).toMatch(/^[0-9a-f]{64}$/);
        expect(first).toMatchObject({ previousVersion: null, changed: true });
        const same = await cache.publishGraph(SHOP_REORDERED);
        expect(same).toEqual({ version: first.version, previousVersion: first.version, changed: false });

        const changed = await cache.publishGraph({ ...SHOP, assets: SHOP.assets.map((a) => (a.key === 'orders' ? { ...a, spec: { kind: 'asset', codeVersion: '2' } } : a)) });
        expect(changed.version).not.toBe(first.version);
        expect(changed).toMatchObject({ previousVersion: first.version, changed: true });
        expect(await cache.getCurrentVersion()).toBe(changed.version);
      });

      it('returns the current graph in topological order with ranks and meta', async () => {
        const { version } = await cache.publishGraph(SHOP);
        const graph = await cache.getCurrentGraph();
        expect(graph?.version).toBe(version);
        expect(graph?.meta).toEqual({ codeLocations: ['shop'] });
        expect(graph?.assets.map((a) => [a.key, a.rank])).toEqual([
          ['customers', 0],
          ['events', 0],
          ['orders', 0],
          ['customers_orders', 1],
          ['daily_revenue', 1],
        ]);
        expect(graph?.assets.find((a) => a.key === 'customers_orders')?.deps).toEqual(['customers', 'orders']);
        expect(await cache.getTopologicalOrder()).toEqual(['customers', 'events', 'orders', 'customers_orders', 'daily_revenue']);
      });

      it('answers point look-ups: one asset, its parents, its children', async () => {
        await cache.publishGraph(SHOP);
        expect(await cache.getAsset('daily_revenue')).toEqual({
          key: 'daily_revenue',
          deps: ['orders'],
          rank: 1,
          spec: { kind: 'asset', codeVersion: '2', freshness: { maximumLagMinutes: 60 } },
        });
        expect(await cache.getAsset('raw_orders')).toBeNull();
        expect(await cache.getUpstream('customers_orders')).toEqual(['customers', 'orders']);
        expect(await cache.getUpstream('orders')).toEqual(['raw_orders']);
        expect(await cache.getDownstream('orders')).toEqual(['customers_orders', 'daily_revenue']);
        expect(await cache.getDownstream('daily_revenue')).toEqual([]);
        expect(await cache.getUpstream('events')).toEqual(['events']);
        expect(await cache.getDownstream('events')).toEqual(['events']);
      });

      it('switches readers to the new version, and back to an old one', async () => {
        const v1 = await cache.publishGraph(SHOP);
        const v2 = await cache.publishGraph({ assets: [{ key: 'orders', deps: [], spec: { kind: 'asset', codeVersion: '9' } }] });
        expect(await cache.getAsset('daily_revenue')).toBeNull();
        expect(await cache.getDownstream('orders')).toEqual([]);
        expect((await cache.getAsset('orders'))?.spec).toEqual({ kind: 'asset', codeVersion: '9' });
        expect((await cache.getCurrentGraph())?.meta).toBeNull();

        const back = await cache.publishGraph(SHOP);
        expect(back).toEqual({ version: v1.version, previousVersion: v2.version, changed: true });
        expect(await cache.getDownstream('orders')).toEqual(['customers_orders', 'daily_revenue']);
        expect((await cache.getCurrentGraph())?.assets).toHaveLength(5);
      });

      it('refuses a cyclic graph or a repeated asset key and keeps the current one', async () => {
        const { version } = await cache.publishGraph(SHOP);
        const cyclic: GraphInput = {
          assets: [
            { key: 'a', deps: ['c'], spec: null },
            { key: 'b', deps: ['a'], spec: null },
            { key: 'c', deps: ['b'], spec: null },
            { key: 'd', deps: [], spec: null },
          ],
        };
        await expect(cache.publishGraph(cyclic)).rejects.toThrow(GraphCycleError);
        await expect(cache.publishGraph(cyclic)).rejects.toMatchObject({ assetKeys: ['a', 'b', 'c'] });
        await expect(cache.publishGraph({ assets: [SHOP.assets[0]!, SHOP.assets[0]!] })).rejects.toThrow(DuplicateAssetKeyError);
        expect(await cache.getCurrentVersion()).toBe(version);
      });

      it('ranks a long chain', async () => {
        const assets = Array.from({ length: 3000 }, (_, i) => ({ key: `a${String(i).padStart(4, '0')}`, deps: i === 0 ? [] : [`a${String(i - 1).padStart(4, '0')}`], spec: { i } }));
        await cache.publishGraph({ assets: [...assets].reverse() });
        const order = await cache.getTopologicalOrder();
        expect(order).toEqual(assets.map((a) => a.key));
        expect((await cache.getAsset('a2999'))?.rank).toBe(2999);
      });
    });

    describe('asset state', () => {
      it('stores the latest state per asset partition and lists them in a stable order', async () => {
        expect(await cache.getAssetState('orders', null)).toBeNull();
        expect(await cache.setAssetState('orders', null, { storageId: 10, dataVersion: 'v1', at: 1000 })).toBe(true);
        expect(await cache.setAssetState('events', '2026-01-02', { storageId: 12, dataVersion: 'e2' })).toBe(true);
        expect(await cache.setAssetState('events', '2026-01-01', { storageId: 11, dataVersion: 'e1' })).toBe(true);
        expect(await cache.setAssetState('events', null, { storageId: 3, note: 'odd but allowed' })).toBe(true);

        expect(await cache.getAssetState('orders', null)).toEqual({ storageId: 10, dataVersion: 'v1', at: 1000 });
        expect(await cache.getAssetState('orders', '2026-01-01')).toBeNull();
        expect((await cache.getAllAssetStates()).map((e) => [e.assetKey, e.partitionKey, e.state.storageId])).toEqual([
          ['events', null, 3],
          ['events', '2026-01-01', 11],
          ['events', '2026-01-02', 12],
          ['orders', null, 10],
        ]);
      });

      it('never moves a state backwards in storage id', async () => {
        await cache.setAssetState('orders', 'p', { storageId: 20, dataVersion: 'new' });
        expect(await cache.setAssetState('orders', 'p', { storageId: 19, dataVersion: 'old' })).toBe(false);
        expect(await cache.setAssetState('orders', 'p', { storageId: 20, dataVersion: 'same id' })).toBe(false);
        expect((await cache.getAssetState('orders', 'p'))?.['dataVersion']).toBe('new');
        expect(await cache.setAssetState('orders', 'p', { storageId: 21, dataVersion: 'newer' })).toBe(true);
        expect((await cache.getAssetState('orders', 'p'))?.['dataVersion']).toBe('newer');
      });

      it('keeps the partition keys that look like markers apart', async () => {
        await cache.setAssetState('a', null, { storageId: 1 });
        await cache.setAssetState('a', '~', { storageId: 2 });
        await cache.setAssetState('a', '', { storageId: 3 });
        expect(await cache.getAssetState('a', null)).toEqual({ storageId: 1 });
        expect(await cache.getAssetState('a', '~')).toEqual({ storageId: 2 });
        expect(await cache.getAssetState('a', '')).toEqual({ storageId: 3 });
      });

      it('refuses a state without a valid storage id', async () => {
        await expect(cache.setAssetState('a', null, { storageId: -1 })).rejects.toThrow(/storageId/);
        await expect(cache.setAssetState('a', null, { storageId: 1.5 })).rejects.toThrow(/storageId/);
      });

      it('forgets everything on flush', async () => {
        await cache.publishGraph(SHOP);
        await cache.setAssetState('orders', null, { storageId: 1 });
        await cache.flush();
        expect(await cache.getCurrentGraph()).toBeNull();
        expect(await cache.getAllAssetStates()).toEqual([]);
        expect(await cache.getAssetState('orders', null)).toBeNull();
      });
    });
  });
}
