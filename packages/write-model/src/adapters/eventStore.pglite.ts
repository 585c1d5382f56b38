import { PGlite } from '@electric-sql/pglite';
import type { ChangeFeed, EventStore } from '@strata/events';
import { createSqlEventStore, type SqlEventStoreOptions } from './eventStore.sql.js';
import type { SqlExecutor, SqlQuery } from './postgres/sql.js';

export type PgliteEventStoreOptions = SqlEventStoreOptions &
  (
    | { /** A database the caller owns: `close()` leaves it open. */ readonly db: PGlite }
    | { /** Data folder; omitted: in memory. */ readonly dataDir?: string }
  );

/** A `SqlExecutor` over an embedded PGlite database (one session; PGlite queues queries). */
export const pgliteExecutor = (db: PGlite, ownsDb: boolean): SqlExecutor => {
  const on = (target: Pick<PGlite, 'query'>): SqlQuery => ({
    query: async <Row extends object>(text: string, params?: readonly unknown[]) =>
      (await target.query<Row>(text, params === undefined ? undefined : [...params])).rows,
  });
  return {
    ...on(db),
    transaction: (work) => db.transaction((tx) => work(on(tx))),
    close: () => (ownsDb ? db.close() : Promise.resolve()),
  };
};

/**
 * The event store on embedded PGlite (the runtime's default): the same SQL as PostgreSQL, in a
 * data folder or in memory. Applies its migrations before it resolves.
 */
export const createPgliteEventStore = async (options: PgliteEventStoreOptions = {}): Promise<EventStore & ChangeFeed> => {
  const owns = !('db' in options);
  const db = 'db' in options ? options.db : new PGlite(options.dataDir);
  // One embedded session runs one statement at a time: one batch on the wire, the rest queue.
  return createSqlEventStore(pgliteExecutor(db, owns), { batching: { maxInFlight: 1, maxBatch: 64 }, ...options }).catch(async (error: unknown) => {
    if (owns) await db.close().catch(() => undefined);
    throw error;
  });
};
