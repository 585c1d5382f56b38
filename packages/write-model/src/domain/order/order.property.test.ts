import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { DomainEvent } from '@strata/events';
import { checkCommandSequence } from '../testing/deciderProperties.js';
import { money, placeOrderCmd } from '../testing/fixtures.js';
import { MAX_ORDER_ITEMS, orderDecider, type CataloguePrice, type OrderCommand, type OrderState, type PlaceOrder } from './order.decider.js';

const line = fc.record({
  productId: fc.constantFrom('P1', 'P2', ''),
  productName: fc.constantFrom('Fresh Product', 'x'),
  quantity: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom(0, -1, 1.5)),
  unitPrice: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constant(-1)),
});
const items = fc.oneof(
  { weight: 8, arbitrary: fc.array(line, { minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(line, { minLength: 0, maxLength: MAX_ORDER_ITEMS + 2 }) },
);
// A small pool of placements, so the same placement repeats (a retry) as well as a different one.
const place = fc.oneof(
  fc.constant(placeOrderCmd),
  fc.record({ customerId: fc.constantFrom('c-1', 'c-2'), currency: fc.constantFrom('USD' as const, 'JPY' as const), items }).map((p): PlaceOrder => ({ ...placeOrderCmd, ...p })),
);
// Orders priced from a small catalogue (a listed, a repriced, a retired product; some lines with a client price).
const catalogue: readonly CataloguePrice[] = [
  { productId: 'P1', version: 1, status: 'listed', name: 'Fresh Product', price: money(2500, 'USD') },
  { productId: 'P2', version: 2, status: 'listed', name: 'Another Item', price: money(4950, 'USD') },
  { productId: 'P3', version: 3, status: 'retired', name: 'Old Item', price: money(100, 'USD') },
];
const pricedLine = fc.record(
  { productId: fc.constantFrom('P1', 'P2', 'P3', 'P9'), quantity: fc.integer({ min: 1, max: 5 }), price: fc.constantFrom('25.00', '49.50', '1') },
  { requiredKeys: ['productId', 'quantity'] },
);
const placeAtCatalogue = fc
  .record({ items: fc.array(pricedLine, { minLength: 1, maxLength: 3 }), currency: fc.constantFrom(undefined, 'USD' as const, 'EUR' as const) })
  .map(({ items: lines, currency }) => ({
    type: 'PlaceCatalogueOrder' as const,
    data: { ...placeOrderCmd, items: lines, catalogue, ...(currency === undefined ? {} : { currency }) },
  }));
const command: fc.Arbitrary<OrderCommand> = fc.oneof(
  place.map((data) => ({ type: 'PlaceOrder' as const, data })),
  placeAtCatalogue,
  fc.constantFrom('p-1', 'p-2').map((paymentId) => ({ type: 'ConfirmOrder' as const, data: { orderId: 'o-1', paymentId } })),
  fc.constantFrom('changed my mind', 'too slow').map((reason) => ({ type: 'CancelOrder' as const, data: { orderId: 'o-1', reason } })),
  fc.constantFrom({ orderId: 'o-1' }, { orderId: 'o-1', carrier: 'UPS' }, { orderId: 'o-1', carrier: 'UPS', trackingNumber: '1Z' }).map((data) => ({ type: 'ShipOrder' as const, data })),
  fc.constant({ type: 'DeliverOrder' as const, data: { orderId: 'o-1' } }),
);

/** Every history an order may have: cancellation only before shipping, shipping only once paid. */
const LEGAL_HISTORIES = new Set(
  [
    [],
    ['OrderPlaced'],
    ['OrderPlaced', 'OrderConfirmed'],
    ['OrderPlaced', 'OrderConfirmed', 'OrderShipped'],
    ['OrderPlaced', 'OrderConfirmed', 'OrderShipped', 'OrderDelivered'],
    ['OrderPlaced', 'OrderCancelled'],
    ['OrderPlaced', 'OrderConfirmed', 'OrderCancelled'],
  ].map((h) => h.join(',')),
);

const invariant = (state: OrderState, history: readonly DomainEvent[]): void => {
  expect(LEGAL_HISTORIES.has(history.map((e) => e.type).join(','))).toBe(true);
  if (state.status === 'none') return;
  expect(state.items.length).toBeGreaterThanOrEqual(1);
  expect(state.items.length).toBeLessThanOrEqual(MAX_ORDER_ITEMS);
  for (const l of state.items) {
    expect(Number.isSafeInteger(l.quantity) && l.quantity > 0).toBe(true);
    expect(Number.isSafeInteger(l.unitPrice) && l.unitPrice >= 0).toBe(true);
  }
  expect(state.total).toBe(state.items.reduce((s, l) => s + l.quantity * l.unitPrice, 0));
  // A line with a product version was priced from the catalogue: exactly the catalogue's price and name, never a retired product.
  for (const l of state.items) {
    if (l.productVersion === null) continue;
    const entry = catalogue.find((p) => p.productId === l.productId);
    expect(entry && { status: entry.status, price: entry.price.amount, name: entry.name, version: entry.version }).toEqual({ status: 'listed', price: l.unitPrice, name: l.productName, version: l.productVersion });
  }
};

describe('order decider properties', () => {
  it('any command sequence keeps the invariants, replays to the same state, and decides idempotently', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 25 }), (commands) => {
        checkCommandSequence(orderDecider, commands, { invariant });
      }),
      { numRuns: 500 },
    );
  });
});
