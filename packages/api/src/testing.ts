/**
 * @strata/api/testing — the API wired to in-process dependencies for tests: the memory event
 * store, the real write model, the real catch-up consumer and status cache, the local identity
 * issuer (cheap scrypt cost) — and a TEST DOUBLE of the read side's query port: the projections'
 * own pure projectors (`applyToReadModel`, `toOrderView`) folded in memory, with simple analytics.
 * (The relational read model runs on PGlite, which needs `--experimental-vm-modules` under jest;
 * the runtime's e2e tests cover the API over the real one.)
 */
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { FEED_START, orderStream, paymentStream, type ChangeFeed, type EventEnvelope, type EventStore } from '@strata/events';
import { DEMO_CATALOGUE, createMemoryEventStore, createWriteModel, type ListProduct } from '@strata/write-model';
import {
  applyToReadModel,
  createCatchUpConsumer,
  createStatusCache,
  emptyReadModel,
  memoryDeadLetters,
  memoryProductQueries,
  memoryStatusStore,
  toOrderView,
  type AnalyticsDetailed,
  type AnalyticsScope,
  type AnalyticsSummary,
  type OrderQueries,
  type ProductQueries,
  type ProjectionSink,
} from '@strata/projections';
import { createApi } from './http/app.js';
import type { AnalyticsWarehouse, ApiDeps, ApiOptions } from './http/deps.js';
import { createMemoryIdempotencyStore } from './http/idempotency.js';
import type { RateLimiter } from './http/rateLimit.js';
import { generateSigningKeys } from './identity/keys.js';
import { createLocalIdentity } from './identity/local.js';
import type { Role, Tokens } from './identity/ports.js';
import { createMemoryUserStore } from './identity/userStore.memory.js';

export const TEST_ISSUER = 'http://strata.test';
export const TEST_AUDIENCE = 'strata-test';

export interface TestApiOptions {
  readonly clock?: () => Date;
  readonly rateLimiter?: RateLimiter;
  readonly options?: ApiOptions;
  /** A real read side (e.g. the relational model on PostgreSQL) instead of the in-memory double. */
  readonly readSide?: { readonly sink: ProjectionSink; readonly queries: OrderQueries; readonly products: ProductQueries };
  /**
   * Another event store (PGlite, PostgreSQL, DynamoDB) instead of a fresh memory store; `close()`
   * closes it. Without a change feed no consumer runs, so the read side stays empty.
   */
  readonly eventStore?: EventStore & Partial<ChangeFeed>;
  /** Fault injection: decorates the dependencies before the app is built, and the read model's sink. */
  readonly decorate?: { readonly deps?: (deps: ApiDeps) => ApiDeps; readonly sink?: (sink: ProjectionSink) => ProjectionSink };
  /** Products listed before the API serves (orders are priced from them). @default TEST_CATALOGUE */
  readonly catalogue?: readonly ListProduct[];
  /** The warehouse behind `GET /insights/{query}` (absent: those routes answer 503). */
  readonly warehouse?: AnalyticsWarehouse;
}

/** The demo catalogue plus `P1` "Thing" at 25.00, the product the edge tests order. */
export const TEST_CATALOGUE: readonly ListProduct[] = [...DEMO_CATALOGUE, { productId: 'P1', name: 'Thing', description: '', price: { amount: 2500, currency: 'USD' } as ListProduct['price'] }];

export const createTestApi = async (o: TestApiOptions = {}) => {
  const clock = o.clock ?? (() => new Date());
  const newId = () => randomUUID();
  const store: EventStore & Partial<ChangeFeed> = o.eventStore ?? createMemoryEventStore();
  const writeModel = createWriteModel({ eventStore: store });
  for (const product of o.catalogue ?? TEST_CATALOGUE) {
    const listed = await writeModel.listProduct(product, { commandId: `list-${product.productId}`, actor: { kind: 'system', id: 'test-catalogue' }, correlationId: 'test-catalogue', now: clock().toISOString() });
    if (E.isLeft(listed)) throw new Error(`test catalogue: ${listed.left.message}`);
  }
  const readModel = o.readSide ?? memoryReadSide(clock);
  const statusCache = createStatusCache({ store: memoryStatusStore({ ttlMs: 60_000 }), fallback: readModel.queries });
  const deadLetters = memoryDeadLetters();
  const feed: ChangeFeed | undefined = store.readFeed === undefined ? undefined : { readFeed: store.readFeed.bind(store) };
  const readSink = o.decorate?.sink ? o.decorate.sink(readModel.sink) : readModel.sink;
  const consumers = feed === undefined ? [] : [readSink, statusCache.sink].map((sink) => createCatchUpConsumer({ feed, sink, deadLetters, idleMs: 5 }));
  for (const c of consumers) c.start();
  const users = createMemoryUserStore();
  const keys = await generateSigningKeys();
  const identity = createLocalIdentity({ users, keys, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, clock, newId, scrypt: { N: 1024, r: 8, p: 1 } });
  const plainDeps: ApiDeps = {
    writeModel,
    queries: readModel.queries,
    products: readModel.products,
    statusCache: statusCache.reader,
    identity: identity.provider,
    verifier: identity.verifier,
    jwks: identity.jwks,
    idempotency: createMemoryIdempotencyStore({ clock }),
    ...(o.rateLimiter ? { rateLimiter: o.rateLimiter } : {}),
    ...(o.warehouse ? { warehouse: o.warehouse } : {}),
    // Every process serves /metrics (DESIGN.md decision 8), so the test app does too (empty text).
    metrics: async () => '',
    clock,
    newId,
    options: { readYourWritesTimeoutMs: 5000, ...o.options },
  };
  const deps = o.decorate?.deps ? o.decorate.deps(plainDeps) : plainDeps;
  const app = createApi(deps);

  /** Registers through the API, grants extra roles, logs in; returns the user's id and tokens. */
  const signUp = async (roles: readonly Role[] = []): Promise<{ userSub: string; email: string; password: string; tokens: Tokens }> => {
    const email = `user-${newId()}@example.com`;
    const password = `ComplexP@ss${Math.floor(Math.random() * 9000) + 1000}`;
    const reg = await app.request('/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, firstName: 'Test', lastName: 'User', phoneNumber: '+15550100000' }) });
    if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${await reg.text()}`);
    const { userSub } = (await reg.json()) as { userSub: string };
    for (const role of roles) {
      const granted = await identity.provider.assignRole(userSub, role);
      if (E.isLeft(granted)) throw new Error(granted.left.message);
    }
    const login = await identity.provider.signIn({ email, password });
    if (E.isLeft(login)) throw new Error(login.left.message);
    return { userSub, email, password, tokens: login.right };
  };

  /** Every event the store holds, in commit order (to prove rejected requests appended nothing). */
  const allEvents = async (): Promise<readonly EventEnvelope[]> => {
    if (feed === undefined) throw new Error('allEvents needs an event store with a change feed');
    return (await feed.readFeed(FEED_START, 1_000_000)).events;
  };

  const close = async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await store.close();
  };

  return { app, deps, store, writeModel, identity, keys, readModel, signUp, allEvents, close };
};
export type TestApi = Awaited<ReturnType<typeof createTestApi>>;

/** The read-side test double (see the file comment). Pages by offset; analytics over the folded documents. */
const memoryReadSide = (clock: () => Date): { sink: ProjectionSink; queries: OrderQueries; products: ProductQueries } => {
  const state = emptyReadModel();
  let checkpoint = FEED_START;
  const views = (scope: AnalyticsScope) =>
    [...state.orders.values()]
      .filter((o) => scope.customerId === undefined || o.customerId === scope.customerId)
      .map((o) => toOrderView(o, state.payments.get(paymentStream(o.paymentId ?? o.orderId))));
  const byCurrency = (rows: ReadonlyArray<{ currency: string; amount: number }>) => {
    const sums = new Map<string, { amount: number; n: number }>();
    for (const r of rows) {
      const s = sums.get(r.currency) ?? { amount: 0, n: 0 };
      sums.set(r.currency, { amount: s.amount + r.amount, n: s.n + 1 });
    }
    return sums;
  };
  const summary = (scope: AnalyticsScope): AnalyticsSummary => {
    const orders = views(scope);
    const paid = byCurrency(orders.filter((o) => o.status !== 'cancelled').map((o) => ({ currency: o.currency, amount: o.total })));
    const feedback = [...state.feedback.values()].filter((f) => scope.customerId === undefined || f.customerId === scope.customerId);
    const ordersByStatus: Record<string, number> = {};
    for (const o of orders) ordersByStatus[o.status] = (ordersByStatus[o.status] ?? 0) + 1;
    return {
      orders: orders.length,
      revenue: [...paid].map(([currency, s]) => ({ currency, amount: s.amount })),
      averageOrderValue: [...paid].map(([currency, s]) => ({ currency, amount: s.amount / s.n })),
      ordersByStatus,
      feedback: { count: feedback.length, averageRating: feedback.length === 0 ? null : feedback.reduce((a, f) => a + f.rating, 0) / feedback.length },
      generatedAt: clock().toISOString(),
    };
  };
  const detailed = (scope: AnalyticsScope): AnalyticsDetailed => {
    const orders = views(scope);
    const products = new Map<string, { productId: string; productName: string; quantity: number; revenue: number }>();
    for (const o of orders)
      for (const i of o.items) {
        const p = products.get(i.productId) ?? { productId: i.productId, productName: i.productName, quantity: 0, revenue: 0 };
        products.set(i.productId, { ...p, quantity: p.quantity + i.quantity, revenue: p.revenue + i.quantity * i.unitPrice });
      }
    const payments = orders.flatMap((o) => (o.payment ? [o.payment] : []));
    const declined = payments.filter((p) => p.status === 'declined').length;
    return {
      ...summary(scope),
      revenueByDay: [...byCurrency(orders.map((o) => ({ currency: `${o.createdAt.slice(0, 10)} ${o.currency}`, amount: o.total })))].map(([k, s]) => {
        const [day = '', currency = ''] = k.split(' ');
        return { day, currency, amount: s.amount, orders: s.n };
      }),
      topProducts: [...products.values()].sort((a, b) => b.quantity - a.quantity),
      payments: {
        requested: payments.length,
        authorized: payments.length - declined,
        declined,
        authorizationRate: payments.length === 0 ? null : (payments.length - declined) / payments.length,
        declineRate: payments.length === 0 ? null : declined / payments.length,
      },
      feedbackByCategory: [],
    };
  };
  const queries: OrderQueries = {
    getOrder: async (orderId) => {
      const doc = state.orders.get(orderStream(orderId));
      return doc && toOrderView(doc, state.payments.get(paymentStream(doc.paymentId ?? orderId)));
    },
    listOrders: async (customerId, page) => {
      const offset = page.cursor === undefined ? 0 : Number(page.cursor);
      if (!Number.isSafeInteger(offset) || offset < 0) throw Object.assign(new Error('invalid page cursor'), { code: 'INVALID_CURSOR' });
      const all = views({ customerId }).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.orderId.localeCompare(b.orderId));
      const items = all.slice(offset, offset + page.limit);
      return offset + page.limit < all.length ? { items, nextCursor: String(offset + page.limit) } : { items };
    },
    analyticsSummary: async (scope) => summary(scope),
    analyticsDetailed: async (scope) => detailed(scope),
    awaitOrderVersion: async (orderId, version, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while ((state.orders.get(orderStream(orderId))?.version ?? 0) < version) {
        if (Date.now() >= deadline) return false;
        await new Promise((r) => setTimeout(r, 2));
      }
      return true;
    },
  };
  const sink: ProjectionSink = {
    name: 'api-test-read-model',
    apply: async (events, position) => {
      applyToReadModel(state, events);
      if (position !== undefined) checkpoint = position;
    },
    checkpoint: async () => checkpoint,
  };
  return { sink, queries, products: memoryProductQueries(() => state.products.values()) };
};
