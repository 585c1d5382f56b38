import type { SqlExecutor } from '@strata/projections';
import type { IdempotencyRecord, IdempotencyStore, StoredResponse } from './idempotency.js';

/**
 * `IdempotencyStore` in the shared database (`strata_engine.idempotency`), used when several
 * processes serve the API: a retry that lands on another process gets the first response too,
 * and a concurrent duplicate sees the key in flight. Only requests that carry an
 * `Idempotency-Key` touch it. Expired keys are deleted as they are met, and in bulk now and then.
 */
export const createSqlIdempotencyStore = async (db: SqlExecutor, o: { readonly ttlSeconds?: number; readonly schema?: string } = {}): Promise<IdempotencyStore> => {
  const schema = o.schema ?? 'strata_engine';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new RangeError(`invalid schema ${schema}`);
  const t = `"${schema}".idempotency`;
  const ttl = o.ttlSeconds ?? 24 * 3600;
  await db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext($1))`, [`strata-engine-schema:${schema}`]);
    await tx.query(`create schema if not exists "${schema}"`);
    await tx.query(`create table if not exists ${t} (key text primary key, fingerprint text not null, response jsonb, expires_at timestamptz not null)`);
  });
  let begun = 0;
  return {
    async begin(key, fingerprint) {
      if (++begun % 1000 === 0) await db.query(`delete from ${t} where expires_at < now()`);
      for (let attempt = 0; ; attempt++) {
      const [claimed] = await db.query(
        `insert into ${t} as i (key, fingerprint, expires_at) values ($1, $2, now() + $3 * interval '1 second')
         on conflict (key) do update set fingerprint = excluded.fingerprint, response = null, expires_at = excluded.expires_at where i.expires_at < now()
         returning key`,
        [key, fingerprint, ttl],
      );
      if (claimed !== undefined) return undefined;
      const [row] = await db.query<{ fingerprint: string; response: unknown }>(`select fingerprint, response from ${t} where key = $1`, [key]);
      // Released between the two statements: claim it again (once; then report it in flight).
      if (row === undefined) {
        if (attempt === 0) continue;
        return { state: 'in-flight', fingerprint };
      }
      const response = (typeof row.response === 'string' ? JSON.parse(row.response) : row.response) as StoredResponse | null;
      const record: IdempotencyRecord = response === null ? { state: 'in-flight', fingerprint: row.fingerprint } : { state: 'done', fingerprint: row.fingerprint, response };
      return record;
      }
    },
    async complete(key, fingerprint, response) {
      await db.query(
        `insert into ${t} (key, fingerprint, response, expires_at) values ($1, $2, $3::jsonb, now() + $4 * interval '1 second')
         on conflict (key) do update set fingerprint = excluded.fingerprint, response = excluded.response, expires_at = excluded.expires_at`,
        [key, fingerprint, JSON.stringify(response), ttl],
      );
    },
    async release(key) {
      await db.query(`delete from ${t} where key = $1`, [key]);
    },
  };
};
