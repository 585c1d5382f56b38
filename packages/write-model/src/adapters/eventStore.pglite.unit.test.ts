import { afterAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { InvalidAppendError, expectNoStream } from '@strata/events';
import { runEventStoreContract, testAppend, testEvents, testStreamId } from '../testing.js';
import { createPgliteEventStore } from './eventStore.pglite.js';

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
    expect(applied.rows).toEqual([{ id: 1 }]);
  });

  it('refuses data PostgreSQL cannot store as InvalidAppendError, writing nothing', async () => {
    const store = await createPgliteEventStore({ db, schema: 'es_contract' });
    const stream = testStreamId();
    const events = [{ eventId: 'e-nul', type: 'ContractTested', schemaVersion: 1, data: { text: 'a\u0000b' } }];
    await expect(store.append(testAppend(stream, expectNoStream, events))).rejects.toBeInstanceOf(InvalidAppendError);
    expect((await store.readStream(stream)).version).toBe(0);
  });
});
