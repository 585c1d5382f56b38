/** `@strata/projections/pglite`: the relational read model's executor over embedded PGlite. */
import { PGlite } from '@electric-sql/pglite';
import type { SqlExecutor } from './relational/executor.js';

interface Queryable {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

const over = (q: Queryable, transaction: SqlExecutor['transaction'], close: () => Promise<void>): SqlExecutor => ({
  query: async <R>(sql: string, params?: readonly unknown[]) => (await q.query<R>(sql, params as unknown[])).rows,
  transaction,
  close,
});

/** An executor over a PGlite database (in memory when `dataDir` is absent; owned when created here). */
export const pgliteExecutor = (db?: PGlite | { dataDir?: string }): SqlExecutor => {
  const owned = !(db instanceof PGlite);
  const lite = db instanceof PGlite ? db : new PGlite(db?.dataDir);
  const self: SqlExecutor = over(
    lite,
    (fn) =>
      lite.transaction(async (tx) => {
        const inner: SqlExecutor = over(tx, (f) => f(inner), async () => undefined);
        return fn(inner);
      }),
    async () => {
      if (owned) await lite.close();
    },
  );
  return self;
};
