import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PGlite } from '@electric-sql/pglite';
import { pgliteExecutor } from '../pglite.js';
import { createLeaseKeeper, memoryLeaseStore, LeaseLostError, type HeldLease, type LeaseKeeper, type LeaseStore } from './lease.js';
import { migrateEngineSchema } from './schema.js';
import { sqlLeaseStore } from './lease.sql.js';

/**
 * A model of processes sharing one lease under any interleaving of ticks (acquire/renew), clock
 * advances (a pause or a lost network), crashes (a process stops renewing and never releases)
 * and page writes. Invariant: a write is applied only by a holder whose lease is valid, and never
 * by two holders in the same lease period; a write by a holder that lost its lease is refused.
 */
type Step =
  | { readonly kind: 'tick'; readonly p: number }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'crash'; readonly p: number }
  | { readonly kind: 'write'; readonly p: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('tick' as const), p: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 4000 }) }),
  fc.record({ kind: fc.constant('crash' as const), p: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('write' as const), p: fc.integer({ min: 0, max: 2 }) }),
);

describe('leases (model)', () => {
  it('at most one holder applies a page at a time, and a holder that lost its lease is refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 80 }), async (steps) => {
        let now = 0;
        const store: LeaseStore = memoryLeaseStore(() => now);
        const ttlMs = 5000;
        const held: Array<HeldLease | undefined> = [undefined, undefined, undefined];
        const crashed = [false, false, false];
        const keepers: LeaseKeeper[] = [0, 1, 2].map((p) =>
          createLeaseKeeper({
            store,
            name: 'relational',
            holder: `p${p}`,
            ttlMs,
            now: () => now,
            onAcquired: (lease) => void (held[p] = lease),
            onLost: () => void (held[p] = undefined),
          }),
        );
        // Who applied the last write, and under which token: tokens only grow.
        let lastToken = 0;
        for (const s of steps) {
          if (s.kind === 'advance') now += s.ms;
          else if (s.kind === 'crash') crashed[s.p] = true;
          else if (crashed[s.p]) continue;
          else if (s.kind === 'tick') await keepers[s.p]!.tick();
          else {
            const lease = keepers[s.p]!.held();
            if (lease === undefined) continue;
            const rows = await store.list();
            const current = rows.find((r) => r.name === 'relational');
            const reallyCurrent = current !== undefined && current.holder === `p${s.p}` && current.token === lease.grant.token && Date.parse(current.expiresAt) > now;
            if (lease.valid()) {
              // A write passes the guard only under the current grant, and tokens never go back.
              expect(reallyCurrent).toBe(true);
              expect(lease.grant.token).toBeGreaterThanOrEqual(lastToken);
              lastToken = lease.grant.token;
            } else {
              expect(() => lease.assertValid()).toThrow(LeaseLostError);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('leases in SQL (PGlite)', () => {
  it('take, renew, expire, take over with a higher token, and fence the old holder', async () => {
    const db = pgliteExecutor(await PGlite.create());
    try {
      await migrateEngineSchema(db);
      const store = sqlLeaseStore(db);
      const a = await store.acquire('bus-1-of-4', 'a', 200);
      expect(a?.token).toBe(1);
      expect(await store.acquire('bus-1-of-4', 'b', 200)).toBeUndefined();
      expect(await store.renew(a!, 200)).toBe(true);
      await db.transaction((tx) => store.fence(tx, a!));
      // a stops renewing (a crash): once expired, b takes it with a new token.
      await db.query(`update strata_engine.leases set expires_at = clock_timestamp() - interval '1 second'`);
      const b = await store.acquire('bus-1-of-4', 'b', 200);
      expect(b?.token).toBe(2);
      expect(await store.renew(a!, 200)).toBe(false);
      await expect(db.transaction((tx) => store.fence(tx, a!))).rejects.toBeInstanceOf(LeaseLostError);
      await db.transaction((tx) => store.fence(tx, b!));
      await store.release(b!);
      const c = await store.acquire('bus-1-of-4', 'a', 200);
      expect(c?.token).toBe(3);
      expect((await store.list()).map((r) => [r.name, r.holder, r.token])).toEqual([['bus-1-of-4', 'a', 3]]);
    } finally {
      await db.close();
    }
  });
});
