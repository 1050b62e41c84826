import { readFileSync } from 'node:fs';
import { DBT_SHOP_MANIFEST } from '@freshet/testing';
import { DbtError, nodePolicies, readManifest, type DbtNode, type JsonObject } from '@freshet/dbt';

const manifest = readManifest(JSON.parse(readFileSync(DBT_SHOP_MANIFEST, 'utf8')));
const base = manifest.nodes.get('model.shop.stg_orders') as DbtNode;
const withMeta = (meta: JsonObject, extra: Partial<DbtNode> = {}): DbtNode => ({ ...base, meta, ...extra });

describe('dbt config → Freshet policies', () => {
  it('takes meta.freshet.freshness and meta.freshet.automation as written', () => {
    const policies = nodePolicies(withMeta({ freshet: { freshness: { maximumLagMinutes: 30, cronSchedule: '0 * * * *' }, automation: { policy: 'eager', retryAfterFailureMinutes: 5 } } }));
    expect(policies.freshness).toEqual({ maximumLagMinutes: 30, cronSchedule: '0 * * * *' });
    expect(policies.automation).toEqual({ policy: 'eager', retryAfterFailureMinutes: 5 });
    expect(policies.origin).toEqual({ freshness: 'meta.freshet.freshness', automation: 'meta.freshet.automation' });
  });

  it('reads Dagster\'s freshness_policy and auto_materialize_policy, and the legacy dagster_freshness_policy config', () => {
    expect(nodePolicies(withMeta({ dagster: { freshness_policy: { maximum_lag_minutes: 90, cron_schedule: '0 9 * * *', cron_schedule_timezone: 'America/New_York' }, auto_materialize_policy: { type: 'lazy' } } }))).toEqual({
      freshness: { maximumLagMinutes: 90, cronSchedule: '0 9 * * *', cronTimezone: 'America/New_York' },
      automation: 'lazy',
      origin: { freshness: 'meta.dagster.freshness_policy', automation: 'meta.dagster.auto_materialize_policy' },
    });
    const legacy = nodePolicies(withMeta({}, { config: { ...base.config, dagster_freshness_policy: { maximum_lag_minutes: 15 } } }));
    expect(legacy.freshness).toEqual({ maximumLagMinutes: 15 });
    expect(nodePolicies(withMeta({ dagster_freshness_policy: { maximum_lag_minutes: 45, cron_schedule: '30 * * * *' } }))).toMatchObject({
      freshness: { maximumLagMinutes: 45, cronSchedule: '30 * * * *' },
      origin: { freshness: 'meta.dagster_freshness_policy' },
    });
  });

  it('maps build_after to a lazy policy fresh within count × period; updates_on all waits for every parent', () => {
    expect(nodePolicies(withMeta({}, { buildAfter: { count: 2, period: 'hour', updatesOn: 'any' } }))).toMatchObject({ freshness: { maximumLagMinutes: 120 }, automation: 'lazy' });
    expect(nodePolicies(withMeta({}, { buildAfter: { count: 1, period: 'day', updatesOn: 'all' } }))).toMatchObject({
      freshness: { maximumLagMinutes: 1440 },
      automation: { policy: 'lazy', skipOn: expect.arrayContaining(['notAllParentsUpdated', 'parentOutdated']) as unknown },
    });
    expect(nodePolicies(withMeta({}, { buildAfter: { count: 0, period: 'minute', updatesOn: 'any' } }))).toEqual({ automation: 'eager', origin: { automation: 'freshness.build_after' } });
  });

  it('lets explicit Freshet meta win over dbt\'s build_after', () => {
    const policies = nodePolicies(withMeta({ freshet: { automation: 'eager' } }, { buildAfter: { count: 4, period: 'hour', updatesOn: 'any' } }));
    expect(policies).toMatchObject({ freshness: { maximumLagMinutes: 240 }, automation: 'eager' });
  });

  it('has no policy when dbt says nothing', () => {
    expect(nodePolicies(withMeta({}))).toEqual({ origin: {} });
  });

  it('rejects malformed meta, naming the node and the field', () => {
    expect(() => nodePolicies(withMeta({ freshet: { freshness: { maximumLagMinutes: 'soon' } } }))).toThrow(/stg_orders.*meta\.freshet\.freshness/);
    expect(() => nodePolicies(withMeta({ freshet: { automation: 'sometimes' } }))).toThrow(DbtError);
  });
});
