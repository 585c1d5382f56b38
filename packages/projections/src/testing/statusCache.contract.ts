import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope, type DomainEnvelope, type EventEnvelope } from '@strata/events';
import { createStatusCache, type StatusStore } from '../cache/statusCache.js';
import { toOrderView } from '../domain/docs.js';
import { applyToReadModel, emptyReadModel } from '../domain/readModel.js';
import type { OrderView } from '../queries.js';
import { eventWriter, orderHistory } from '../testing.js';

const decodeAll = (events: readonly EventEnvelope[]): DomainEnvelope[] =>
  events.map((e) => {
    const d = decodeEnvelope(e);
    if (E.isLeft(d)) throw new Error(d.left.message);
    return d.right;
  });

/**
 * The order-status cache's contract, run over every `StatusStore`. `makeStore(ttlMs)` returns a
 * fresh, isolated store; `expire()` makes every entry written so far expire.
 */
export const runStatusCacheContract = (name: string, makeStore: (ttlMs: number) => Promise<{ store: StatusStore; expire: () => Promise<void> }>): void => {
  describe(`order status cache (${name})`, () => {
    const write = eventWriter();
    const history = decodeAll([
      ...orderHistory(write, { orderId: 'k1', customerId: 'c1', lifecycle: 'delivered', lines: [{ productId: 'p', quantity: 2, unitPrice: 500 }] }),
      ...orderHistory(write, { orderId: 'k2', customerId: 'c1', lifecycle: 'cancelled', lines: [{ productId: 'p', quantity: 1, unitPrice: 700 }] }),
    ]);
    const model = applyToReadModel(emptyReadModel(), history);
    const views = new Map<string, OrderView>([...model.orders.values()].map((d) => [d.orderId, toOrderView(d, undefined)]));
    const fallback = (calls: string[]) => ({
      async getOrder(id: string) {
        calls.push(id);
        return views.get(id);
      },
    });

    it('keeps entries current from the feed, ignores replays, and stores its checkpoint', async () => {
      const { store } = await makeStore(60_000);
      const calls: string[] = [];
      const cache = createStatusCache({ store, fallback: fallback(calls) });
      await cache.sink.apply(history.slice(0, 3), 'p1');
      await cache.sink.apply(history, 'p2');
      await cache.sink.apply(history.slice(0, 2));
      expect(await cache.reader.get('k1')).toMatchObject({ orderId: 'k1', status: 'delivered', total: 1000, currency: 'USD', version: views.get('k1')!.version });
      expect(await cache.reader.get('k2')).toMatchObject({ status: 'cancelled', total: 700 });
      expect(calls).toEqual([]);
      expect(await cache.sink.checkpoint()).toBe('p2');
    });

    it('falls back to the relational model on a miss and refills the entry', async () => {
      const { store, expire } = await makeStore(60_000);
      const calls: string[] = [];
      const cache = createStatusCache({ store, fallback: fallback(calls) });
      await cache.sink.apply(history);
      await expire();
      expect(await cache.reader.get('k1')).toMatchObject({ status: 'delivered', version: views.get('k1')!.version });
      expect(await cache.reader.get('k1')).toMatchObject({ status: 'delivered' });
      expect(calls).toEqual(['k1']);
      expect(await cache.reader.get('missing')).toBeUndefined();
    });

    it('never lets an older version overwrite a newer entry', async () => {
      const { store } = await makeStore(60_000);
      await store.putIfNewer([{ orderId: 'k9', status: 'shipped', total: 1, currency: 'USD', updatedAt: 't2', version: 4 }]);
      await store.putIfNewer([{ orderId: 'k9', status: 'placed', total: 1, currency: 'USD', updatedAt: 't1', version: 1 }]);
      expect((await store.getMany(['k9'])).get('k9')).toMatchObject({ status: 'shipped', version: 4 });
    });
  });
};
