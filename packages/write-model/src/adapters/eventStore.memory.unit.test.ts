import { describe, expect, it } from '@jest/globals';
import { FEED_START, InvalidAppendError, StreamTooLargeError, expectNoStream } from '@strata/events';
import { runEventStoreContract, testAppend, testEvents, testStreamId } from '../testing.js';
import { createMemoryEventStore } from './eventStore.memory.js';

const maxCommitBytes = 16 * 1024;

runEventStoreContract(
  'memory',
  () => {
    const store = createMemoryEventStore({ maxCommitBytes });
    return Promise.resolve({ store, feed: store, maxCommitBytes, teardown: () => store.close() });
  },
  { feed: true },
);

describe('memory event store limits', () => {
  it('refuses to read a stream longer than maxReadEvents without a limit', async () => {
    const store = createMemoryEventStore({ maxReadEvents: 3 });
    const stream = testStreamId();
    await store.append(testAppend(stream, expectNoStream, testEvents(4)));
    await expect(store.readStream(stream)).rejects.toBeInstanceOf(StreamTooLargeError);
    expect((await store.readStream(stream, { limit: 4 })).events).toHaveLength(4);
  });

  it('rejects an empty commit', async () => {
    const store = createMemoryEventStore();
    await expect(store.append(testAppend(testStreamId(), expectNoStream, []))).rejects.toBeInstanceOf(InvalidAppendError);
    expect((await store.readFeed(FEED_START, 10)).events).toEqual([]);
  });
});
