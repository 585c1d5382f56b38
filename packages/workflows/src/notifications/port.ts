import type { DomainEnvelope } from '@strata/events';

/**
 * The "Custom Notification" port: tells a customer what happened to their order. Adapters:
 * `createOutboxNotifier` (local: one JSON file per notification) and, on AWS, the runtime's SNS
 * notifier (`notifier.sns.ts`, with a Redis ledger of the ids it sent) and, on a shared
 * database, `notifier.sql.ts` (the outbox table). All pass `notifier.contract.ts`.
 */
export interface Notifier {
  /** Sends once per `notification.id`: a second call with the same id does nothing. */
  send(notification: Notification): Promise<{ readonly sent: boolean }>;
}

export type NotificationKind = 'order-confirmed' | 'payment-declined' | 'order-shipped' | 'order-delivered' | 'order-cancelled';

export interface Notification {
  /** The id of the event it reports: the dedup key, so an event is never notified twice. */
  readonly id: string;
  readonly kind: NotificationKind;
  readonly customerId: string;
  readonly orderId: string;
  readonly subject: string;
  readonly body: string;
  readonly occurredAt: string;
}

/** The customer-facing text for an event, or `undefined` when the event is not one customers hear about. Pure. */
export const describeForCustomer = (
  envelope: DomainEnvelope,
): Pick<Notification, 'kind' | 'orderId' | 'subject' | 'body'> | undefined => {
  switch (envelope.type) {
    case 'OrderConfirmed':
      return { kind: 'order-confirmed', orderId: envelope.data.orderId, subject: 'Your order is confirmed', body: `Payment received: order ${envelope.data.orderId} is confirmed.` };
    case 'PaymentDeclined':
      return { kind: 'payment-declined', orderId: envelope.data.orderId, subject: 'Your payment was declined', body: `The payment for order ${envelope.data.orderId} was declined: ${envelope.data.reason}.` };
    case 'OrderShipped': {
      const { orderId, carrier, trackingNumber } = envelope.data;
      const tracking = carrier !== null && trackingNumber !== null ? ` with ${carrier}, tracking number ${trackingNumber}` : '';
      return { kind: 'order-shipped', orderId, subject: 'Your order has shipped', body: `Order ${orderId} has shipped${tracking}.` };
    }
    case 'OrderDelivered':
      return { kind: 'order-delivered', orderId: envelope.data.orderId, subject: 'Your order was delivered', body: `Order ${envelope.data.orderId} was delivered.` };
    case 'OrderCancelled':
      return { kind: 'order-cancelled', orderId: envelope.data.orderId, subject: 'Your order was cancelled', body: `Order ${envelope.data.orderId} was cancelled: ${envelope.data.reason}.` };
    default:
      return undefined;
  }
};
