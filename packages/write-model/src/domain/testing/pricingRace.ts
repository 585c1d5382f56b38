import { expect } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope, formatMinorUnits, productStream, type EventStore } from '@strata/events';
import type { WriteModel } from '../writeModel.js';
import { ctx, money, placeOrderCmd } from './fixtures.js';

/**
 * The catalogue race, for any store: two products are repriced while orders for both are placed
 * concurrently. Every accepted order must carry, per line, the price its recorded product version
 * has in the product's history — the old price with the old version, or the new with the new —
 * and an order whose client sent the old price is either at that price and version, or refused
 * with price-changed. Never a mix. Returns how many orders were placed at each version pair, so a
 * caller can see that both outcomes happened.
 */
export const runPricingRace = async (wm: WriteModel, store: EventStore, rounds: number, ordersPerRound: number): Promise<{ accepted: number; refused: number; repricedSeen: number }> => {
  const tally = { accepted: 0, refused: 0, repricedSeen: 0 };
  for (let round = 0; round < rounds; round++) {
    const tag = `${round}-${Math.random().toString(36).slice(2, 8)}`;
    const [a, b] = [`RACE-A-${tag}`, `RACE-B-${tag}`];
    for (const [id, amount] of [[a, 1000], [b, 2000]] as const)
      expect(E.isRight(await wm.listProduct({ productId: id, name: `Race ${id}`, description: '', price: money(amount) }, ctx(`list-${id}`)))).toBe(true);
    const orders = Array.from({ length: ordersPerRound }, (_, i) => {
      // Half the clients send the price of the page they loaded (the old one), half send none.
      const withPrice = i % 2 === 0;
      return wm.placeOrderAtCataloguePrices(
        {
          orderId: `race-${tag}-${i}`,
          customerId: 'c-race',
          shippingAddress: placeOrderCmd.shippingAddress,
          items: [
            { productId: a, quantity: 1, ...(withPrice ? { price: formatMinorUnits(1000, 'USD') } : {}) },
            { productId: b, quantity: 2, ...(withPrice ? { price: formatMinorUnits(2000, 'USD') } : {}) },
          ],
        },
        ctx(`order-${tag}-${i}`),
      ).then((result) => ({ withPrice, result }));
    });
    const reprices = [
      wm.repriceProduct({ productId: a, price: money(1100) }, ctx(`reprice-${a}`)),
      wm.repriceProduct({ productId: b, price: money(2200) }, ctx(`reprice-${b}`)),
    ];
    const [placed, repriced] = await Promise.all([Promise.all(orders), Promise.all(reprices)]);
    for (const r of repriced) expect(E.isRight(r)).toBe(true);
    const priceAt = { [a]: { 1: 1000, 2: 1100 }, [b]: { 1: 2000, 2: 2200 } } as Record<string, Record<number, number>>;
    for (const { withPrice, result } of placed) {
      if (E.isLeft(result)) {
        // Only a client that sent the now-old price may be refused, and only for that reason.
        expect({ withPrice, tag: result.left._tag }).toEqual({ withPrice: true, tag: 'PriceChanged' });
        tally.refused++;
        continue;
      }
      tally.accepted++;
      const decoded = decodeEnvelope(result.right.events[0]!);
      if (E.isLeft(decoded) || decoded.right.type !== 'OrderPlaced') throw new Error('no OrderPlaced');
      for (const line of decoded.right.data.items) {
        expect(line.productVersion === 1 || line.productVersion === 2).toBe(true);
        expect(line.unitPrice).toBe(priceAt[line.productId]?.[line.productVersion ?? 0]);
        if (withPrice) expect(line.productVersion).toBe(1);
        if (line.productVersion === 2) tally.repricedSeen++;
      }
      expect(decoded.right.data.total).toBe(decoded.right.data.items.reduce((s, l) => s + l.unitPrice * l.quantity, 0));
    }
    // The product streams hold exactly listed + repriced: the race never wrote to them.
    for (const id of [a, b]) expect((await store.readStream(productStream(id))).version).toBe(2);
  }
  return tally;
};
