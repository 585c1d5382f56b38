import * as E from 'fp-ts/lib/Either.js';
import { MAX_MINOR_UNITS, fingerprint, type Currency, type DomainEvent, type EventData } from '@strata/events';
import { alreadyDone, emit, newEvent, reject, type Decider } from '../decider.js';
import { domainError, type DomainError } from '../errors.js';

// ── Commands (money already in integer minor units; ids validated at the edge) ─────────────
export interface PlaceOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: Currency;
  readonly items: ReadonlyArray<{ readonly productId: string; readonly productName: string; readonly quantity: number; readonly unitPrice: number }>;
  readonly shippingAddress: { readonly street: string; readonly city: string; readonly zipCode: string; readonly country: string };
}
export interface ConfirmOrder { readonly orderId: string; readonly paymentId: string }
export interface CancelOrder { readonly orderId: string; readonly reason: string }
export interface ShipOrder { readonly orderId: string; readonly carrier?: string; readonly trackingNumber?: string }
export interface DeliverOrder { readonly orderId: string }

export type OrderCommand =
  | { readonly type: 'PlaceOrder'; readonly data: PlaceOrder }
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

const placeOrder = (cmd: PlaceOrder, state: OrderState): Decision => {
  const invalid = checkItems(cmd.items);
  if (invalid) return reject(invalid);
  // The total is computed here, never taken from the client: it equals the sum of the lines by construction.
  const total = cmd.items.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
  if (!Number.isSafeInteger(total)) return reject(domainError('InvalidItems', 'the order total is too large', 'items'));
  const placed = newEvent('OrderPlaced', {
    orderId: cmd.orderId,
    customerId: cmd.customerId,
    items: cmd.items.map((l) => ({ productId: l.productId, productName: l.productName, quantity: l.quantity, unitPrice: l.unitPrice })),
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
