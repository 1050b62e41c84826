// Staleness per asset partition: direct causes only (not transitive).

import { play } from '../simulate/play';
import { fnv1a64 } from './hash';
import { staleCauseSentence, stalenessOf } from './staleness';

function status(p: ReturnType<typeof play>, key: string): unknown {
  return stalenessOf(p.sim.graph, p.sim.state, p.sim.graph.get(key)!, 0, p.sim.clock);
}

describe('staleness', () => {
  const versioned = [
    { key: 'src', kind: 'observableSource' },
    { key: 'a', deps: ['src'], codeVersion: '1' },
    { key: 'b', deps: ['a'] },
    { key: 'c', deps: ['b'] },
  ];

  it('is missing before the first materialization and fresh after', () => {
    const p = play(versioned, [{ observe: { asset: 'src', dataVersion: 'v1' } }], { defaultAutomation: 'none' });
    expect(status(p, 'a')).toEqual({ status: 'missing' });
    p.sim.step({ index: 1, at: null, advanceMs: null, action: { kind: 'run', id: null, assets: ['a', 'b', 'c'], partition: null, failed: [], inProgress: false, materialized: [] } });
    expect(status(p, 'a')).toEqual({ status: 'fresh' });
    expect(status(p, 'c')).toEqual({ status: 'fresh' });
  });

  it('names a new code version, and is not transitive', () => {
    const p = play(versioned, [{ observe: { asset: 'src', dataVersion: 'v1' } }, { run: { assets: ['a', 'b', 'c'] } }, { codeVersion: { asset: 'a', version: '2' } }], {
      defaultAutomation: 'none',
    });
    expect(status(p, 'a')).toEqual({ status: 'stale', causes: [{ cause: 'codeVersionChanged' }] });
    expect(status(p, 'b')).toEqual({ status: 'fresh' });
  });

  it('tells a new parent data version (versioned parent) from a new materialization (unversioned)', () => {
    const p = play(versioned, [{ observe: { asset: 'src', dataVersion: 'v1' } }, { run: { assets: ['a', 'b', 'c'] } }, { observe: { asset: 'src', dataVersion: 'v2' } }, { run: { assets: ['a', 'b'] } }], {
      defaultAutomation: 'none',
    });
    expect(status(p, 'b')).toEqual({ status: 'fresh' });
    expect(status(p, 'c')).toEqual({ status: 'stale', causes: [{ cause: 'newParentMaterialization', dependency: 'b' }] });
    const q = play(versioned, [{ observe: { asset: 'src', dataVersion: 'v1' } }, { run: { assets: ['a', 'b'] } }, { observe: { asset: 'src', dataVersion: 'v2' } }, { run: { assets: ['a'] } }], {
      defaultAutomation: 'none',
    });
    expect(status(q, 'a')).toEqual({ status: 'fresh' });
    expect(status(q, 'b')).toEqual({ status: 'stale', causes: [{ cause: 'newParentDataVersion', dependency: 'a' }] });
  });

  it('becomes fresh again when the parent returns to the consumed version', () => {
    const p = play(
      versioned,
      [
        { observe: { asset: 'src', dataVersion: 'v1' } },
        { run: { assets: ['a', 'b'] } },
        { observe: { asset: 'src', dataVersion: 'v2' } },
        { run: { assets: ['a'] } },
        { observe: { asset: 'src', dataVersion: 'v1' } },
        { run: { assets: ['a'] } },
      ],
      { defaultAutomation: 'none' },
    );
    expect(status(p, 'b')).toEqual({ status: 'fresh' });
  });

  it('names added and removed dependencies after a definitions change', () => {
    const p = play(
      [{ key: 'a' }, { key: 'b' }, { key: 'c', deps: ['a'] }],
      [{ run: { assets: ['a', 'b', 'c'] } }, { define: { assets: [{ key: 'a' }, { key: 'b' }, { key: 'c', deps: ['b'] }] } }],
      { defaultAutomation: 'none' },
    );
    expect(status(p, 'c')).toEqual({
      status: 'stale',
      causes: [
        { cause: 'dependencyRemoved', dependency: 'a' },
        { cause: 'dependencyAdded', dependency: 'b' },
      ],
    });
  });
});

describe('fnv1a64', () => {
  it('matches the reference vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });
});

describe('fnv1a64 against a BigInt reference', () => {
  const reference = (text: string): string => {
    let hash = 0xcbf29ce484222325n;
    for (const byte of new TextEncoder().encode(text)) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
    return hash.toString(16).padStart(16, '0');
  };
  it.each(['', 'a', 'orders\nparent=v1', 'é€𝄞 mixed ünïcode', 'x'.repeat(1000)])('%s', (text) => {
    expect(fnv1a64(text)).toBe(reference(text));
  });
});

describe('staleCauseSentence', () => {
  it('names the dependency involved, or says which kind of dependency it was', () => {
    expect(staleCauseSentence({ cause: 'newParentDataVersion', dependency: 'orders' })).toBe('orders has a new data version it has not consumed');
    expect(staleCauseSentence({ cause: 'dependencyRemoved' })).toBe('a dependency was removed since it was last materialized');
    expect(staleCauseSentence({ cause: 'codeVersionChanged' })).toBe('its code version changed since it was last materialized');
  });
});
