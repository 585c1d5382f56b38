import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope, productStream, type AppendRequest, type EventStore } from '@strata/events';
import { createMemoryEventStore } from '../../adapters/eventStore.memory.js';
import type { CommandResult } from '../commandHandler.js';
import { deciderSpec } from '../testing/deciderSpec.js';
import { ctx, ev, money, placeOrderCmd } from '../testing/fixtures.js';
import { createWriteModel } from '../writeModel.js';
import { orderDecider, type CataloguePrice, type OrderCommand, type PlaceCatalogueOrder } from './order.decider.js';
import type { OrderRequest } from './order.pricing.js';

const expectOrder = deciderSpec(orderDecider);
const fresh: CataloguePrice = { productId: 'NEWPROD001', version: 1, status: 'listed', name: 'Fresh Product', price: money(2500, 'USD') };
const another: CataloguePrice = { productId: 'NEWPROD002', version: 3, status: 'listed', name: 'Another Item', price: money(4950, 'USD') };
const { orderId, customerId, shippingAddress } = placeOrderCmd;
const request: OrderRequest = {
  orderId,
  customerId,
  shippingAddress,
  items: [
    { productId: 'NEWPROD001', quantity: 2, price: 25 },
    { productId: 'NEWPROD002', quantity: 1 },
  ],
};
const priced = (patch: Partial<PlaceCatalogueOrder> = {}): OrderCommand => ({ type: 'PlaceCatalogueOrder', data: { ...request, catalogue: [fresh, another], ...patch } });

describe('PlaceCatalogueOrder (the pure decision)', () => {
  it('prices every line from the catalogue, recording the catalogue name, price and product version', () => {
    expectOrder.given([]).when(priced()).then([
      ev('OrderPlaced', {
        orderId,
        customerId,
        shippingAddress,
        currency: 'USD',
        total: 2 * 2500 + 4950,
        items: [
          { productId: 'NEWPROD001', productName: 'Fresh Product', quantity: 2, unitPrice: 2500, productVersion: 1 },
          { productId: 'NEWPROD002', productName: 'Another Item', quantity: 1, unitPrice: 4950, productVersion: 3 },
        ],
      }),
    ]);
  });

  it('refuses an unknown or a retired product, naming the line', () => {
    expectOrder.given([]).when(priced({ catalogue: [fresh] })).thenRejects('ProductUnavailable', 'items[1].productId');
    expectOrder.given([]).when(priced({ catalogue: [fresh, { ...another, status: 'retired' }] })).thenRejects('ProductUnavailable', 'items[1].productId');
  });

  it('refuses a client price that differs from the catalogue with every current price', () => {
    const decision = orderDecider.decide(priced({ catalogue: [{ ...fresh, version: 2, price: money(2700, 'USD') }, another] }), orderDecider.initialState());
    expect(decision).toEqual(
      E.left({
        _tag: 'PriceChanged',
        kind: 'conflict',
        message: expect.stringContaining('items[0]'),
        field: 'items[0].price',
        prices: [
          { productId: 'NEWPROD001', unitPrice: 2700, currency: 'USD', productVersion: 2 },
          { productId: 'NEWPROD002', unitPrice: 4950, currency: 'USD', productVersion: 3 },
        ],
      }),
    );
  });

  it('one currency per order: mixed catalogue currencies, or a client currency the catalogue does not use, are refused', () => {
    expectOrder.given([]).when(priced({ catalogue: [fresh, { ...another, price: money(4950, 'EUR') }] })).thenRejects('CurrencyMismatch', 'items[1].productId');
    expectOrder.given([]).when(priced({ currency: 'EUR' })).thenRejects('CurrencyMismatch', 'items[0].productId');
  });

  it('a price with more decimals than the currency has is invalid, not a price change', () => {
    expectOrder.given([]).when(priced({ items: [{ productId: 'NEWPROD001', quantity: 1, price: '25.001' }] })).thenRejects('InvalidItems', 'items[0].price');
  });
});

/** A memory store whose `append` can run something first (a reprice landing between lookup and commit). */
const interceptable = () => {
  const store = createMemoryEventStore();
  let before: ((request: AppendRequest) => Promise<void>) | undefined;
  const eventStore: EventStore = {
    append: async (request) => {
      const hook = before;
      before = undefined;
      if (hook) await hook(request);
      return store.append(request);
    },
    readStream: (id, o) => store.readStream(id, o),
    close: () => store.close(),
  };
  return { eventStore, beforeNextAppend: (hook: (request: AppendRequest) => Promise<void>) => void (before = hook) };
};

const outcome = (r: CommandResult) => {
  if (E.isLeft(r)) throw new Error(`expected success, got ${r.left._tag}: ${r.left.message}`);
  return r.right;
};

const listDemo = async (wm: ReturnType<typeof createWriteModel>) => {
  outcome(await wm.listProduct({ productId: 'NEWPROD001', name: 'Fresh Product', description: '', price: money(2500, 'USD') }, ctx('list-1')));
  outcome(await wm.listProduct({ productId: 'NEWPROD002', name: 'Another Item', description: '', price: money(4950, 'USD') }, ctx('list-2')));
};

describe('placeOrderAtCataloguePrices (lookup → decide → conditional append)', () => {
  it('places at catalogue prices; a client productName is ignored', async () => {
    const wm = createWriteModel({ eventStore: createMemoryEventStore() });
    await listDemo(wm);
    const placed = outcome(await wm.placeOrderAtCataloguePrices(request, ctx('place')));
    expect(placed.events[0]?.data).toMatchObject({ total: 9950, items: [{ productName: 'Fresh Product', productVersion: 1 }, { productName: 'Another Item', productVersion: 1 }] });
  });

  it('a reprice between loading the page and ordering yields price-changed with the new price; nothing is appended', async () => {
    const wm = createWriteModel({ eventStore: createMemoryEventStore() });
    await listDemo(wm);
    outcome(await wm.repriceProduct({ productId: 'NEWPROD001', price: money(2700, 'USD') }, ctx('reprice')));
    const refused = await wm.placeOrderAtCataloguePrices(request, ctx('place'));
    expect(E.isLeft(refused) && refused.left).toMatchObject({ _tag: 'PriceChanged', prices: expect.arrayContaining([{ productId: 'NEWPROD001', unitPrice: 2700, currency: 'USD', productVersion: 2 }]) });
    expect((await wm.loadOrder(orderId)).version).toBe(0);
  });

  it('a retry answers its first outcome even after a reprice', async () => {
    const wm = createWriteModel({ eventStore: createMemoryEventStore() });
    await listDemo(wm);
    const first = outcome(await wm.placeOrderAtCataloguePrices(request, ctx('place')));
    outcome(await wm.repriceProduct({ productId: 'NEWPROD001', price: money(2700, 'USD') }, ctx('reprice')));
    outcome(await wm.retireProduct({ productId: 'NEWPROD002' }, ctx('retire')));
    expect(outcome(await wm.placeOrderAtCataloguePrices(request, ctx('place')))).toEqual({ ...first, duplicate: true });
    // The same command id with another request is still a reused id.
    const reused = await wm.placeOrderAtCataloguePrices({ ...request, items: [{ productId: 'NEWPROD001', quantity: 5 }] }, ctx('place'));
    expect(E.isLeft(reused) && reused.left._tag).toBe('CommandIdReused');
  });

  it('refuses an unknown or retired product with the line, appending nothing', async () => {
    const wm = createWriteModel({ eventStore: createMemoryEventStore() });
    await listDemo(wm);
    outcome(await wm.retireProduct({ productId: 'NEWPROD002' }, ctx('retire')));
    const retired = await wm.placeOrderAtCataloguePrices(request, ctx('place-1'));
    expect(E.isLeft(retired) && retired.left).toMatchObject({ _tag: 'ProductUnavailable', field: 'items[1].productId' });
    const unknown = await wm.placeOrderAtCataloguePrices({ ...request, items: [{ productId: 'NOPE', quantity: 1 }] }, ctx('place-2'));
    expect(E.isLeft(unknown) && unknown.left).toMatchObject({ _tag: 'ProductUnavailable', field: 'items[0].productId' });
    expect((await wm.loadOrder(orderId)).version).toBe(0);
  });

  it('a reprice committed after the lookup and before the append: the order is priced again (new price and version), never a mix', async () => {
    const { eventStore, beforeNextAppend } = interceptable();
    const wm = createWriteModel({ eventStore });
    await listDemo(wm);
    const reprice = async () => void outcome(await wm.repriceProduct({ productId: 'NEWPROD002', price: money(5200, 'USD') }, ctx('reprice')));
    beforeNextAppend(reprice);
    // Line 2 sends no price: the new one is taken, at the new version.
    const placed = outcome(await wm.placeOrderAtCataloguePrices(request, ctx('place')));
    const decoded = decodeEnvelope(placed.events[0]!);
    expect(E.isRight(decoded) && decoded.right.data).toMatchObject({
      total: 2 * 2500 + 5200,
      items: [{ unitPrice: 2500, productVersion: 1 }, { unitPrice: 5200, productVersion: 2 }],
    });
    expect((await eventStore.readStream(productStream('NEWPROD002'))).version).toBe(2);
  });

  it('the same race with a client price on the repriced line: refused with price-changed, nothing appended', async () => {
    const { eventStore, beforeNextAppend } = interceptable();
    const wm = createWriteModel({ eventStore });
    await listDemo(wm);
    beforeNextAppend(async () => void outcome(await wm.repriceProduct({ productId: 'NEWPROD001', price: money(2600, 'USD') }, ctx('reprice'))));
    const refused = await wm.placeOrderAtCataloguePrices(request, ctx('place'));
    expect(E.isLeft(refused) && refused.left._tag).toBe('PriceChanged');
    expect((await wm.loadOrder(orderId)).version).toBe(0);
  });
});
