/**
 * Every `UserStore` adapter passes one contract: memory, the data folder's file, and the table on
 * PGlite (the same SQL as PostgreSQL, where several processes share the users).
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgliteExecutor } from '@strata/projections/pglite';
import type { UserRecord, UserStore } from './ports.js';
import { createMemoryUserStore } from './userStore.memory.js';
import { createFileUserStore } from './userStore.file.js';
import { createSqlUserStore } from './userStore.sql.js';

jest.setTimeout(60_000);

const user = (sub: string, email: string): UserRecord => ({
  sub,
  email,
  passwordHash: 'scrypt$x',
  firstName: 'Ada',
  lastName: 'Lovelace',
  phoneNumber: '+11234567890',
  roles: ['customer'],
  createdAt: '2026-01-01T00:00:00.000Z',
});

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

const contract = (name: string, make: () => Promise<UserStore>) =>
  describe(`user store: ${name}`, () => {
    it('creates once per e-mail, finds by e-mail and sub, sets roles, deletes', async () => {
      const store = await make();
      const results = await Promise.all([store.create(user('u1', 'ada@example.com')), store.create(user('u2', 'ada@example.com'))]);
      expect([...results].sort()).toEqual(['created', 'exists']);
      const found = await store.findByEmail('ADA@example.com');
      expect(found?.email).toBe('ada@example.com');
      expect((await store.findBySub(found!.sub))?.firstName).toBe('Ada');
      await store.setRoles(found!.sub, ['customer', 'analyst']);
      expect((await store.findBySub(found!.sub))?.roles).toEqual(['customer', 'analyst']);
      await store.delete(found!.sub);
      expect(await store.findByEmail('ada@example.com')).toBeUndefined();
      expect(await store.create(user('u3', 'ada@example.com'))).toBe('created');
    });
  });

contract('memory', async () => createMemoryUserStore());
contract('file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-users-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return createFileUserStore(join(dir, 'users.json'));
});
contract('table (PGlite)', async () => {
  const db = pgliteExecutor(await PGlite.create());
  cleanups.push(() => db.close());
  return createSqlUserStore(db);
});
