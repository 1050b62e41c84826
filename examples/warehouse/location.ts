// Freshet's example warehouse: the code location `freshet dev` runs.
//
//   raw_order_files (folder, observed) ─▶ raw_orders ─▶ stg_orders ─┐
//   app_users (table, observed by query) ─▶ stg_users ─────────────┴▶ orders_enriched ─▶ daily_revenue (by 09:00)
//                                                                   └───────────────────▶ churn_model (lazy, 24 h)
//   app_events (table) ─▶ events (hourly) ─▶ events_daily_summary (daily)
//
// See README.md for what each policy makes the planner do.
import * as path from 'node:path';
import {
  asset,
  defineCodeLocation,
  observableSource,
  observeFileContent,
  source,
  sqlAsset,
  sqlQueryResult,
  warehouseFromEnv,
  type CodeLocation,
  type ResourceDefinition,
  type SqlResource,
} from '@freshet/sdk';
import { createSimulator, writeAppUsers } from './app-simulator';
import { computeChurnModel } from './churn-model';
import { readOrderFiles } from './order-files';
import { APP_EVENTS_DDL, APP_USERS_DDL, ORDER_FIELDS } from './schema';
import { dayWindow, hourWindow } from './windows';

export interface WarehouseLocationOptions {
  /** Holds `incoming/`, where order files land. */
  readonly dataDir: string;
  readonly name?: string;
  /** Default: the warehouse FRESHET_WAREHOUSE_URL names (embedded PGlite when unset). */
  readonly warehouse?: ResourceDefinition<SqlResource>;
}

/** Orders in these states count as revenue. */
export const REVENUE_STATUSES = ['paid', 'shipped', 'delivered'];
/** Orders in these states are dropped while cleaning. */
export const EXCLUDED_STATUSES = ['test', 'fraud'];

export function createWarehouseLocation(options: WarehouseLocationOptions): CodeLocation {
  const incoming = path.join(options.dataDir, 'incoming');

  const rawOrderFiles = observableSource({
    key: 'raw_order_files',
    description: 'Order files (CSV or JSON) the shop drops into data/incoming/',
    observe: observeFileContent(incoming),
    intervalSeconds: 15,
  });

  const appUsers = observableSource({
    key: 'app_users',
    description: 'The users table the app writes to; observed by a hash of a summary query',
    intervalSeconds: 30,
    observe: async (ctx) => {
      const warehouse = await ctx.resources.sql();
      const exists = await warehouse.query(`select to_regclass('public.app_users') is not null as present`);
      // A new warehouse has no app yet: the example plays the app's first deploy (its tables and
      // a first batch of users), so a first `freshet dev` shows the whole graph becoming fresh.
      // `simulate-app.ts` keeps the app writing afterwards.
      if (exists.rows[0]?.present !== true) await writeAppUsers(warehouse, createSimulator(7), Date.now(), 12);
      // Count + latest update + a hash of ids catches inserts, updates and deletes cheaply.
      return sqlQueryResult(warehouse, `select count(*) as users, max(updated_at) as last_update, md5(string_agg(id::text || ':' || updated_at::text, ',' order by id)) as digest from app_users`);
    },
  });

  const appEvents = source({ key: 'app_events', description: 'Raw product events the app appends; not observed (hourly partitions pick them up)' });

  const rawOrders = asset({
    key: 'raw_orders',
    deps: ['raw_order_files'],
    codeVersion: '2',
    automation: 'eager',
    group: 'ingest',
    description: 'Every order line from every file, as text, with the file it came from',
    compute: async (ctx) => {
      const files = await readOrderFiles(incoming);
      const warehouse = await ctx.resources.sql();
      const columns = [...ORDER_FIELDS, 'source_file'];
      const rows = files.flatMap((f) => f.orders.map((o) => [...ORDER_FIELDS.map((field) => o[field]), f.file]));
      await warehouse.transaction(async (tx) => {
        await tx.exec(`create table if not exists raw_orders (${columns.map((c) => `${c} text`).join(', ')})`);
        await tx.exec('truncate raw_orders');
        for (let offset = 0; offset < rows.length; offset += 500) {
          const batch = rows.slice(offset, offset + 500);
          const values = batch.map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
          await tx.query(`insert into raw_orders (${columns.join(', ')}) values ${values.join(', ')}`, batch.flat());
        }
      });
      ctx.logger.info('loaded order files', { files: files.length, rows: rows.length });
      return { metadata: { files: files.length, rows: rows.length } };
    },
  });

  const stgOrders = sqlAsset({
    key: 'stg_orders',
    deps: ['raw_orders'],
    automation: 'eager',
    group: 'staging',
    description: 'One row per order id (latest line wins), typed, test and fraud orders removed',
    sql: [
      `create table if not exists stg_orders (order_id text primary key, user_id bigint, amount_cents bigint not null,
         currency text not null, status text not null, ordered_at timestamptz not null)`,
      'truncate stg_orders',
      `insert into stg_orders
       select distinct on (trim(order_id)) trim(order_id), nullif(trim(user_id), '')::bigint,
              round(trim(amount)::numeric * 100)::bigint, upper(coalesce(nullif(trim(currency), ''), 'EUR')),
              lower(trim(status)), trim(ordered_at)::timestamptz
         from raw_orders
        where trim(order_id) <> ''
          and trim(amount) ~ '^-?[0-9]+(\\.[0-9]+)?$'
          and trim(user_id) ~ '^[0-9]*$'
          and trim(ordered_at) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
          and lower(trim(status)) <> all($1::text[])
        order by trim(order_id), trim(ordered_at)::timestamptz desc, source_file desc`,
    ],
    params: () => [EXCLUDED_STATUSES],
  });

  const stgUsers = sqlAsset({
    key: 'stg_users',
    deps: ['app_users'],
    automation: 'eager',
    group: 'staging',
    description: 'App users with normalized emails and countries; rows without a valid email dropped',
    sql: [
      APP_USERS_DDL,
      `create table if not exists stg_users (user_id bigint primary key, email text not null, country text not null,
         plan text not null, signed_up_at timestamptz not null)`,
      'truncate stg_users',
      `insert into stg_users
       select id, lower(trim(email)), upper(coalesce(nullif(trim(country), ''), $1)), coalesce(nullif(plan, ''), 'free'), signed_up_at
         from app_users
        where trim(email) like '%_@_%'`,
    ],
    params: () => ['ZZ'],
  });

  const ordersEnriched = sqlAsset({
    key: 'orders_enriched',
    deps: ['stg_orders', 'stg_users'],
    automation: 'eager',
    group: 'marts',
    description: 'Orders joined with who placed them',
    sql: [
      `create table if not exists orders_enriched (order_id text primary key, user_id bigint, email text, country text not null,
         plan text not null, amount_cents bigint not null, currency text not null, status text not null,
         ordered_at timestamptz not null, order_day date not null)`,
      'truncate orders_enriched',
      `insert into orders_enriched
       select o.order_id, o.user_id, u.email, coalesce(u.country, 'ZZ'), coalesce(u.plan, 'unknown'), o.amount_cents,
              o.currency, o.status, o.ordered_at, (o.ordered_at at time zone 'UTC')::date
         from stg_orders o left join stg_users u on u.user_id = o.user_id`,
    ],
  });

  const dailyRevenue = sqlAsset({
    key: 'daily_revenue',
    deps: ['orders_enriched'],
    // "By 09:00, all data up to midnight": at each 09:00 tick the asset must hold everything that
    // arrived up to 540 minutes (9 h) before the tick, i.e. up to 00:00.
    freshness: { maximumLagMinutes: 540, cronSchedule: '0 9 * * *', cronTimezone: 'UTC' },
    automation: 'lazy',
    group: 'marts',
    description: 'Revenue per day, country and currency, for the morning report',
    sql: [
      `create table if not exists daily_revenue (order_day date not null, country text not null, currency text not null,
         orders bigint not null, revenue_cents bigint not null, primary key (order_day, country, currency))`,
      'truncate daily_revenue',
      `insert into daily_revenue
       select order_day, country, currency, count(*), sum(amount_cents)
         from orders_enriched where status = any($1::text[])
        group by order_day, country, currency`,
    ],
    params: () => [REVENUE_STATUSES],
  });

  const events = sqlAsset({
    key: 'events',
    deps: ['app_events'],
    partitions: { kind: 'hourly', start: '2024-01-01-00:00' },
    // Eager, but only over the last three days (older hours are a backfill's job), up to 96 hours
    // a tick, so a fresh `freshet dev` fills the whole scope at once (73 hours) and the daily summary
    // of the two days in its own scope can run. Three days: the day before yesterday's summary reads
    // hours up to 70 hours old.
    automation: { policy: 'eager', maxMaterializationsPerMinute: 96, partitionScopeMinutes: 3 * 24 * 60 },
    group: 'events',
    description: 'Product events, one partition per hour, copied from the app once the hour is over',
    sql: [
      APP_EVENTS_DDL,
      `create table if not exists events (event_id bigint primary key, user_id bigint, kind text not null,
         occurred_at timestamptz not null, hour text not null)`,
      'delete from events where occurred_at >= $1::timestamptz and occurred_at < $2::timestamptz',
      `insert into events
       select id, user_id, lower(kind), occurred_at, $3
         from app_events where occurred_at >= $1::timestamptz and occurred_at < $2::timestamptz`,
    ],
    params: (ctx) => {
      const window = hourWindow(ctx.partition);
      return [window.start, window.end, ctx.partition];
    },
  });

  const eventsDailySummary = sqlAsset({
    key: 'events_daily_summary',
    // Default mapping between two time partitionings: the day reads the 24 hours inside it.
    deps: ['events'],
    partitions: { kind: 'daily', start: '2024-01-01' },
    // Runs once all 24 hours of a day are in. (A per-partition freshness policy would also flag
    // every old day no one backfilled, so the example leaves it out; see README.)
    // Yesterday and the day before (within the hours `events` keeps up to date), both in one tick.
    automation: { policy: 'eager', maxMaterializationsPerMinute: 2, partitionScopeMinutes: 24 * 60 },
    group: 'events',
    description: 'Events and distinct users per kind, one partition per day',
    sql: [
      `create table if not exists events_daily_summary (day date not null, kind text not null, events bigint not null,
         users bigint not null, primary key (day, kind))`,
      'delete from events_daily_summary where day = $1::date',
      `insert into events_daily_summary
       select $1::date, kind, count(*), count(distinct user_id)
         from events where occurred_at >= $2::timestamptz and occurred_at < $3::timestamptz
        group by kind`,
    ],
    params: (ctx) => {
      const window = dayWindow(ctx.partition);
      return [ctx.partition, window.start, window.end];
    },
  });

  const churnModel = asset({
    key: 'churn_model',
    deps: ['orders_enriched', 'stg_users'],
    codeVersion: 'model-v3',
    // Expensive: never run because a parent changed, only when the 24 h policy needs it.
    automation: 'lazy',
    freshness: { maximumLagMinutes: 24 * 60 },
    group: 'ml',
    description: 'Churn score per user, written to the churn_scores table',
    timeoutSeconds: 30 * 60,
    compute: computeChurnModel,
  });

  return defineCodeLocation({
    name: options.name ?? 'warehouse',
    sources: [rawOrderFiles, appUsers, appEvents],
    assets: [rawOrders, stgOrders, stgUsers, ordersEnriched, dailyRevenue, events, eventsDailySummary, churnModel],
    resources: { warehouse: options.warehouse ?? warehouseFromEnv() },
  });
}

/** Names the folder holding `incoming/` when order files should land elsewhere (the soak uses a temp dir). */
export const WAREHOUSE_DATA_DIR_VARIABLE = 'WAREHOUSE_DATA_DIR';

/** `data/` next to this file unless WAREHOUSE_DATA_DIR names another folder. */
export function warehouseDataDir(env: Readonly<Record<string, string | undefined>>): string {
  const given = env[WAREHOUSE_DATA_DIR_VARIABLE]?.trim();
  return given === undefined || given === '' ? path.join(__dirname, 'data') : path.resolve(given);
}

// The module is the edge of the example: it reads its own environment once, when loaded.
export default createWarehouseLocation({ dataDir: warehouseDataDir(process.env) });
