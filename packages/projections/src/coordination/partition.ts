import type { ChangeFeed } from '@strata/events';

/** FNV-1a over the stream id: a stream always falls in the same partition. */
export const partitionOf = (streamId: string, count: number): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i++) {
    h ^= streamId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
};

/**
 * The events of one partition of the feed. Positions are the feed's own, so each partition keeps
 * its checkpoint; per-stream order is kept because a stream never changes partition. Consumers that
 * need only per-stream order run one leased consumer per partition, shared among the workers.
 */
export const partitionFeed = (feed: ChangeFeed, index: number, count: number): ChangeFeed =>
  count <= 1
    ? feed
    : {
        async readFeed(after, limit) {
          const page = await feed.readFeed(after, limit);
          return { ...page, events: page.events.filter((e) => partitionOf(e.streamId, count) === index) };
        },
      };
