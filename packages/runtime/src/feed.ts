import type { ChangeFeed, FeedPage } from '@strata/events';

/**
 * Every consumer reads the same feed, and after a commit they wake together at the same position:
 * identical reads in flight at the same time share one query (pages are immutable values).
 */
export const coalesceReads = (feed: ChangeFeed): ChangeFeed => {
  const inFlight = new Map<string, Promise<FeedPage>>();
  return {
    ...(feed.head ? { head: () => feed.head!() } : {}),
    readFeed(after, limit) {
      const key = `${limit}\u0000${after}`;
      const pending = inFlight.get(key);
      if (pending) return pending;
      const read = feed.readFeed(after, limit).finally(() => inFlight.delete(key));
      inFlight.set(key, read);
      return read;
    },
  };
};
