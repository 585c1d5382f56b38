import { Category, parseStreamId, type DomainEnvelope, type EventEnvelope } from '@strata/events';
import type { OrderStatus, OrderStatusEntry, OrderView, PaymentStatus, ProductView } from '../queries.js';

/*
 * Read-model documents, one per stream, and their pure projectors. A document records the stream
 * version it reflects; `applyNewer` ignores any event at or below it, which makes every writer
 * idempotent per (stream, version): duplicates, redeliveries and replays change nothing.
 */

export interface Versioned {
  /** The stream version this document reflects. */
  readonly version: number;
}

type Line = OrderView['items'][number];
type ShippingAddress = OrderView['shippingAddress'];

export interface OrderDoc extends Versioned {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly currency: string;
  readonly total: number;
  readonly items: readonly Line[];
  readonly shippingAddress: ShippingAddress;
  readonly paymentId?: string;
  readonly carrier?: string;
  readonly trackingNumber?: string;
  readonly cancelReason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface PaymentDoc extends Versioned {
  readonly paymentId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly status: PaymentStatus;
  readonly currency: string;
  readonly requested: number;
  readonly authorized: number;
  readonly captured: number;
  readonly refunded: number;
  readonly reason?: string;
  /** When the authorization hold lapses (the hold-expiry sweep's key); set once authorized. */
  readonly expiresAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CustomerDoc extends Versioned {
  readonly customerId: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly phoneNumber: string;
  readonly registeredAt: string;
}

export interface FeedbackDoc extends Versioned {
  readonly orderId: string;
  readonly feedbackId: string;
  readonly customerId: string;
  readonly rating: number;
  readonly comment: string;
  readonly category: string;
  readonly submittedAt: string;
}

/** A catalogue product as browsed: current price, status, and the product stream version it reflects. */
export interface ProductDoc extends Versioned {
  readonly productId: string;
  readonly name: string;
  readonly description: string;
  readonly status: 'listed' | 'retired';
  /** Minor units. */
  readonly price: number;
  readonly currency: string;
  readonly listedAt: string;
  readonly updatedAt: string;
}

/**
 * A projector folds the events of one stream category into one document per stream. `project`
 * is total: an event that cannot change the document (e.g. no document yet) returns it unchanged.
 */
export interface Projector<Doc extends Versioned> {
  readonly category: Category;
  project(doc: Doc | undefined, event: DomainEnvelope): Doc | undefined;
}

/** Applies `event` only when it is newer than the document; stamps the version it reflects. */
export const applyNewer = <Doc extends Versioned>(p: Projector<Doc>, doc: Doc | undefined, event: DomainEnvelope): Doc | undefined => {
  if (doc !== undefined && event.streamVersion <= doc.version) return doc;
  const next = p.project(doc, event);
  return next === undefined ? doc : { ...next, version: event.streamVersion };
};

export const categoryOf = (event: Pick<EventEnvelope, 'streamId'>): string | undefined => parseStreamId(event.streamId)?.category;

const touch = <D extends { updatedAt: string }>(doc: D, e: DomainEnvelope, patch: Partial<D>): D => ({ ...doc, ...patch, updatedAt: e.occurredAt });

export const orderProjector: Projector<OrderDoc> = {
  category: Category.Order,
  project(doc, e) {
    if (e.type === 'OrderPlaced') {
      if (doc !== undefined) return doc;
      const d = e.data;
      return {
        orderId: d.orderId,
        customerId: d.customerId,
        status: 'placed',
        currency: d.currency,
        total: d.total,
        items: d.items.map((l) => ({ productId: l.productId, productName: l.productName, quantity: l.quantity, unitPrice: l.unitPrice })),
        shippingAddress: { street: d.shippingAddress.street, city: d.shippingAddress.city, zipCode: d.shippingAddress.zipCode, country: d.shippingAddress.country },
        createdAt: e.occurredAt,
        updatedAt: e.occurredAt,
        version: e.streamVersion,
      };
    }
    if (doc === undefined) return undefined;
    switch (e.type) {
      case 'OrderConfirmed':
        return touch(doc, e, { status: 'confirmed', paymentId: e.data.paymentId });
      case 'OrderShipped': {
        const patch: Partial<OrderDoc> = { status: 'shipped' };
        return touch(
          doc,
          e,
          Object.assign(patch, e.data.carrier === null ? {} : { carrier: e.data.carrier }, e.data.trackingNumber === null ? {} : { trackingNumber: e.data.trackingNumber }),
        );
      }
      case 'OrderDelivered':
        return touch(doc, e, { status: 'delivered' });
      case 'OrderCancelled':
        return touch(doc, e, { status: 'cancelled', cancelReason: e.data.reason });
      default:
        return doc;
    }
  },
};

export const paymentProjector: Projector<PaymentDoc> = {
  category: Category.Payment,
  project(doc, e) {
    if (e.type === 'PaymentRequested') {
      if (doc !== undefined) return doc;
      const d = e.data;
      return {
        paymentId: d.paymentId,
        orderId: d.orderId,
        customerId: d.customerId,
        status: 'requested',
        currency: d.amount.currency,
        requested: d.amount.amount,
        authorized: 0,
        captured: 0,
        refunded: 0,
        createdAt: e.occurredAt,
        updatedAt: e.occurredAt,
        version: e.streamVersion,
      };
    }
    if (doc === undefined) return undefined;
    switch (e.type) {
      case 'PaymentAuthorized':
        return touch(doc, e, { status: 'authorized', authorized: e.data.amount.amount, expiresAt: e.data.expiresAt });
      case 'PaymentDeclined':
        return touch(doc, e, { status: 'declined', reason: e.data.reason });
      case 'PaymentCaptured':
        return touch(doc, e, { status: 'captured', captured: doc.captured + e.data.amount.amount });
      case 'PaymentVoided':
        return touch(doc, e, { status: 'voided', reason: e.data.reason });
      case 'PaymentRefunded':
        return touch(doc, e, { status: 'refunded', refunded: doc.refunded + e.data.amount.amount });
      default:
        return doc;
    }
  },
};

export const customerProjector: Projector<CustomerDoc> = {
  category: Category.Customer,
  project(doc, e) {
    if (e.type !== 'CustomerRegistered' || doc !== undefined) return doc;
    const d = e.data;
    return { customerId: d.customerId, email: d.email, firstName: d.firstName, lastName: d.lastName, phoneNumber: d.phoneNumber, registeredAt: e.occurredAt, version: e.streamVersion };
  },
};

export const feedbackProjector: Projector<FeedbackDoc> = {
  category: Category.Feedback,
  project(doc, e) {
    if (e.type !== 'FeedbackSubmitted' || doc !== undefined) return doc;
    const d = e.data;
    return { orderId: d.orderId, feedbackId: d.feedbackId, customerId: d.customerId, rating: d.rating, comment: d.comment, category: d.category, submittedAt: e.occurredAt, version: e.streamVersion };
  },
};

export const productProjector: Projector<ProductDoc> = {
  category: Category.Product,
  project(doc, e) {
    if (e.type === 'ProductListed') {
      if (doc !== undefined) return doc;
      const d = e.data;
      return {
        productId: d.productId,
        name: d.name,
        description: d.description,
        status: 'listed',
        price: d.price.amount,
        currency: d.price.currency,
        listedAt: e.occurredAt,
        updatedAt: e.occurredAt,
        version: e.streamVersion,
      };
    }
    if (doc === undefined) return undefined;
    switch (e.type) {
      case 'ProductRepriced':
        return touch(doc, e, { price: e.data.price.amount, currency: e.data.price.currency });
      case 'ProductRetired':
        return touch(doc, e, { status: 'retired' });
      default:
        return doc;
    }
  },
};

export const toProductView = (d: ProductDoc): ProductView => ({
  productId: d.productId,
  name: d.name,
  description: d.description,
  status: d.status,
  price: d.price,
  currency: d.currency,
  listedAt: d.listedAt,
  updatedAt: d.updatedAt,
  version: d.version,
});

/** The order view the API returns: the order document joined with its payment's summary. */
export const toOrderView = (order: OrderDoc, payment: PaymentDoc | undefined): OrderView => {
  const view: OrderView = {
    orderId: order.orderId,
    customerId: order.customerId,
    status: order.status,
    currency: order.currency,
    total: order.total,
    items: order.items,
    shippingAddress: order.shippingAddress,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    version: order.version,
  };
  if (payment !== undefined)
    view.payment = { paymentId: payment.paymentId, status: payment.status, authorized: payment.authorized, captured: payment.captured, refunded: payment.refunded };
  if (order.cancelReason !== undefined) view.cancelReason = order.cancelReason;
  return view;
};

/** The order-status cache entry (the seed's cached order): derived from the order document. */
export const toStatusEntry = (order: OrderDoc): OrderStatusEntry => ({
  orderId: order.orderId,
  status: order.status,
  total: order.total,
  currency: order.currency,
  updatedAt: order.updatedAt,
  version: order.version,
});

/** The status cache's projector: works on the cached entry alone, so a cache needs no other state. */
export const statusEntryProjector: Projector<OrderStatusEntry> = {
  category: Category.Order,
  project(entry, e) {
    if (e.type === 'OrderPlaced')
      return entry ?? { orderId: e.data.orderId, status: 'placed', total: e.data.total, currency: e.data.currency, updatedAt: e.occurredAt, version: e.streamVersion };
    if (entry === undefined) return undefined;
    const status = ({ OrderConfirmed: 'confirmed', OrderShipped: 'shipped', OrderDelivered: 'delivered', OrderCancelled: 'cancelled' } as const)[e.type as string];
    return status === undefined ? entry : { ...entry, status, updatedAt: e.occurredAt };
  },
};
