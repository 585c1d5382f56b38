import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { httpSend, runSeedFlow, type SeedFlowResult } from './seedFlow.js';
import { postgresSkipReason, startTestRuntime, type Backing, type TestRuntime } from './harness.js';

jest.setTimeout(120_000);

const backings: Array<[Backing, string | undefined]> = [
  ['pglite', undefined],
  ['postgres', postgresSkipReason()],
];

describe.each(backings)('the seed REST flow against strata start on %s', (backing, skip) => {
  if (skip !== undefined) {
    it(`is skipped: ${skip}`, () => {
      // Visible in the report; CI sets DATABASE_URL so this never runs there.
      expect(process.env.CI).not.toBe('true');
    });
    return;
  }
  let runtime: TestRuntime;
  let flow: SeedFlowResult;

  beforeAll(async () => {
    runtime = await startTestRuntime(backing);
    flow = await runSeedFlow(httpSend(runtime.url), `${Date.now()}${backing}`);
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('registers and logs in', () => {
    expect(flow.register.status).toBe(201);
    expect(typeof flow.register.body.userSub).toBe('string');
    expect(flow.login.status).toBe(200);
    expect(typeof flow.login.body.idToken).toBe('string');
  });

  it('creates the order with the exact total of the decimal prices', () => {
    expect(flow.createOrder.status).toBe(201);
    expect(flow.createOrder.body).toMatchObject({ orderId: expect.any(String), total: 99.5 });
  });

  it('lists and reads the order right after creating it (read-your-writes)', () => {
    expect(flow.listOrders.status).toBe(200);
    const items = flow.listOrders.body.items as Array<{ orderId: string }>;
    expect(items.map((o) => o.orderId)).toContain(flow.orderId);
    expect(flow.getOrder.status).toBe(200);
    expect(flow.getOrder.body).toMatchObject({ orderId: flow.orderId, total: 99.5 });
  });

  it('accepts feedback and reports analytics that count the order', () => {
    expect(flow.feedback.status).toBe(201);
    expect(flow.analytics.status).toBe(200);
    expect(flow.analytics.body.orders).toBe(1);
    expect(flow.analyticsDetailed.status).toBe(200);
    expect(flow.analyticsDetailed.body).toHaveProperty('topProducts');
  });

  it('runs the payment saga: the order gets confirmed by the simulated provider', async () => {
    const token = String(flow.login.body.idToken);
    const send = httpSend(runtime.url);
    let status = '';
    for (let i = 0; i < 100 && status !== 'confirmed'; i++) {
      const r = await send('GET', `/orders/${flow.orderId}`, { token });
      status = String((r.body as { status?: string }).status);
      if (status !== 'confirmed') await new Promise((res) => setTimeout(res, 100));
    }
    expect(status).toBe('confirmed');
  });

  it('keeps everything across a restart', async () => {
    runtime = await runtime.restart();
    const send = httpSend(runtime.url);
    const wrong = await send('POST', '/login', { body: { email: flow.email, password: `${flow.password}x` } });
    expect(wrong.status).toBe(401);
    const login = await send('POST', '/login', { body: { email: flow.email, password: flow.password } });
    expect(login.status).toBe(200);
    // A token issued before the restart still verifies: the signing key lives in the data folder.
    const token = String(flow.login.body.idToken);
    const order = await send('GET', `/orders/${flow.orderId}`, { token });
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ orderId: flow.orderId });
    const history = await send('GET', `/orders/${flow.orderId}/history`, { token });
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).toContain('OrderPlaced');
  });
});
