import { Client } from 'pg';
import { createTestDatabase, databaseUrl, uniqueName } from '@freshet/testing';

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('creates an empty database of its own that accepts writes, and drop() removes it', async () => {
    const database = await createTestDatabase();
    try {
      expect(await databaseExists(database.name)).toBe(true);
      expect(new URL(database.url).pathname).toBe(`/${database.name}`);

      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows: current } = await client.query<{ db: string }>('SELECT current_database() AS db');
        expect(current[0]?.db).toBe(database.name);
        await client.query('CREATE TABLE probe (id int PRIMARY KEY)');
        await client.query('INSERT INTO probe VALUES (1), (2)');
        const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM probe');
        expect(rows[0]?.n).toBe('2');
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
    expect(await databaseExists(database.name)).toBe(false);
  });

  it('drops a database even while a connection is still open on it, and drop() twice is harmless', async () => {
    const database = await createTestDatabase();
    const leaked = new Client({ connectionString: database.url });
    leaked.on('error', () => undefined); // the forced drop terminates this connection
    await leaked.connect();

    await database.drop();
    await database.drop();

    expect(await databaseExists(database.name)).toBe(false);
    await leaked.end().catch(() => undefined);
  });

  it('gives every database its own name', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a.name).not.toBe(b.name);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });
});

describe('uniqueName', () => {
  it('keeps the prefix and yields names valid as topics, groups and unquoted identifiers', () => {
    const names = Array.from({ length: 200 }, () => uniqueName('orders'));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^orders_[0-9a-z]{10}$/);
  });
});
