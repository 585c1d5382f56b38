/**
 * Key rotation (`strata keys rotate`): after a rotation the new key signs, and a token signed
 * with the previous key still verifies until it expires — in the data folder and in the database.
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { PGlite } from '@electric-sql/pglite';
import type { JWK } from 'jose';
import { pgliteExecutor } from '@strata/projections/pglite';
import { loadOrCreateSigningKeys, loadPreviousPublicKey, rotateFolderSigningKey, type SigningKeys } from './keys.js';
import { loadOrCreateSqlKeyring, rotateSigningKey } from './keys.sql.js';
import { createLocalIdentity } from './local.js';
import { createMemoryUserStore } from './userStore.memory.js';

jest.setTimeout(60_000);

const identity = (keys: SigningKeys, previous: readonly JWK[], users = createMemoryUserStore()) =>
  createLocalIdentity({ users, keys, previousPublicKeys: previous, issuer: 'http://strata.test', audience: 'strata', clock: () => new Date(), newId: () => crypto.randomUUID() });

const tokenFrom = async (id: ReturnType<typeof identity>, email: string) => {
  await id.provider.signUp({ email, password: 'ComplexP@ss1234', firstName: 'K', lastName: 'R', phoneNumber: '+11234567890' });
  const t = await id.provider.signIn({ email, password: 'ComplexP@ss1234' });
  if (E.isLeft(t)) throw new Error('sign-in failed');
  return t.right.idToken;
};

const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

describe('signing key rotation', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('in the data folder: the new key signs, the previous one still verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-keys-'));
    dirs.push(dir);
    const users = createMemoryUserStore();
    const before = identity(await loadOrCreateSigningKeys(dir), [], users);
    const oldToken = await tokenFrom(before, 'old@example.com');
    const kid = await rotateFolderSigningKey(dir);
    const previous = await loadPreviousPublicKey(dir);
    const after = identity(await loadOrCreateSigningKeys(dir), previous ? [previous] : [], users);
    const newToken = await tokenFrom(after, 'new@example.com');
    expect(kidOf(newToken)).toBe(kid);
    expect(kidOf(oldToken)).not.toBe(kid);
    expect(E.isRight(await after.verifier.verify(oldToken))).toBe(true);
    expect(E.isRight(await after.verifier.verify(newToken))).toBe(true);
    expect(after.jwks.keys.map((k) => k.kid)).toEqual([kid, kidOf(oldToken)]);
  });

  it('in the database: every process loads the same keyring, newest first', async () => {
    const db = pgliteExecutor(await PGlite.create());
    try {
      const first = await loadOrCreateSqlKeyring(db);
      const again = await loadOrCreateSqlKeyring(db);
      expect(again.current.kid).toBe(first.current.kid);
      const oldToken = await tokenFrom(identity(first.current, []), 'a@example.com');
      const kid = await rotateSigningKey(db);
      const rotated = await loadOrCreateSqlKeyring(db);
      expect(rotated.current.kid).toBe(kid);
      expect(rotated.publicJwks.map((k) => k.kid)).toEqual([kid, first.current.kid]);
      const after = identity(rotated.current, rotated.publicJwks.slice(1));
      expect(E.isRight(await after.verifier.verify(oldToken))).toBe(true);
    } finally {
      await db.close();
    }
  });
});
