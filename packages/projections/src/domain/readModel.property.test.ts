import { describe, expect, it } from '@jest/globals';
import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope, type DomainEnvelope, type EventEnvelope } from '@strata/events';
import { customerRegistered, eventWriter, orderHistory, type Lifecycle } from '../testing.js';
import { applyToReadModel, emptyReadModel } from './readModel.js';
import { toStatusEntry } from './docs.js';

const decode = (e: EventEnvelope): DomainEnvelope => {
  const d = decodeEnvelope(e);
  if (E.isLeft(d)) throw new Error(d.left.message);
  return d.right;
};

const lifecycles: Lifecycle[] = ['placed', 'confirmed', 'shipped', 'delivered', 'cancelled', 'declined', 'refunded'];

const arbHistory = fc
  .array(
    fc.record({
      customer: fc.integer({ min: 1, max: 3 }),
      lifecycle: fc.constantFrom(...lifecycles),
      lines: fc.array(fc.record({ productId: fc.constantFrom('p1', 'p2', 'p3'), quantity: fc.integer({ min: 1, max: 5 }), unitPrice: fc.integer({ min: 0, max: 10_000 }) }), { minLength: 1, maxLength: 3 }),
      rating: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((orders) => {
    const write = eventWriter();
    const events: EventEnvelope[] = [1, 2, 3].map((c) => customerRegistered(write, `c${c}`));
    orders.forEach((o, i) => events.push(...orderHistory(write, { orderId: `o${i}`, customerId: `c${o.customer}`, lifecycle: o.lifecycle, lines: o.lines, ...(o.rating === undefined ? {} : { rating: o.rating }) })));
    return events.map(decode);
  });

/**
 * A delivery schedule as an at-least-once feed may produce it: streams interleaved in any order,
 * each stream in order but with redeliveries (the cursor rewinds), then cut into batches anywhere.
 */
const arbDelivery = (events: readonly DomainEnvelope[]) =>
  fc
    .array(fc.record({ pick: fc.nat(), take: fc.integer({ min: 1, max: 4 }), rewind: fc.nat({ max: 3 }) }), { minLength: 1, maxLength: 200 })
    .chain((steps) => fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 50 }).map((cuts) => ({ steps, cuts })))
    .map(({ steps, cuts }) => {
      const streams = new Map<string, DomainEnvelope[]>();
      for (const e of events) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e]);
      const queues = [...streams.values()];
      const cursor = queues.map(() => 0);
      const delivered: DomainEnvelope[] = [];
      for (const s of steps) {
        const i = s.pick % queues.length;
        const q = queues[i]!;
        const from = Math.max(0, cursor[i]! - s.rewind);
        delivered.push(...q.slice(from, from + s.take));
        cursor[i] = Math.max(cursor[i]!, Math.min(q.length, from + s.take));
      }
      // Whatever the schedule did not reach is delivered at the end, still in stream order.
      queues.forEach((q, i) => delivered.push(...q.slice(cursor[i])));
      const batches: DomainEnvelope[][] = [];
      let at = 0;
      for (let k = 0; at < delivered.length; k++) {
        const size = cuts[k % cuts.length]!;
        batches.push(delivered.slice(at, at + size));
        at += size;
      }
      return batches;
    });

describe('read model projection', () => {
  it('equals a clean single replay for any delivery schedule with duplicates, redeliveries, splits and interleavings', () => {
    fc.assert(
      fc.property(
        arbHistory.chain((events) => arbDelivery(events).map((batches) => ({ events, batches }))),
        ({ events, batches }) => {
          const clean = applyToReadModel(emptyReadModel(), events);
          const delivered = emptyReadModel();
          for (const b of batches) applyToReadModel(delivered, b);
          expect(delivered).toEqual(clean);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reflects the last version of every order stream and its status', () => {
    fc.assert(
      fc.property(arbHistory, (events) => {
        const model = applyToReadModel(emptyReadModel(), events);
        for (const [streamId, doc] of model.orders) {
          const last = events.filter((e) => e.streamId === streamId).at(-1)!;
          expect(toStatusEntry(doc).version).toBe(last.streamVersion);
          const expected = { OrderPlaced: 'placed', OrderConfirmed: 'confirmed', OrderShipped: 'shipped', OrderDelivered: 'delivered', OrderCancelled: 'cancelled' }[last.type as string];
          expect(doc.status).toBe(expected);
        }
      }),
    );
  });
});
