// What the planner does with the example's policies, through the same planner code the service
// runs (the domain's scenario simulator): the claims the example's README makes.
import { parseScenario, runScenario, type EvaluateStepResult } from '@freshet/domain';
import { toAssetSpecs } from '@freshet/sdk';
import warehouse from '../../../../examples/warehouse/location';

type Step = Record<string, unknown>;

function simulate(start: string, steps: Step[]): EvaluateStepResult[] {
  const scenario = parseScenario({ name: 'example_warehouse', start, assets: JSON.parse(JSON.stringify(toAssetSpecs(warehouse))), steps });
  return [...runScenario(scenario).evaluations];
}

const requested = (r: EvaluateStepResult | undefined): string[] =>
  (r?.tick.runs ?? [])
    .flatMap((run) => run.assetPartitions.map((ap) => (ap.partition === null ? ap.asset : `${ap.asset}[${ap.partition}]`)))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const unpartitionedRequested = (r: EvaluateStepResult | undefined): string[] => requested(r).filter((k) => !k.includes('['));
const reasonsOf = (r: EvaluateStepResult | undefined, asset: string): readonly string[] =>
  (r?.tick.runs ?? []).flatMap((run) => run.assetPartitions.filter((ap) => ap.asset === asset).flatMap((ap) => ap.reasons));

describe('the example warehouse under the planner', () => {
  const steps: Step[] = [
    { observe: { asset: 'raw_order_files', dataVersion: 'files-1' } },
    { observe: { asset: 'app_users', dataVersion: 'users-1' } },
    { evaluate: { launch: true } },
    { complete: 'inProgress' },
    { evaluate: { launch: true } },
    { complete: 'inProgress' },
    // A new order file arrives mid-morning.
    { advance: '2h', observe: { asset: 'raw_order_files', dataVersion: 'files-2' } },
    { evaluate: { launch: true } },
    { complete: 'inProgress' },
    // The next morning, shortly before the 09:00 deadline of daily_revenue.
    { at: '2024-01-11T08:30:00Z', evaluate: { launch: false } },
  ];
  const [first, second, afterNewFile, nextMorning] = simulate('2024-01-10T10:00:00Z', steps);

  it('builds the eager chain at once, and the lazy assets only for their policies', () => {
    expect(unpartitionedRequested(first)).toEqual(expect.arrayContaining(['orders_enriched', 'raw_orders', 'stg_orders', 'stg_users']));
    // Yesterday's and today's finished hours, so yesterday's summary can follow.
    expect(requested(first)).toEqual(expect.arrayContaining(['events[2024-01-09-00:00]', 'events[2024-01-09-23:00]', 'events[2024-01-10-09:00]']));
    expect(requested(second)).toContain('events_daily_summary[2024-01-09]');
    // Never built yet, the lazy assets are requested for their freshness policies or not at all
    // (daily_revenue's next 09:00 deadline is a day away), never because they are missing.
    for (const lazy of ['churn_model', 'daily_revenue']) {
      expect(reasonsOf(first, lazy).filter((reason) => reason !== 'freshness')).toEqual([]);
    }
  });

  it('reacts to a new order file along the eager chain, leaving daily_revenue and churn_model alone', () => {
    expect(unpartitionedRequested(afterNewFile)).toEqual(['orders_enriched', 'raw_orders', 'stg_orders']);
    expect(reasonsOf(afterNewFile, 'raw_orders')).toContain('newSourceData');
  });

  it('refreshes daily_revenue for its 09:00 deadline', () => {
    expect(unpartitionedRequested(nextMorning)).toContain('daily_revenue');
    expect(reasonsOf(nextMorning, 'daily_revenue')).toContain('freshness');
  });
});
