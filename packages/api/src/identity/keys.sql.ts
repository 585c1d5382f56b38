import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SqlExecutor } from '@strata/projections';
import { signingKeysFromJwk, type SigningKeys } from './keys.js';

/**
 * The local issuer's signing keys in the shared database (`strata_identity.signing_keys`), so a
 * token issued by any process verifies at every other. The newest key signs; the JWKS lists it and
 * the one before it, so tokens signed before a rotation stay valid until they expire.
 */
export interface SqlKeyring {
  readonly current: SigningKeys;
  /** Public keys to publish and accept: the current one first, then the previous one. */
  readonly publicJwks: readonly JWK[];
}

const ensure = async (db: SqlExecutor, s: string, schema: string) =>
  db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext($1))`, [`strata-identity:${schema}`]);
    await tx.query(`create schema if not exists ${s}`);
    await tx.query(`create table if not exists ${s}.signing_keys (seq bigserial primary key, private_jwk jsonb not null, created_at timestamptz not null default now())`);
  });

const newPrivateJwk = async (): Promise<JWK> => exportJWK((await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 })).privateKey);

/** Adds a new signing key (`strata keys rotate`); processes pick it up when they next start. */
export const rotateSigningKey = async (db: SqlExecutor, schema = 'strata_identity'): Promise<string> => {
  const s = `"${schema}"`;
  await ensure(db, s, schema);
  const jwk = await newPrivateJwk();
  await db.query(`insert into ${s}.signing_keys (private_jwk) values ($1::jsonb)`, [JSON.stringify(jwk)]);
  return (await signingKeysFromJwk(jwk)).kid;
};

export const loadOrCreateSqlKeyring = async (db: SqlExecutor, schema = 'strata_identity'): Promise<SqlKeyring> => {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new RangeError(`invalid schema ${schema}`);
  const s = `"${schema}"`;
  await ensure(db, s, schema);
  const read = () => db.query<{ private_jwk: unknown }>(`select private_jwk from ${s}.signing_keys order by seq desc limit 2`);
  let rows = await read();
  if (rows.length === 0) {
    const jwk = await newPrivateJwk();
    // Serialised with the other processes starting now: exactly one first key.
    await db.transaction(async (tx) => {
      await tx.query(`select pg_advisory_xact_lock(hashtext($1))`, [`strata-identity:${schema}`]);
      const [n] = await tx.query<{ n: unknown }>(`select count(*) as n from ${s}.signing_keys`);
      if (Number(n?.n ?? 0) === 0) await tx.query(`insert into ${s}.signing_keys (private_jwk) values ($1::jsonb)`, [JSON.stringify(jwk)]);
    });
    rows = await read();
  }
  const keys = await Promise.all(rows.map((r) => signingKeysFromJwk((typeof r.private_jwk === 'string' ? JSON.parse(r.private_jwk) : r.private_jwk) as JWK)));
  const [current] = keys;
  if (current === undefined) throw new Error('no signing key could be created');
  return { current, publicJwks: keys.map((k) => k.publicJwk) };
};
