// A stand-in for the shop and the app that feed the warehouse: it drops order files into the
// incoming folder and writes users and product events to the app's tables. Seeded, so the same
// seed and clock give the same data (the tests rely on it).
import { mkdir, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SqlExecutor } from '@freshet/sdk';
import { APP_EVENTS_DDL, APP_USERS_DDL, type RawOrder } from './schema';

/** mulberry32: a tiny seeded generator, good enough for fake data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const COUNTRIES = ['DE', 'FR', 'NL', 'ES', 'IT', 'us', ' se ', ''];
const PLANS = ['free', 'pro', 'team', ''];
const STATUSES = ['paid', 'paid', 'shipped', 'delivered', 'refunded', 'PAID ', 'test', 'fraud'];
const EVENT_KINDS = ['page_view', 'page_view', 'page_view', 'search', 'add_to_cart', 'checkout', 'Login'];

export interface SimulatorState {
  readonly random: () => number;
  /** Users 1..userCount exist after seeding. */
  userCount: number;
  orderSeq: number;
}

export function createSimulator(seed = 42, userCount = 0): SimulatorState {
  return { random: seededRandom(seed), userCount, orderSeq: 0 };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

export async function ensureAppTables(warehouse: SqlExecutor): Promise<void> {
  await warehouse.exec(`${APP_USERS_DDL}; ${APP_EVENTS_DDL}`);
}

/** Adds `count` users and updates one existing user (the app's normal churn of writes). */
export async function writeAppUsers(warehouse: SqlExecutor, state: SimulatorState, now: number, count: number): Promise<void> {
  await ensureAppTables(warehouse);
  for (let i = 0; i < count; i++) {
    const id = ++state.userCount;
    const email = state.random() < 0.05 ? `broken-address-${id}` : `  User${id}@Example.com `;
    await warehouse.query(
      `insert into app_users (id, email, country, plan, signed_up_at, updated_at) values ($1, $2, $3, $4, $5, $5)
       on conflict (id) do update set email = excluded.email, country = excluded.country, plan = excluded.plan, updated_at = excluded.updated_at`,
      [id, email, pick(state.random, COUNTRIES), pick(state.random, PLANS), new Date(now - Math.floor(state.random() * 30) * 86_400_000).toISOString()],
    );
  }
  if (state.userCount > 0) {
    const id = 1 + Math.floor(state.random() * state.userCount);
    await warehouse.query('update app_users set plan = $2, updated_at = $3 where id = $1', [id, pick(state.random, PLANS) || 'pro', new Date(now).toISOString()]);
  }
}

/** Appends product events spread over the hour before `now`. */
export async function writeAppEvents(warehouse: SqlExecutor, state: SimulatorState, now: number, count: number): Promise<void> {
  await ensureAppTables(warehouse);
  for (let i = 0; i < count; i++) {
    const occurredAt = new Date(now - Math.floor(state.random() * 3_600_000)).toISOString();
    const userId = state.userCount === 0 ? null : 1 + Math.floor(state.random() * state.userCount);
    await warehouse.query('insert into app_events (user_id, kind, occurred_at, properties) values ($1, $2, $3, $4)', [
      userId,
      pick(state.random, EVENT_KINDS),
      occurredAt,
      JSON.stringify({ source: 'simulator' }),
    ]);
  }
}

function order(state: SimulatorState, now: number): RawOrder {
  const id = ++state.orderSeq;
  const userId = state.userCount === 0 ? '' : String(1 + Math.floor(state.random() * state.userCount));
  const amount = (5 + state.random() * 195).toFixed(2);
  return {
    order_id: `o-${now}-${id}`,
    user_id: state.random() < 0.03 ? 'n/a' : userId,
    amount: state.random() < 0.02 ? 'twelve' : amount,
    currency: pick(state.random, ['EUR', 'eur', 'USD', '']),
    status: pick(state.random, STATUSES),
    ordered_at: new Date(now - Math.floor(state.random() * 6 * 3_600_000)).toISOString(),
  };
}

const csvCell = (value: string): string => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * Writes one order file (CSV or JSON, alternating) of `count` orders into `incomingDir`. Written
 * to a dot-file first and renamed, so an observer never sees half a file.
 */
export async function dropOrderFile(incomingDir: string, state: SimulatorState, now: number, count: number): Promise<string> {
  await mkdir(incomingDir, { recursive: true });
  const orders = Array.from({ length: count }, () => order(state, now));
  const asCsv = state.orderSeq % 2 === 0;
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const name = `orders-sim-${stamp}-${state.orderSeq}.${asCsv ? 'csv' : 'json'}`;
  const body = asCsv
    ? [Object.keys(orders[0] ?? {}).join(','), ...orders.map((o) => Object.values(o).map(csvCell).join(','))].join('\n') + '\n'
    : JSON.stringify(orders, null, 2);
  const temporary = path.join(incomingDir, `.${name}.tmp`);
  await writeFile(temporary, body);
  await rename(temporary, path.join(incomingDir, name));
  return name;
}

export interface AppTick {
  /** The order file dropped. */
  readonly file: string;
  readonly orders: number;
  /** New users (one existing user is updated too); 0 without a warehouse. */
  readonly users: number;
  readonly events: number;
}

/**
 * One step of the app's normal activity: a few new users (and one updated), some product events,
 * then one order file. Users first, so the new orders can belong to them. Without a warehouse
 * (the embedded one is another process's) only the file is written.
 */
export async function simulateAppTick(warehouse: SqlExecutor | null, incomingDir: string, state: SimulatorState, now: number): Promise<AppTick> {
  let users = 0;
  let events = 0;
  if (warehouse) {
    users = 1 + Math.floor(state.random() * 3);
    await writeAppUsers(warehouse, state, now, users);
    events = 10 + Math.floor(state.random() * 40);
    await writeAppEvents(warehouse, state, now, events);
  }
  const orders = 5 + Math.floor(state.random() * 20);
  const file = await dropOrderFile(incomingDir, state, now, orders);
  return { file, orders, users, events };
}
