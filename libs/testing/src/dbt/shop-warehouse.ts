// A Postgres database of its own for one dbt test file, holding the shop application's payments
// table (the fixture project's dbt source), plus a private copy of the fixture project pointed at it.
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../infra/endpoints';
import { copyShopProject, ensureDbt, shopProfileEnv, type DbtProjectCopy } from './fixture-project';

export interface ShopPayment {
  readonly id: number;
  readonly orderId: number;
  readonly method: string;
  readonly amountCents: number;
  /** ISO time; default now. */
  readonly loadedAt?: string;
}

export interface ShopWarehouse {
  readonly database: TestDatabase;
  readonly project: DbtProjectCopy;
  /** The dbt executable (installed on first use). */
  readonly dbt: string;
  /** The environment the project's profile reads. */
  readonly env: Readonly<Record<string, string>>;
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** What the shop application does: inserts payments into shop_app.payments. */
  addPayments(payments: readonly ShopPayment[]): Promise<void>;
  close(): Promise<void>;
}

export const INITIAL_PAYMENTS: readonly ShopPayment[] = [
  { id: 1, orderId: 101, method: 'card', amountCents: 1000 },
  { id: 2, orderId: 102, method: 'card', amountCents: 2500 },
];

export async function createShopWarehouse(payments: readonly ShopPayment[] = INITIAL_PAYMENTS): Promise<ShopWarehouse> {
  const dbt = ensureDbt();
  const database = await createTestDatabase('freshet_dbt');
  const project = copyShopProject();
  const client = new Client({ connectionString: database.url });
  await client.connect();
  const query = async <T extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> =>
    (await client.query<T>(sql, [...params])).rows;
  await query(
    `create schema shop_app;
     create table shop_app.payments (id int primary key, order_id int not null, payment_method text not null, amount_cents int not null, loaded_at timestamptz not null)`,
  );
  const addPayments = async (rows: readonly ShopPayment[]): Promise<void> => {
    for (const p of rows) {
      await query('insert into shop_app.payments values ($1, $2, $3, $4, coalesce($5::timestamptz, now()))', [p.id, p.orderId, p.method, p.amountCents, p.loadedAt ?? null]);
    }
  };
  await addPayments(payments);
  return {
    database,
    project,
    dbt,
    env: shopProfileEnv(database.url),
    query,
    addPayments,
    async close() {
      await client.end();
      await database.drop();
      project.remove();
    },
  };
}
