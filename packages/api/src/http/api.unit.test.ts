import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestApi } from '../testing.js';
import { createTestApi } from '../testing.js';
import { lambdaHandler } from '../lambda.js';
import { openApiDocument } from './openapi.js';

/*
 * The API in-process over real dependencies: memory event store, write model, relational read
 * model on PGlite, status cache, local identity issuer (see ../testing.ts).
 */

let t: TestApi;
beforeAll(async () => {
  t = await createTestApi();
});
afterAll(async () => {
  await t.close();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const get = (token: string) => ({ headers: { authorization: token } });

const seedOrder = (userId: string) => ({
  userId,
  items: [
    { productId: 'NEWPROD001', productName: 'Fresh Product', quantity: 2, price: 25.0 },
    { productId: 'NEWPROD002', productName: 'Another Item', quantity: 1, price: 49.5 },
  ],
  shippingAddress: { street: '789 New Deploy Ave', city: 'CloudNine', zipCode: '11223', country: 'DE' },
});

describe("the seed's REST flow (enterprise-architecture.md, TESTING), step by step", () => {
  const email = `newrun${Date.now()}@example.com`;
  const password = `ComplexP@ss${Math.floor(Math.random() * 9000) + 1000}`;
  let userId = '';
  let idToken = '';
  let orderId = '';

  it('3. registers a new user and returns userSub', async () => {
    const res = await t.app.request('/register', json({ email, password, firstName: 'NewRun', lastName: 'Test', phoneNumber: '+11234567890' }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { userSub: string };
    expect(body.userSub).toMatch(/^[0-9a-f-]{36}$/);
    userId = body.userSub;
  });

  it('4. logs in and returns an idToken', async () => {
    const res = await t.app.request('/login', json({ email, password }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { idToken: string; accessToken: string; refreshToken: string; expiresIn: number };
    expect(body.idToken.split('.')).toHaveLength(3);
    expect(body.accessToken.split('.')).toHaveLength(3);
    expect(body.refreshToken.split('.')).toHaveLength(3);
    expect(body.expiresIn).toBe(3600);
    idToken = body.idToken;
  });

  it('5. creates an order with the raw token in Authorization; total is the seed\'s decimal', async () => {
    const res = await t.app.request('/orders', json(seedOrder(userId), { authorization: idToken }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { orderId: string; status: string; total: number; totalMinor: number; currency: string; userId: string };
    expect(body).toMatchObject({ status: 'placed', total: 99.5, totalMinor: 9950, currency: 'USD', userId });
    expect(res.headers.get('location')).toBe(`/orders/${body.orderId}`);
    orderId = body.orderId;
  });

  it('6. lists the user\'s orders', async () => {
    const res = await t.app.request(`/orders?userId=${userId}`, get(idToken));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<{ orderId: string }>; count: number };
    expect(body.items.map((o) => o.orderId)).toEqual([orderId]);
    expect(body.count).toBe(1);
  });

  it('7. gets the order by id right after creating it (read-your-writes)', async () => {
    const res = await t.app.request(`/orders/${orderId}`, get(idToken));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      orderId,
      userId,
      status: 'placed',
      total: 99.5,
      items: [
        { productId: 'NEWPROD001', productName: 'Fresh Product', quantity: 2, price: 25, unitPriceMinor: 2500 },
        { productId: 'NEWPROD002', productName: 'Another Item', quantity: 1, price: 49.5, unitPriceMinor: 4950 },
      ],
      shippingAddress: { street: '789 New Deploy Ave', city: 'CloudNine', zipCode: '11223', country: 'DE' },
    });
  });

  it('8. submits feedback', async () => {
    const res = await t.app.request(
      '/feedback',
      json({ userId, orderId, rating: 5, comment: `Testing new deployment ${new Date().toString()} - Feedback function.`, category: 'Deployment Test' }, { authorization: idToken }),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ orderId, rating: 5, category: 'Deployment Test' });
  });

  it('9. gets analytics, summary and detailed, with real figures', async () => {
    // Feedback is projected asynchronously (no read-your-writes on the feedback stream): wait for it.
    let summary: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      const res = await t.app.request('/analytics', get(idToken));
      expect(res.status).toBe(200);
      summary = (await res.json()) as Record<string, unknown>;
      if ((summary['feedback'] as { count: number }).count === 1) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(summary).toMatchObject({ reportType: 'summary', scope: 'customer', orders: 1, revenue: [{ currency: 'USD', amount: 9950 }], feedback: { count: 1, averageRating: 5 } });
    const detailed = await t.app.request('/analytics?reportType=detailed', get(idToken));
    expect(detailed.status).toBe(200);
    const body = (await detailed.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ reportType: 'detailed', orders: 1 });
    expect(body['topProducts']).toEqual(expect.arrayContaining([expect.objectContaining({ productId: 'NEWPROD001', quantity: 2 })]));
  });
});

describe('commands and queries beyond the seed', () => {
  it('Bearer prefix works too; the token refreshes', async () => {
    const u = await t.signUp();
    const res = await t.app.request('/orders', get(`Bearer ${u.tokens.accessToken}`));
    expect(res.status).toBe(200);
    const refreshed = await t.app.request('/token/refresh', json({ refreshToken: u.tokens.refreshToken }));
    expect(refreshed.status).toBe(200);
    const tokens = (await refreshed.json()) as { idToken: string };
    expect((await t.app.request('/orders', get(tokens.idToken))).status).toBe(200);
    // A refresh token is not a credential.
    expect((await t.app.request('/orders', get(u.tokens.refreshToken!))).status).toBe(401);
  });

  it('register twice with the same e-mail → 409; a weak password → 422 naming the field', async () => {
    const u = await t.signUp();
    const again = await t.app.request('/register', json({ email: u.email, password: u.password, firstName: 'A', lastName: 'B', phoneNumber: '+15550100001' }));
    expect(again.status).toBe(409);
    const weak = await t.app.request('/register', json({ email: 'weak@example.com', password: 'password', firstName: 'A', lastName: 'B', phoneNumber: '+15550100001' }));
    expect(weak.status).toBe(422);
    expect(await weak.json()).toMatchObject({ errors: [{ field: 'password' }] });
    const wrong = await t.app.request('/login', json({ email: u.email, password: 'Wrong-passw0rd' }));
    expect(wrong.status).toBe(401);
  });

  it('Idempotency-Key: same key and body → same order, nothing appended; other body → 422', async () => {
    const u = await t.signUp();
    const key = 'key-0001';
    const first = await t.app.request('/orders', json(seedOrder(u.userSub), { authorization: u.tokens.idToken, 'idempotency-key': key }));
    expect(first.status).toBe(201);
    const firstBody = await first.json();
    const before = (await t.allEvents()).length;
    const again = await t.app.request('/orders', json(seedOrder(u.userSub), { authorization: u.tokens.idToken, 'idempotency-key': key }));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(firstBody);
    expect((await t.allEvents()).length).toBe(before);
    const other = await t.app.request('/orders', json({ ...seedOrder(u.userSub), items: [{ productId: 'X', productName: 'Y', quantity: 1, price: 1 }] }, { authorization: u.tokens.idToken, 'idempotency-key': key }));
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ type: 'urn:strata:problem:idempotency-key-reused' });
    const bad = await t.app.request('/orders', json(seedOrder(u.userSub), { authorization: u.tokens.idToken, 'idempotency-key': 'not valid!' }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ field: 'Idempotency-Key' }] });
  });

  it('Idempotency-Key without the response cache: the key still fixes the order id and the store dedups', async () => {
    const u = await t.signUp();
    const send = () => t.app.request('/orders', json(seedOrder(u.userSub), { authorization: u.tokens.idToken, 'idempotency-key': 'key-0002' }));
    const a = (await (await send()).json()) as { orderId: string };
    // As if the retry reached another instance, whose response cache has never seen the key.
    await t.deps.idempotency.release(`sub:${u.userSub}|key-0002`);
    const before = (await t.allEvents()).length;
    const b = (await (await send()).json()) as { orderId: string };
    expect(b.orderId).toBe(a.orderId);
    expect((await t.allEvents()).length).toBe(before);
  });

  it('cancel (owner), ship and deliver (admin), history with verified chains, cached status', async () => {
    const customer = await t.signUp();
    const admin = await t.signUp(['admin']);
    const auditor = await t.signUp(['auditor']);
    const place = async () => ((await (await t.app.request('/orders', json(seedOrder(customer.userSub), { authorization: customer.tokens.idToken }))).json()) as { orderId: string }).orderId;

    const cancelled = await place();
    const cancel = await t.app.request(`/orders/${cancelled}/cancel`, json({ reason: 'changed my mind' }, { authorization: customer.tokens.idToken }));
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toMatchObject({ orderId: cancelled, status: 'cancelled', cancelReason: 'changed my mind' });
    const twice = await t.app.request(`/orders/${cancelled}/cancel`, { method: 'POST', headers: { authorization: customer.tokens.idToken } });
    expect(twice.status).toBe(409);

    // Paying is the saga's job; here the write model is driven directly.
    const shipped = await place();
    const ctx = { commandId: `pay-${shipped}`, actor: { kind: 'system' as const, id: 'test-saga' }, correlationId: 'corr-1', now: new Date().toISOString() };
    expect((await t.writeModel.requestPayment({ paymentId: shipped, orderId: shipped, customerId: customer.userSub, amount: { amount: 9950, currency: 'USD' } as never }, ctx))._tag).toBe('Right');
    expect((await t.writeModel.authorizePayment({ paymentId: shipped, providerRef: 'p-1', amount: { amount: 9950, currency: 'USD' } as never, expiresAt: '2099-01-01T00:00:00.000Z' }, { ...ctx, commandId: `auth-${shipped}` }))._tag).toBe('Right');
    expect((await t.writeModel.confirmOrder({ orderId: shipped, paymentId: shipped }, { ...ctx, commandId: `confirm-${shipped}` }))._tag).toBe('Right');

    expect((await t.app.request(`/orders/${shipped}/ship`, json({ carrier: 'DHL' }, { authorization: customer.tokens.idToken }))).status).toBe(403);
    const ship = await t.app.request(`/orders/${shipped}/ship`, json({ carrier: 'DHL', trackingNumber: 'T1' }, { authorization: admin.tokens.idToken }));
    expect(ship.status).toBe(200);
    expect(await ship.json()).toMatchObject({ status: 'shipped' });
    const deliver = await t.app.request(`/orders/${shipped}/deliver`, { method: 'POST', headers: { authorization: admin.tokens.idToken } });
    expect(deliver.status).toBe(200);
    expect(await deliver.json()).toMatchObject({ status: 'delivered' });

    for (const who of [customer, auditor, admin]) {
      const history = await t.app.request(`/orders/${shipped}/history`, get(who.tokens.idToken));
      expect(history.status).toBe(200);
      const body = (await history.json()) as { verified: boolean; streams: Array<{ streamId: string; chain: { ok: boolean }; events: Array<Record<string, unknown>> }> };
      expect(body.verified).toBe(true);
      expect(body.streams.map((s) => s.streamId)).toEqual([`Order-${shipped}`, `Payment-${shipped}`]);
      const orderEvents = body.streams[0]!.events;
      expect(orderEvents.map((e) => e['type'])).toEqual(['OrderPlaced', 'OrderConfirmed', 'OrderShipped', 'OrderDelivered']);
      expect(orderEvents[0]).toMatchObject({ actor: { kind: 'user', id: customer.userSub }, correlationId: expect.any(String), causationId: expect.any(String), occurredAt: expect.any(String) });
      expect(orderEvents[2]).toMatchObject({ actor: { kind: 'user', id: admin.userSub } });
    }

    const cached = await t.app.request(`/cached/orders/${shipped}`, get(customer.tokens.idToken));
    expect(cached.status).toBe(200);
    expect(await cached.json()).toMatchObject({ orderId: shipped, status: 'delivered', total: 99.5 });
  });

  it('an analyst sees everyone\'s figures; a customer only their own', async () => {
    const analyst = await t.signUp(['analyst']);
    const all = (await (await t.app.request('/analytics', get(analyst.tokens.idToken))).json()) as { scope: string; orders: number };
    const someone = await t.signUp();
    const own = (await (await t.app.request('/analytics', get(someone.tokens.idToken))).json()) as { scope: string; orders: number };
    expect(all.scope).toBe('all');
    expect(all.orders).toBeGreaterThan(1);
    expect(own).toMatchObject({ scope: 'customer', orders: 0 });
  });

  it('paginates GET /orders with limit and cursor', async () => {
    const u = await t.signUp();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(((await (await t.app.request('/orders', json(seedOrder(u.userSub), { authorization: u.tokens.idToken }))).json()) as { orderId: string }).orderId);
    const page1 = (await (await t.app.request('/orders?limit=2', get(u.tokens.idToken))).json()) as { items: Array<{ orderId: string }>; nextCursor?: string };
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await (await t.app.request(`/orders?limit=2&cursor=${encodeURIComponent(page1.nextCursor!)}`, get(u.tokens.idToken))).json()) as { items: Array<{ orderId: string }>; nextCursor?: string };
    expect(page2.items).toHaveLength(1);
    expect([...page1.items, ...page2.items].map((o) => o.orderId).sort()).toEqual([...ids].sort());
    const garbage = await t.app.request('/orders?cursor=garbage', get(u.tokens.idToken));
    expect(garbage.status).toBe(400);
  });
});

describe('input errors are problem documents naming the field', () => {
  it('names nested fields, unknown fields, prices; 415 for another content type; 400 for invalid JSON', async () => {
    const u = await t.signUp();
    const auth = { authorization: u.tokens.idToken };
    const base = seedOrder(u.userSub);
    const bad = await t.app.request('/orders', json({ ...base, items: [base.items[0], { ...base.items[1], quantity: 0 }], shippingAddress: { ...base.shippingAddress, planet: 'Mars' } }, auth));
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(bad.headers.get('x-request-id')).toEqual(expect.any(String));
    expect(bad.headers.get('x-content-type-options')).toBe('nosniff');
    const problem = (await bad.json()) as { type: string; title: string; status: number; instance: string; errors: Array<{ field: string; message: string }> };
    expect(problem).toMatchObject({ type: 'urn:strata:problem:validation', title: 'Bad Request', status: 400, instance: '/orders' });
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: 'items[1].quantity', message: 'must be an integer from 1 to 1000000' },
        { field: 'shippingAddress.planet', message: 'unknown field' },
      ]),
    );
    const price = await t.app.request('/orders', json({ ...base, items: [{ ...base.items[0], price: 25.001 }] }, auth));
    expect(await price.json()).toMatchObject({ status: 400, errors: [{ field: 'items[0].price' }] });
    // One currency per order, the catalogue's: a client cannot pay a USD product in yen.
    const yen = await t.app.request('/orders', json({ ...base, currency: 'JPY', items: [{ ...base.items[0], price: 2500 }] }, auth));
    expect(await yen.json()).toMatchObject({ status: 422, type: 'urn:strata:problem:currency-mismatch', errors: [{ field: 'items[0].productId' }] });
    const text = await t.app.request('/orders', { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: JSON.stringify(base) });
    expect(text.status).toBe(415);
    const broken = await t.app.request('/orders', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"items": [' });
    expect(await broken.json()).toMatchObject({ status: 400, type: 'urn:strata:problem:invalid-json' });
    expect((await t.app.request('/nowhere')).status).toBe(404);
  });

  it('an unexpected fault is a 500 problem that leaks nothing', async () => {
    const { createApi } = await import('./app.js');
    const errors: unknown[] = [];
    const app = createApi({
      ...t.deps,
      queries: { ...t.deps.queries, getOrder: async () => { throw new Error('secret connection string postgres://u:p@db'); } },
      logger: { info: () => undefined, warn: () => undefined, error: (_m, fields) => errors.push(fields) },
    });
    const u = await t.signUp();
    const res = await app.request('/orders/abc', get(u.tokens.idToken));
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).not.toContain('secret');
    expect(JSON.parse(body)).toMatchObject({ type: 'urn:strata:problem:internal', status: 500 });
    expect(JSON.stringify(errors)).toContain('secret');
  });
});

describe('operations and documentation', () => {
  it('health, ready, JWKS, security headers, request ids', async () => {
    const health = await t.app.request('/health');
    expect(health.status).toBe(200);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('x-request-id')).toEqual(expect.any(String));
    expect((await t.app.request('/ready')).status).toBe(200);
    const jwks = (await (await t.app.request('/.well-known/jwks.json')).json()) as { keys: Array<{ kid: string; alg: string; d?: string }> };
    expect(jwks.keys).toEqual([expect.objectContaining({ kid: t.keys.kid, alg: 'RS256' })]);
    expect(jwks.keys[0]!.d).toBeUndefined();
    const correlated = await t.app.request('/health', { headers: { 'x-correlation-id': 'corr-42' } });
    expect(correlated.headers.get('x-correlation-id')).toBe('corr-42');
  });

  it('GET /ready reports 503 when a dependency is down', async () => {
    const { createApi } = await import('./app.js');
    const app = createApi({ ...t.deps, ready: async () => ({ ok: false, checks: { eventStore: { ok: false, detail: 'unreachable' } } }) });
    const res = await app.request('/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'not-ready', checks: { eventStore: { ok: false } } });
  });

  it('the OpenAPI document lists exactly the routes the app serves; /docs renders it', async () => {
    const served = new Set(t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([a-z]+)/g, '{$1}')}`));
    const documented = new Set(Object.entries(openApiDocument.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
    expect([...served].sort()).toEqual([...documented].sort());
    const spec = await t.app.request('/openapi.json');
    expect(((await spec.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const docs = await t.app.request('/docs');
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    const html = await docs.text();
    expect(html).toContain('/orders/{id}/history');
    expect(html).not.toMatch(/<script|https?:\/\/(?!strata)/);
  });

  it('serves API Gateway REST (v1) proxy events through the Lambda handler', async () => {
    const handler = lambdaHandler(t.app);
    const u = await t.signUp();
    const event = {
      resource: '/{proxy+}',
      path: '/orders',
      httpMethod: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: u.tokens.idToken },
      multiValueHeaders: { 'Content-Type': ['application/json'], Authorization: [u.tokens.idToken] },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: { proxy: 'orders' },
      stageVariables: null,
      requestContext: { resourcePath: '/{proxy+}', httpMethod: 'POST', path: '/showcase/orders', stage: 'showcase', requestId: 'req-1', identity: { sourceIp: '203.0.113.9' } },
      body: JSON.stringify(seedOrder(u.userSub)),
      isBase64Encoded: false,
    };
    const result = (await handler(event as never, {} as never)) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(201);
    const { orderId } = JSON.parse(result.body) as { orderId: string };
    const read = (await handler({ ...event, path: `/orders/${orderId}`, httpMethod: 'GET', body: null, requestContext: { ...event.requestContext, httpMethod: 'GET' } } as never, {} as never)) as { statusCode: number; body: string };
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body)).toMatchObject({ orderId, total: 99.5 });
  });
});
