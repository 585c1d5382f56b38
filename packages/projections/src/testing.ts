/**
 * Test kit: sealed event histories and an in-memory change feed, for this package's tests and for
 * anyone who needs read-side input without a write model.
 */
import {
  FEED_START,
  GENESIS_HASH,
  customerStream,
  feedbackStream,
  orderStream,
  paymentStream,
  productStream,
  sealCommit,
  toNewEvent,
  type ChangeFeed,
  type Currency,
  type DomainEvent,
  type EventEnvelope,
  type FeedEvent,
  type FeedPage,
} from '@strata/events';

/** Seals events onto streams as a store would (versions and hash chain), with a fixed actor. */
export const eventWriter = () => {
  const tails = new Map<string, { version: number; hash: string }>();
  let n = 0;
  return (streamId: string, event: DomainEvent, occurredAt: string): EventEnvelope => {
    const tail = tails.get(streamId) ?? { version: 0, hash: GENESIS_HASH };
    n++;
    const [sealed] = sealCommit(streamId, tail, [toNewEvent(`evt-${n}`, event)], {
      occurredAt,
      actor: { kind: 'user', id: 'tester', roles: ['customer'] },
      causationId: `cmd-${n}`,
      correlationId: `req-${n}`,
      commandId: `cmd-${n}`,
      commandFingerprint: 'f',
    });
    if (sealed === undefined) throw new Error('sealCommit returned nothing');
    tails.set(streamId, { version: sealed.streamVersion, hash: sealed.hash });
    return sealed;
  };
};

export type Lifecycle = 'placed' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled' | 'declined' | 'refunded';

export interface OrderScenario {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency?: Currency;
  readonly lines: ReadonlyArray<{ productId: string; quantity: number; unitPrice: number }>;
  readonly lifecycle: Lifecycle;
  readonly day?: string;
  readonly rating?: number;
  readonly category?: string;
}

/**
 * The events one order produces across its streams (order, payment = order id, feedback), in a
 * causally valid order. `write` is an `eventWriter()` so versions continue across calls.
 */
export const orderHistory = (write: ReturnType<typeof eventWriter>, s: OrderScenario): EventEnvelope[] => {
  const currency = s.currency ?? 'USD';
  const day = s.day ?? '2026-11-20';
  let minute = 0;
  const at = () => `${day}T10:${String(minute++).padStart(2, '0')}:00.000Z`;
  const o = orderStream(s.orderId);
  const p = paymentStream(s.orderId);
  const total = s.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
  const amount = { amount: total, currency };
  const out: EventEnvelope[] = [];
  // Payloads are built loosely here; the decoder checks them like any stored event.
  const ev = (stream: string, e: { type: DomainEvent['type']; data: unknown }) => out.push(write(stream, e as DomainEvent, at()));
  ev(o, {
    type: 'OrderPlaced',
    data: {
      orderId: s.orderId,
      customerId: s.customerId,
      currency,
      total,
      items: s.lines.map((l) => ({ productId: l.productId, productName: `Product ${l.productId}`, quantity: l.quantity, unitPrice: l.unitPrice, productVersion: null })),
      shippingAddress: { street: '1 Main St', city: 'Springfield', zipCode: '12345', country: 'US' },
    },
  });
  if (s.lifecycle === 'placed') return out;
  ev(p, { type: 'PaymentRequested', data: { paymentId: s.orderId, orderId: s.orderId, customerId: s.customerId, amount } });
  if (s.lifecycle === 'declined') {
    ev(p, { type: 'PaymentDeclined', data: { paymentId: s.orderId, orderId: s.orderId, reason: 'insufficient funds' } });
    ev(o, { type: 'OrderCancelled', data: { orderId: s.orderId, reason: 'payment declined' } });
    return out;
  }
  ev(p, { type: 'PaymentAuthorized', data: { paymentId: s.orderId, orderId: s.orderId, amount, providerRef: `ref-${s.orderId}`, expiresAt: '2030-01-01T00:00:00.000Z' } });
  if (s.lifecycle === 'cancelled') {
    ev(p, { type: 'PaymentVoided', data: { paymentId: s.orderId, orderId: s.orderId, reason: 'cancelled' } });
    ev(o, { type: 'OrderCancelled', data: { orderId: s.orderId, reason: 'customer changed their mind' } });
    return out;
  }
  ev(p, { type: 'PaymentCaptured', data: { paymentId: s.orderId, orderId: s.orderId, amount } });
  ev(o, { type: 'OrderConfirmed', data: { orderId: s.orderId, paymentId: s.orderId } });
  if (s.lifecycle === 'confirmed') return out;
  ev(o, { type: 'OrderShipped', data: { orderId: s.orderId, carrier: 'UPS', trackingNumber: `1Z${s.orderId}` } });
  if (s.lifecycle === 'shipped') return out;
  ev(o, { type: 'OrderDelivered', data: { orderId: s.orderId } });
  if (s.rating !== undefined)
    ev(feedbackStream(s.orderId), {
      type: 'FeedbackSubmitted',
      data: { feedbackId: `fb-${s.orderId}`, orderId: s.orderId, customerId: s.customerId, rating: s.rating, comment: 'ok', category: s.category ?? 'delivery' },
    });
  if (s.lifecycle === 'refunded') ev(p, { type: 'PaymentRefunded', data: { paymentId: s.orderId, orderId: s.orderId, amount: { amount: Math.floor(total / 2), currency } } });
  return out;
};

export const customerRegistered = (write: ReturnType<typeof eventWriter>, customerId: string, at = '2026-11-01T09:00:00.000Z'): EventEnvelope =>
  write(
    customerStream(customerId),
    { type: 'CustomerRegistered', data: { customerId, email: `${customerId}@example.com`, firstName: 'Ada', lastName: 'Lovelace', phoneNumber: '+15550100' } } as DomainEvent,
    at,
  );

/** A catalogue product's history: listed, repriced `reprices` times (+100 each), retired when asked. */
export const productHistory = (
  write: ReturnType<typeof eventWriter>,
  p: { readonly productId: string; readonly name: string; readonly price: number; readonly currency?: Currency; readonly reprices?: number; readonly retired?: boolean },
): EventEnvelope[] => {
  const stream = productStream(p.productId);
  const currency = p.currency ?? 'USD';
  const out = [write(stream, { type: 'ProductListed', data: { productId: p.productId, name: p.name, description: `About ${p.name}`, price: { amount: p.price, currency } } } as DomainEvent, '2026-11-01T08:00:00.000Z')];
  for (let i = 1; i <= (p.reprices ?? 0); i++)
    out.push(write(stream, { type: 'ProductRepriced', data: { productId: p.productId, price: { amount: p.price + 100 * i, currency } } } as DomainEvent, `2026-11-0${Math.min(i, 9)}T09:00:00.000Z`));
  if (p.retired === true) out.push(write(stream, { type: 'ProductRetired', data: { productId: p.productId } } as DomainEvent, '2026-11-10T09:00:00.000Z'));
  return out;
};

/** An in-memory change feed: positions are zero-padded sequence numbers (they sort as text). */
export const memoryFeed = (initial: readonly EventEnvelope[] = []) => {
  const log: FeedEvent[] = [];
  const pos = (i: number) => String(i).padStart(12, '0');
  const append = (events: readonly EventEnvelope[]): void => {
    for (const e of events) log.push({ ...e, position: pos(log.length + 1) });
  };
  append(initial);
  const feed: ChangeFeed = {
    async readFeed(after: string, limit: number): Promise<FeedPage> {
      const from = after === FEED_START ? 0 : Number(after);
      const events = log.slice(from, from + limit);
      const next = events.length === 0 ? after : (events[events.length - 1]?.position ?? after);
      return { events, next, caughtUp: from + events.length >= log.length };
    },
  };
  return { feed, append, log: log as readonly FeedEvent[] };
};
