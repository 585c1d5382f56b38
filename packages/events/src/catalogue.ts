import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { Currency, MinorUnits, Money, toMinorUnits } from './money.js';

/*
 * The event catalogue. STORAGE FORMAT: a codec, once released, is never edited. A change to an
 * event's shape is a new version with a new codec plus an upcaster from the previous version.
 */

const NonEmptyText = (max: number) =>
  t.brand(t.string, (s): s is t.Branded<string, { readonly NonEmptyText: unique symbol }> => s.trim().length > 0 && s.length <= max, 'NonEmptyText');
const Text = (max: number) => t.refinement(t.string, (s) => s.length <= max, `Text(${max})`);
const PositiveInt = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'PositiveInt');
const Rating = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 1 && n <= 5, 'Rating');

export const Address = t.readonly(
  t.strict({ street: NonEmptyText(200), city: NonEmptyText(100), zipCode: NonEmptyText(20), country: NonEmptyText(56) }),
  'Address',
);
export type Address = t.TypeOf<typeof Address>;

export const OrderLine = t.readonly(
  t.strict({ productId: NonEmptyText(64), productName: NonEmptyText(200), quantity: PositiveInt, unitPrice: MinorUnits }),
  'OrderLine',
);
export type OrderLine = t.TypeOf<typeof OrderLine>;

const data = <P extends t.Props>(props: P, name: string) => t.readonly(t.strict(props), name);

// ── Customer ──────────────────────────────────────────────────────────────────────────────
export const CustomerRegisteredV1 = data(
  { customerId: t.string, email: NonEmptyText(254), firstName: Text(100), lastName: Text(100), phoneNumber: Text(32) },
  'CustomerRegistered.v1',
);

// ── Order ─────────────────────────────────────────────────────────────────────────────────
/** v1: the seed's original shape — `userId`, decimal `price`, no currency or total. Read-only now. */
export const OrderPlacedV1 = data(
  {
    orderId: t.string,
    userId: t.string,
    items: t.readonlyArray(t.readonly(t.strict({ productId: t.string, productName: t.string, quantity: t.number, price: t.number }))),
    shippingAddress: Address,
  },
  'OrderPlaced.v1',
);
export const OrderPlacedV2 = data(
  {
    orderId: t.string,
    customerId: t.string,
    items: t.readonlyArray(OrderLine),
    shippingAddress: Address,
    currency: Currency,
    total: MinorUnits,
  },
  'OrderPlaced.v2',
);
/**
 * v3: each line also records `productVersion`, the version of the product's catalogue stream its
 * `unitPrice` and `productName` came from (server-side pricing, decision 0007); `null` for a line
 * priced by a trusted caller or written before the catalogue existed (v1/v2, upcast).
 */
export const OrderLineV3 = t.readonly(
  t.strict({
    productId: NonEmptyText(64),
    productName: NonEmptyText(200),
    quantity: PositiveInt,
    unitPrice: MinorUnits,
    productVersion: t.union([PositiveInt, t.null]),
  }),
  'OrderLine.v3',
);
export type OrderLineV3 = t.TypeOf<typeof OrderLineV3>;
export const OrderPlacedV3 = data(
  {
    orderId: t.string,
    customerId: t.string,
    items: t.readonlyArray(OrderLineV3),
    shippingAddress: Address,
    currency: Currency,
    total: MinorUnits,
  },
  'OrderPlaced.v3',
);
export const OrderConfirmedV1 = data({ orderId: t.string, paymentId: t.string }, 'OrderConfirmed.v1');
export const OrderShippedV1 = data(
  { orderId: t.string, carrier: t.union([t.string, t.null]), trackingNumber: t.union([t.string, t.null]) },
  'OrderShipped.v1',
);
export const OrderDeliveredV1 = data({ orderId: t.string }, 'OrderDelivered.v1');
export const OrderCancelledV1 = data({ orderId: t.string, reason: Text(500) }, 'OrderCancelled.v1');

// ── Payment ───────────────────────────────────────────────────────────────────────────────
export const PaymentRequestedV1 = data({ paymentId: t.string, orderId: t.string, customerId: t.string, amount: Money }, 'PaymentRequested.v1');
export const PaymentAuthorizedV1 = data(
  { paymentId: t.string, orderId: t.string, amount: Money, providerRef: t.string, expiresAt: t.string },
  'PaymentAuthorized.v1',
);
export const PaymentDeclinedV1 = data({ paymentId: t.string, orderId: t.string, reason: Text(500) }, 'PaymentDeclined.v1');
/** The seed's "payment release": held funds are captured. */
export const PaymentCapturedV1 = data({ paymentId: t.string, orderId: t.string, amount: Money }, 'PaymentCaptured.v1');
/** The hold is released without capture. */
export const PaymentVoidedV1 = data({ paymentId: t.string, orderId: t.string, reason: Text(500) }, 'PaymentVoided.v1');
export const PaymentRefundedV1 = data({ paymentId: t.string, orderId: t.string, amount: Money }, 'PaymentRefunded.v1');

// ── Product (the catalogue) ───────────────────────────────────────────────────────────────
/** A product offered for sale; `price.amount` is positive (the decider refuses 0). */
export const ProductListedV1 = data(
  { productId: NonEmptyText(64), name: NonEmptyText(200), description: Text(2000), price: Money },
  'ProductListed.v1',
);
/** A new price, in the product's own currency (fixed when listed). */
export const ProductRepricedV1 = data({ productId: t.string, price: Money }, 'ProductRepriced.v1');
/** No longer sold: it cannot be repriced or ordered again. */
export const ProductRetiredV1 = data({ productId: t.string }, 'ProductRetired.v1');

// ── Feedback ──────────────────────────────────────────────────────────────────────────────
export const FeedbackSubmittedV1 = data(
  { feedbackId: t.string, orderId: t.string, customerId: t.string, rating: Rating, comment: Text(2000), category: Text(100) },
  'FeedbackSubmitted.v1',
);

/** Current codec per event type. `decodeEvent` upcasts older versions to these. */
export const currentCodecs = {
  CustomerRegistered: CustomerRegisteredV1,
  OrderPlaced: OrderPlacedV3,
  OrderConfirmed: OrderConfirmedV1,
  OrderShipped: OrderShippedV1,
  OrderDelivered: OrderDeliveredV1,
  OrderCancelled: OrderCancelledV1,
  PaymentRequested: PaymentRequestedV1,
  PaymentAuthorized: PaymentAuthorizedV1,
  PaymentDeclined: PaymentDeclinedV1,
  PaymentCaptured: PaymentCapturedV1,
  PaymentVoided: PaymentVoidedV1,
  PaymentRefunded: PaymentRefundedV1,
  FeedbackSubmitted: FeedbackSubmittedV1,
  ProductListed: ProductListedV1,
  ProductRepriced: ProductRepricedV1,
  ProductRetired: ProductRetiredV1,
} as const;

export type EventType = keyof typeof currentCodecs;
export const EVENT_TYPES = Object.keys(currentCodecs) as readonly EventType[];
export const isEventType = (s: string): s is EventType => Object.hasOwn(currentCodecs, s);

/** The schema version new events of each type are written with. */
export const CURRENT_SCHEMA_VERSION: { readonly [K in EventType]: number } = {
  CustomerRegistered: 1,
  OrderPlaced: 3,
  OrderConfirmed: 1,
  OrderShipped: 1,
  OrderDelivered: 1,
  OrderCancelled: 1,
  PaymentRequested: 1,
  PaymentAuthorized: 1,
  PaymentDeclined: 1,
  PaymentCaptured: 1,
  PaymentVoided: 1,
  PaymentRefunded: 1,
  FeedbackSubmitted: 1,
  ProductListed: 1,
  ProductRepriced: 1,
  ProductRetired: 1,
};

/** A domain event: its type and its current-version payload. */
export type DomainEvent = { [K in EventType]: { readonly type: K; readonly data: t.TypeOf<(typeof currentCodecs)[K]> } }[EventType];
export type EventOf<K extends EventType> = Extract<DomainEvent, { type: K }>;
export type EventData<K extends EventType> = EventOf<K>['data'];

// ── Upcasters ─────────────────────────────────────────────────────────────────────────────
/** The currency that v1 orders (written before currencies existed) were priced in. */
export const LEGACY_ORDER_CURRENCY = 'USD' as const;

export interface UpcastError {
  readonly _tag: 'UpcastError';
  readonly message: string;
}

type Upcaster = (raw: unknown) => E.Either<UpcastError | t.Errors, unknown>;

const upcastOrderPlacedV1: Upcaster = (raw) =>
  E.chainW((v1: t.TypeOf<typeof OrderPlacedV1>) => {
    const items: Array<t.TypeOf<typeof OrderLine>> = [];
    let total = 0;
    for (const line of v1.items) {
      const price = toMinorUnits(line.price, LEGACY_ORDER_CURRENCY);
      if (E.isLeft(price)) return E.left<UpcastError>({ _tag: 'UpcastError', message: `OrderPlaced v1 → v2: ${price.left.message}` });
      items.push({ productId: line.productId, productName: line.productName, quantity: line.quantity, unitPrice: price.right } as t.TypeOf<typeof OrderLine>);
      total += price.right * line.quantity;
    }
    return E.right({ orderId: v1.orderId, customerId: v1.userId, items, shippingAddress: v1.shippingAddress, currency: LEGACY_ORDER_CURRENCY, total });
  })(OrderPlacedV1.decode(raw));

/** v2 → v3: lines priced before the catalogue name no product version. */
const upcastOrderPlacedV2: Upcaster = (raw) =>
  E.map((v2: t.TypeOf<typeof OrderPlacedV2>) => ({ ...v2, items: v2.items.map((line) => ({ ...line, productVersion: null })) }))(OrderPlacedV2.decode(raw));

/** upcasters[type][fromVersion] turns a payload of `fromVersion` into one of `fromVersion + 1`. */
export const upcasters: { readonly [K in EventType]?: Readonly<Record<number, Upcaster>> } = {
  OrderPlaced: { 1: upcastOrderPlacedV1, 2: upcastOrderPlacedV2 },
};
