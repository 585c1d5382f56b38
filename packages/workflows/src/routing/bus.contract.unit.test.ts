/**
 * The bus family's contract: for any batch of committed events, the local bus delivers to each
 * target exactly what EventBridge would — the entries the EventBridge publisher puts (recorded
 * request shapes, `PutEvents`, ten per call), matched against the same rules the CDK app deploys
 * with EventBridge's pattern semantics (`pattern.ts`). What it does not prove: that AWS accepts
 * the requests, or that its matcher agrees with `pattern.ts` (the pattern tests pin that).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GENESIS_HASH, type EventEnvelope } from '@strata/events';
import { createLocalBus } from './localBus.js';
import { createEventBridgePublisher } from './bus.eventbridge.js';
import { matchesPattern } from './pattern.js';
import { ROUTE_TARGETS, busEnvelope, isRouted, routingRules, type BusEvent, type RouteTarget } from './rules.js';

const envelope = (i: number, stream: string, type: string, data: unknown, schemaVersion = 1): EventEnvelope => ({
  eventId: `e-${i}`,
  streamId: stream,
  streamVersion: 1,
  type,
  schemaVersion,
  occurredAt: '2026-01-01T00:00:00.000Z',
  actor: { kind: 'system', id: 'test' },
  causationId: 'c',
  correlationId: 'c',
  commandId: `c-${i}`,
  commandFingerprint: 'f',
  prevHash: GENESIS_HASH,
  hash: 'h',
  data,
});

const order = { orderId: 'o1', customerId: 'c1', items: [{ productId: 'p', productName: 'P', quantity: 1, unitPrice: 100 }], shippingAddress: { street: 's', city: 'c', zipCode: 'z', country: 'US' }, currency: 'USD', total: 100 };
const kinds = [
  (i: number) => envelope(i, 'Order-o1', 'OrderPlaced', order, 2),
  (i: number) => envelope(i, 'Order-o1', 'OrderConfirmed', { orderId: 'o1', paymentId: 'p1' }),
  (i: number) => envelope(i, 'Order-o1', 'OrderCancelled', { orderId: 'o1', reason: 'changed my mind' }),
  (i: number) => envelope(i, 'Order-o1', 'OrderDelivered', { orderId: 'o1' }),
  (i: number) => envelope(i, 'Payment-p1', 'PaymentDeclined', { paymentId: 'p1', orderId: 'o1', reason: 'no' }),
  (i: number) => envelope(i, 'Customer-c1', 'CustomerRegistered', { customerId: 'c1' }),
];

/** Delivered event ids per target. */
type Deliveries = Record<RouteTarget, string[]>;
const empty = (): Deliveries => Object.fromEntries(ROUTE_TARGETS.map((t) => [t, []])) as unknown as Deliveries;

const viaLocalBus = async (events: readonly EventEnvelope[]): Promise<Deliveries> => {
  const out = empty();
  const bus = createLocalBus();
  for (const target of ROUTE_TARGETS) bus.subscribe(target, async (e) => void out[target].push(e.detail.eventId));
  await bus.publish(events);
  return out;
};

const viaEventBridge = async (events: readonly EventEnvelope[]): Promise<Deliveries> => {
  const calls: PutEventsCommand[] = [];
  const publisher = createEventBridgePublisher({ client: { send: async (c) => (calls.push(c), { FailedEntryCount: 0, Entries: [] }) }, eventBusName: 'strata' });
  // What the publisher Lambda does: routed events only, in their current schema version.
  expect((await publisher.publish(events.filter((e) => isRouted(e)).map(busEnvelope))).size).toBe(0);
  const out = empty();
  for (const call of calls) {
    const entries = call.input.Entries ?? [];
    expect(entries.length).toBeLessThanOrEqual(10);
    for (const entry of entries) {
      expect(entry.EventBusName).toBe('strata');
      const detail = JSON.parse(entry.Detail ?? '{}') as EventEnvelope;
      // The event EventBridge hands to rules and targets, built from the entry alone.
      const event: BusEvent = { version: '0', id: 'eb', 'detail-type': entry.DetailType ?? '', source: entry.Source ?? '', time: detail.occurredAt, resources: [], detail };
      for (const rule of routingRules) if (matchesPattern(rule.pattern, event)) out[rule.target].push(detail.eventId);
    }
  }
  return out;
};

describe('bus contract: local bus ≡ EventBridge with the same rules', () => {
  it('delivers the same events to the same targets, for any batch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: kinds.length - 1 }), { maxLength: 40 }), async (picks) => {
        const events = picks.map((k, i) => kinds[k]!(i));
        expect(await viaLocalBus(events)).toEqual(await viaEventBridge(events));
      }),
      { numRuns: 100 },
    );
  });
});
