import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { FEED_START, expectNoStream, type ChangeFeed, type EventStore } from '@strata/events';
import { databaseUrl, describeWith } from '@strata/test-env';
import { migrations } from './postgres/migrations.js';
import { runEventStoreContract, testAppend, testEvents, testStreamId } from '../testing.js';
import { createPostgresEventStore } from './eventStore.postgres.js';

const maxCommitBytes = 64 * 1024;
const schema = `strata_t_${Math.random().toString(36).slice(2, 10)}`;

describeWith('POSTGRES', 'PostgreSQL event store', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: databaseUrl(), max: 12 });
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  runEventStoreContract(
    'PostgreSQL',
    async () => {
      const store = await createPostgresEventStore({ pool, schema, maxCommitBytes });
      return { store, feed: store, maxCommitBytes, teardown: () => store.close() };
    },
    { feed: true },
  );

  it('migrates once when several processes start at the same time', async () => {
    const racing = `${schema}_m`;
    try {
      const stores = await Promise.all([1, 2, 3, 4].map(() => createPostgresEventStore({ connectionString: databaseUrl(), schema: racing, maxConnections: 2 })));
      const applied = await pool.query<{ id: number }>(`SELECT id FROM ${racing}.strata_event_store_migrations`);
      expect(applied.rows).toEqual(migrations.map((m) => ({ id: m.id })));
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS ${racing} CASCADE`);
    }
  });

  it('the feed never skips an event whose slower transaction took a lower position and committed later', async () => {
    const store: EventStore & ChangeFeed = await createPostgresEventStore({ pool, schema, maxCommitBytes });
    const drain = async (from: string): Promise<{ keys: string[]; next: string }> => {
      const keys: string[] = [];
      let next = from;
      for (;;) {
        const page = await store.readFeed(next, 50);
        keys.push(...page.events.map((e) => `${e.streamId}@${e.streamVersion}`));
        next = page.next;
        if (page.caughtUp) return { keys, next };
      }
    };
    const { next: head } = await drain(FEED_START);

    // A slow writer: its transaction inserts first (taking the lower position) but commits last.
    const slow = await pool.connect();
    const slowStream = testStreamId('Slow');
    try {
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO ${schema}.strata_events (stream_id, version, event_id, type, schema_version, occurred_at, actor, causation_id,
           correlation_id, command_id, command_fingerprint, commit_start, commit_events, prev_hash, hash, data)
         VALUES ($1, 1, 'e-slow', 'ContractTested', 1, '2026-11-24T12:00:00.000Z', '{"kind":"system","id":"t"}', 'c', 'c', 'c', 'f', true, 1, 'p', 'h', '{}')`,
        [slowStream],
      );
      const fastStream = testStreamId('Fast');
      await store.append(testAppend(fastStream, expectNoStream, testEvents(2)));

      // While the slow transaction is open, the reader must not move past its position.
      const during = await drain(head);
      expect(during.keys).not.toContain(`${fastStream}@1`);
      expect(during.keys).not.toContain(`${slowStream}@1`);

      await slow.query('COMMIT');
      const after = await drain(during.next);
      expect(new Set([...during.keys, ...after.keys])).toEqual(new Set([`${slowStream}@1`, `${fastStream}@1`, `${fastStream}@2`]));
    } finally {
      await slow.query('ROLLBACK').catch(() => undefined);
      slow.release();
    }
  });
});
