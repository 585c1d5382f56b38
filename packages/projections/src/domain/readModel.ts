import type { DomainEnvelope } from '@strata/events';
import type { ProductQueries } from '../queries.js';
import {
  applyNewer,
  categoryOf,
  customerProjector,
  feedbackProjector,
  orderProjector,
  paymentProjector,
  productProjector,
  toProductView,
  type CustomerDoc,
  type ProductDoc,
  type FeedbackDoc,
  type OrderDoc,
  type PaymentDoc,
  type Projector,
  type Versioned,
} from './docs.js';

/** Every document of the read model, keyed by stream id. The in-memory form of the relational model. */
export interface ReadModelState {
  readonly orders: Map<string, OrderDoc>;
  readonly payments: Map<string, PaymentDoc>;
  readonly customers: Map<string, CustomerDoc>;
  readonly feedback: Map<string, FeedbackDoc>;
  readonly products: Map<string, ProductDoc>;
}

export const emptyReadModel = (): ReadModelState => ({ orders: new Map(), payments: new Map(), customers: new Map(), feedback: new Map(), products: new Map() });

/**
 * Folds a batch into per-stream documents, starting from the documents a writer loaded. Writers
 * use it to turn a whole batch into one upsert per touched stream.
 */
export const foldBatch = <D extends Versioned>(p: Projector<D>, loaded: ReadonlyMap<string, D>, events: readonly DomainEnvelope[]): Map<string, D> => {
  const changed = new Map<string, D>();
  for (const e of events) {
    if (categoryOf(e) !== p.category) continue;
    const before = changed.get(e.streamId) ?? loaded.get(e.streamId);
    const after = applyNewer(p, before, e);
    if (after !== undefined && after !== before) changed.set(e.streamId, after);
  }
  return changed;
};

const mergeInto = <D extends Versioned>(target: Map<string, D>, p: Projector<D>, events: readonly DomainEnvelope[]): void => {
  for (const [k, d] of foldBatch(p, target, events)) target.set(k, d);
};

/** Applies a batch to an in-memory read model (mutates it): the reference the SQL writer must match. */
export const applyToReadModel = (state: ReadModelState, events: readonly DomainEnvelope[]): ReadModelState => {
  mergeInto(state.orders, orderProjector, events);
  mergeInto(state.payments, paymentProjector, events);
  mergeInto(state.customers, customerProjector, events);
  mergeInto(state.feedback, feedbackProjector, events);
  mergeInto(state.products, productProjector, events);
  return state;
};

/**
 * `ProductQueries` over in-memory documents (tests, the API's test read side): the same order,
 * filter and paging as the SQL model. The cursor is the last item's (lower-case name, id).
 */
export const memoryProductQueries = (products: () => Iterable<ProductDoc>): ProductQueries => ({
  getProduct: async (productId) => {
    for (const d of products()) if (d.productId === productId) return toProductView(d);
    return undefined;
  },
  listProducts: async (page) => {
    const after = page.cursor === undefined ? undefined : decodeProductCursor(page.cursor);
    if (page.cursor !== undefined && after === undefined) throw Object.assign(new Error('invalid page cursor'), { code: 'INVALID_CURSOR' });
    const q = page.q?.toLowerCase();
    const all = [...products()]
      .filter((d) => d.status === 'listed' && (q === undefined || d.name.toLowerCase().includes(q)))
      .sort((a, b) => compareKeys(productKey(a), productKey(b)))
      .filter((d) => after === undefined || compareKeys(productKey(d), after) > 0);
    const items = all.slice(0, page.limit).map(toProductView);
    const last = items[items.length - 1];
    return all.length > page.limit && last !== undefined ? { items, nextCursor: encodeProductCursor(last.name.toLowerCase(), last.productId) } : { items };
  },
});

const productKey = (d: ProductDoc): [string, string] => [d.name.toLowerCase(), d.productId];
const compareKeys = (a: [string, string], b: [string, string]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

const CURSOR_SEP = '\u0000';
/** Opaque page cursor over (lower-case name, product id). */
export const encodeProductCursor = (name: string, productId: string): string => base64url(`${name}${CURSOR_SEP}${productId}`);
export const decodeProductCursor = (cursor: string): [string, string] | undefined => {
  const text = unbase64url(cursor);
  const parts = text?.split(CURSOR_SEP);
  return parts?.length === 2 ? [parts[0]!, parts[1]!] : undefined;
};
// The domain core has no Buffer: base64url over UTF-8 with the web platform's btoa/atob.
const base64url = (text: string): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const unbase64url = (cursor: string): string | undefined => {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) return undefined;
  try {
    const bin = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
};
