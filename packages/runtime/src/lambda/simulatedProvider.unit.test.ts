import { afterAll, describe, expect, it } from '@jest/globals';
import { startSimulatedProvider, type SimulatedProvider } from '@strata/workflows/provider/provider.simulated';
import type { Money } from '@strata/events';
import { createHttpPaymentProvider } from '@strata/workflows';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulatedProviderHandler, type FunctionUrlEvent } from './simulatedProvider.js';

// The handler against the real simulated provider, reached the way the payment step reaches the
// function URL: the HTTP provider client → a loopback server that turns each request into a
// function URL event (payload 2.0) → the handler. Not proven here: the function URL service
// itself (its header casing, base64 bodies for binary types) and the single-environment ledger
// the reserved concurrency gives on AWS.
let sim: SimulatedProvider;
const front = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const [rawPath = '/', rawQueryString = ''] = (req.url ?? '/').split('?');
    const text = Buffer.concat(chunks);
    const event: FunctionUrlEvent = {
      rawPath,
      rawQueryString,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
      // The function URL base64-encodes bodies it does not treat as text.
      ...(text.length === 0 ? {} : { body: text.toString('base64'), isBase64Encoded: true }),
      requestContext: { http: { method: req.method ?? 'GET' } },
    };
    void handler(event).then((r) => res.writeHead(r.statusCode, r.headers).end(r.body));
  });
});
const handler = createSimulatedProviderHandler(async () => (sim ??= await startSimulatedProvider({ port: 0 })));

afterAll(async () => {
  front.close();
  await sim?.close();
});

describe('simulated provider behind a function URL', () => {
  it('authorizes, answers a repeated key from its idempotency cache, and captures through the HTTP client', async () => {
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const baseUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}/`;
    const client = createHttpPaymentProvider({ baseUrl });
    const amount = { amount: 1234, currency: 'EUR' } as Money;
    const first = await client.authorize({ paymentId: 'p-1', amount, idempotencyKey: 'k-1' });
    const again = await client.authorize({ paymentId: 'p-1', amount, idempotencyKey: 'k-1' });
    if (first.outcome !== 'authorized') throw new Error(`expected an authorization, got ${JSON.stringify(first)}`);
    expect(again).toEqual(first);
    await expect(client.capture({ idempotencyKey: 'k-2', providerRef: first.providerRef, amount })).resolves.toEqual({ providerRef: first.providerRef, amount });
    expect(sim.ledger()).toEqual([expect.objectContaining({ paymentId: 'p-1', captured: 1234 })]);
  });
});
