/**
 * The seed flow against `strata start` with the DynamoDB event store (DynamoDB Local, started by
 * the int tier) and its Streams change feed driving the read model and the saga — the AWS data
 * path, on this machine.
 */
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { describeWith, dynamoEndpoint } from '@strata/test-env';
import { httpSend, runSeedFlow, type SeedFlowResult } from './seedFlow.js';
import { startTestRuntime, type TestRuntime } from './harness.js';
import { itPassesTheSeedFlow } from './seedFlow.expectations.js';

jest.setTimeout(180_000);

describeWith('DYNAMODB', 'the seed REST flow against strata start on DynamoDB Local', () => {
  let runtime: TestRuntime;
  let flow: SeedFlowResult;

  beforeAll(async () => {
    runtime = await startTestRuntime('pglite', {
      STRATA_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: dynamoEndpoint(),
      STRATA_TABLE_NAME: `strata-e2e-${Math.random().toString(36).slice(2, 8)}`,
      DATABASE_URL: '',
    });
    flow = await runSeedFlow(httpSend(runtime.url), `${Date.now()}ddb`);
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  itPassesTheSeedFlow(() => flow);

  it('runs the payment saga from the Streams feed', async () => {
    const send = httpSend(runtime.url);
    const token = String(flow.login.body.idToken);
    let status = '';
    for (let i = 0; i < 150 && status !== 'confirmed'; i++) {
      status = String(((await send('GET', `/orders/${flow.orderId}`, { token })).body as { status?: string }).status);
      if (status !== 'confirmed') await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe('confirmed');
    const history = await send('GET', `/orders/${flow.orderId}/history`, { token });
    expect(JSON.stringify(history.body)).toContain('PaymentAuthorized');
  });
});
