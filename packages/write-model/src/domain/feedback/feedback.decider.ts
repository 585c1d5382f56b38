import * as E from 'fp-ts/lib/Either.js';
import { fingerprint, type DomainEvent, type EventData } from '@strata/events';
import { alreadyDone, newEvent, reject, type Decider } from '../decider.js';
import { domainError, type DomainError } from '../errors.js';
import type { OrderState } from '../order/order.decider.js';

export interface SubmitFeedback {
  readonly feedbackId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly rating: number;
  readonly comment: string;
  readonly category: string;
}

/** What the feedback decision needs to know about the order; the service reads it from the order stream. */
export interface OrderFacts {
  readonly status: OrderState['status'];
  /** The order's owner; null when the order does not exist. */
  readonly customerId: string | null;
}

export const orderFacts = (order: OrderState): OrderFacts =>
  order.status === 'none' ? { status: 'none', customerId: null } : { status: order.status, customerId: order.customerId };

export type FeedbackCommand = { readonly type: 'SubmitFeedback'; readonly data: SubmitFeedback; readonly order: OrderFacts };

/** One feedback stream per order, so "once per order" is this state plus the expected version. */
export type FeedbackState = { readonly status: 'none' } | ({ readonly status: 'submitted' } & EventData<'FeedbackSubmitted'>);

export const initialState = (): FeedbackState => ({ status: 'none' });

export const evolve = (state: FeedbackState, event: DomainEvent): FeedbackState =>
  event.type === 'FeedbackSubmitted' && state.status === 'none' ? { status: 'submitted', ...event.data } : state;

const submitFeedback = (cmd: SubmitFeedback, order: OrderFacts, state: FeedbackState): E.Either<DomainError, readonly DomainEvent[]> => {
  if (order.status === 'none') return reject(domainError('OrderNotFound', `order ${cmd.orderId} does not exist`, 'orderId'));
  if (order.customerId !== cmd.customerId)
    return reject(domainError('NotOrderOwner', `order ${cmd.orderId} does not belong to customer ${cmd.customerId}`, 'orderId'));
  // The codec checks rating 1–5, comment ≤ 2000 and category ≤ 100 characters.
  const submitted = newEvent('FeedbackSubmitted', {
    feedbackId: cmd.feedbackId,
    orderId: cmd.orderId,
    customerId: cmd.customerId,
    rating: cmd.rating,
    comment: cmd.comment,
    category: cmd.category,
  });
  if (E.isLeft(submitted)) return submitted;
  if (state.status === 'none') return E.right([submitted.right]);
  const { status: _status, ...current } = state;
  return fingerprint(current) === fingerprint(submitted.right.data)
    ? alreadyDone
    : reject(domainError('FeedbackAlreadySubmitted', `feedback for order ${cmd.orderId} was already submitted`));
};

export const decide = (command: FeedbackCommand, state: FeedbackState): E.Either<DomainError, readonly DomainEvent[]> => {
  switch (command.type) {
    case 'SubmitFeedback':
      return submitFeedback(command.data, command.order, state);
  }
};

export const feedbackDecider: Decider<FeedbackCommand, FeedbackState> = { initialState, evolve, decide };
