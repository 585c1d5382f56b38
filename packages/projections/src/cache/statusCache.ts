import { FEED_START, orderStream, parseStreamId } from '@strata/events';
import { statusEntryProjector, toStatusEntry } from '../domain/docs.js';
import { foldBatch } from '../domain/readModel.js';
import type { OrderQueries, OrderStatusCache, OrderStatusEntry } from '../queries.js';
import type { ProjectionSink } from '../sink.js';

/**
 * Storage port of the order-status cache. Adapters: `memoryStatusStore` (embedded default) and
 * `redisStatusStore` (`@strata/projections/redis`); both pass one contract suite.
 */
export interface StatusStore {
  getMany(orderIds: readonly string[]): Promise<Map<string, OrderStatusEntry>>;
  /** Writes each entry with the TTL unless the stored one has the same or a newer version. */
  putIfNewer(entries: readonly OrderStatusEntry[]): Promise<void>;
  getCheckpoint(projection: string): Promise<string | undefined>;
  setCheckpoint(projection: string, position: string): Promise<void>;
}

export interface StatusCache {
  readonly sink: ProjectionSink;
  readonly reader: OrderStatusCache;
}

/**
 * The order-status cache: a sink that keeps entries current from the feed, and a reader whose miss
 * (never cached, or expired) falls back to the relational model and refills the entry.
 */
export const createStatusCache = (o: { store: StatusStore; fallback: Pick<OrderQueries, 'getOrder'>; name?: string }): StatusCache => {
  const name = o.name ?? 'status-cache';
  return {
    sink: {
      name,
      async apply(events, checkpoint) {
        const mine = events.filter((e) => parseStreamId(e.streamId)?.category === statusEntryProjector.category);
        if (mine.length > 0) {
          const ids = [...new Set(mine.map((e) => parseStreamId(e.streamId)?.id ?? ''))];
          const loaded = new Map([...(await o.store.getMany(ids))].map(([id, entry]) => [orderStream(id), entry] as const));
          const changed = foldBatch(statusEntryProjector, loaded, mine);
          if (changed.size > 0) await o.store.putIfNewer([...changed.values()]);
        }
        if (checkpoint !== undefined) await o.store.setCheckpoint(name, checkpoint);
      },
      async checkpoint() {
        return (await o.store.getCheckpoint(name)) ?? FEED_START;
      },
    },
    reader: {
      async get(orderId) {
        const hit = (await o.store.getMany([orderId])).get(orderId);
        if (hit !== undefined) return hit;
        const view = await o.fallback.getOrder(orderId);
        if (view === undefined) return undefined;
        const entry = toStatusEntry(view);
        await o.store.putIfNewer([entry]);
        return entry;
      },
    },
  };
};

/** In-process status store with TTL (the embedded default). */
export const memoryStatusStore = (options: { ttlMs: number; now?: () => number }): StatusStore => {
  const now = options.now ?? (() => Date.now());
  const entries = new Map<string, { entry: OrderStatusEntry; expiresAt: number }>();
  const checkpoints = new Map<string, string>();
  const live = (id: string) => {
    const e = entries.get(id);
    if (e !== undefined && e.expiresAt <= now()) entries.delete(id);
    return e !== undefined && e.expiresAt > now() ? e.entry : undefined;
  };
  return {
    async getMany(ids) {
      const out = new Map<string, OrderStatusEntry>();
      for (const id of ids) {
        const e = live(id);
        if (e !== undefined) out.set(id, e);
      }
      return out;
    },
    async putIfNewer(batch) {
      for (const entry of batch) {
        const cur = live(entry.orderId);
        if (cur === undefined || entry.version > cur.version) entries.set(entry.orderId, { entry, expiresAt: now() + options.ttlMs });
      }
    },
    async getCheckpoint(p) {
      return checkpoints.get(p);
    },
    async setCheckpoint(p, position) {
      checkpoints.set(p, position);
    },
  };
};
