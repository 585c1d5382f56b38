import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createSqlReadModel, type SqlExecutor } from '@strata/projections';
import { pgExecutor } from '@strata/projections/postgres';
import { databaseUrl, describeWith } from '@strata/test-env';
import { createTestApi, type TestApi } from '../testing.js';

/*
 * The seed's flow over the REAL relational read model on PostgreSQL (fed by the catch-up consumer):
 * read-your-writes through its `awaitOrderVersion`, its cursor pagination and its analytics.
 */
describeWith('POSTGRES', 'API over the relational read model on PostgreSQL', () => {
  const schema = `strata_t_${randomBytes(6).toString('hex')}`;
  let db: SqlExecutor;
  let t: TestApi;

  beforeAll(async () => {
    db = pgExecutor(databaseUrl(), { max: 4 });
    const readModel = createSqlReadModel({ db, schema, pollMs: 5 });
    await readModel.migrate();
    t = await createTestApi({ readSide: readModel });
  });
  afterAll(async () => {
    await t.close();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.close();
  });

  const post = (path: string, body: unknown, token?: string) =>
    t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) }, body: JSON.stringify(body) });

  it('register → login → order → list → get → feedback → analytics, as the seed runs it', async () => {
    const email = `newrun${Date.now()}@example.com`;
    const password = 'ComplexP@ss4242';
    const reg = await post('/register', { email, password, firstName: 'NewRun', lastName: 'Test', phoneNumber: '+11234567890' });
    expect(reg.status).toBe(201);
    const { userSub } = (await reg.json()) as { userSub: string };
    const { idToken } = (await (await post('/login', { email, password })).json()) as { idToken: string };

    const created = await post(
      '/orders',
      {
        userId: userSub,
        items: [
          { productId: 'NEWPROD001', productName: 'Fresh Product', quantity: 2, price: 25.0 },
          { productId: 'NEWPROD002', productName: 'Another Item', quantity: 1, price: 49.5 },
        ],
        shippingAddress: { street: '789 New Deploy Ave', city: 'CloudNine', zipCode: '11223', country: 'DE' },
      },
      idToken,
    );
    expect(created.status).toBe(201);
    const { orderId } = (await created.json()) as { orderId: string };

    const list = (await (await t.app.request(`/orders?userId=${userSub}`, { headers: { authorization: idToken } })).json()) as { items: Array<{ orderId: string }> };
    expect(list.items.map((o) => o.orderId)).toEqual([orderId]);
    const got = await t.app.request(`/orders/${orderId}`, { headers: { authorization: idToken } });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ orderId, status: 'placed', total: 99.5, totalMinor: 9950 });

    const feedback = await post('/feedback', { userId: userSub, orderId, rating: 5, comment: 'Testing new deployment', category: 'Deployment Test' }, idToken);
    expect(feedback.status).toBe(201);

    let summary: { orders?: number; feedback?: { count: number } } = {};
    for (let i = 0; i < 300 && summary.feedback?.count !== 1; i++) {
      summary = (await (await t.app.request('/analytics', { headers: { authorization: idToken } })).json()) as typeof summary;
      if (summary.feedback?.count !== 1) await new Promise((r) => setTimeout(r, 10));
    }
    expect(summary).toMatchObject({ orders: 1, feedback: { count: 1 } });
    const detailed = await t.app.request('/analytics?reportType=detailed', { headers: { authorization: idToken } });
    expect(detailed.status).toBe(200);
    expect(await detailed.json()).toMatchObject({ reportType: 'detailed', orders: 1 });

    const cached = await t.app.request(`/cached/orders/${orderId}`, { headers: { authorization: idToken } });
    expect(await cached.json()).toMatchObject({ orderId, status: 'placed', total: 99.5 });
  });

  it('pages with the read model\'s cursor; a forged cursor is a 400, not a 500', async () => {
    const u = await t.signUp();
    for (let i = 0; i < 3; i++)
      expect((await post('/orders', { items: [{ productId: 'NEWPROD001', quantity: 1 }], shippingAddress: { street: 's', city: 'c', zipCode: 'z', country: 'US' } }, u.tokens.idToken)).status).toBe(201);
    const page1 = (await (await t.app.request('/orders?limit=2', { headers: { authorization: u.tokens.idToken } })).json()) as { items: unknown[]; nextCursor?: string };
    expect(page1.items).toHaveLength(2);
    const page2 = (await (await t.app.request(`/orders?limit=2&cursor=${encodeURIComponent(page1.nextCursor!)}`, { headers: { authorization: u.tokens.idToken } })).json()) as { items: unknown[]; nextCursor?: string };
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeUndefined();
    const forged = await t.app.request('/orders?cursor=Zm9yZ2Vk', { headers: { authorization: u.tokens.idToken } });
    expect(forged.status).toBe(400);
  });
});
