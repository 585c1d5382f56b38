import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApi, type TestApi } from '../testing.js';

let t: TestApi;
let admin: Awaited<ReturnType<TestApi['signUp']>>;
let customer: Awaited<ReturnType<TestApi['signUp']>>;

beforeAll(async () => {
  t = await createTestApi();
  [admin, customer] = await Promise.all([t.signUp(['admin']), t.signUp()]);
});
afterAll(async () => {
  await t.close();
});

const post = (path: string, body: unknown, token?: string, headers: Record<string, string> = {}) =>
  t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: token }), ...headers }, body: JSON.stringify(body) });
const address = { street: '789 New Deploy Ave', city: 'CloudNine', zipCode: '11223', country: 'DE' };
const order = (items: unknown[]) => ({ items, shippingAddress: address });
/** Waits until the (asynchronous) read side shows the product at `version`. */
const browsed = async (productId: string, version: number) => {
  for (;;) {
    const res = await t.app.request(`/products/${productId}`);
    const body = (await res.json()) as { version?: number };
    if (res.status === 200 && (body.version ?? 0) >= version) return body;
    await new Promise((r) => setImmediate(r));
  }
};

describe('the catalogue over HTTP', () => {
  it('admins list, reprice and retire; customers and anonymous callers cannot', async () => {
    const listed = await post('/products', { productId: 'TEA-1', name: 'Green Tea', description: 'Sencha, 100 g', price: '7.90' }, admin.tokens.idToken);
    expect(listed.status).toBe(201);
    expect(listed.headers.get('location')).toBe('/products/TEA-1');
    expect(await listed.json()).toMatchObject({ productId: 'TEA-1', name: 'Green Tea', status: 'listed', currency: 'USD', price: 7.9, priceMinor: 790, version: 1 });
    expect((await post('/products', { productId: 'TEA-2', name: 'X', price: 1 }, customer.tokens.idToken)).status).toBe(403);
    expect((await post('/products', { productId: 'TEA-2', name: 'X', price: 1 })).status).toBe(401);
    expect(await (await post('/products', { productId: 'TEA-2', name: 'X', price: 0 }, admin.tokens.idToken)).json()).toMatchObject({ status: 400, errors: [{ field: 'price' }] });
    expect(await (await post('/products', { productId: 'TEA-1', name: 'Other', price: 1 }, admin.tokens.idToken)).json()).toMatchObject({ status: 409, type: 'urn:strata:problem:product-already-listed' });

    const repriced = await post('/products/TEA-1/price', { price: 8.5 }, admin.tokens.idToken);
    expect(await repriced.json()).toMatchObject({ priceMinor: 850, version: 2 });
    expect(await (await post('/products/TEA-1/price', { price: 8.5, currency: 'EUR' }, admin.tokens.idToken)).json()).toMatchObject({ status: 422, type: 'urn:strata:problem:currency-mismatch' });
    expect((await post('/products/NOPE/price', { price: 1 }, admin.tokens.idToken)).status).toBe(404);
    const retired = await post('/products/TEA-1/retire', {}, admin.tokens.idToken);
    expect(await retired.json()).toMatchObject({ status: 'retired', version: 3 });
    expect(await (await post('/products/TEA-1/price', { price: 9 }, admin.tokens.idToken)).json()).toMatchObject({ status: 409, type: 'urn:strata:problem:product-retired' });
  });

  it('browsing is public: pages by name, searches with ?q=, hides retired products from the list but not by id', async () => {
    await browsed('TEA-1', 3);
    const first = await t.app.request('/products?limit=3');
    expect(first.status).toBe(200);
    const page = (await first.json()) as { items: Array<{ productId: string; name: string }>; count: number; nextCursor?: string };
    expect(page.count).toBe(3);
    const names: string[] = page.items.map((p) => p.name);
    let cursor = page.nextCursor;
    while (cursor !== undefined) {
      const next = (await (await t.app.request(`/products?limit=3&cursor=${encodeURIComponent(cursor)}`)).json()) as typeof page;
      names.push(...next.items.map((p) => p.name));
      cursor = next.nextCursor;
    }
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(names).toEqual(expect.arrayContaining(['Fresh Product', 'Another Item']));
    expect(names).not.toContain('Green Tea');
    const found = (await (await t.app.request('/products?q=FRESH')).json()) as typeof page;
    expect(found.items.map((p) => p.productId)).toEqual(['NEWPROD001']);
    const one = await t.app.request('/products/TEA-1');
    expect(one.headers.get('etag')).toBe('"TEA-1@3"');
    expect(await one.json()).toMatchObject({ status: 'retired' });
    expect((await t.app.request('/products/NOPE')).status).toBe(404);
    expect((await t.app.request('/products?limit=0')).status).toBe(400);
    expect((await t.app.request('/products?cursor=garbage')).status).toBe(400);
  });
});

describe('orders are priced on the server', () => {
  it('the seed order at the catalogue prices; omitted prices are taken from the catalogue; the client name is ignored', async () => {
    const res = await post('/orders', order([{ productId: 'NEWPROD001', productName: 'Whatever I like', quantity: 2, price: 25.0 }, { productId: 'NEWPROD002', quantity: 1 }]), customer.tokens.idToken);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ total: 99.5, totalMinor: 9950, items: [{ productName: 'Fresh Product', price: 25 }, { productName: 'Another Item', price: 49.5 }] });
  });

  it('a client cannot choose what it pays: another price is 409 price-changed with the current prices, nothing appended', async () => {
    const before = (await t.allEvents()).length;
    const res = await post('/orders', order([{ productId: 'NEWPROD001', quantity: 1, price: 0.01 }]), customer.tokens.idToken);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      type: 'urn:strata:problem:price-changed',
      errors: [{ field: 'items[0].price' }],
      currentPrices: [{ productId: 'NEWPROD001', currency: 'USD', price: 25, priceMinor: 2500, productVersion: 1 }],
    });
    expect((await t.allEvents()).length).toBe(before);
  });

  it('unknown and retired products are 422 naming the line', async () => {
    const unknown = await post('/orders', order([{ productId: 'NEWPROD001', quantity: 1 }, { productId: 'NOPE', quantity: 1 }]), customer.tokens.idToken);
    expect(await unknown.json()).toMatchObject({ status: 422, type: 'urn:strata:problem:product-unavailable', errors: [{ field: 'items[1].productId' }] });
    await post('/products', { productId: 'OLD-1', name: 'Old', price: 3 }, admin.tokens.idToken);
    await post('/products/OLD-1/retire', {}, admin.tokens.idToken);
    const retired = await post('/orders', order([{ productId: 'OLD-1', quantity: 1 }]), customer.tokens.idToken);
    expect(await retired.json()).toMatchObject({ status: 422, errors: [{ field: 'items[0].productId' }] });
  });

  it('a reprice between loading the page and ordering → 409 with the new price; a retry with the same key answers its first outcome', async () => {
    await post('/products', { productId: 'JAM-1', name: 'Plum Jam', price: '4.00' }, admin.tokens.idToken);
    const page = await browsed('JAM-1', 1);
    expect(page).toMatchObject({ price: 4 });
    const key = crypto.randomUUID();
    const placed = await post('/orders', order([{ productId: 'JAM-1', quantity: 3, price: 4 }]), customer.tokens.idToken, { 'idempotency-key': key });
    expect(placed.status).toBe(201);
    const firstBody = await placed.json();
    expect((await post('/products/JAM-1/price', { price: '4.50' }, admin.tokens.idToken)).status).toBe(200);
    // The stale page's price is refused, naming the new one …
    const stale = await post('/orders', order([{ productId: 'JAM-1', quantity: 3, price: 4 }]), customer.tokens.idToken);
    expect(await stale.json()).toMatchObject({ status: 409, currentPrices: [{ productId: 'JAM-1', price: 4.5, productVersion: 2 }] });
    // … but the retry of the order placed before the reprice answers its first outcome, also where
    // the HTTP replay cache does not know the key (another instance): the command id is looked up
    // before any price is.
    await t.deps.idempotency.release(`sub:${customer.userSub}|${key}`);
    const retry = await post('/orders', order([{ productId: 'JAM-1', quantity: 3, price: 4 }]), customer.tokens.idToken, { 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await retry.json()).toEqual(firstBody);
  });
});
