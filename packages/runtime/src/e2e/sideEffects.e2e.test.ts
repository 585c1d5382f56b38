/**
 * The local runtime's side effects as they run on AWS, through `strata start`'s own wiring:
 * notifications read from the change feed (one outbox file per notified event, never two), and
 * the hold-expiry sweep on its timer (`STRATA_HOLD_SWEEP_SECONDS`) voiding a hold nobody captured.
 * The provider runs outside the runtime with one-second holds, so a hold really expires.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulatedProvider, type SimulatedProvider } from '@strata/workflows/provider/provider.simulated';
import { startTestRuntime, type TestRuntime } from './harness.js';
import { httpSend } from './seedFlow.js';

jest.setTimeout(120_000);

const until = async <T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
  let value = await probe();
  for (let i = 0; i < 200 && !done(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
};

describe('strata start: notifications from the change feed and the hold-expiry sweep', () => {
  let provider: SimulatedProvider;
  let runtime: TestRuntime;

  beforeAll(async () => {
    provider = await startSimulatedProvider({ port: 0, holdSeconds: 1 });
    runtime = await startTestRuntime('pglite', { STRATA_PROVIDER_URL: provider.url, STRATA_HOLD_SWEEP_SECONDS: '1' });
  });
  afterAll(async () => {
    await runtime?.stop();
    await provider?.close();
  });

  it('voids a hold that outlived its expiry, cancels the unshipped order, and tells the customer once per event', async () => {
    const send = httpSend(runtime.url);
    const email = `sweep${Date.now()}@example.com`;
    const password = 'ComplexP@ss1234';
    const reg = await send('POST', '/register', { body: { email, password, firstName: 'Sweep', lastName: 'Test', phoneNumber: '+11234567890' } });
    const userId = String((reg.body as { userSub: string }).userSub);
    const token = String(((await send('POST', '/login', { body: { email, password } })).body as { idToken: string }).idToken);
    const created = await send('POST', '/orders', {
      token,
      body: { userId, items: [{ productId: 'NEWPROD001', productName: 'Fresh Product', quantity: 1, price: 25.0 }], shippingAddress: { street: 'S 1', city: 'C', zipCode: '1', country: 'DE' } },
    });
    expect(created.status).toBe(201);
    const orderId = String((created.body as { orderId: string }).orderId);

    // Authorized and confirmed, then — nobody ships it — the one-second hold expires and a sweep voids it.
    const order = await until(
      async () => (await send('GET', `/orders/${orderId}`, { token })).body as { status?: string; cancelReason?: string; payment?: { status: string } },
      (o) => o.status === 'cancelled',
    );
    expect(order).toMatchObject({ status: 'cancelled', cancelReason: 'payment authorization expired before shipping', payment: { status: 'voided' } });
    expect(provider.ledger()).toEqual([expect.objectContaining({ paymentId: orderId, voided: true, captured: 0 })]);

    // The customer heard about the confirmation and the cancellation: one outbox file per event.
    const outbox = join(runtime.config.dataDir, 'outbox');
    const kinds = async () => (await Promise.all((await readdir(outbox)).filter((f) => f.endsWith('.json') && !f.startsWith('.')).map(async (f) => JSON.parse(await readFile(join(outbox, f), 'utf8')) as { kind: string; orderId: string }))).filter((n) => n.orderId === orderId).map((n) => n.kind).sort();
    expect(await until(kinds, (k) => k.length >= 2)).toEqual(['order-cancelled', 'order-confirmed']);

    // A restart re-reads the feed from its checkpoint and sweeps again: nothing is sent or voided twice.
    runtime = await runtime.restart();
    await runtime.running.engine.catchUp();
    expect(await kinds()).toEqual(['order-cancelled', 'order-confirmed']);
    expect(provider.ledger()).toHaveLength(1);
  });
});
