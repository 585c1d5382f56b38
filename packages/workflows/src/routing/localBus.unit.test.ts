import { describe, expect, it } from '@jest/globals';
import { GENESIS_HASH, type EventEnvelope } from '@strata/events';
import { createLocalBus, dedupByEventId, type DeadLetter } from './localBus.js';
import { matchesPattern } from './pattern.js';
import { ROUTE_TARGETS, busEnvelope, isRouted, routingRules, toBusEvent, toPutEventsEntry, type RouteTarget } from './rules.js';

const envelope = (streamId: string, type: string, data: unknown, eventId = `${streamId}-${type}`): EventEnvelope => ({
  eventId,
  streamId,
  streamVersion: 1,
  type,
  schemaVersion: 1,
  occurredAt: '2026-01-01T00:00:00.000Z',
  actor: { kind: 'system', id: 'test' },
  causationId: 'c',
  correlationId: 'c',
  commandId: 'c',
  commandFingerprint: 'f',
  prevHash: GENESIS_HASH,
  hash: 'h',
  data,
});

const placedData = (total: number) => ({
  orderId: 'o1',
  customerId: 'c1',
  items: [{ productId: 'p', productName: 'P', quantity: 1, unitPrice: total }],
  shippingAddress: { street: 's', city: 'c', zipCode: 'z', country: 'US' },
  currency: 'USD',
  total,
});
const placed = (total: number) => ({ ...envelope('Order-o1', 'OrderPlaced', placedData(total), `placed-${total}`), schemaVersion: 2 });

describe('routing rules', () => {
  it('are uniquely named and target known consumers', () => {
    expect(new Set(routingRules.map((r) => r.name)).size).toBe(routingRules.length);
    for (const rule of routingRules) expect(ROUTE_TARGETS).toContain(rule.target);
  });

  it('map an envelope to the EventBridge entry and event shapes', () => {
    const e = placed(10);
    expect(toPutEventsEntry(e, 'strata')).toEqual({ Source: 'strata.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(e), Time: new Date(e.occurredAt), EventBusName: 'strata' });
    expect(toBusEvent(envelope('Payment-o1', 'PaymentDeclined', {}))).toMatchObject({ source: 'strata.payments', 'detail-type': 'PaymentDeclined', id: 'Payment-o1-PaymentDeclined' });
  });

  it.each<[string, EventEnvelope, RouteTarget[]]>([
    ['a paid order starts the request saga', placed(2500), ['PaymentRequestWorkflow']],
    ['a free order starts it too', placed(0), ['PaymentRequestWorkflow']],
    ['delivery releases', envelope('Order-o1', 'OrderDelivered', { orderId: 'o1' }), ['PaymentReleaseWorkflow']],
    ['cancellation releases', envelope('Order-o1', 'OrderCancelled', { orderId: 'o1', reason: 'x' }), ['PaymentReleaseWorkflow']],
    // Notifications read the change feed; hold expiry is a scheduled sweep: neither needs the bus.
    ['confirmation goes nowhere', envelope('Order-o1', 'OrderConfirmed', { orderId: 'o1', paymentId: 'o1' }), []],
    ['authorization goes nowhere', envelope('Payment-o1', 'PaymentAuthorized', {}), []],
    ['a decline goes nowhere', envelope('Payment-o1', 'PaymentDeclined', {}), []],
    ['feedback goes nowhere', envelope('Feedback-o1', 'FeedbackSubmitted', {}), []],
  ])('%s', (_name, e, targets) => {
    const event = toBusEvent(e);
    expect(routingRules.filter((r) => matchesPattern(r.pattern, event)).map((r) => r.target)).toEqual(targets);
    expect(isRouted(e)).toBe(targets.length > 0);
  });

  it('put events on the bus in their current schema version', () => {
    // The seed's original OrderPlaced (v1: userId, decimal prices) reaches the workflows as v2.
    const v1 = envelope('Order-o1', 'OrderPlaced', { orderId: 'o1', userId: 'u1', items: [{ productId: 'p', productName: 'P', quantity: 2, price: 12.5 }], shippingAddress: placedData(0).shippingAddress });
    expect(busEnvelope(v1)).toMatchObject({ schemaVersion: 3, data: { orderId: 'o1', customerId: 'u1', currency: 'USD', total: 2500 } });
    const unreadable = envelope('Order-o1', 'OrderPlaced', { nonsense: true });
    expect(busEnvelope(unreadable)).toBe(unreadable);
  });
});

describe('createLocalBus', () => {
  it('delivers at least once: a failing consumer is retried, dedup keeps the effect single', async () => {
    const bus = createLocalBus({ retryDelayMs: 1 });
    const effects: string[] = [];
    let failures = 1;
    bus.subscribe(
      'PaymentRequestWorkflow',
      dedupByEventId(async (event) => {
        if (failures-- > 0) throw new Error('transient');
        effects.push(event.detail.eventId);
      }),
    );
    await bus.publish([placed(5)]);
    await bus.publish([placed(5)]); // re-delivered by the change feed
    expect(effects).toEqual(['placed-5']);
  });

  it('dead-letters an event whose consumer keeps failing', async () => {
    const dead: DeadLetter[] = [];
    const bus = createLocalBus({ retryDelayMs: 1, maxAttempts: 3, onDeadLetter: (d) => dead.push(d) });
    let calls = 0;
    bus.subscribe('PaymentRequestWorkflow', async () => {
      calls++;
      throw new Error('down');
    });
    await bus.publish([placed(5)]);
    expect(calls).toBe(3);
    expect(dead).toEqual([expect.objectContaining({ target: 'PaymentRequestWorkflow', event: expect.objectContaining({ id: 'placed-5' }) })]);
  });

  it('refuses a second subscriber for a target', () => {
    const bus = createLocalBus();
    bus.subscribe('PaymentReleaseWorkflow', async () => undefined);
    expect(() => bus.subscribe('PaymentReleaseWorkflow', async () => undefined)).toThrow();
  });
});
