/**
 * The contract of the `Notifier` port: every adapter (outbox folder, outbox table, SNS with its
 * ledger) sends a notification once per id, however often and however concurrently it is asked.
 */
import { expect, it } from '@jest/globals';
import type { Notification, Notifier } from '../notifications/port.js';

export interface NotifierUnderTest {
  readonly notifier: Notifier;
  /** What was delivered, by notification id (files in the folder, rows, published messages). */
  delivered(): Promise<ReadonlyArray<{ readonly id: string; readonly body: string }>>;
}

const notification = (id: string): Notification => ({
  id,
  kind: 'order-confirmed',
  customerId: 'cust-1',
  orderId: `order-${id}`,
  subject: 'Your order is confirmed',
  body: `Payment received: order order-${id} is confirmed.`,
  occurredAt: '2026-01-01T00:00:00.000Z',
});

export const runNotifierContract = (make: () => Promise<NotifierUnderTest>): void => {
  it('sends a notification once per id, even when asked again or concurrently', async () => {
    const t = await make();
    const first = await t.notifier.send(notification('evt-1'));
    const again = await t.notifier.send(notification('evt-1'));
    const racing = await Promise.all([1, 2, 3, 4].map(() => t.notifier.send(notification('evt-2'))));
    expect(first.sent).toBe(true);
    expect(again.sent).toBe(false);
    expect(racing.filter((r) => r.sent)).toHaveLength(1);
    const delivered = await t.delivered();
    expect(delivered.map((d) => d.id).sort()).toEqual(['evt-1', 'evt-2']);
    expect(delivered.find((d) => d.id === 'evt-1')?.body).toContain('order-evt-1');
  });
};
