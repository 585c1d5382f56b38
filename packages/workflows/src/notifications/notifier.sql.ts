import type { Notifier } from './port.js';

/** The part of a SQL client this adapter uses (the read model's `SqlExecutor` fits). */
export interface SqlQuery {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/**
 * The outbox as a table (`strata_engine.outbox`) when the engine has a shared database: every
 * process sees the same ledger, and the primary key on the event id makes a notification
 * "sent" once whichever worker delivers it, however often the feed repeats it. A mail or SMS
 * relay reads the table in `created_at` order.
 */
export const createSqlOutboxNotifier = async (db: SqlQuery, schema = 'strata_engine'): Promise<Notifier> => {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new RangeError(`invalid schema ${schema}`);
  const s = `"${schema}"`;
  await db.query(`create schema if not exists ${s}`).catch(() => undefined); // a concurrent creator won
  await db.query(
    `create table if not exists ${s}.outbox (id text primary key, customer_id text not null, kind text not null, notification jsonb not null, created_at timestamptz not null default now())`,
  ).catch(async (e: unknown) => {
    // Two processes creating it at once: one wins, the other finds it there.
    const [row] = await db.query(`select to_regclass($1) as t`, [`${schema}.outbox`]);
    if (row?.t === null || row?.t === undefined) throw e;
  });
  return {
    async send(notification) {
      const rows = await db.query(
        `insert into ${s}.outbox (id, customer_id, kind, notification) values ($1, $2, $3, $4::jsonb) on conflict (id) do nothing returning id`,
        [notification.id, notification.customerId, notification.kind, JSON.stringify(notification)],
      );
      return { sent: rows.length > 0 };
    },
  };
};
