/** Shared by the benchmarks: the seed's order as events and per-command metadata. */
import { fingerprint, type NewEvent } from '@strata/events';

const uid = (): string => crypto.randomUUID();

// ── Payloads: the seed's order (two lines, a German address), then its confirmation and shipping ─

export const commandEvents = (orderId: string, count: number): NewEvent[] =>
  [
    {
      eventId: uid(),
      type: 'OrderPlaced',
      // v3: priced from the catalogue, each line records its product's version (decision 0007).
      schemaVersion: 3,
      data: {
        orderId,
        customerId: uid(),
        items: [
          { productId: 'NEWPROD001', productName: 'Fresh Product', quantity: 2, unitPrice: 2500, productVersion: 1 },
          { productId: 'NEWPROD002', productName: 'Another Item', quantity: 1, unitPrice: 4950, productVersion: 1 },
        ],
        shippingAddress: { street: '789 New Deploy Ave', city: 'CloudNine', zipCode: '11223', country: 'DE' },
        currency: 'EUR',
        total: 9950,
      },
    },
    { eventId: uid(), type: 'OrderConfirmed', schemaVersion: 1, data: { orderId, paymentId: orderId } },
    { eventId: uid(), type: 'OrderShipped', schemaVersion: 1, data: { orderId, carrier: 'DHL', trackingNumber: 'JJD000390007' } },
  ].slice(0, count);

export const commandMeta = () => {
  const commandId = uid();
  return {
    occurredAt: new Date().toISOString(),
    actor: { kind: 'user' as const, id: uid(), roles: ['customer'] },
    causationId: commandId,
    correlationId: uid(),
    commandId,
    commandFingerprint: fingerprint(commandId),
  };
};

