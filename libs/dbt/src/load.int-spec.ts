// Loading the fixture project with real dbt: `dbt parse` runs when the manifest is missing or
// stale and not otherwise; the result has the expected assets, edges, code versions and policies,
// the specs pass the planner's validator, and it matches the committed manifest the unit tests read.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAssetSpecs } from '@freshet/domain';
import { copyShopProject, DBT_SHOP_MANIFEST, ensureDbt, ENSURE_DBT_TIMEOUT_MS, plannerSpecs, type DbtProjectCopy } from '@freshet/testing';
import { buildProjectGraph, dbtAssets, dbtCodeLocation, findDbtProject, loadDbtProject, readManifest, type DbtError } from '@freshet/dbt';

const DBT_TEST_TIMEOUT_MS = 120_000;

describe('dbt: loading a project', () => {
  let dbt: string;
  let project: DbtProjectCopy;
  const options = () => ({ projectDir: project.projectDir, profilesDir: project.projectDir, dbtExecutable: dbt, env: {} });

  beforeAll(() => {
    dbt = ensureDbt();
    project = copyShopProject();
  }, ENSURE_DBT_TIMEOUT_MS);
  afterAll(() => project?.remove());

  it('parses when the manifest is missing, reuses it while fresh, and parses again after an edit', () => {
    const first = loadDbtProject(options());
    expect(first.parsed).toBe(true);
    expect(first.manifestPath).toBe(join(project.projectDir, 'target', 'manifest.json'));
    expect(loadDbtProject(options()).parsed).toBe(false);
    // The environment is part of what dbt parses with.
    expect(loadDbtProject({ ...options(), env: { FRESHET_DBT_DBNAME: 'elsewhere' } }).parsed).toBe(true);
    const model = join(project.projectDir, 'models/marts/customer_directory.sql');
    writeFileSync(model, `${readFileSync(model, 'utf8')}-- edited\n`);
    expect(loadDbtProject(options()).parsed).toBe(true);
  }, DBT_TEST_TIMEOUT_MS);

  it('yields the assets, edges, code versions and policies of the committed manifest, valid for the planner', () => {
    const loaded = dbtAssets(options());
    expect(loaded.parsed).toBe(false);
    const committed = buildProjectGraph(readManifest(JSON.parse(readFileSync(DBT_SHOP_MANIFEST, 'utf8'))));
    const shape = (assets: typeof committed.assets) => assets.map((a) => ({ key: a.key, deps: a.deps, codeVersion: a.codeVersion, freshness: a.spec.freshness, automation: a.spec.automation }));
    // If this fails after editing test/fixtures/dbt/shop, run scripts/dbt/refresh-manifest-fixture.sh.
    expect(shape(loaded.graph.assets)).toEqual(shape(committed.assets));
    expect(loaded.graph.manifest.dbtVersion).toMatch(/^1\.\d+\.\d+/);

    expect(loaded.assets).toHaveLength(1);
    const [multi] = loaded.assets;
    expect(multi).toMatchObject({ definitionKind: 'multiAsset', name: 'dbt_shop', canSubset: true });
    expect(multi?.specs.every((s) => s.multiAsset === 'dbt_shop' && s.canSubset === true)).toBe(true);
    expect(loaded.sources.map((s) => [s.definitionKind, s.spec.key])).toEqual([['observableSource', 'shop_app/payments']]);
    expect(() => parseAssetSpecs(plannerSpecs(loaded.specs))).not.toThrow();
    expect(loaded.specs.find((s) => s.key === 'marts/orders')).toMatchObject({
      deps: ['stg_orders', 'stg_payments'],
      freshness: { maximumLagMinutes: 120, cronSchedule: '0 6 * * *', cronTimezone: 'Europe/Berlin' },
    });
  }, DBT_TEST_TIMEOUT_MS);

  it('reports a broken project with dbt\'s own error', () => {
    const broken = copyShopProject();
    try {
      writeFileSync(join(broken.projectDir, 'models/marts/broken.sql'), "select * from {{ ref('no_such_model') }}\n");
      expect(() => loadDbtProject({ ...options(), projectDir: broken.projectDir, profilesDir: broken.projectDir })).toThrow(
        expect.objectContaining({ code: 'parseFailed', message: expect.stringMatching(/no_such_model/) as unknown }) as DbtError,
      );
    } finally {
      broken.remove();
    }
  }, DBT_TEST_TIMEOUT_MS);

  it('rejects an invalid Freshet policy in dbt meta at load, naming the model', () => {
    const bad = copyShopProject();
    try {
      const schema = join(bad.projectDir, 'models/marts/schema.yml');
      writeFileSync(schema, readFileSync(schema, 'utf8').replace('freshness: {maximumLagMinutes: 60}', 'freshness: {maximumLagMinutes: 60, cronSchedule: "every day"}'));
      expect(() => dbtAssets({ ...options(), projectDir: bad.projectDir, profilesDir: bad.projectDir })).toThrow(/model\.shop\.customers.*cronSchedule/s);
    } finally {
      bad.remove();
    }
  }, DBT_TEST_TIMEOUT_MS);

  it('builds a whole code location from the project folder alone (what `freshet dev path/to/dbt_project` uses)', () => {
    expect(findDbtProject(project.projectDir)).toBe(project.projectDir);
    expect(findDbtProject(join(project.projectDir, 'dbt_project.yml'))).toBe(project.projectDir);
    expect(findDbtProject(join(project.projectDir, 'models'))).toBeNull();
    const { location, project: loaded } = dbtCodeLocation(project.projectDir, { dbtExecutable: dbt, env: {} });
    expect(loaded.parsed).toBe(false);
    expect(location.name).toBe('shop');
    expect(location.assets.map((a) => a.spec.key)).toContain('marts/customers');
    expect(location.multiAssets.map((m) => m.name)).toEqual(['dbt_shop']);
    expect(location.sources.map((s) => s.spec.key)).toEqual(['shop_app/payments']);
    expect(Object.keys(location.resources)).toEqual(['warehouse']);
  }, DBT_TEST_TIMEOUT_MS);
});
