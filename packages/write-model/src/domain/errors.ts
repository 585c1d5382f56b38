/**
 * Rejected commands: a tagged union on `_tag`; `kind` drives the HTTP status at the edge
 * (not-found → 404, conflict → 409, invalid → 400/422, forbidden → 403). Match on `_tag` or
 * `kind`, never on `message`.
 */
export type DomainErrorKind = 'not-found' | 'conflict' | 'invalid' | 'forbidden';

interface Rejection<Tag extends string, Kind extends DomainErrorKind> {
  readonly _tag: Tag;
  readonly kind: Kind;
  readonly message: string;
  /** The offending input field when there is one, e.g. `items[3].quantity`. */
  readonly field?: string;
}

export type InvalidCommand = Rejection<'InvalidCommand', 'invalid'>;
export type InvalidItems = Rejection<'InvalidItems', 'invalid'>;
export type CurrencyMismatch = Rejection<'CurrencyMismatch', 'invalid'>;
export type OrderNotFound = Rejection<'OrderNotFound', 'not-found'>;
export type OrderAlreadyExists = Rejection<'OrderAlreadyExists', 'conflict'>;
export type OrderAlreadyCancelled = Rejection<'OrderAlreadyCancelled', 'conflict'>;
/** The order is not in a status that allows the command (e.g. ship before it is paid). */
export type InvalidOrderTransition = Rejection<'InvalidOrderTransition', 'conflict'>;
export type PaymentNotFound = Rejection<'PaymentNotFound', 'not-found'>;
export type PaymentAlreadyExists = Rejection<'PaymentAlreadyExists', 'conflict'>;
export type InvalidPaymentTransition = Rejection<'InvalidPaymentTransition', 'conflict'>;
export type CaptureExceedsAuthorized = Rejection<'CaptureExceedsAuthorized', 'conflict'>;
export type RefundExceedsCaptured = Rejection<'RefundExceedsCaptured', 'conflict'>;
export type CustomerAlreadyRegistered = Rejection<'CustomerAlreadyRegistered', 'conflict'>;
export type FeedbackAlreadySubmitted = Rejection<'FeedbackAlreadySubmitted', 'conflict'>;
export type NotOrderOwner = Rejection<'NotOrderOwner', 'forbidden'>;
/** The command id was used before on this stream with a different payload. */
export type CommandIdReused = Rejection<'CommandIdReused', 'conflict'>;
/** Concurrent writers kept winning the stream: the bounded retries were exhausted. */
export type ConcurrencyConflict = Rejection<'ConcurrencyConflict', 'conflict'>;

export type DomainError =
  | InvalidCommand
  | InvalidItems
  | CurrencyMismatch
  | OrderNotFound
  | OrderAlreadyExists
  | OrderAlreadyCancelled
  | InvalidOrderTransition
  | PaymentNotFound
  | PaymentAlreadyExists
  | InvalidPaymentTransition
  | CaptureExceedsAuthorized
  | RefundExceedsCaptured
  | CustomerAlreadyRegistered
  | FeedbackAlreadySubmitted
  | NotOrderOwner
  | CommandIdReused
  | ConcurrencyConflict;

export type DomainErrorTag = DomainError['_tag'];

const KIND: { readonly [T in DomainErrorTag]: Extract<DomainError, { _tag: T }>['kind'] } = {
  InvalidCommand: 'invalid',
  InvalidItems: 'invalid',
  CurrencyMismatch: 'invalid',
  OrderNotFound: 'not-found',
  OrderAlreadyExists: 'conflict',
  OrderAlreadyCancelled: 'conflict',
  InvalidOrderTransition: 'conflict',
  PaymentNotFound: 'not-found',
  PaymentAlreadyExists: 'conflict',
  InvalidPaymentTransition: 'conflict',
  CaptureExceedsAuthorized: 'conflict',
  RefundExceedsCaptured: 'conflict',
  CustomerAlreadyRegistered: 'conflict',
  FeedbackAlreadySubmitted: 'conflict',
  NotOrderOwner: 'forbidden',
  CommandIdReused: 'conflict',
  ConcurrencyConflict: 'conflict',
};

/** Builds a rejection; the kind follows from the tag so the two can never disagree. */
export const domainError = <T extends DomainErrorTag>(tag: T, message: string, field?: string): Extract<DomainError, { _tag: T }> =>
  (field === undefined ? { _tag: tag, kind: KIND[tag], message } : { _tag: tag, kind: KIND[tag], message, field }) as Extract<DomainError, { _tag: T }>;
