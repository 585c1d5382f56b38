import { quoteSchema, type SqlExecutor } from '../relational/executor.js';
import { LeaseLostError, type LeaseGrant, type LeaseStore } from './lease.js';
import { ENGINE_SCHEMA } from './schema.js';

/**
 * Leases in the read model's database (table `strata_engine.leases`, see `schema.ts`). Expiry is reckoned
 * by the database's clock alone, so hosts with skewed clocks agree on who holds a lease.
 */
export const sqlLeaseStore = (db: SqlExecutor, schema = ENGINE_SCHEMA): LeaseStore & { fence(tx: SqlExecutor, grant: LeaseGrant): Promise<void> } => {
  const s = quoteSchema(schema);
  return {
    async acquire(name, holder, ttlMs) {
      const [row] = await db.query<{ token: string | number }>(
        `insert into ${s}.leases as l (name, holder, token, expires_at) values ($1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')
         on conflict (name) do update set holder = excluded.holder, token = l.token + 1, expires_at = excluded.expires_at
           where l.expires_at <= clock_timestamp() or l.holder = excluded.holder
         returning token`,
        [name, holder, ttlMs],
      );
      return row === undefined ? undefined : { name, holder, token: Number(row.token) };
    },
    async renew(grant, ttlMs) {
      const rows = await db.query(
        `update ${s}.leases set expires_at = clock_timestamp() + $4 * interval '1 millisecond' where name = $1 and holder = $2 and token = $3 returning token`,
        [grant.name, grant.holder, grant.token, ttlMs],
      );
      return rows.length > 0;
    },
    async release(grant) {
      await db.query(`update ${s}.leases set expires_at = clock_timestamp() where name = $1 and holder = $2 and token = $3`, [grant.name, grant.holder, grant.token]);
    },
    async list() {
      const rows = await db.query<{ name: string; holder: string; token: unknown; expires_at: unknown }>(`select name, holder, token, expires_at from ${s}.leases order by name`);
      return rows.map((r) => ({ name: r.name, holder: r.holder, token: Number(r.token), expiresAt: new Date(r.expires_at as string).toISOString() }));
    },
    /** Inside a write transaction: refuses (and so rolls back) a write whose grant is no longer current. */
    async fence(tx, grant) {
      const rows = await tx.query(`select 1 from ${s}.leases where name = $1 and holder = $2 and token = $3 and expires_at > clock_timestamp() for share`, [grant.name, grant.holder, grant.token]);
      if (rows.length === 0) throw new LeaseLostError(grant.name);
    },
  };
};
