import { describe, expect, it } from '@jest/globals';
import type { ChangeFeed, FeedPage } from '@strata/events';
import { coalesceReads } from './feed.js';

const countingFeed = () => {
  const calls: string[] = [];
  const release: Array<() => void> = [];
  const feed: ChangeFeed = {
    readFeed: (after, limit) =>
      new Promise<FeedPage>((resolve) => {
        calls.push(`${after}/${limit}`);
        release.push(() => resolve({ events: [], next: `${after}+`, caughtUp: true }));
      }),
  };
  return { feed, calls, releaseAll: () => release.splice(0).forEach((r) => r()) };
};

describe('coalesceReads', () => {
  it('shares one read between identical reads in flight, and only while in flight', async () => {
    const { feed, calls, releaseAll } = countingFeed();
    const shared = coalesceReads(feed);
    const a = shared.readFeed('p1', 500);
    const b = shared.readFeed('p1', 500);
    const c = shared.readFeed('p2', 500);
    const d = shared.readFeed('p1', 100);
    expect(calls).toEqual(['p1/500', 'p2/500', 'p1/100']);
    releaseAll();
    const [pa, pb] = await Promise.all([a, b, c, d]);
    expect(pa).toBe(pb);
    expect(pa?.next).toBe('p1+');
    const again = shared.readFeed('p1', 500);
    expect(calls).toHaveLength(4);
    releaseAll();
    await again;
  });

  it('does not keep a failed read', async () => {
    let n = 0;
    const shared = coalesceReads({ readFeed: async () => (n++ === 0 ? Promise.reject(new Error('down')) : { events: [], next: 'x', caughtUp: true }) });
    await expect(shared.readFeed('', 10)).rejects.toThrow('down');
    await expect(shared.readFeed('', 10)).resolves.toMatchObject({ next: 'x' });
  });
});
