import type { DomainEnvelope } from '@strata/events';
import {
  applyNewer,
  categoryOf,
  customerProjector,
  feedbackProjector,
  orderProjector,
  paymentProjector,
  type CustomerDoc,
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
}

export const emptyReadModel = (): ReadModelState => ({ orders: new Map(), payments: new Map(), customers: new Map(), feedback: new Map() });

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
  return state;
};
