import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Money } from '@strata/events';
import { createHttpPaymentProvider } from './provider.http.js';
import { startSimulatedProvider, type SimulatedProvider, type SimulatedProviderConfig } from './provider.simulated.js';
import { idempotencyKey, ProviderRejectedError, ProviderUnavailableError } from './port.js';

// The simulated provider listens on a loopback port; the HTTP adapter talks to it for real.
const usd = (amount: number) => ({ amount, currency: 'USD' }) as Money;
let sim: SimulatedProvider | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const setup = async (config: SimulatedProviderConfig = {}, client: { timeoutMs?: number; maxAttempts?: number } = {}) => {
  sim = await startSimulatedProvider(config);
  return { sim, provider: createHttpPaymentProvider({ baseUrl: sim.url, backoffMs: 1, ...client }) };
};

describe('HTTP payment provider against the simulated provider', () => {
  it('authorizes once per idempotency key, whatever the number of calls', async () => {
    const { sim, provider } = await setup();
    const key = idempotencyKey('p1', 'authorize');
    const first = await provider.authorize({ idempotencyKey: key, paymentId: 'p1', amount: usd(2500) });
    const again = await provider.authorize({ idempotencyKey: key, paymentId: 'p1', amount: usd(2500) });
    expect(first).toMatchObject({ outcome: 'authorized', amount: usd(2500) });
    expect(again).toEqual(first);
    expect(sim.ledger()).toHaveLength(1);
  });

  it('declines by explicit rule and by seeded rate, deterministically', async () => {
    const { provider } = await setup({ rules: [{ paymentIdPrefix: 'bad-', decline: 'card stolen' }], declineRate: 1 });
    await expect(provider.authorize({ idempotencyKey: 'k1', paymentId: 'bad-1', amount: usd(1) })).resolves.toEqual({ outcome: 'declined', reason: 'card stolen' });
    await expect(provider.authorize({ idempotencyKey: 'k2', paymentId: 'ok-1', amount: usd(1) })).resolves.toEqual({ outcome: 'declined', reason: 'insufficient funds' });
  });

  it('retries transient 5xx with the same key and succeeds', async () => {
    const { sim, provider } = await setup({ rules: [{ paymentIdPrefix: 'flaky', failFirstAttempts: 2 }] }, { maxAttempts: 3 });
    await expect(provider.authorize({ idempotencyKey: 'k', paymentId: 'flaky', amount: usd(5) })).resolves.toMatchObject({ outcome: 'authorized' });
    expect(sim.requests.authorize).toBe(3);
  });

  it('fails only the operations a rule names', async () => {
    const { sim, provider } = await setup({ rules: [{ paymentIdPrefix: 'auth-only', failFirstAttempts: 1, operations: ['authorize'] }] }, { maxAttempts: 2 });
    const auth = await provider.authorize({ idempotencyKey: 'k-a', paymentId: 'auth-only', amount: usd(5) });
    if (auth.outcome !== 'authorized') throw new Error('expected an authorization');
    await provider.capture({ idempotencyKey: 'k-c', providerRef: auth.providerRef, amount: usd(5) });
    expect(sim.requests).toMatchObject({ authorize: 2, capture: 1 });
  });

  it('retries after its own timeout and still holds the funds once', async () => {
    const { sim, provider } = await setup({ rules: [{ paymentIdPrefix: 'slow', slowFirstAttempts: 1, slowMs: 300 }] }, { timeoutMs: 100, maxAttempts: 3 });
    const outcome = await provider.authorize({ idempotencyKey: 'k', paymentId: 'slow', amount: usd(5) });
    expect(outcome).toMatchObject({ outcome: 'authorized' });
    // Two attempts: the slow first one the client abandoned, and the retry that answered. Wait
    // until both have run to the end, so the abandoned one has done all it ever will.
    await sim.whenHandled('authorize', 2);
    expect(sim.requests.authorize).toBe(2);
    expect(sim.ledger()).toHaveLength(1);
  });

  it('gives up with ProviderUnavailableError during an outage and holds nothing', async () => {
    const { sim, provider } = await setup({}, { maxAttempts: 2 });
    sim.setOutage(true);
    await expect(provider.authorize({ idempotencyKey: 'k', paymentId: 'p', amount: usd(5) })).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(sim.ledger()).toHaveLength(0);
  });

  it('treats outage windows by clock like a manual outage', async () => {
    const { provider } = await setup({ outages: [{ from: 0, to: 100 }], clock: () => 50 }, { maxAttempts: 1 });
    await expect(provider.authorize({ idempotencyKey: 'k', paymentId: 'p', amount: usd(5) })).rejects.toMatchObject({ name: 'ProviderUnavailable' });
  });

  it('refuses over-capture and over-refund without retrying, and never voids captured funds', async () => {
    const { sim, provider } = await setup();
    const auth = await provider.authorize({ idempotencyKey: 'a', paymentId: 'p', amount: usd(100) });
    if (auth.outcome !== 'authorized') throw new Error('expected an authorization');
    const ref = auth.providerRef;
    await expect(provider.capture({ idempotencyKey: 'c0', providerRef: ref, amount: usd(101) })).rejects.toMatchObject({ status: 422 });
    expect(sim.requests.capture).toBe(1);
    await expect(provider.capture({ idempotencyKey: 'c1', providerRef: ref, amount: usd(100) })).resolves.toEqual({ providerRef: ref, amount: usd(100) });
    await expect(provider.capture({ idempotencyKey: 'c1', providerRef: ref, amount: usd(100) })).resolves.toEqual({ providerRef: ref, amount: usd(100) });
    await expect(provider.void({ idempotencyKey: 'v', providerRef: ref })).rejects.toBeInstanceOf(ProviderRejectedError);
    await expect(provider.refund({ idempotencyKey: 'r1', providerRef: ref, amount: usd(60) })).resolves.toMatchObject({ amount: usd(60) });
    await expect(provider.refund({ idempotencyKey: 'r2', providerRef: ref, amount: usd(60) })).rejects.toMatchObject({ status: 422 });
    expect(sim.ledger()[0]).toMatchObject({ authorized: usd(100), captured: 100, refunded: 60, voided: false });
  });

  it('rejects an idempotency key reused for another request', async () => {
    const { provider } = await setup();
    await provider.authorize({ idempotencyKey: 'same', paymentId: 'p', amount: usd(1) });
    await expect(provider.authorize({ idempotencyKey: 'same', paymentId: 'p', amount: usd(2) })).rejects.toMatchObject({ code: 'PROVIDER_REJECTED', status: 422 });
  });

  it('treats an oversized answer or a dropped connection as the provider being unavailable', async () => {
    let calls = 0;
    const server = createServer((req, res) => {
      calls++;
      if (req.url?.includes('capture')) return void req.socket.destroy();
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(`{"status":"authorized","pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const { port } = server.address() as { port: number };
      const provider = createHttpPaymentProvider({ baseUrl: `http://127.0.0.1:${port}`, backoffMs: 1, maxAttempts: 2 });
      await expect(provider.authorize({ idempotencyKey: 'big', paymentId: 'p', amount: usd(1) })).rejects.toBeInstanceOf(ProviderUnavailableError);
      await expect(provider.capture({ idempotencyKey: 'cut', providerRef: 'r', amount: usd(1) })).rejects.toBeInstanceOf(ProviderUnavailableError);
      expect(calls).toBe(4);
    } finally {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    }
  });
});
