// AWS itself cannot run here: EventBridge is a fake client that records PutEvents and refuses
// entries on demand; the records are real commits of the write model in Lambda's stream JSON.
import { describe, expect, it } from '@jest/globals';
import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { routingRules, toBusEvent, matchesPattern } from '@strata/workflows';
import { createMemoryEventStore, createWriteModel } from '@strata/write-model';
import { createLogger } from '../logger.js';
import { createPublisherHandler, type EventBridgeClientLike } from './publisher.js';
import { placedAndCancelledOrder, streamRecordOf } from './testkit.js';

const fakeBus = (refuse: (call: number, detailType: string | undefined) => boolean = () => false) => {
  const calls: PutEventsCommand[] = [];
  const client: EventBridgeClientLike = {
    async send(command) {
      calls.push(command);
      const entries = (command.input.Entries ?? []).map((e, i) => (refuse(calls.length, e.DetailType) ? { ErrorCode: 'ThrottlingException' } : { EventId: `e${i}` }));
      return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
    },
  };
  return { client, calls };
};
const logger = createLogger('silent');

describe('publisher Lambda entry (stream → EventBridge PutEvents)', () => {
  it('puts every routed event on the bus with the shared entry shape, in order', async () => {
    const { records, events } = await placedAndCancelledOrder('o-pub-1');
    const bus = fakeBus();
    const handler = createPublisherHandler({ client: bus.client, eventBusName: 'strata-events', logger, backoffMs: 0 });
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    const entries = bus.calls.flatMap((c) => c.input.Entries ?? []);
    expect(entries.map((e) => e.DetailType)).toEqual(events.map((e) => e.type));
    expect(entries.every((e) => e.EventBusName === 'strata-events' && e.Source === 'strata.orders')).toBe(true);
    expect(JSON.parse(entries[0]!.Detail!)).toMatchObject({ eventId: events[0]!.eventId, streamId: 'Order-o-pub-1' });
    // The entry routes as the local bus routes it: OrderPlaced matches the payment-request rule.
    const rule = routingRules.find((r) => r.name === 'payment-request')!;
    expect(matchesPattern(rule.pattern, toBusEvent(events[0]!))).toBe(true);
  });

  it('leaves the events no rule routes off the bus', async () => {
    const eventStore = createMemoryEventStore();
    const wm = createWriteModel({ eventStore });
    const ctx = (n: string) => ({ commandId: n, actor: { kind: 'system', id: 'test' }, correlationId: 'r', now: '2026-11-24T12:00:00.000Z' }) as const;
    await wm.placeOrder({ orderId: 'o-pub-5', customerId: 'c1', currency: 'EUR', items: [{ productId: 'p', productName: 'P', quantity: 1, unitPrice: 5 }], shippingAddress: { street: 's', city: 'c', zipCode: 'z', country: 'DE' } }, ctx('a'));
    await wm.confirmOrder({ orderId: 'o-pub-5', paymentId: 'o-pub-5' }, ctx('b'));
    await wm.shipOrder({ orderId: 'o-pub-5' }, ctx('c'));
    await wm.deliverOrder({ orderId: 'o-pub-5' }, ctx('d'));
    const { events } = await eventStore.readStream('Order-o-pub-5');
    const bus = fakeBus();
    const records = events.map((e, i) => streamRecordOf([e], String(i + 1)));
    expect(await createPublisherHandler({ client: bus.client, eventBusName: 'b', logger, backoffMs: 0 })({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(bus.calls.flatMap((c) => c.input.Entries ?? []).map((e) => e.DetailType)).toEqual(['OrderPlaced', 'OrderDelivered']);
  });

  it('sends at most 10 entries per call', async () => {
    const many = await Promise.all(Array.from({ length: 7 }, (_, i) => placedAndCancelledOrder(`o-pub-many-${i}`)));
    const records = many.flatMap((m) => m.records);
    const bus = fakeBus();
    await createPublisherHandler({ client: bus.client, eventBusName: 'b', logger, backoffMs: 0 })({ Records: records });
    expect(bus.calls.map((c) => c.input.Entries?.length)).toEqual([10, 4]);
  });

  it('retries only the refused entries', async () => {
    const { records, events } = await placedAndCancelledOrder('o-pub-2');
    const bus = fakeBus((call, type) => call === 1 && type === 'OrderCancelled');
    expect(await createPublisherHandler({ client: bus.client, eventBusName: 'b', logger, backoffMs: 0 })({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(bus.calls).toHaveLength(2);
    expect(bus.calls[1]!.input.Entries!.map((e) => e.DetailType)).toEqual([events[1]!.type]);
  });

  it('reports the first record still refused after the retries, and every later one', async () => {
    const { records } = await placedAndCancelledOrder('o-pub-3');
    const bus = fakeBus((_, type) => type === 'OrderCancelled');
    const out = await createPublisherHandler({ client: bus.client, eventBusName: 'b', logger, maxAttempts: 2, backoffMs: 0 })({ Records: records });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }]);
  });

  it('reports a record that is not an event commit', async () => {
    const { events } = await placedAndCancelledOrder('o-pub-4');
    const good = streamRecordOf([events[0]!], '1');
    const bad = { eventName: 'INSERT' as const, dynamodb: { NewImage: { pk: { S: 'x' } }, SequenceNumber: '2' } };
    const out = await createPublisherHandler({ client: fakeBus().client, eventBusName: 'b', logger, backoffMs: 0 })({ Records: [good, bad] });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
  });
});
