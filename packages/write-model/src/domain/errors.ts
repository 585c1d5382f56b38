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
export type ProductNotFound = Rejection<'ProductNotFound', 'not-found'>;
export type ProductAlreadyListed = Rejection<'ProductAlreadyListed', 'conflict'>;
/** A retired product cannot be repriced (nor ordered: see `ProductUnavailable`). */
export type ProductRetired = Rejection<'ProductRetired', 'conflict'>;
/** An order line names a product that is not in the catalogue, or is retired (422 naming the line). */
export type ProductUnavailable = Rejection<'ProductUnavailable', 'invalid'>;
/** One line's current catalogue price, as `PriceChanged` lists it. */
export interface CurrentPrice {
  readonly productId: string;
  readonly unitPrice: number;
  readonly currency: string;
  /** The product stream's version the price is from. */
  readonly productVersion: number;
}
/**
 * A client-sent price differs from the catalogue's (a stale page): the client re-confirms.
 * `prices` lists the current price of every line's product.
 */
export interface PriceChanged extends Rejection<'PriceChanged', 'conflict'> {
  readonly prices: readonly CurrentPrice[];
}
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
  | ConcurrencyConflict
  | ProductNotFound
  | ProductAlreadyListed
  | ProductRetired
  | ProductUnavailable
  | PriceChanged;

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
  ProductNotFound: 'not-found',
  ProductAlreadyListed: 'conflict',
  ProductRetired: 'conflict',
  ProductUnavailable: 'invalid',
  PriceChanged: 'conflict',
};

/** Builds a rejection; the kind follows from the tag so the two can never disagree. */
export const domainError = <T extends Exclude<DomainErrorTag, 'PriceChanged'>>(tag: T, message: string, field?: string): Extract<DomainError, { _tag: T }> =>
  (field === undefined ? { _tag: tag, kind: KIND[tag], message } : { _tag: tag, kind: KIND[tag], message, field }) as Extract<DomainError, { _tag: T }>;

/** The 409 a stale client price gets: the message names the lines, `prices` lists every line's current price. */
export const priceChanged = (message: string, prices: readonly CurrentPrice[], field?: string): PriceChanged =>
  field === undefined ? { _tag: 'PriceChanged', kind: 'conflict', message, prices } : { _tag: 'PriceChanged', kind: 'conflict', message, field, prices };
