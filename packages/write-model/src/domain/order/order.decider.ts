import * as E from 'fp-ts/lib/Either.js';
import { MAX_MINOR_UNITS, fingerprint, toMinorUnits, type Currency, type DomainEvent, type EventData, type Money } from '@strata/events';
import { alreadyDone, emit, newEvent, reject, type Decider } from '../decider.js';
import { domainError, priceChanged, type CurrentPrice, type DomainError } from '../errors.js';

// ── Commands (money already in integer minor units; ids validated at the edge) ─────────────
export interface PlaceOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: Currency;
  readonly items: ReadonlyArray<{ readonly productId: string; readonly productName: string; readonly quantity: number; readonly unitPrice: number }>;
  readonly shippingAddress: { readonly street: string; readonly city: string; readonly zipCode: string; readonly country: string };
}
/** A product as the catalogue had it when the order was priced: its stream's version and current price. */
export interface CataloguePrice {
  readonly productId: string;
  /** The product stream's version; the order's append is conditional on it. */
  readonly version: number;
  readonly status: 'listed' | 'retired';
  readonly name: string;
  readonly price: Money;
}
/**
 * An order priced from the catalogue (server-side pricing, decision 0007). `catalogue` holds what
 * the command handler looked up for the lines' products (absent = not in the catalogue): the
 * decider prices from it alone, stays pure, and records each line's price and product version.
 * A line's `price` is the client's decimal as sent, only compared; omitted, the catalogue's is used.
 */
export interface PlaceCatalogueOrder {
  readonly orderId: string;
  readonly customerId: string;
  /** The currency the client expects; absent = the catalogue's. */
  readonly currency?: Currency;
  readonly items: ReadonlyArray<{ readonly productId: string; readonly quantity: number; readonly price?: number | string }>;
  readonly shippingAddress: PlaceOrder['shippingAddress'];
  readonly catalogue: readonly CataloguePrice[];
}
export interface ConfirmOrder { readonly orderId: string; readonly paymentId: string }
export interface CancelOrder { readonly orderId: string; readonly reason: string }
export interface ShipOrder { readonly orderId: string; readonly carrier?: string; readonly trackingNumber?: string }
export interface DeliverOrder { readonly orderId: string }

export type OrderCommand =
  /** Lines priced by a trusted caller (workflows, tests, tools): recorded with `productVersion: null`. */
  | { readonly type: 'PlaceOrder'; readonly data: PlaceOrder }
  | { readonly type: 'PlaceCatalogueOrder'; readonly data: PlaceCatalogueOrder }
  | { readonly type: 'ConfirmOrder'; readonly data: ConfirmOrder }
  | { readonly type: 'CancelOrder'; readonly data: CancelOrder }
  | { readonly type: 'ShipOrder'; readonly data: ShipOrder }
  | { readonly type: 'DeliverOrder'; readonly data: DeliverOrder };

// ── State ────────────────────────────────────────────────────────────────────────────────
/** What the order was placed with: exactly the OrderPlaced payload. */
export type OrderDetails = EventData<'OrderPlaced'>;
interface Shipment { readonly paymentId: string; readonly carrier: string | null; readonly trackingNumber: string | null }

export type OrderState =
  | { readonly status: 'none' }
  | ({ readonly status: 'placed' } & OrderDetails)
  | ({ readonly status: 'confirmed'; readonly paymentId: string } & OrderDetails)
  | ({ readonly status: 'shipped' } & Shipment & OrderDetails)
  | ({ readonly status: 'delivered' } & Shipment & OrderDetails)
  /** `paymentId` is kept when a paid order is cancelled: the payment must then be refunded. */
  | ({ readonly status: 'cancelled'; readonly reason: string; readonly paymentId: string | null } & OrderDetails);
export type OrderStatus = OrderState['status'];

export const MAX_ORDER_ITEMS = 100;

const detailsOf = (s: OrderDetails): OrderDetails => ({
  orderId: s.orderId,
  customerId: s.customerId,
  items: s.items,
  shippingAddress: s.shippingAddress,
  currency: s.currency,
  total: s.total,
});

export const initialState = (): OrderState => ({ status: 'none' });

/** Total; an event with no transition from the current status leaves the state unchanged (decide never emits one). */
export const evolve = (state: OrderState, event: DomainEvent): OrderState => {
  switch (event.type) {
    case 'OrderPlaced':
      return state.status === 'none' ? { status: 'placed', ...detailsOf(event.data) } : state;
    case 'OrderConfirmed':
      return state.status === 'placed' ? { ...state, status: 'confirmed', paymentId: event.data.paymentId } : state;
    case 'OrderShipped':
      return state.status === 'confirmed'
        ? { ...state, status: 'shipped', carrier: event.data.carrier, trackingNumber: event.data.trackingNumber }
        : state;
    case 'OrderDelivered':
      return state.status === 'shipped' ? { ...state, status: 'delivered' } : state;
    case 'OrderCancelled':
      return state.status === 'placed' || state.status === 'confirmed'
        ? { ...detailsOf(state), status: 'cancelled', reason: event.data.reason, paymentId: state.status === 'confirmed' ? state.paymentId : null }
        : state;
    default:
      return state;
  }
};

type Decision = E.Either<DomainError, readonly DomainEvent[]>;

const notFound = (orderId: string): Decision => reject(domainError('OrderNotFound', `order ${orderId} does not exist`));
const cancelled = (orderId: string): Decision => reject(domainError('OrderAlreadyCancelled', `order ${orderId} is cancelled`));
const transition = (message: string): Decision => reject(domainError('InvalidOrderTransition', message));

/** Lines: 1..100, positive integer quantities, non-negative integer prices, a total that stays a safe integer. */
const checkItems = (items: PlaceOrder['items']): DomainError | undefined => {
  if (items.length < 1 || items.length > MAX_ORDER_ITEMS)
    return domainError('InvalidItems', `an order needs 1 to ${MAX_ORDER_ITEMS} items, got ${items.length}`, 'items');
  for (const [i, line] of items.entries()) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0)
      return domainError('InvalidItems', `quantity must be a positive integer, got ${line.quantity}`, `items[${i}].quantity`);
    if (!Number.isSafeInteger(line.unitPrice) || line.unitPrice < 0 || line.unitPrice > MAX_MINOR_UNITS)
      return domainError('InvalidItems', `unit price must be a non-negative amount in minor units, got ${line.unitPrice}`, `items[${i}].unitPrice`);
  }
  return undefined;
};

type PricedLine = PlaceOrder['items'][number] & { readonly productVersion: number | null };

/** The OrderPlaced of priced lines, or the retry / conflict answer when the order exists. */
const placePriced = (cmd: Omit<PlaceOrder, 'items'> & { readonly items: readonly PricedLine[] }, state: OrderState): Decision => {
  const invalid = checkItems(cmd.items);
  if (invalid) return reject(invalid);
  // The total is computed here, never taken from the client: it equals the sum of the lines by construction.
  const total = cmd.items.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
  if (!Number.isSafeInteger(total)) return reject(domainError('InvalidItems', 'the order total is too large', 'items'));
  const placed = newEvent('OrderPlaced', {
    orderId: cmd.orderId,
    customerId: cmd.customerId,
    items: cmd.items.map((l) => ({ productId: l.productId, productName: l.productName, quantity: l.quantity, unitPrice: l.unitPrice, productVersion: l.productVersion })),
    shippingAddress: { ...cmd.shippingAddress },
    currency: cmd.currency,
    total,
  });
  if (E.isLeft(placed)) return placed;
  if (state.status === 'none') return E.right([placed.right]);
  // Placing the very same order again is a retry, not a conflict.
  return fingerprint(detailsOf(state)) === fingerprint(placed.right.data)
    ? alreadyDone
    : reject(domainError('OrderAlreadyExists', `order ${cmd.orderId} already exists`));
};

const placeOrder = (cmd: PlaceOrder, state: OrderState): Decision =>
  placePriced({ ...cmd, items: cmd.items.map((l) => ({ ...l, productVersion: null })) }, state);

/**
 * Prices every line from the catalogue: an unknown or retired product refuses the order naming
 * the line; all lines share one currency (the client's, or else the first product's); a client
 * price that differs from the catalogue's refuses it with every line's current price.
 */
const placeCatalogueOrder = (cmd: PlaceCatalogueOrder, state: OrderState): Decision => {
  if (cmd.items.length < 1 || cmd.items.length > MAX_ORDER_ITEMS)
    return reject(domainError('InvalidItems', `an order needs 1 to ${MAX_ORDER_ITEMS} items, got ${cmd.items.length}`, 'items'));
  const byId = new Map(cmd.catalogue.map((p) => [p.productId, p]));
  const entries: CataloguePrice[] = [];
  for (const [i, line] of cmd.items.entries()) {
    const entry = byId.get(line.productId);
    if (entry === undefined) return reject(domainError('ProductUnavailable', `items[${i}]: product ${line.productId} is not in the catalogue`, `items[${i}].productId`));
    if (entry.status === 'retired') return reject(domainError('ProductUnavailable', `items[${i}]: product ${line.productId} is retired`, `items[${i}].productId`));
    entries.push(entry);
  }
  const currency = cmd.currency ?? entries[0]!.price.currency;
  for (const [i, entry] of entries.entries())
    if (entry.price.currency !== currency)
      return reject(domainError('CurrencyMismatch', `items[${i}]: product ${entry.productId} is priced in ${entry.price.currency}, the order in ${currency}; one currency per order`, `items[${i}].productId`));
  const stale: number[] = [];
  for (const [i, line] of cmd.items.entries()) {
    if (line.price === undefined) continue;
    const sent = toMinorUnits(line.price, currency);
    if (E.isLeft(sent)) return reject(domainError('InvalidItems', sent.left.message, `items[${i}].price`));
    if (sent.right !== entries[i]!.price.amount) stale.push(i);
  }
  if (stale.length > 0) {
    const prices: CurrentPrice[] = [...new Map(entries.map((e) => [e.productId, { productId: e.productId, unitPrice: e.price.amount, currency: e.price.currency, productVersion: e.version }])).values()];
    return reject(priceChanged(`the catalogue price changed for ${stale.map((i) => `items[${i}]`).join(', ')}; confirm the current prices`, prices, `items[${stale[0]!}].price`));
  }
  return placePriced(
    {
      orderId: cmd.orderId,
      customerId: cmd.customerId,
      currency,
      shippingAddress: cmd.shippingAddress,
      // The catalogue's name is recorded: a client-sent productName plays no part.
      items: cmd.items.map((line, i) => ({ productId: line.productId, productName: entries[i]!.name, quantity: line.quantity, unitPrice: entries[i]!.price.amount, productVersion: entries[i]!.version })),
    },
    state,
  );
};

const confirmOrder = (cmd: ConfirmOrder, state: OrderState): Decision => {
  switch (state.status) {
    case 'none':
      return notFound(cmd.orderId);
    case 'placed':
      return emit('OrderConfirmed', { orderId: state.orderId, paymentId: cmd.paymentId });
    case 'confirmed':
    case 'shipped':
    case 'delivered':
      return state.paymentId === cmd.paymentId
        ? alreadyDone
        : transition(`order ${state.orderId} is already paid by payment ${state.paymentId}`);
    case 'cancelled':
      return cancelled(state.orderId);
  }
};

const cancelOrder = (cmd: CancelOrder, state: OrderState): Decision => {
  switch (state.status) {
    case 'none':
      return notFound(cmd.orderId);
    case 'placed':
    case 'confirmed':
      return emit('OrderCancelled', { orderId: state.orderId, reason: cmd.reason });
    case 'cancelled':
      return state.reason === cmd.reason ? alreadyDone : cancelled(state.orderId);
    case 'shipped':
    case 'delivered':
      return transition(`order ${state.orderId} is ${state.status} and can no longer be cancelled`);
  }
};

/**
 * Only a confirmed (paid) order ships. The seed's REST flow never ships, but the admin endpoints
 * do; shipping unpaid goods is the costlier mistake, so 'placed' is refused.
 */
const shipOrder = (cmd: ShipOrder, state: OrderState): Decision => {
  const carrier = cmd.carrier ?? null;
  const trackingNumber = cmd.trackingNumber ?? null;
  switch (state.status) {
    case 'none':
      return notFound(cmd.orderId);
    case 'placed':
      return transition(`order ${state.orderId} must be confirmed (paid) before it ships`);
    case 'confirmed':
      return emit('OrderShipped', { orderId: state.orderId, carrier, trackingNumber });
    case 'shipped':
    case 'delivered':
      return state.carrier === carrier && state.trackingNumber === trackingNumber
        ? alreadyDone
        : transition(`order ${state.orderId} has already shipped`);
    case 'cancelled':
      return cancelled(state.orderId);
  }
};

const deliverOrder = (cmd: DeliverOrder, state: OrderState): Decision => {
  switch (state.status) {
    case 'none':
      return notFound(cmd.orderId);
    case 'placed':
    case 'confirmed':
      return transition(`order ${state.orderId} must ship before it is delivered`);
    case 'shipped':
      return emit('OrderDelivered', { orderId: state.orderId });
    case 'delivered':
      return alreadyDone;
    case 'cancelled':
      return cancelled(state.orderId);
  }
};

export const decide = (command: OrderCommand, state: OrderState): Decision => {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command.data, state);
    case 'PlaceCatalogueOrder':
      return placeCatalogueOrder(command.data, state);
    case 'ConfirmOrder':
      return confirmOrder(command.data, state);
    case 'CancelOrder':
      return cancelOrder(command.data, state);
    case 'ShipOrder':
      return shipOrder(command.data, state);
    case 'DeliverOrder':
      return deliverOrder(command.data, state);
  }
};

export const orderDecider: Decider<OrderCommand, OrderState> = { initialState, evolve, decide };
