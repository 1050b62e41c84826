import { readFileSync } from 'node:fs';
import { DBT_SHOP_MANIFEST } from '@freshet/testing';
import { buildProjectGraph, observeIntervalSeconds, readManifest, sourceFreshnessStatus, type DbtSourceNode } from '@freshet/dbt';

const graph = buildProjectGraph(readManifest(JSON.parse(readFileSync(DBT_SHOP_MANIFEST, 'utf8'))));
const payments = graph.sources[0] as DbtSourceNode;
const HOUR = 3_600_000;

describe('dbt source freshness (warn_after 12 h, error_after 1 day) at observation time', () => {
  const now = Date.UTC(2024, 0, 2, 12);
  it('passes, warns and errors by the age of the newest loaded row', () => {
    expect(sourceFreshnessStatus(payments, now - 11 * HOUR, now)).toBe('pass');
    expect(sourceFreshnessStatus(payments, now - 13 * HOUR, now)).toBe('warn');
    expect(sourceFreshnessStatus(payments, now - 25 * HOUR, now)).toBe('error');
  });

  it('is unchecked for a source without thresholds', () => {
    const plain: DbtSourceNode = { ...payments, source: { ...payments.source, freshness: null } };
    expect(sourceFreshnessStatus(plain, 0, now)).toBe('unchecked');
    expect(observeIntervalSeconds(plain)).toBe(300);
  });

  it('polls at a quarter of the smallest threshold, within 1 minute to 1 hour', () => {
    expect(observeIntervalSeconds(payments)).toBe(3600);
    const tight: DbtSourceNode = { ...payments, source: { ...payments.source, freshness: { warnAfter: { count: 20, period: 'minute' }, errorAfter: null, filter: null } } };
    expect(observeIntervalSeconds(tight)).toBe(300);
  });
});
