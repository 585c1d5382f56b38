/** `@strata/projections/postgres`: the relational read model's executor over node-postgres. */
import pg from 'pg';
import { ReadModelUnavailableError, type SqlExecutor } from './relational/executor.js';

const wrap = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (error) {
    // SQL errors (a bug, a constraint) propagate as they are; only connection faults are re-typed.
    if (error instanceof Error && 'code' in error && typeof (error as { code: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code)) throw error;
    throw new ReadModelUnavailableError(`read model database: ${what} failed`, { cause: error });
  }
};

const clientExecutor = (client: pg.PoolClient): SqlExecutor => ({
  query: async <R>(sql: string, params?: readonly unknown[]) => (await client.query(sql, params as unknown[])).rows as R[],
  transaction: (fn) => fn(clientExecutor(client)),
  close: async () => undefined,
});

/** An executor over a `pg` pool (owned when created from a connection string). */
export const pgExecutor = (pool: pg.Pool | string, options: { max?: number } = {}): SqlExecutor => {
  const owned = typeof pool === 'string';
  const p = typeof pool === 'string' ? new pg.Pool({ connectionString: pool, max: options.max ?? 10 }) : pool;
  return {
    query: <R>(sql: string, params?: readonly unknown[]) => wrap('query', async () => (await p.query(sql, params as unknown[])).rows as R[]),
    async transaction(fn) {
      const client = await wrap('connect', () => p.connect());
      try {
        await client.query('begin');
        const result = await fn(clientExecutor(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (owned) await p.end();
    },
  };
};
