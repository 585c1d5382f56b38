import { FEED_START, type ChangeFeed } from '@strata/events';
import { createPgliteEventStore } from '@strata/write-model/pglite';
import { createTestApi } from '../testing.js';
import { runApiFuzz } from '../testing/fuzz.js';

/** Everything a store with a change feed holds, in commit order. */
const feedSnapshot = (feed: ChangeFeed) => async () => (await feed.readFeed(FEED_START, 1_000_000)).events;

// The memory store refuses what the real engines refuse (the event store contract suite checks
// it), but the property also runs on PGlite: its jsonb is where NUL and lone surrogates once got
// through validation and became 500s (issue 11).
runApiFuzz('memory store', async () => {
  const api = await createTestApi();
  return { api, snapshot: feedSnapshot(api.store as ChangeFeed), teardown: () => api.close() };
});

runApiFuzz(
  'PGlite (in memory)',
  async () => {
    // The store owns its embedded database: `api.close()` closes both.
    const store = await createPgliteEventStore();
    const api = await createTestApi({ eventStore: store });
    return { api, snapshot: feedSnapshot(store), teardown: () => api.close() };
  },
  { numRuns: 60 },
);
