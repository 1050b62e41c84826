// Data time through input pointers (reference §1.2): roots, children, observable sources,
// time-partitioned prefixes, in-progress and failed runs.

import { play } from '../simulate/play';
import { parseInstant } from '../time';
import { currentDataTime, effectiveDataTime, failedDataTime, inProgressDataTime } from './data-time';

const t = (hhmm: string): number => parseInstant(`2024-01-01T${hhmm}:00Z`);

function dataTimeOf(p: ReturnType<typeof play>, key: string, at = p.sim.clock): number | null {
  return currentDataTime(p.sim.graph.get(key)!, p.sim.state, at);
}

describe('current data time', () => {
  const diamond = [{ key: 'a' }, { key: 'b', deps: ['a'] }, { key: 'c', deps: ['a'] }, { key: 'd', deps: ['b', 'c'] }];

  it('is a root materialization time, and the oldest root data a child incorporates', () => {
    const p = play(diamond, [{ run: { assets: ['a', 'b', 'c', 'd'] }, at: '2024-01-01T01:00:00Z' }, { run: { assets: ['a', 'c'] }, at: '2024-01-01T02:00:00Z' }], { defaultAutomation: 'none' });
    expect(dataTimeOf(p, 'a')).toBe(t('02:00'));
    expect(dataTimeOf(p, 'c')).toBe(t('02:00'));
    // d consumed b and c of 01:00; b still holds 01:00 data.
    expect(dataTimeOf(p, 'b')).toBe(t('01:00'));
    expect(dataTimeOf(p, 'd')).toBe(t('01:00'));
  });

  it('is unknown for a never-materialized asset and for a child of a missing root', () => {
    const p = play([{ key: 'a' }, { key: 'b' }, { key: 'c', deps: ['a', 'b'] }], [{ run: { assets: ['a', 'c'] } }], { defaultAutomation: 'none' });
    expect(dataTimeOf(p, 'b')).toBeNull();
    expect(dataTimeOf(p, 'c')).toBe(t('00:00'));
  });

  it('treats an asset whose only parents are plain sources as a root', () => {
    const p = play([{ key: 's', kind: 'source' }, { key: 'a', deps: ['s'] }], [{ run: { assets: ['a'] }, at: '2024-01-01T03:00:00Z' }], { defaultAutomation: 'none' });
    expect(dataTimeOf(p, 'a')).toBe(t('03:00'));
  });

  it('follows observable sources: now while the consumed version is newest, else the next version time', () => {
    const p = play(
      [{ key: 'src', kind: 'observableSource' }, { key: 'a', deps: ['src'] }],
      [
        { observe: { asset: 'src', dataVersion: 'v1' }, at: '2024-01-01T01:00:00Z' },
        { run: { assets: ['a'] }, at: '2024-01-01T02:00:00Z' },
        { observe: { asset: 'src', dataVersion: 'v1' }, at: '2024-01-01T03:00:00Z' },
      ],
      { defaultAutomation: 'none' },
    );
    expect(dataTimeOf(p, 'a', t('05:00'))).toBe(t('05:00'));
    p.sim.step({ index: 9, at: t('06:00'), advanceMs: null, action: { kind: 'observe', asset: 'src', dataVersion: 'v2', partition: null } });
    expect(dataTimeOf(p, 'a', t('07:00'))).toBe(t('06:00'));
  });

  it('is the end of the contiguous materialized prefix for a time-partitioned asset', () => {
    const assets = [{ key: 'h', partitions: { kind: 'daily', start: '2024-01-01' } }];
    const p = play(
      assets,
      [
        { run: { assets: ['h'], partition: '2024-01-01' } },
        { run: { assets: ['h'], partition: '2024-01-03' } },
      ],
      { defaultAutomation: 'none', start: '2024-01-05T00:00:00Z' },
    );
    expect(dataTimeOf(p, 'h')).toBe(parseInstant('2024-01-02T00:00:00Z'));
    const q = play(assets, [{ run: { assets: ['h'], partition: '2024-01-02' } }], { defaultAutomation: 'none', start: '2024-01-05T00:00:00Z' });
    expect(dataTimeOf(q, 'h')).toBeNull();
  });
});

describe('in-progress, failed and effective data time', () => {
  const chain = [{ key: 'a' }, { key: 'b', deps: ['a'] }];

  it('counts a run in flight as if it completed now', () => {
    const p = play(chain, [{ run: { assets: ['a', 'b'] } }, { run: { id: 'r', assets: ['a', 'b'], status: 'inProgress', materialized: ['a'] }, at: '2024-01-01T01:00:00Z' }], { defaultAutomation: 'none' });
    const b = p.sim.graph.get('b')!;
    expect(inProgressDataTime(p.sim.graph, p.sim.state, b, t('01:30'))).toBe(t('01:00'));
    expect(effectiveDataTime(p.sim.graph, p.sim.state, b, t('01:30'))).toBe(t('01:00'));
    expect(currentDataTime(b, p.sim.state, t('01:30'))).toBe(t('00:00'));
  });

  it('counts a failed attempt as data time at the failure instant (retry back-off)', () => {
    const p = play(chain, [{ run: { assets: ['a', 'b'] } }, { run: { assets: ['a'], failed: ['b'] }, at: '2024-01-01T02:00:00Z' }], { defaultAutomation: 'none' });
    const b = p.sim.graph.get('b')!;
    expect(failedDataTime(p.sim.graph, p.sim.state, b, t('02:10'))).toBe(t('02:00'));
    expect(effectiveDataTime(p.sim.graph, p.sim.state, b, t('02:10'))).toBe(t('02:00'));
  });
});
