// The tables of the "app" that feeds the warehouse. The app owns them; the assets that read them
// also create them if missing, so a brand-new warehouse works before the app's first write.
export const APP_USERS_DDL = `create table if not exists app_users (
  id bigint primary key,
  email text not null,
  country text,
  plan text,
  signed_up_at timestamptz not null,
  updated_at timestamptz not null default now()
)`;

export const APP_EVENTS_DDL = `create table if not exists app_events (
  id bigserial primary key,
  user_id bigint,
  kind text not null,
  occurred_at timestamptz not null,
  properties jsonb
)`;

/** Columns of an order as files deliver them (CSV header or JSON object fields). */
export const ORDER_FIELDS = ['order_id', 'user_id', 'amount', 'currency', 'status', 'ordered_at'] as const;
export type RawOrder = Record<(typeof ORDER_FIELDS)[number], string>;
