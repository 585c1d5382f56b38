import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { httpSend, runSeedFlow, type SeedFlowResult } from './seedFlow.js';
import { postgresSkipReason, startTestRuntime, type Backing, type TestRuntime } from './harness.js';
import { itPassesTheSeedFlow } from './seedFlow.expectations.js';

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

  itPassesTheSeedFlow(() => flow);

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
