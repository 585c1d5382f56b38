import type { Hono } from 'hono';
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { Currency, decodeEnvelope, feedbackStream, isIdentifier, orderStream, paymentStream, toMinorUnits, type EventEnvelope } from '@strata/events';
import type { CommandResult, OrderState } from '@strata/write-model';
import { applyNewer, orderProjector, toOrderView, type OrderDoc, type OrderView } from '@strata/projections';
import type { Principal } from '../identity/ports.js';
import type { ApiDeps } from './deps.js';
import { STAFF_READERS, authorize, commandContext, hasRole, invalid, newAggregateId, readBody, readQuery, type ApiContext, type ApiEnv } from './context.js';
import { presentEvent, presentOrder } from './present.js';
import { problem, rejection, type FieldError } from './problem.js';
import { arrayOf, closed, decimal, identifier, integer, prose, text } from './validation.js';
import { priceChangedResponse } from './routes.products.js';

export const MAX_ITEMS = 100;

const Address = closed('ShippingAddress', { street: text(1, 200), city: text(1, 100), zipCode: text(1, 20), country: text(1, 56) });
/**
 * A line as the client sends it. The price is checked against the catalogue (omitted: the
 * catalogue's is taken); `productName` is accepted for the seed's clients and ignored — the
 * catalogue's name is recorded (decision 0007).
 */
const Item = closed('OrderItem', { productId: text(1, 64), quantity: integer(1, 1_000_000) }, { productName: text(1, 200), price: decimal });
export const PlaceOrderBody = closed('PlaceOrderBody', { items: arrayOf(Item, 1, MAX_ITEMS), shippingAddress: Address }, { userId: identifier, currency: Currency });
export const CancelBody = closed('CancelBody', {}, { reason: prose(1, 500) });
export const ShipBody = closed('ShipBody', {}, { carrier: text(1, 100), trackingNumber: text(1, 100) });
export const DeliverBody = closed('DeliverBody', {});
export const FeedbackBody = closed('FeedbackBody', { orderId: identifier, rating: integer(1, 5), comment: prose(0, 2000), category: text(1, 100) }, { userId: identifier });
const limitParam = new t.Type<number, string, unknown>(
  'limit',
  (u): u is number => typeof u === 'number',
  (u, c) => (typeof u === 'string' && /^[0-9]{1,3}$/.test(u) && Number(u) >= 1 && Number(u) <= 100 ? t.success(Number(u)) : t.failure(u, c, 'must be an integer from 1 to 100')),
  String,
);
export const ListOrdersQuery = closed('ListOrdersQuery', {}, { userId: identifier, limit: limitParam, cursor: text(1, 512) });

type Deps = Pick<ApiDeps, 'writeModel' | 'queries' | 'clock' | 'newId' | 'options'>;

const userMismatch = (c: ApiContext) =>
  problem(c, 403, { slug: 'user-mismatch', detail: 'userId must be the signed-in user', errors: [{ field: 'userId', message: 'must be the signed-in user' }] });

const notFound = (c: ApiContext, orderId: string) => problem(c, 404, { slug: 'order-not-found', detail: `no order ${orderId}` });

/** The `{id}` path parameter, or the 400 naming it. */
const orderIdParam = (c: ApiContext): E.Either<Response, string> => {
  const id = c.req.param('id');
  return isIdentifier(id) ? E.right(id) : E.left(invalid(c, [{ field: 'id', message: 'must be 1-128 letters, digits or _ . : -' }]));
};

/**
 * The order's write-side state when the caller may act on it. Another customer's order is a 404,
 * not a 403, so order ids cannot be probed.
 */
const ownedOrder = async (c: ApiContext, deps: Deps, orderId: string, principal: Principal, staff: Principal['roles']): Promise<E.Either<Response, Exclude<OrderState, { status: 'none' }>>> => {
  const { state } = await deps.writeModel.loadOrder(orderId);
  if (state.status === 'none' || (state.customerId !== principal.sub && !hasRole(principal, staff))) return E.left(notFound(c, orderId));
  return E.right(state);
};

const visible = (view: OrderView | undefined, principal: Principal): view is OrderView =>
  view !== undefined && (view.customerId === principal.sub || hasRole(principal, STAFF_READERS));

/** Read-your-writes: wait (bounded) until the read model has applied the command; whether it has. */
const caughtUp = (deps: Deps, orderId: string, version: number): Promise<boolean> =>
  deps.queries.awaitOrderVersion(orderId, version, deps.options?.readYourWritesTimeoutMs ?? 2000);

/** Read-your-writes, then the order as the read model has it. */
const settled = async (deps: Deps, orderId: string, version: number): Promise<OrderView | undefined> =>
  (await caughtUp(deps, orderId, version)) ? deps.queries.getOrder(orderId) : undefined;

/** A lifecycle command's response: the updated order, or its id, status and version when the view lags. */
const lifecycleResponse = async (c: ApiContext, deps: Deps, orderId: string, result: CommandResult, status: OrderView['status']) => {
  if (E.isLeft(result)) return rejection(c, result.left);
  const view = await settled(deps, orderId, result.right.version);
  return c.json(view && view.version >= result.right.version ? presentOrder(view) : { orderId, status, version: result.right.version }, 200);
};

/** The committed commit as the order's first view, by the read side's own projector (also for a replayed command: it is the original). */
const placedView = (events: readonly EventEnvelope[]): OrderView | undefined => {
  let doc: OrderDoc | undefined;
  for (const envelope of events) {
    const decoded = decodeEnvelope(envelope);
    if (E.isRight(decoded)) doc = applyNewer(orderProjector, doc, decoded.right);
  }
  return doc === undefined ? undefined : toOrderView(doc, undefined);
};

/** Orders, their lifecycle, feedback and audit history. */
export const orderRoutes = (app: Hono<ApiEnv>, deps: Deps): void => {
  app.post('/orders', async (c) => {
    const principal = authorize(c);
    if (E.isLeft(principal)) return principal.left;
    const body = await readBody(c, PlaceOrderBody);
    if (E.isLeft(body)) return body.left;
    const { userId, items, shippingAddress } = body.right;
    if (userId !== undefined && userId !== principal.right.sub) return userMismatch(c);
    const currency = body.right.currency;
    // Client prices are decimals in the order currency (USD unless named): malformed ones are a 400 here;
    // whether they equal the catalogue's is the decider's question (409 price-changed).
    const errors: FieldError[] = [];
    for (const [i, item] of items.entries()) {
      if (item.price === undefined) continue;
      const price = toMinorUnits(item.price, currency ?? 'USD');
      if (E.isLeft(price)) errors.push({ field: `items[${i}].price`, message: price.left.message });
    }
    if (errors.length > 0) return invalid(c, errors);
    const orderId = newAggregateId(c, 'order', principal.right.sub, deps.newId);
    const result = await deps.writeModel.placeOrderAtCataloguePrices(
      {
        orderId,
        customerId: principal.right.sub,
        ...(currency === undefined ? {} : { currency }),
        items: items.map((item) => ({ productId: item.productId, quantity: item.quantity, ...(item.price === undefined ? {} : { price: item.price }) })),
        shippingAddress,
      },
      commandContext(c, principal.right, deps),
    );
    if (E.isLeft(result) && result.left._tag === 'PriceChanged') return priceChangedResponse(c, result.left);
    if (E.isLeft(result)) return rejection(c, result.left);
    // The response is the committed commit itself; the wait only makes the next read see it.
    await caughtUp(deps, orderId, result.right.version);
    const view = placedView(result.right.events);
    if (!view) throw new Error(`placeOrder committed no OrderPlaced event to ${orderId}`);
    c.header('location', `/orders/${orderId}`);
    return c.json(presentOrder(view), 201);
  });

  app.get('/orders', async (c) => {
    const principal = authorize(c);
    if (E.isLeft(principal)) return principal.left;
    const query = readQuery(c, ListOrdersQuery);
    if (E.isLeft(query)) return query.left;
    const userId = query.right.userId ?? principal.right.sub;
    if (userId !== principal.right.sub && !hasRole(principal.right, STAFF_READERS)) return userMismatch(c);
    const page = await deps.queries.listOrders(userId, query.right.cursor === undefined ? { limit: query.right.limit ?? 20 } : { limit: query.right.limit ?? 20, cursor: query.right.cursor });
    return c.json({ userId, items: page.items.map(presentOrder), count: page.items.length, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) });
  });

  app.get('/orders/:id', async (c) => {
    const principal = authorize(c);
    if (E.isLeft(principal)) return principal.left;
    const orderId = orderIdParam(c);
    if (E.isLeft(orderId)) return orderId.left;
    const view = await deps.queries.getOrder(orderId.right);
    return visible(view, principal.right) ? c.json(presentOrder(view)) : notFound(c, orderId.right);
  });

  app.post('/orders/:id/cancel', async (c) => {
    const principal = authorize(c);
    if (E.isLeft(principal)) return principal.left;
    const orderId = orderIdParam(c);
    if (E.isLeft(orderId)) return orderId.left;
    const body = await readBody(c, CancelBody, true);
    if (E.isLeft(body)) return body.left;
    const owned = await ownedOrder(c, deps, orderId.right, principal.right, ['admin']);
    if (E.isLeft(owned)) return owned.left;
    const result = await deps.writeModel.cancelOrder(
      { orderId: orderId.right, reason: body.right.reason ?? (owned.right.customerId === principal.right.sub ? 'cancelled by the customer' : 'cancelled by an administrator') },
      commandContext(c, principal.right, deps),
    );
    return lifecycleResponse(c, deps, orderId.right, result, 'cancelled');
  });

  app.post('/orders/:id/ship', async (c) => {
    const principal = authorize(c, ['admin']);
    if (E.isLeft(principal)) return principal.left;
    const orderId = orderIdParam(c);
    if (E.isLeft(orderId)) return orderId.left;
    const body = await readBody(c, ShipBody, true);
    if (E.isLeft(body)) return body.left;
    const result = await deps.writeModel.shipOrder({ orderId: orderId.right, ...body.right }, commandContext(c, principal.right, deps));
    return lifecycleResponse(c, deps, orderId.right, result, 'shipped');
  });

  app.post('/orders/:id/deliver', async (c) => {
    const principal = authorize(c, ['admin']);
    if (E.isLeft(principal)) return principal.left;
    const orderId = orderIdParam(c);
    if (E.isLeft(orderId)) return orderId.left;
    const body = await readBody(c, DeliverBody, true);
    if (E.isLeft(body)) return body.left;
    const result = await deps.writeModel.deliverOrder({ orderId: orderId.right }, commandContext(c, principal.right, deps));
    return lifecycleResponse(c, deps, orderId.right, result, 'delivered');
  });

  app.post('/feedback', async (c) => {
    const principal = authorize(c);
    if (E.isLeft(principal)) return principal.left;
    const body = await readBody(c, FeedbackBody);
    if (E.isLeft(body)) return body.left;
    const { userId, orderId, rating, comment, category } = body.right;
    if (userId !== undefined && userId !== principal.right.sub) return userMismatch(c);
    // Feedback is the customer's own: staff roles do not widen it.
    const owned = await ownedOrder(c, deps, orderId, principal.right, []);
    if (E.isLeft(owned)) return owned.left;
    const feedbackId = newAggregateId(c, 'feedback', principal.right.sub, deps.newId);
    const result = await deps.writeModel.submitFeedback(
      { feedbackId, orderId, customerId: principal.right.sub, rating, comment, category },
      commandContext(c, principal.right, deps),
    );
    if (E.isLeft(result)) return rejection(c, result.left);
    const submitted = result.right.events.find((e) => e.type === 'FeedbackSubmitted');
    const data = (submitted?.data ?? { feedbackId, orderId, rating, comment, category }) as { feedbackId: string; orderId: string; rating: number; comment: string; category: string };
    return c.json(
      { message: 'feedback received', feedbackId: data.feedbackId, orderId: data.orderId, userId: principal.right.sub, rating: data.rating, comment: data.comment, category: data.category, createdAt: submitted?.occurredAt },
      201,
    );
  });

  app.get('/orders/:id/history', async (c) => {
    const principal = authorize(c);
    if (E.isLeft(principal)) return principal.left;
    const orderId = orderIdParam(c);
    if (E.isLeft(orderId)) return orderId.left;
    const owned = await ownedOrder(c, deps, orderId.right, principal.right, ['admin', 'auditor']);
    if (E.isLeft(owned)) return owned.left;
    // One payment per order; by convention its id is the order id unless the order names another.
    const paymentId = 'paymentId' in owned.right && owned.right.paymentId ? owned.right.paymentId : orderId.right;
    const streamIds = [orderStream(orderId.right), paymentStream(paymentId), feedbackStream(orderId.right)];
    const histories = await Promise.all(streamIds.map(async (streamId) => ({ streamId, ...(await deps.writeModel.readHistory(streamId)) })));
    const streams = histories
      .filter((h) => h.events.length > 0)
      .map((h) => ({ streamId: h.streamId, chain: h.chain, events: h.events.map(presentEvent) }));
    return c.json({ orderId: orderId.right, verified: streams.every((s) => s.chain.ok), streams });
  });
};
