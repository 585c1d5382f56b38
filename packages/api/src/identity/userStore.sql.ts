import type { SqlExecutor } from '@strata/projections';
import type { Role, UserRecord, UserStore } from './ports.js';

/**
 * `UserStore` in the shared database (`strata_identity.users`), so every process of one engine
 * signs in the same users. The e-mail is unique (lower-cased), so two processes registering the
 * same address at once create one account.
 */
export const createSqlUserStore = async (db: SqlExecutor, schema = 'strata_identity'): Promise<UserStore> => {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new RangeError(`invalid schema ${schema}`);
  const s = `"${schema}"`;
  await db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext($1))`, [`strata-identity:${schema}`]);
    await tx.query(`create schema if not exists ${s}`);
    await tx.query(`create table if not exists ${s}.users (sub text primary key, email text not null unique, record jsonb not null)`);
  });
  const parse = (rows: Array<{ record: unknown }>): UserRecord | undefined => {
    const r = rows[0]?.record;
    return r === undefined ? undefined : ((typeof r === 'string' ? JSON.parse(r) : r) as UserRecord);
  };
  return {
    findByEmail: async (email) => parse(await db.query(`select record from ${s}.users where email = $1`, [email.toLowerCase()])),
    findBySub: async (sub) => parse(await db.query(`select record from ${s}.users where sub = $1`, [sub])),
    create: async (user) => {
      const rows = await db.query(`insert into ${s}.users (sub, email, record) values ($1, $2, $3::jsonb) on conflict do nothing returning sub`, [
        user.sub,
        user.email.toLowerCase(),
        JSON.stringify(user),
      ]);
      return rows.length > 0 ? 'created' : 'exists';
    },
    delete: async (sub: string) => {
      await db.query(`delete from ${s}.users where sub = $1`, [sub]);
    },
    setRoles: async (sub: string, roles: readonly Role[]) => {
      await db.query(`update ${s}.users set record = jsonb_set(record, '{roles}', $2::jsonb) where sub = $1`, [sub, JSON.stringify(roles)]);
    },
  };
};
