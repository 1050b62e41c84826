import { Client } from 'pg';
import { createPostgresEventLog, migrateEventLog, type TypeOrmEventLog } from '@freshet/storage';
import { createTestDatabase, describeEventLogContract, truncateEventLog, type TestDatabase } from '@freshet/testing';

jest.setTimeout(60_000);

// One fresh database per test file, dropped at the end.
let database: TestDatabase;

describeEventLogContract('Postgres (TypeORM + pg)', {
  async open() {
    database = await createTestDatabase('freshet_test');
    return createPostgresEventLog({ url: database.url, runMigrations: true, applicationName: 'freshet-contract' });
  },
  reset: (log) => truncateEventLog(log as TypeOrmEventLog),
  dispose: () => database.drop(),
});

describe('Postgres event log migrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('freshet_test');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('lets several processes migrate at once, applying the schema exactly once', async () => {
    const logs = await Promise.all([1, 2, 3].map(() => createPostgresEventLog({ url: db.url, poolSize: 2 })));
    try {
      const applied = await Promise.all([...logs.map((log) => log.runMigrations()), migrateEventLog(db.url)]);
      expect(applied.flat()).toEqual(['InitialSchema1763683200000']);
      expect(await logs[0]?.runMigrations()).toEqual([]);
    } finally {
      await Promise.all(logs.map((log) => log.close()));
    }
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'event_log',
        'freshet_migrations',
        'latest_materialization',
        'latest_observation',
        'outbox',
        'planner_state',
        'runs',
      ]);
    } finally {
      await client.end();
    }
  });
});
