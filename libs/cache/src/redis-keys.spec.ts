import { canonicalJson, RedisKeys } from '@freshet/cache';

describe('RedisKeys', () => {
  const keys = new RedisKeys('freshet');

  it('puts every key under <prefix>:v1: and one graph version under one hash tag', () => {
    expect(keys.graphCurrent()).toBe('freshet:v1:graph:current');
    expect(keys.graphBlob('abc')).toBe('freshet:v1:graph:{abc}:blob');
    expect(keys.graphAssets('abc')).toBe('freshet:v1:graph:{abc}:assets');
    expect(keys.graphAsset('abc', 'raw/orders')).toBe('freshet:v1:graph:{abc}:asset:raw/orders');
    expect(keys.graphUpstream('abc', 'o')).toBe('freshet:v1:graph:{abc}:up:o');
    expect(keys.graphDownstream('abc', 'o')).toBe('freshet:v1:graph:{abc}:down:o');
    expect(keys.stateIndex()).toBe('freshet:v1:state:assets');
    expect(keys.assetState('o')).toBe('freshet:v1:state:asset:o');
    expect(keys.lease('planner')).toBe('freshet:v1:lease:planner');
    expect(keys.leaseEpoch('planner')).toBe('freshet:v1:lease:planner:epoch');
    expect(keys.everything()).toBe('freshet:v1:*');
  });

  it('encodes partition fields so null, "~" and "" stay distinct and round-trip', () => {
    for (const partition of [null, '~', '', '=', '2026-01-01']) {
      expect(keys.partitionFromField(keys.partitionField(partition))).toBe(partition);
    }
    expect(new Set([null, '~', ''].map((p) => keys.partitionField(p))).size).toBe(3);
    expect(() => keys.partitionFromField('x')).toThrow(/partition field/);
  });

  it('refuses a prefix that would make the flush pattern match other keys', () => {
    for (const prefix of ['', 'a*', 'a?', 'a[b]', 'a b', 'a\\b']) expect(() => new RedisKeys(prefix)).toThrow(/prefix/);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: undefined, b: 'x' } as unknown as { b: string })).toBe('{"b":"x"}');
  });

  it('refuses numbers JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/not representable/);
    expect(() => canonicalJson({ x: Number.POSITIVE_INFINITY })).toThrow(/not representable/);
  });
});
