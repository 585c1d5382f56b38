import { Category, FEED_START, customerStream, feedbackStream, orderStream, parseStreamId, paymentStream, productStream, type DomainEnvelope, type EventEnvelope } from '@strata/events';
import {
  customerProjector,
  feedbackProjector,
  orderProjector,
  paymentProjector,
  productProjector,
  toOrderView,
  toProductView,
  type ProductDoc,
  type CustomerDoc,
  type FeedbackDoc,
  type OrderDoc,
  type PaymentDoc,
  type Projector,
  type Versioned,
} from '../domain/docs.js';
import { decodeProductCursor, encodeProductCursor, foldBatch } from '../domain/readModel.js';
import type { AnalyticsDetailed, AnalyticsScope, AnalyticsSummary, OrderQueries, OrderView, ProductQueries } from '../queries.js';
import type { DeadLetter, DeadLetterStore, ProjectionSink } from '../sink.js';
import { quoteSchema, type SqlExecutor } from './executor.js';
import { migrate } from './migrations.js';

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const str = (v: unknown): string => String(v);
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
/** Adds `key: value` only when the column is not null (exactOptionalPropertyTypes: omit, never undefined). */
const opt = <K extends string>(key: K, v: unknown): Partial<Record<K, string>> => (v === null || v === undefined ? {} : ({ [key]: String(v) } as Record<K, string>));

/** How one document type maps to its table. Column order of `columns` is the upsert's. */
interface Table<Doc extends Versioned> {
  readonly projector: Projector<Doc>;
  readonly table: string;
  readonly key: string;
  readonly stream: (id: string) => string;
  readonly columns: ReadonlyArray<readonly [column: string, type: string]>;
  readonly toRow: (d: Doc) => Row;
  readonly fromRow: (r: Row) => Doc;
}

const orders: Table<OrderDoc> = {
  projector: orderProjector,
  table: 'orders',
  key: 'order_id',
  stream: orderStream,
  columns: [
    ['order_id', 'text'], ['customer_id', 'text'], ['status', 'text'], ['currency', 'text'], ['total', 'bigint'], ['items', 'jsonb'],
    ['shipping_address', 'jsonb'], ['payment_id', 'text'], ['carrier', 'text'], ['tracking_number', 'text'], ['cancel_reason', 'text'],
    ['created_at', 'text'], ['updated_at', 'text'], ['version', 'integer'],
  ],
  toRow: (d) => ({
    order_id: d.orderId, customer_id: d.customerId, status: d.status, currency: d.currency, total: d.total, items: d.items,
    shipping_address: d.shippingAddress, payment_id: d.paymentId ?? null, carrier: d.carrier ?? null, tracking_number: d.trackingNumber ?? null,
    cancel_reason: d.cancelReason ?? null, created_at: d.createdAt, updated_at: d.updatedAt, version: d.version,
  }),
  fromRow: (r) => ({
    orderId: str(r.order_id), customerId: str(r.customer_id), status: str(r.status) as OrderDoc['status'], currency: str(r.currency), total: num(r.total),
    items: json(r.items), shippingAddress: json(r.shipping_address), createdAt: str(r.created_at), updatedAt: str(r.updated_at), version: num(r.version),
    ...opt('paymentId', r.payment_id), ...opt('carrier', r.carrier), ...opt('trackingNumber', r.tracking_number), ...opt('cancelReason', r.cancel_reason),
  }),
};

const payments: Table<PaymentDoc> = {
  projector: paymentProjector,
  table: 'payments',
  key: 'payment_id',
  stream: paymentStream,
  columns: [
    ['payment_id', 'text'], ['order_id', 'text'], ['customer_id', 'text'], ['status', 'text'], ['currency', 'text'], ['requested', 'bigint'],
    ['authorized', 'bigint'], ['captured', 'bigint'], ['refunded', 'bigint'], ['reason', 'text'], ['expires_at', 'text'], ['created_at', 'text'], ['updated_at', 'text'],
    ['version', 'integer'],
  ],
  toRow: (d) => ({
    payment_id: d.paymentId, order_id: d.orderId, customer_id: d.customerId, status: d.status, currency: d.currency, requested: d.requested,
    authorized: d.authorized, captured: d.captured, refunded: d.refunded, reason: d.reason ?? null, expires_at: d.expiresAt ?? null, created_at: d.createdAt,
    updated_at: d.updatedAt, version: d.version,
  }),
  fromRow: (r) => ({
    paymentId: str(r.payment_id), orderId: str(r.order_id), customerId: str(r.customer_id), status: str(r.status) as PaymentDoc['status'], currency: str(r.currency),
    requested: num(r.requested), authorized: num(r.authorized), captured: num(r.captured), refunded: num(r.refunded), createdAt: str(r.created_at),
    updatedAt: str(r.updated_at), version: num(r.version), ...opt('reason', r.reason), ...opt('expiresAt', r.expires_at),
  }),
};

const customers: Table<CustomerDoc> = {
  projector: customerProjector,
  table: 'customers',
  key: 'customer_id',
  stream: customerStream,
  columns: [['customer_id', 'text'], ['email', 'text'], ['first_name', 'text'], ['last_name', 'text'], ['phone_number', 'text'], ['registered_at', 'text'], ['version', 'integer']],
  toRow: (d) => ({ customer_id: d.customerId, email: d.email, first_name: d.firstName, last_name: d.lastName, phone_number: d.phoneNumber, registered_at: d.registeredAt, version: d.version }),
  fromRow: (r) => ({ customerId: str(r.customer_id), email: str(r.email), firstName: str(r.first_name), lastName: str(r.last_name), phoneNumber: str(r.phone_number), registeredAt: str(r.registered_at), version: num(r.version) }),
};

const feedback: Table<FeedbackDoc> = {
  projector: feedbackProjector,
  table: 'feedback',
  key: 'order_id',
  stream: feedbackStream,
  columns: [['order_id', 'text'], ['feedback_id', 'text'], ['customer_id', 'text'], ['rating', 'integer'], ['comment', 'text'], ['category', 'text'], ['submitted_at', 'text'], ['version', 'integer']],
  toRow: (d) => ({ order_id: d.orderId, feedback_id: d.feedbackId, customer_id: d.customerId, rating: d.rating, comment: d.comment, category: d.category, submitted_at: d.submittedAt, version: d.version }),
  fromRow: (r) => ({ orderId: str(r.order_id), feedbackId: str(r.feedback_id), customerId: str(r.customer_id), rating: num(r.rating), comment: str(r.comment), category: str(r.category), submittedAt: str(r.submitted_at), version: num(r.version) }),
};

const products: Table<ProductDoc> = {
  projector: productProjector,
  table: 'products',
  key: 'product_id',
  stream: productStream,
  columns: [
    ['product_id', 'text'], ['name', 'text'], ['name_key', 'text'], ['description', 'text'], ['status', 'text'], ['price', 'bigint'], ['currency', 'text'],
    ['listed_at', 'text'], ['updated_at', 'text'], ['version', 'integer'],
  ],
  toRow: (d) => ({
    product_id: d.productId, name: d.name, name_key: d.name.toLowerCase(), description: d.description, status: d.status, price: d.price, currency: d.currency,
    listed_at: d.listedAt, updated_at: d.updatedAt, version: d.version,
  }),
  fromRow: (r) => ({
    productId: str(r.product_id), name: str(r.name), description: str(r.description), status: str(r.status) as ProductDoc['status'], price: num(r.price),
    currency: str(r.currency), listedAt: str(r.listed_at), updatedAt: str(r.updated_at), version: num(r.version),
  }),
};

/**
 * Folds a batch into one table: loads the touched documents in one query, folds in memory with the
 * pure projector, upserts the changed ones in one statement. The upsert's `where excluded.version >
 * t.version` keeps a concurrent or replayed writer from ever moving a row back.
 */
const writeTable = async <Doc extends Versioned>(tx: SqlExecutor, s: string, t: Table<Doc>, events: readonly DomainEnvelope[]): Promise<Map<string, Doc>> => {
  const mine = events.filter((e) => parseStreamId(e.streamId)?.category === t.projector.category);
  if (mine.length === 0) return new Map();
  const ids = [...new Set(mine.map((e) => parseStreamId(e.streamId)?.id ?? ''))];
  const rows = await tx.query(`select * from ${s}.${t.table} where ${t.key} = any($1::text[])`, [ids]);
  const loaded = new Map(rows.map((r) => { const d = t.fromRow(r); return [t.stream(str(r[t.key])), d] as const; }));
  const changed = foldBatch(t.projector, loaded, mine);
  if (changed.size === 0) return changed;
  const cols = t.columns.map(([c]) => c);
  const updates = cols.filter((c) => c !== t.key).map((c) => `${c} = excluded.${c}`).join(', ');
  await tx.query(
    `insert into ${s}.${t.table} (${cols.join(', ')})
     select ${cols.join(', ')} from jsonb_to_recordset($1::jsonb) as x(${t.columns.map(([c, ty]) => `${c} ${ty}`).join(', ')})
     on conflict (${t.key}) do update set ${updates} where excluded.version > ${t.table}.version`,
    [JSON.stringify([...changed.values()].map(t.toRow))],
  );
  return new Map([...changed].filter(([k]) => !loaded.has(k)));
};

export interface SqlReadModelOptions {
  readonly db: SqlExecutor;
  /** PostgreSQL schema holding the tables (default `strata_read`); a fresh one per test isolates it. */
  readonly schema?: string;
  /** The projection name used for the checkpoint and dead letters (default `relational`). */
  readonly name?: string;
  /**
   * Poll interval of `awaitOrderVersion` for writers in other processes (default 100 ms). A write
   * by this process's sink wakes the waiter at once, without a query.
   */
  readonly pollMs?: number;
  readonly now?: () => Date;
  /**
   * Runs first inside every write transaction of the sink; throwing refuses the page. The engine
   * passes its lease's fencing check, so a writer that lost its lease cannot apply a stale page.
   */
  readonly fence?: (tx: SqlExecutor) => Promise<void>;
}

export interface SqlReadModel {
  readonly schema: string;
  readonly sink: ProjectionSink;
  readonly queries: OrderQueries;
  /** The catalogue (GET /products). */
  readonly products: ProductQueries;
  readonly deadLetters: DeadLetterStore;
  /** Creates the schema and applies pending migrations. */
  migrate(): Promise<void>;
  /**
   * Authorization holds still authorized at `now` past their `expiresAt`, oldest first, at most
   * `limit`: the hold-expiry sweep's source (the step re-checks each on the event store).
   */
  expiredHolds(now: string, limit: number): Promise<Array<{ paymentId: string; orderId: string; expiresAt: string }>>;
  /** Orders whose payment is not settled: the sagas a restart recovers (resume or compensate). */
  unsettledOrders(): Promise<string[]>;
  /**
   * Another process applied these order versions (a signal): wakes their waiters without a query.
   * `undefined` means "some orders changed": every waiter looks at the table once now.
   */
  noteAppliedElsewhere(versions: ReadonlyMap<string, number> | undefined): void;
}

/** The order versions a page of events brings (for a signal to other processes). */
export const orderVersionsOf = (events: readonly DomainEnvelope[]): Map<string, number> => {
  const touched = new Map<string, number>();
  for (const e of events) {
    const id = parseStreamId(e.streamId);
    if (id?.category === Category.Order) touched.set(id.id, Math.max(touched.get(id.id) ?? 0, e.streamVersion));
  }
  return touched;
};

const CURSOR_SEP = '\u0000';
const encodeCursor = (createdAt: string, orderId: string): string => Buffer.from(`${createdAt}${CURSOR_SEP}${orderId}`, 'utf8').toString('base64url');
const decodeCursor = (cursor: string): [string, string] | undefined => {
  const [createdAt, orderId, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split(CURSOR_SEP);
  return createdAt === undefined || orderId === undefined || rest.length > 0 ? undefined : [createdAt, orderId];
};

/** A page cursor that does not decode. The API maps it to a 400. */
export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  constructor() {
    super('invalid page cursor');
    this.name = 'InvalidCursorError';
  }
}

/** How many recently applied orders the read-your-writes window remembers. */
const APPLIED_WINDOW = 10_000;

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** The relational read model: one SQL implementation over PostgreSQL or PGlite. */
export const createSqlReadModel = (o: SqlReadModelOptions): SqlReadModel => {
  const schema = o.schema ?? 'strata_read';
  const s = quoteSchema(schema);
  const name = o.name ?? 'relational';
  const db = o.db;
  const now = o.now ?? (() => new Date());
  // Read-your-writes without polling: the sink remembers the order versions it has just applied
  // (a bounded, most-recent-first window) and wakes the waiters of those orders.
  const applied = new Map<string, number>();
  const waiters = new Map<string, Set<() => void>>();
  const noteApplied = (events: readonly DomainEnvelope[]) => noteVersions(orderVersionsOf(events));
  const noteVersions = (touched: ReadonlyMap<string, number>) => {
    for (const [orderId, version] of touched) {
      const known = applied.get(orderId) ?? 0;
      applied.delete(orderId);
      applied.set(orderId, Math.max(known, version));
      for (const wake of [...(waiters.get(orderId) ?? [])]) wake();
    }
    for (const oldest of applied.keys()) {
      if (applied.size <= APPLIED_WINDOW) break;
      applied.delete(oldest);
    }
  };

  const sink: ProjectionSink = {
    name,
    async apply(events, checkpoint) {
      await db.transaction(async (tx) => {
        await o.fence?.(tx);
        const placed = await writeTable(tx, s, orders, events);
        const lines = [...placed.values()].flatMap((d) =>
          d.items.map((l, i) => ({ order_id: d.orderId, line_no: i + 1, product_id: l.productId, product_name: l.productName, quantity: l.quantity, unit_price: l.unitPrice })),
        );
        if (lines.length > 0)
          await tx.query(
            `insert into ${s}.order_lines (order_id, line_no, product_id, product_name, quantity, unit_price)
             select * from jsonb_to_recordset($1::jsonb) as x(order_id text, line_no integer, product_id text, product_name text, quantity integer, unit_price bigint)
             on conflict do nothing`,
            [JSON.stringify(lines)],
          );
        await writeTable(tx, s, payments, events);
        await writeTable(tx, s, customers, events);
        await writeTable(tx, s, feedback, events);
        await writeTable(tx, s, products, events);
        if (checkpoint !== undefined)
          await tx.query(
            `insert into ${s}.projection_checkpoints (projection, position, updated_at) values ($1, $2, $3)
             on conflict (projection) do update set position = excluded.position, updated_at = excluded.updated_at`,
            [name, checkpoint, now().toISOString()],
          );
      });
      noteApplied(events);
    },
    async checkpoint() {
      const [row] = await db.query<{ position: string }>(`select position from ${s}.projection_checkpoints where projection = $1`, [name]);
      return row?.position ?? FEED_START;
    },
  };

  const viewSelect = `select o.*, p.payment_id as p_payment_id, p.status as p_status, p.authorized as p_authorized, p.captured as p_captured,
      p.refunded as p_refunded, p.version as p_version
    from ${s}.orders o
    left join lateral (select * from ${s}.payments where order_id = o.order_id order by created_at desc, payment_id limit 1) p on true`;

  const toView = (r: Row): OrderView => {
    const payment: PaymentDoc | undefined =
      r.p_payment_id === null || r.p_payment_id === undefined
        ? undefined
        : ({ paymentId: str(r.p_payment_id), status: str(r.p_status), authorized: num(r.p_authorized), captured: num(r.p_captured), refunded: num(r.p_refunded) } as PaymentDoc);
    return toOrderView(orders.fromRow(r), payment);
  };

  const getOrder = async (orderId: string) => {
    const [row] = await db.query(`${viewSelect} where o.order_id = $1`, [orderId]);
    return row === undefined ? undefined : toView(row);
  };

  const scopeOf = (scope: AnalyticsScope): string | null => scope.customerId ?? null;

  const summary = async (scope: AnalyticsScope): Promise<AnalyticsSummary> => {
    const c = scopeOf(scope);
    const byStatus = await db.query<{ status: string; n: unknown }>(
      `select status, count(*) as n from ${s}.orders where ($1::text is null or customer_id = $1) group by status order by status`,
      [c],
    );
    const revenue = await db.query<{ currency: string; amount: unknown; n: unknown }>(
      `select currency, sum(total) as amount, count(*) as n from ${s}.orders
       where ($1::text is null or customer_id = $1) and status in ('confirmed', 'shipped', 'delivered') group by currency order by currency`,
      [c],
    );
    const [fb] = await db.query<{ n: unknown; avg: unknown }>(`select count(*) as n, avg(rating)::float8 as avg from ${s}.feedback where ($1::text is null or customer_id = $1)`, [c]);
    const ordersByStatus: Record<string, number> = {};
    for (const r of byStatus) ordersByStatus[r.status] = num(r.n);
    return {
      orders: byStatus.reduce((sum, r) => sum + num(r.n), 0),
      revenue: revenue.map((r) => ({ currency: r.currency, amount: num(r.amount) })),
      averageOrderValue: revenue.map((r) => ({ currency: r.currency, amount: Math.round(num(r.amount) / num(r.n)) })),
      ordersByStatus,
      feedback: { count: num(fb?.n ?? 0), averageRating: fb?.avg === null || fb?.avg === undefined ? null : round2(num(fb.avg)) },
      generatedAt: now().toISOString(),
    };
  };

  const queries: OrderQueries = {
    getOrder,
    async listOrders(customerId, page) {
      const limit = Math.max(1, Math.min(page.limit, 100));
      const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
      if (page.cursor !== undefined && after === undefined) throw new InvalidCursorError();
      const rows = await db.query(
        `${viewSelect} where o.customer_id = $1 and ($2::text is null or (o.created_at, o.order_id) < ($2::text, $3::text))
         order by o.created_at desc, o.order_id desc limit $4`,
        [customerId, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
      );
      const items = rows.slice(0, limit).map(toView);
      const last = items[items.length - 1];
      return rows.length > limit && last !== undefined ? { items, nextCursor: encodeCursor(last.createdAt, last.orderId) } : { items };
    },
    analyticsSummary: summary,
    async analyticsDetailed(scope): Promise<AnalyticsDetailed> {
      const c = scopeOf(scope);
      const paid = `($1::text is null or o.customer_id = $1) and o.status in ('confirmed', 'shipped', 'delivered')`;
      const byDay = await db.query<{ day: string; currency: string; amount: unknown; n: unknown }>(
        `select substr(o.created_at, 1, 10) as day, o.currency, sum(o.total) as amount, count(*) as n from ${s}.orders o where ${paid}
         group by 1, 2 order by 1, 2`,
        [c],
      );
      const top = await db.query<{ product_id: string; product_name: string; quantity: unknown; revenue: unknown }>(
        `select l.product_id, max(l.product_name) as product_name, sum(l.quantity) as quantity, sum(l.quantity * l.unit_price) as revenue
         from ${s}.order_lines l join ${s}.orders o on o.order_id = l.order_id where ${paid}
         group by l.product_id order by 3 desc, 1 limit 10`,
        [c],
      );
      const [pay] = await db.query<{ requested: unknown; authorized: unknown; declined: unknown }>(
        `select count(*) as requested,
                count(*) filter (where status in ('authorized', 'captured', 'voided', 'refunded')) as authorized,
                count(*) filter (where status = 'declined') as declined
         from ${s}.payments where ($1::text is null or customer_id = $1)`,
        [c],
      );
      const cats = await db.query<{ category: string; n: unknown; avg: unknown }>(
        `select category, count(*) as n, avg(rating)::float8 as avg from ${s}.feedback where ($1::text is null or customer_id = $1) group by category order by category`,
        [c],
      );
      const requested = num(pay?.requested ?? 0);
      const authorized = num(pay?.authorized ?? 0);
      const declined = num(pay?.declined ?? 0);
      return {
        ...(await summary(scope)),
        revenueByDay: byDay.map((r) => ({ day: r.day, currency: r.currency, amount: num(r.amount), orders: num(r.n) })),
        topProducts: top.map((r) => ({ productId: r.product_id, productName: r.product_name, quantity: num(r.quantity), revenue: num(r.revenue) })),
        payments: {
          authorizationRate: requested === 0 ? null : round2(authorized / requested),
          declineRate: requested === 0 ? null : round2(declined / requested),
          requested,
          authorized,
          declined,
        },
        feedbackByCategory: cats.map((r) => ({ category: r.category, count: num(r.n), averageRating: round2(num(r.avg)) })),
      };
    },
    async awaitOrderVersion(orderId, version, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const seen = () => (applied.get(orderId) ?? 0) >= version;
      const inDatabase = async () => {
        const [row] = await db.query<{ version: unknown }>(`select version from ${s}.orders where order_id = $1`, [orderId]);
        return row !== undefined && num(row.version) >= version;
      };
      for (;;) {
        if (seen()) return true;
        const left = deadline - Date.now();
        if (left <= 0) return seen() || (await inDatabase());
        // Woken by this process's sink when it applies the order; the poll covers other writers.
        await new Promise<boolean>((resolve) => {
          const set = waiters.get(orderId) ?? new Set<() => void>();
          waiters.set(orderId, set);
          const finish = (byWrite: boolean) => {
            clearTimeout(timer);
            set.delete(onWrite);
            if (set.size === 0 && waiters.get(orderId) === set) waiters.delete(orderId);
            resolve(byWrite);
          };
          const onWrite = () => finish(true);
          const timer = setTimeout(() => finish(false), Math.min(left, o.pollMs ?? 100));
          set.add(onWrite);
        });
        if (seen()) return true;
        if (await inDatabase()) return true;
      }
    },
  };

  const productQueries: ProductQueries = {
    async getProduct(productId) {
      const [row] = await db.query(`select * from ${s}.products where product_id = $1`, [productId]);
      return row === undefined ? undefined : toProductView(products.fromRow(row));
    },
    async listProducts(page) {
      const limit = Math.max(1, Math.min(page.limit, 100));
      const after = page.cursor === undefined ? undefined : decodeProductCursor(page.cursor);
      if (page.cursor !== undefined && after === undefined) throw new InvalidCursorError();
      // Substring search: % and _ in the query are literal (escaped), matched on the lower-cased name.
      const pattern = page.q === undefined ? null : `%${page.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const rows = await db.query(
        `select * from ${s}.products where status = 'listed'
           and ($1::text is null or name_key like $1 escape '\\')
           and ($2::text is null or (name_key, product_id) > ($2::text, $3::text))
         order by name_key, product_id limit $4`,
        [pattern, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
      );
      const items = rows.slice(0, limit).map((r) => toProductView(products.fromRow(r)));
      const last = items[items.length - 1];
      return rows.length > limit && last !== undefined ? { items, nextCursor: encodeProductCursor(last.name.toLowerCase(), last.productId) } : { items };
    },
  };

  const toLetter = (r: Row): DeadLetter => ({
    id: str(r.id),
    projection: str(r.projection),
    envelope: json<EventEnvelope>(r.envelope),
    error: str(r.error),
    failedAt: str(r.failed_at),
    ...opt('position', r.position),
    ...opt('redrivenAt', r.redriven_at),
  });

  const deadLetters: DeadLetterStore = {
    async add(letters) {
      if (letters.length === 0) return;
      await db.query(
        `insert into ${s}.dead_letters (projection, event_id, stream_id, stream_version, position, envelope, error, failed_at)
         select projection, event_id, stream_id, stream_version, position, envelope, error, failed_at
         from jsonb_to_recordset($1::jsonb) as x(projection text, event_id text, stream_id text, stream_version integer, position text, envelope jsonb, error text, failed_at text)
         on conflict (projection, event_id) do nothing`,
        [
          JSON.stringify(
            letters.map((l) => ({
              projection: l.projection, event_id: l.envelope.eventId, stream_id: l.envelope.streamId, stream_version: l.envelope.streamVersion,
              position: l.position ?? null, envelope: l.envelope, error: l.error, failed_at: l.failedAt,
            })),
          ),
        ],
      );
    },
    async list(projection) {
      const rows = await db.query(`select * from ${s}.dead_letters where redriven_at is null and ($1::text is null or projection = $1) order by id`, [projection ?? null]);
      return rows.map(toLetter);
    },
    async settle(id, outcome) {
      if ('redrivenAt' in outcome) await db.query(`update ${s}.dead_letters set redriven_at = $2 where id = $1::bigint`, [id, outcome.redrivenAt]);
      else await db.query(`update ${s}.dead_letters set error = $2, failed_at = $3 where id = $1::bigint`, [id, outcome.error, outcome.failedAt]);
    },
  };

  const expiredHolds: SqlReadModel['expiredHolds'] = async (at, limit) => {
    // Compared as timestamps: a provider's expiry need not be in the exact ISO form of ours.
    const rows = await db.query<{ payment_id: string; order_id: string; expires_at: string }>(
      `select payment_id, order_id, expires_at from ${s}.payments
        where status = 'authorized' and expires_at is not null and expires_at::timestamptz <= $1::timestamptz
        order by expires_at::timestamptz, payment_id limit $2`,
      [at, limit],
    );
    return rows.map((r) => ({ paymentId: str(r.payment_id), orderId: str(r.order_id), expiresAt: str(r.expires_at) }));
  };

  const unsettledOrders: SqlReadModel['unsettledOrders'] = async () => {
    const rows = await db.query<{ order_id: string }>(
      `select o.order_id from ${s}.orders o left join ${s}.payments p on p.order_id = o.order_id
        where o.status <> 'cancelled' and (p.status is null or p.status in ('requested', 'authorized'))
           or o.status = 'cancelled' and p.status in ('requested', 'authorized')`,
    );
    return rows.map((r) => r.order_id);
  };

  const noteAppliedElsewhere: SqlReadModel['noteAppliedElsewhere'] = (versions) => {
    if (versions !== undefined) return noteVersions(versions);
    // Unknown which orders: every waiter re-reads the table once (a wake that finds nothing polls again).
    for (const set of waiters.values()) for (const wake of [...set]) wake();
  };

  return { schema, sink, queries, products: productQueries, deadLetters, migrate: () => migrate(db, schema), expiredHolds, unsettledOrders, noteAppliedElsewhere };
};
