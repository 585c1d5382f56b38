import { afterAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { InvalidAppendError, expectNoStream } from '@strata/events';
import { migrations } from './postgres/migrations.js';
import { runEventStoreContract, testAppend, testEvents, testStreamId } from '../testing.js';
import { createPgliteEventStore, pgliteExecutor } from './eventStore.pglite.js';
import { createSqlEventStore } from './eventStore.sql.js';
import type { SqlExecutor } from './postgres/sql.js';

/** PGlite's executor, counting the statements it sends. */
const countingExecutor = (): SqlExecutor & { statements: string[] } => {
  const inner = pgliteExecutor(db, false);
  const statements: string[] = [];
  return { ...inner, statements, query: (text, params) => (statements.push(text), inner.query(text, params)) };
};

const maxCommitBytes = 16 * 1024;
// One embedded database for the file: starting PGlite is the slow part. Schemas keep cases apart.
const db = new PGlite();
afterAll(() => db.close());

runEventStoreContract(
  'PGlite (in memory)',
  async () => {
    const store = await createPgliteEventStore({ db, schema: 'es_contract', maxCommitBytes });
    return { store, feed: store, maxCommitBytes, teardown: () => store.close() };
  },
  { feed: true },
);

describe('PGlite event store', () => {
  it('applies its migrations once and keeps the events when reopened on the same database', async () => {
    const stream = testStreamId();
    const first = await createPgliteEventStore({ db, schema: 'es_reopen' });
    const { events } = await first.append(testAppend(stream, expectNoStream, testEvents(2)));
    await first.close();
    const second = await createPgliteEventStore({ db, schema: 'es_reopen' });
    expect((await second.readStream(stream)).events).toEqual(events);
    const applied = await db.query<{ id: number }>('SELECT id FROM es_reopen.strata_event_store_migrations');
    expect(applied.rows).toEqual(migrations.map((m) => ({ id: m.id })));
  });

  it('refuses data PostgreSQL cannot store as InvalidAppendError, writing nothing', async () => {
    const store = await createPgliteEventStore({ db, schema: 'es_contract' });
    const stream = testStreamId();
    const events = [{ eventId: 'e-nul', type: 'ContractTested', schemaVersion: 1, data: { text: 'a\u0000b' } }];
    await expect(store.append(testAppend(stream, expectNoStream, events))).rejects.toBeInstanceOf(InvalidAppendError);
    expect((await store.readStream(stream)).version).toBe(0);
  });

  describe('group commit', () => {
    it('sends concurrent appends to different streams as one statement, each with its own answer', async () => {
      const sql = countingExecutor();
      const store = await createSqlEventStore(sql, { schema: 'es_group', batching: { maxInFlight: 1, maxBatch: 64 } });
      sql.statements.length = 0;
      const streams = Array.from({ length: 20 }, () => testStreamId());
      const results = await Promise.all(streams.map((s) => store.append(testAppend(s, expectNoStream, testEvents(2)))));
      expect(results.map((r) => r.version)).toEqual(streams.map(() => 2));
      expect(sql.statements.filter((t) => t.includes('strata_append_many'))).toHaveLength(1);
      const slices = await Promise.all(streams.map((s) => store.readStream(s)));
      expect(slices.map((s) => s.events.map((e) => e.streamVersion))).toEqual(streams.map(() => [1, 2]));
    });

    it('lets exactly one of several concurrent creations of the same stream win; the rest conflict', async () => {
      const store = await createPgliteEventStore({ db, schema: 'es_group' });
      const stream = testStreamId();
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => store.append(testAppend(stream, expectNoStream, testEvents(1)))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(4).fill('VERSION_CONFLICT'));
      expect((await store.readStream(stream)).version).toBe(1);
    });

    it('fails only the commit the database refuses when it shares a batch with good ones', async () => {
      const store = await createPgliteEventStore({ db, schema: 'es_group' });
      const good = [testStreamId(), testStreamId()];
      const bad = testStreamId();
      const nul = [{ eventId: 'e-nul', type: 'ContractTested', schemaVersion: 1, data: { text: 'a\u0000b' } }];
      const [a, b, c] = await Promise.allSettled([
        store.append(testAppend(good[0]!, expectNoStream, testEvents(1))),
        store.append(testAppend(bad, expectNoStream, nul)),
        store.append(testAppend(good[1]!, expectNoStream, testEvents(1))),
      ]);
      expect([a?.status, b?.status, c?.status]).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((b as PromiseRejectedResult).reason).toBeInstanceOf(InvalidAppendError);
      expect((await store.readStream(bad)).version).toBe(0);
      expect((await Promise.all(good.map((s) => store.readStream(s)))).map((s) => s.version)).toEqual([1, 1]);
    });

    it('answers a retried command inside a batch with its first commit', async () => {
      const store = await createPgliteEventStore({ db, schema: 'es_group' });
      const stream = testStreamId();
      const request = testAppend(stream, expectNoStream, testEvents(1));
      const first = await store.append(request);
      const [again, other] = await Promise.all([store.append(request), store.append(testAppend(testStreamId(), expectNoStream, testEvents(1)))]);
      expect(again).toEqual({ ...first, duplicate: true });
      expect(other.version).toBe(1);
    });
  });
});
