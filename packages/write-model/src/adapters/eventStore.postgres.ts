import pg from 'pg';
import type { ChangeFeed, EventStore } from '@strata/events';
import { createSqlEventStore, type SqlEventStoreOptions } from './eventStore.sql.js';
import type { SqlExecutor, SqlQuery } from './postgres/sql.js';

export type PostgresEventStoreOptions = SqlEventStoreOptions &
  (
    | { /** A pool the caller owns: `close()` leaves it open. */ readonly pool: pg.Pool }
    | { readonly connectionString: string; /** Pool size. @default 10 */ readonly maxConnections?: number }
  );

/** A `SqlExecutor` over a `pg` pool. */
export const pgExecutor = (pool: pg.Pool, ownsPool: boolean): SqlExecutor => {
  const on = (client: pg.Pool | pg.PoolClient): SqlQuery => ({
    query: async <Row extends object>(text: string, params?: readonly unknown[]) =>
      (await client.query<Row>(text, params === undefined ? undefined : [...params])).rows,
  });
  return {
    ...on(pool),
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(on(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => (ownsPool ? pool.end() : Promise.resolve()),
  };
};

/**
 * The event store on PostgreSQL through `pg`. Applies its migrations (advisory-locked) before it
 * resolves. See `createSqlEventStore` for the append and feed guarantees.
 */
export const createPostgresEventStore = (options: PostgresEventStoreOptions): Promise<EventStore & ChangeFeed> => {
  const owns = !('pool' in options);
  const pool = 'pool' in options ? options.pool : new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  // An idle client's network error would otherwise crash the process; queries report their own.
  if (owns) pool.on('error', () => undefined);
  return createSqlEventStore(pgExecutor(pool, owns), options).catch(async (error: unknown) => {
    if (owns) await pool.end().catch(() => undefined);
    throw error;
  });
};
