import { readFileSync } from 'node:fs';
import { DBT_SHOP_MANIFEST } from '@freshet/testing';
import { assetOutcomes, buildProjectGraph, readManifest, readRunResults } from '@freshet/dbt';

const graph = buildProjectGraph(readManifest(JSON.parse(readFileSync(DBT_SHOP_MANIFEST, 'utf8'))));
const TEST_STATUSES = 'test.shop.accepted_values_order_statuses_status__placed__completed.98f456373a';
const TEST_ORDERS_UNIQUE = 'test.shop.unique_orders_order_id.fed79b3a6e';

const result = (unique_id: string, status: string, message: string | null = null, extra: Record<string, unknown> = {}) => ({
  unique_id,
  status,
  message,
  execution_time: 0.1234,
  failures: null,
  adapter_response: { _message: 'SELECT 4', rows_affected: 4 },
  relation_name: null,
  ...extra,
});
const runResults = (...results: ReturnType<typeof result>[]) =>
  readRunResults({ metadata: { invocation_id: 'inv-1', dbt_version: '1.11.0' }, elapsed_time: 2.5, results });

describe('run_results.json → per-asset outcomes', () => {
  it('materializes successful models with their adapter response, and keeps test warnings as metadata', () => {
    const outcomes = assetOutcomes(
      graph,
      ['model.shop.orders', 'seed.shop.raw_orders'],
      runResults(result('seed.shop.raw_orders', 'success'), result('model.shop.orders', 'success'), result(TEST_ORDERS_UNIQUE, 'warn', 'Got 1 result, configured to warn if != 0')),
      null,
    );
    expect(outcomes.get('seed.shop.raw_orders')).toEqual({
      status: 'materialized',
      metadata: { dbtUniqueId: 'seed.shop.raw_orders', dbtStatus: 'success', dbtTests: 0, dbtAdapterMessage: 'SELECT 4', rowsAffected: 4, executionSeconds: 0.123, dbtInvocationId: 'inv-1' },
    });
    expect(outcomes.get('model.shop.orders')).toMatchObject({
      status: 'materialized',
      metadata: { dbtTests: 1, dbtTestWarnings: ['unique_orders_order_id: Got 1 result, configured to warn if != 0'] },
    });
  });

  it('fails a model whose test failed, with the test\'s message, and blocks what dbt skipped after it', () => {
    const outcomes = assetOutcomes(
      graph,
      ['model.shop.order_statuses', 'model.shop.status_report'],
      runResults(result('model.shop.order_statuses', 'success'), result(TEST_STATUSES, 'fail', 'Got 1 result, configured to fail if != 0'), result('model.shop.status_report', 'skipped')),
      'dbt exited with code 1',
    );
    expect(outcomes.get('model.shop.order_statuses')).toEqual({
      status: 'failed',
      message: 'dbt test accepted_values_order_statuses_status__placed__completed failed: Got 1 result, configured to fail if != 0',
    });
    expect(outcomes.get('model.shop.status_report')).toEqual({
      status: 'upstreamFailed',
      blockedBy: 'model.shop.order_statuses',
      message: 'skipped by dbt: model.shop.order_statuses failed earlier in this build',
    });
  });

  it('finds the blocker through an ephemeral model, and fails model errors with dbt\'s message', () => {
    const outcomes = assetOutcomes(
      graph,
      ['model.shop.stg_payments', 'model.shop.orders'],
      runResults(result('model.shop.stg_payments', 'error', 'Database Error in model stg_payments: relation "shop_app.payments" does not exist'), result('model.shop.orders', 'skipped')),
      null,
    );
    expect(outcomes.get('model.shop.stg_payments')).toEqual({ status: 'failed', message: 'dbt: Database Error in model stg_payments: relation "shop_app.payments" does not exist' });
    expect(outcomes.get('model.shop.orders')).toMatchObject({ status: 'upstreamFailed', blockedBy: 'model.shop.stg_payments' });
  });

  it('fails what dbt never got to, saying why the invocation ended', () => {
    const outcomes = assetOutcomes(graph, ['model.shop.orders'], null, 'dbt exited with code 2: Could not find profile named freshet_shop');
    expect(outcomes.get('model.shop.orders')).toEqual({ status: 'failed', message: 'dbt did not run it: dbt exited with code 2: Could not find profile named freshet_shop' });
  });
});
