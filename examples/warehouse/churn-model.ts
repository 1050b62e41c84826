// The "expensive model": a churn score per user from their order history. Deterministic (scored
// as of the newest order in the data, not the wall clock), so the same orders give the same scores.
import type { ComputeContext, ComputeResult, SqlExecutor } from '@freshet/sdk';

export const CHURN_SCORES_DDL = `create table if not exists churn_scores (
  user_id bigint primary key,
  orders bigint not null,
  revenue_cents bigint not null,
  last_order_at timestamptz not null,
  days_since_last_order double precision not null,
  score double precision not null,
  scored_as_of timestamptz not null
)`;

interface UserHistory {
  readonly user_id: string | number;
  readonly orders: string | number;
  readonly revenue_cents: string | number;
  readonly last_order_at: string | Date;
}

const DAY_MS = 86_400_000;

/** Logistic score: long silences raise it, frequent and valuable customers lower it. */
export function churnScore(daysSinceLast: number, orders: number, revenueCents: number): number {
  const z = 0.08 * daysSinceLast - 0.6 * Math.log1p(orders) - 0.15 * Math.log1p(revenueCents / 100) + 0.5;
  return 1 / (1 + Math.exp(-z));
}

async function insertScores(tx: SqlExecutor, rows: readonly (readonly unknown[])[]): Promise<void> {
  const width = 7;
  for (let offset = 0; offset < rows.length; offset += 200) {
    const batch = rows.slice(offset, offset + 200);
    // Placeholders are generated; every value is bound.
    const values = batch.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`);
    await tx.query(
      `insert into churn_scores (user_id, orders, revenue_cents, last_order_at, days_since_last_order, score, scored_as_of) values ${values.join(', ')}`,
      batch.flat(),
    );
  }
}

export async function computeChurnModel(ctx: ComputeContext): Promise<ComputeResult> {
  const warehouse = await ctx.resources.sql();
  const history = await warehouse.query(
    `select user_id, count(*) as orders, sum(amount_cents) as revenue_cents, max(ordered_at) as last_order_at
       from orders_enriched
      where user_id is not null and status = any($1::text[])
      group by user_id
      order by user_id`,
    [['paid', 'shipped', 'delivered']],
  );
  const users = history.rows as unknown as UserHistory[];
  const lastTimes = users.map((u) => new Date(u.last_order_at).getTime());
  const asOf = lastTimes.length === 0 ? 0 : Math.max(...lastTimes);
  const rows = users.map((u, i) => {
    const days = (asOf - (lastTimes[i] ?? asOf)) / DAY_MS;
    const score = churnScore(days, Number(u.orders), Number(u.revenue_cents));
    return [Number(u.user_id), Number(u.orders), Number(u.revenue_cents), new Date(lastTimes[i] ?? asOf).toISOString(), days, score, new Date(asOf).toISOString()];
  });
  await warehouse.transaction(async (tx) => {
    await tx.exec(CHURN_SCORES_DDL);
    await tx.exec('truncate churn_scores');
    await insertScores(tx, rows);
  });
  const mean = rows.length === 0 ? 0 : rows.reduce((sum, r) => sum + Number(r[5]), 0) / rows.length;
  ctx.logger.info('churn model scored users', { users: rows.length });
  return { metadata: { users: rows.length, meanScore: Math.round(mean * 10_000) / 10_000 } };
}
