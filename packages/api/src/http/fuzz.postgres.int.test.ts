import { randomBytes } from 'node:crypto';
import { FEED_START } from '@strata/events';
import { pgExecutor } from '@strata/projections/postgres';
import { createPostgresEventStore } from '@strata/write-model/postgres';
import { databaseUrl, describeWith } from '@strata/test-env';
import { createTestApi } from '../testing.js';
import { runApiFuzz } from '../testing/fuzz.js';

/*
 * The bad-input property on PostgreSQL: its jsonb refuses NUL and lone surrogates, which once
 * turned such requests into 500s. Every refused request must leave the store as it was.
 */
describeWith('POSTGRES', 'API fuzz on PostgreSQL', () => {
  runApiFuzz(
    'PostgreSQL',
    async () => {
      const schema = `strata_t_${randomBytes(6).toString('hex')}`;
      const store = await createPostgresEventStore({ connectionString: databaseUrl(), schema, maxConnections: 4 });
      const api = await createTestApi({ eventStore: store });
      return {
        api,
        snapshot: async () => (await store.readFeed(FEED_START, 1_000_000)).events,
        teardown: async () => {
          await api.close();
          const db = pgExecutor(databaseUrl(), { max: 1 });
          await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await db.close();
        },
      };
    },
    { numRuns: 60 },
  );
});
