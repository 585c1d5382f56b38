/** Every `IdempotencyStore` adapter passes one contract: in memory, and the table on PGlite (the same SQL as PostgreSQL). */
import { afterAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { pgliteExecutor } from '@strata/projections/pglite';
import { createMemoryIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import { createSqlIdempotencyStore } from './idempotency.sql.js';

const response = { status: 201, headers: { location: '/orders/o-1' }, body: '{"orderId":"o-1"}' };

const contract = (name: string, make: () => Promise<IdempotencyStore>) =>
  describe(`idempotency store: ${name}`, () => {
    it('claims a key once, shows it in flight, then answers the first response; a released key is claimable again', async () => {
      const store = await make();
      const claims = await Promise.all([1, 2, 3].map(() => store.begin('k1', 'fp-a')));
      expect(claims.filter((c) => c === undefined)).toHaveLength(1);
      expect(claims.filter((c) => c !== undefined)).toEqual([
        { state: 'in-flight', fingerprint: 'fp-a' },
        { state: 'in-flight', fingerprint: 'fp-a' },
      ]);
      await store.complete('k1', 'fp-a', response);
      expect(await store.begin('k1', 'fp-b')).toEqual({ state: 'done', fingerprint: 'fp-a', response });
      expect(await store.begin('k2', 'fp-a')).toBeUndefined();
      await store.release('k2');
      expect(await store.begin('k2', 'fp-a')).toBeUndefined();
    });
  });

contract('memory', async () => createMemoryIdempotencyStore({ clock: () => new Date() }));

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of closers) await c();
});
contract('table (PGlite)', async () => {
  const db = pgliteExecutor(await PGlite.create());
  closers.push(() => db.close());
  return createSqlIdempotencyStore(db);
});
