import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope, formatMinorUnits, productStream, type Currency } from '@strata/events';
import { createMemoryEventStore } from '../../adapters/eventStore.memory.js';
import { ctx, money, placeOrderCmd } from '../testing/fixtures.js';
import { createWriteModel } from '../writeModel.js';
import type { ProductCommand } from '../product/product.decider.js';

const PRODUCTS = ['A', 'B', 'C'] as const;
const currency = fc.constantFrom<Currency>('USD', 'EUR');
const productCommand: fc.Arbitrary<ProductCommand> = fc.oneof(
  fc.record({ productId: fc.constantFrom(...PRODUCTS), amount: fc.integer({ min: 1, max: 100_000 }), currency }).map(({ productId, amount, currency: c }) => ({
    type: 'ListProduct' as const,
    data: { productId, name: `Product ${productId}`, description: '', price: money(amount, c) },
  })),
  fc.record({ productId: fc.constantFrom(...PRODUCTS), amount: fc.integer({ min: 1, max: 100_000 }), currency }).map(({ productId, amount, currency: c }) => ({
    type: 'RepriceProduct' as const,
    data: { productId, price: money(amount, c) },
  })),
  fc.constantFrom(...PRODUCTS).map((productId) => ({ type: 'RetireProduct' as const, data: { productId } })),
);
/** A client's price for a line: none, the catalogue's (as the client's decimal), or some other amount. */
const clientPrice = fc.oneof(fc.constant({ kind: 'none' as const }), fc.constant({ kind: 'current' as const }), fc.integer({ min: 0, max: 100_000 }).map((minor) => ({ kind: 'other' as const, minor })));
const line = fc.record({ productId: fc.constantFrom(...PRODUCTS, 'UNKNOWN'), quantity: fc.integer({ min: 1, max: 9 }), price: clientPrice });

describe('server-side pricing property', () => {
  it('an accepted order totals Σ catalogue price × quantity at the recorded versions; any other client price is refused and appends nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(productCommand, { maxLength: 12 }), fc.array(line, { minLength: 1, maxLength: 4 }), async (history, lines) => {
        const store = createMemoryEventStore();
        const wm = createWriteModel({ eventStore: store });
        for (const [i, command] of history.entries()) {
          const c = ctx(`catalogue-${i}`);
          if (command.type === 'ListProduct') await wm.listProduct(command.data, c);
          else if (command.type === 'RepriceProduct') await wm.repriceProduct(command.data, c);
          else await wm.retireProduct(command.data, c);
        }
        // The catalogue as the client's page shows it.
        const page = new Map((await wm.lookUpPrices([...PRODUCTS])).map((p) => [p.productId, p]));
        let sentOther = false;
        const items = lines.map((l) => {
          const entry = page.get(l.productId);
          if (l.price.kind === 'none' || entry === undefined) return { productId: l.productId, quantity: l.quantity };
          const minor = l.price.kind === 'current' ? entry.price.amount : l.price.minor;
          if (minor !== entry.price.amount) sentOther = true;
          return { productId: l.productId, quantity: l.quantity, price: formatMinorUnits(minor, entry.price.currency) };
        });
        const result = await wm.placeOrderAtCataloguePrices({ orderId: 'o-1', customerId: 'c-1', shippingAddress: placeOrderCmd.shippingAddress, items }, ctx('place'));
        const appended = (await wm.loadOrder('o-1')).version;
        if (E.isLeft(result)) {
          expect(appended).toBe(0);
          return;
        }
        // Accepted: no other price was sent, and the total is the catalogue's at the recorded versions.
        expect(sentOther).toBe(false);
        const decoded = decodeEnvelope(result.right.events[0]!);
        if (E.isLeft(decoded) || decoded.right.type !== 'OrderPlaced') throw new Error('no OrderPlaced');
        const placed = decoded.right.data;
        let expected = 0;
        for (const item of placed.items) {
          if (item.productVersion === null) throw new Error('a priced line must record its product version');
          // Re-read the product's history up to the recorded version: the price in force then.
          const { events } = await store.readStream(productStream(item.productId), { limit: item.productVersion });
          const priceThen = events.reduce<number | undefined>((p, e) => {
            const d = decodeEnvelope(e);
            if (E.isRight(d) && (d.right.type === 'ProductListed' || d.right.type === 'ProductRepriced')) return d.right.data.price.amount;
            return p;
          }, undefined);
          expect(item.unitPrice).toBe(priceThen);
          expect(placed.currency).toBe(page.get(item.productId)?.price.currency);
          expected += item.unitPrice * item.quantity;
        }
        expect(placed.total).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });
});
