// Test helpers for the dbt integration (libs/dbt): the dbt install, the fixture project, a
// warehouse per test file, and a planner harness.
export * from './fixture-project';
export { createShopWarehouse, INITIAL_PAYMENTS, type ShopPayment, type ShopWarehouse } from './shop-warehouse';
export { PlannerHarness, plannerSpecs, type PlannerDecision } from './planner-harness';
