// SQL assets and query observations against a real (embedded) Postgres: PGlite.
import { createInMemoryExecutionEnv } from '@freshet/testing';
import {
  defineCodeLocation,
  executeRun,
  highestPlaceholder,
  IN_MEMORY,
  observableSource,
  observeQuery,
  observeSource,
  pgliteResource,
  ResourceSet,
  rowsVersion,
  sqlAsset,
  sqlQueryResult,
  type SqlResource,
} from '@freshet/sdk';

jest.setTimeout(60_000);

const HOSTILE = "'; DROP TABLE notes; --";

describe('sqlAsset on PGlite', () => {
  const location = defineCodeLocation({
    name: 'sql',
    sources: [observableSource({ key: 'notes_src', observe: observeQuery('select id, body from notes') })],
    assets: [
      sqlAsset({
        key: 'notes_copy',
        deps: ['notes_src'],
        sql: [
          'create table if not exists notes_copy (id int, body text, tag text)',
          'truncate notes_copy',
          'insert into notes_copy select id, body, $1 from notes where body <> $2',
        ],
        params: (ctx) => [`run:${ctx.runId}`, HOSTILE.toUpperCase()],
      }),
      sqlAsset({ key: 'needs_params', sql: 'select $2::int', params: () => [1] }),
      sqlAsset({ key: 'broken', sql: ['create table half_done (x int)', 'select * from no_such_table'] }),
    ],
    resources: { warehouse: pgliteResource(IN_MEMORY) },
  });
  let resources: ResourceSet;
  let db: SqlResource;

  beforeAll(async () => {
    resources = new ResourceSet(location.resources, { env: {}, baseDir: process.cwd() });
    db = await resources.sql();
    await db.exec('create table notes (id int primary key, body text)');
  });
  afterAll(async () => {
    await resources.close();
  });

  it('binds parameters, so a value that looks like SQL is stored verbatim', async () => {
    await db.query('insert into notes values ($1, $2), ($3, $4)', [1, HOSTILE, 2, 'plain']);
    const env = createInMemoryExecutionEnv({ overrides: { resources } });
    const result = await executeRun(location, { runId: 'r1', attempt: 1, assetPartitions: [{ asset: 'notes_copy', partition: null }] }, env);
    expect(result.status).toBe('completed');
    const copy = await db.query('select id, body, tag from notes_copy order by id');
    expect(copy.rows).toEqual([
      { id: 1, body: HOSTILE, tag: 'run:r1' },
      { id: 2, body: 'plain', tag: 'run:r1' },
    ]);
    expect((await db.query(`select to_regclass('public.notes') is not null as present`)).rows[0]).toEqual({ present: true });
    expect(result.materialized[0]?.metadata).toEqual({ statements: 3, rowCount: 2 });
  });

  it('fails clearly when the statement needs more parameters than params gives', async () => {
    const env = createInMemoryExecutionEnv({ overrides: { resources } });
    const result = await executeRun(location, { runId: 'r2', attempt: 1, assetPartitions: [{ asset: 'needs_params', partition: null }] }, env);
    expect(result.failed[0]?.error.message).toContain('uses $2 but params gives 1');
    expect(highestPlaceholder('select $1, $12, $3')).toBe(12);
  });

  it('runs all statements in one transaction: a failing statement leaves nothing behind', async () => {
    const env = createInMemoryExecutionEnv({ overrides: { resources } });
    const result = await executeRun(location, { runId: 'r3', attempt: 1, assetPartitions: [{ asset: 'broken', partition: null }] }, env);
    expect(result.failed[0]?.error.message).toContain('no_such_table');
    expect((await db.query(`select to_regclass('public.half_done') is null as absent`)).rows[0]).toEqual({ absent: true });
  });

  it('observes a query\'s result as a version that changes with the rows, not their order', async () => {
    const first = await observeSource(location, 'notes_src', { resources, log: () => undefined });
    const again = await observeSource(location, 'notes_src', { resources, log: () => undefined });
    expect(again?.dataVersion).toBe(first?.dataVersion);
    expect(await sqlQueryResult(db, 'select id, body from notes order by id desc')).toBe(first?.dataVersion);
    await db.query('update notes set body = $1 where id = $2', ['changed', 2]);
    const changed = await observeSource(location, 'notes_src', { resources, log: () => undefined });
    expect(changed?.dataVersion).not.toBe(first?.dataVersion);
    expect(await sqlQueryResult(db, 'select id from notes where body = $1', [HOSTILE])).toBe(rowsVersion([{ id: 1 }]));
  });
});
