import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { FEED_START, type EventEnvelope } from '@strata/events';
import { createMemoryEventStore, createWriteModel } from '@strata/write-model';
import { dedupBy } from '../routing/localBus.js';
import { createNotificationConsumer, customerFromWriteModel, notifyBatch, notifyWithRetries } from './consumer.js';
import { createOutboxNotifier } from './notifier.outbox.js';
import type { Notification, Notifier } from './port.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ctx = (id: string) => ({ commandId: id, actor: { kind: 'system', id: 't' } as const, correlationId: 'c', now: '2026-01-01T00:00:00.000Z' });
const order = (orderId: string) => ({
  orderId,
  customerId: 'cust-7',
  currency: 'USD' as const,
  items: [{ productId: 'p', productName: 'P', quantity: 1, unitPrice: 5 }],
  shippingAddress: { street: 's', city: 'c', zipCode: 'z', country: 'US' },
});

describe('customer notifications from the change feed', () => {
  it('writes one outbox file per notified event, never twice, and ignores other events', async () => {
    const store = createMemoryEventStore();
    const wm = createWriteModel({ eventStore: store });
    const placed = await wm.placeOrder(order('n1'), ctx('a'));
    const cancelled = await wm.cancelOrder({ orderId: 'n1', reason: 'out of stock' }, ctx('b'));
    expect(E.isRight(placed) && E.isRight(cancelled)).toBe(true);

    const consume = createNotificationConsumer({ notifier: createOutboxNotifier(dir), customerOf: customerFromWriteModel(wm) });
    const { events } = await store.readFeed(FEED_START, 100);
    expect(await notifyBatch(events, consume)).toBeUndefined();
    expect(await notifyBatch(events, consume)).toBeUndefined(); // the change feed re-delivers after a restart
    // A fresh consumer (new process) still does not send again: the outbox file name is the event id.
    const again = createNotificationConsumer({ notifier: createOutboxNotifier(dir), customerOf: customerFromWriteModel(wm) });
    expect(await again(events[1]!)).toBe('already-sent');
    expect(await again(events[0]!)).toBe('not-notified'); // OrderPlaced: the API answered the customer

    const files = readdirSync(dir);
    expect(files).toEqual([`${events[1]!.eventId}.json`]);
    expect(JSON.parse(readFileSync(join(dir, files[0]!), 'utf8'))).toMatchObject({
      kind: 'order-cancelled',
      customerId: 'cust-7',
      orderId: 'n1',
      body: 'Order n1 was cancelled: out of stock.',
    });
  });

  it('makes the outbox folder on the first notification, and again when it has been removed since', async () => {
    const folder = join(dir, 'made-later');
    const notifier = createOutboxNotifier(folder);
    const note = (id: string): Notification => ({ id, customerId: 'c', occurredAt: '2026-01-01T00:00:00.000Z', kind: 'order-confirmed', orderId: 'o', subject: 's', body: 'b' });
    expect(await notifier.send(note('first'))).toEqual({ sent: true });
    rmSync(folder, { recursive: true });
    expect(await notifier.send(note('second'))).toEqual({ sent: true });
    expect(await notifier.send(note('second'))).toEqual({ sent: false });
    expect(readdirSync(folder)).toEqual(['second.json']);
  });

  it('keeps each order in feed order and reports the first event that failed, so the feed resumes there', async () => {
    const store = createMemoryEventStore();
    const wm = createWriteModel({ eventStore: store });
    for (const id of ['a', 'b']) {
      await wm.placeOrder(order(id), ctx(`place-${id}`));
      await wm.confirmOrder({ orderId: id, paymentId: id }, ctx(`confirm-${id}`));
      await wm.shipOrder({ orderId: id }, ctx(`ship-${id}`));
    }
    const { events } = await store.readFeed(FEED_START, 100);
    const sent: Notification[] = [];
    let failOnce = true;
    const flaky: Notifier = {
      async send(n) {
        if (n.orderId === 'b' && n.kind === 'order-confirmed' && failOnce) {
          failOnce = false;
          throw new Error('SNS throttled');
        }
        if (sent.some((s) => s.id === n.id)) return { sent: false };
        sent.push(n);
        return { sent: true };
      },
    };
    const consume = dedupBy((e: EventEnvelope) => e.eventId, async (e) => void (await createNotificationConsumer({ notifier: flaky, customerOf: customerFromWriteModel(wm) })(e)));
    const failed = await notifyBatch(events, consume, { concurrency: 2 });
    expect(events[failed!]).toMatchObject({ streamId: 'Order-b', type: 'OrderConfirmed' });
    // b's shipping waited for its confirmation; a's went out.
    expect(sent.map((n) => `${n.orderId}:${n.kind}`).sort()).toEqual(['a:order-confirmed', 'a:order-shipped']);
    expect(await notifyBatch(events.slice(failed), consume)).toBeUndefined();
    expect(sent.map((n) => `${n.orderId}:${n.kind}`).sort()).toEqual(['a:order-confirmed', 'a:order-shipped', 'b:order-confirmed', 'b:order-shipped']);

    // With retries, a transient failure is retried and a lasting one is reported once, then passed.
    sent.length = 0;
    failOnce = true;
    const dead: string[] = [];
    const again = dedupBy((e: EventEnvelope) => `${e.eventId}#2`, async (e) => void (await createNotificationConsumer({ notifier: flaky, customerOf: customerFromWriteModel(wm) })(e)));
    await notifyWithRetries(events, again, { backoffMs: 0, onDead: (e) => dead.push(e.eventId) });
    expect(sent.map((n) => `${n.orderId}:${n.kind}`).sort()).toEqual(['a:order-confirmed', 'a:order-shipped', 'b:order-confirmed', 'b:order-shipped']);
    expect(dead).toEqual([]);
    const broken = async () => {
      throw new Error('down');
    };
    await notifyWithRetries(events, broken, { attempts: 3, backoffMs: 0, onDead: (e) => dead.push(e.streamId) });
    expect(new Set(dead)).toEqual(new Set(['Order-a', 'Order-b']));
  });
});
