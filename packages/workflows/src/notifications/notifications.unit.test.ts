import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { createMemoryEventStore, createWriteModel } from '@strata/write-model';
import { createLocalBus, dedupByEventId } from '../routing/localBus.js';
import { createNotificationConsumer } from './consumer.js';
import { createOutboxNotifier } from './notifier.outbox.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('customer notifications', () => {
  it('writes one outbox file per notified event, never twice, and ignores other events', async () => {
    const store = createMemoryEventStore();
    const wm = createWriteModel({ eventStore: store });
    const ctx = (id: string) => ({ commandId: id, actor: { kind: 'system', id: 't' } as const, correlationId: 'c', now: '2026-01-01T00:00:00.000Z' });
    const placed = await wm.placeOrder(
      { orderId: 'n1', customerId: 'cust-7', currency: 'USD', items: [{ productId: 'p', productName: 'P', quantity: 1, unitPrice: 5 }], shippingAddress: { street: 's', city: 'c', zipCode: 'z', country: 'US' } },
      ctx('a'),
    );
    const cancelled = await wm.cancelOrder({ orderId: 'n1', reason: 'out of stock' }, ctx('b'));
    expect(E.isRight(placed) && E.isRight(cancelled)).toBe(true);

    const bus = createLocalBus();
    bus.subscribe('CustomerNotifications', dedupByEventId(createNotificationConsumer({ notifier: createOutboxNotifier(dir), writeModel: wm })));
    const { events } = await store.readStream('Order-n1');
    await bus.publish(events);
    await bus.publish(events); // the change feed re-delivers after a restart
    // A fresh consumer (new process, empty in-memory dedup) still does not send again.
    const notifier = createOutboxNotifier(dir);
    const cancelledEvent = events[1]!;
    await expect(notifier.send({ id: cancelledEvent.eventId, kind: 'order-cancelled', customerId: 'cust-7', orderId: 'n1', subject: 's', body: 'b', occurredAt: '' })).resolves.toEqual({ sent: false });

    const files = readdirSync(dir);
    expect(files).toEqual([`${cancelledEvent.eventId}.json`]);
    expect(JSON.parse(readFileSync(join(dir, files[0]!), 'utf8'))).toMatchObject({
      kind: 'order-cancelled',
      customerId: 'cust-7',
      orderId: 'n1',
      body: 'Order n1 was cancelled: out of stock.',
    });
  });
});
