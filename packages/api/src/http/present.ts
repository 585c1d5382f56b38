import { isCurrency, toDecimal, type EventEnvelope } from '@strata/events';
import type { OrderView } from '@strata/projections';

/** Minor units → the decimal the seed's clients show (2500 USD → 25); unknown currencies keep 2 digits. */
export const decimalOf = (amount: number, currency: string): number => (isCurrency(currency) ? toDecimal(amount, currency) : amount / 100);

/** The order as the API shows it: decimals like the seed (`total`, `price`) beside exact minor units. */
export const presentOrder = (v: OrderView) => ({
  orderId: v.orderId,
  userId: v.customerId,
  status: v.status,
  currency: v.currency,
  total: decimalOf(v.total, v.currency),
  totalMinor: v.total,
  items: v.items.map((i) => ({
    productId: i.productId,
    productName: i.productName,
    quantity: i.quantity,
    price: decimalOf(i.unitPrice, v.currency),
    unitPriceMinor: i.unitPrice,
  })),
  shippingAddress: v.shippingAddress,
  ...(v.payment === undefined
    ? {}
    : {
        payment: {
          paymentId: v.payment.paymentId,
          status: v.payment.status,
          authorized: decimalOf(v.payment.authorized, v.currency),
          captured: decimalOf(v.payment.captured, v.currency),
          refunded: decimalOf(v.payment.refunded, v.currency),
        },
      }),
  ...(v.cancelReason === undefined ? {} : { cancelReason: v.cancelReason }),
  createdAt: v.createdAt,
  updatedAt: v.updatedAt,
  version: v.version,
});

/** An audited event as `GET /orders/{id}/history` lists it. */
export const presentEvent = (e: EventEnvelope) => ({
  eventId: e.eventId,
  streamVersion: e.streamVersion,
  type: e.type,
  schemaVersion: e.schemaVersion,
  occurredAt: e.occurredAt,
  actor: e.actor,
  commandId: e.commandId,
  causationId: e.causationId,
  correlationId: e.correlationId,
  prevHash: e.prevHash,
  hash: e.hash,
  data: e.data,
});
