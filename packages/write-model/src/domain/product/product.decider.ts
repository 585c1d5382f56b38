import type * as E from 'fp-ts/lib/Either.js';
import { MAX_MINOR_UNITS, type DomainEvent, type Money } from '@strata/events';
import { alreadyDone, emit, reject, type Decider } from '../decider.js';
import { domainError, type DomainError } from '../errors.js';

// ── Commands (prices in integer minor units; ids validated at the edge) ────────────────────
export interface ListProduct {
  readonly productId: string;
  readonly name: string;
  readonly description: string;
  readonly price: Money;
}
export interface RepriceProduct { readonly productId: string; readonly price: Money }
export interface RetireProduct { readonly productId: string }

export type ProductCommand =
  | { readonly type: 'ListProduct'; readonly data: ListProduct }
  | { readonly type: 'RepriceProduct'; readonly data: RepriceProduct }
  | { readonly type: 'RetireProduct'; readonly data: RetireProduct };

// ── State ────────────────────────────────────────────────────────────────────────────────
export interface ProductDetails {
  readonly productId: string;
  readonly name: string;
  readonly description: string;
  /** The current price; its currency never changes after listing. */
  readonly price: Money;
}
export type ProductState =
  | { readonly status: 'none' }
  | ({ readonly status: 'listed' } & ProductDetails)
  /** Retired: kept with its last price for readers; never sold or repriced again. */
  | ({ readonly status: 'retired' } & ProductDetails);
export type ProductStatus = ProductState['status'];

export const initialState = (): ProductState => ({ status: 'none' });

export const evolve = (state: ProductState, event: DomainEvent): ProductState => {
  switch (event.type) {
    case 'ProductListed':
      return state.status === 'none'
        ? { status: 'listed', productId: event.data.productId, name: event.data.name, description: event.data.description, price: event.data.price }
        : state;
    case 'ProductRepriced':
      return state.status === 'listed' ? { ...state, price: event.data.price } : state;
    case 'ProductRetired':
      return state.status === 'listed' ? { ...state, status: 'retired' } : state;
    default:
      return state;
  }
};

type Decision = E.Either<DomainError, readonly DomainEvent[]>;

/** Prices are positive (a free product is not a catalogue price) and bounded like order lines. */
const checkPrice = (price: Money): DomainError | undefined =>
  Number.isSafeInteger(price.amount) && price.amount > 0 && price.amount <= MAX_MINOR_UNITS
    ? undefined
    : domainError('InvalidCommand', `a price must be a positive amount in minor units, got ${price.amount}`, 'price');

const listProduct = (cmd: ListProduct, state: ProductState): Decision => {
  const invalid = checkPrice(cmd.price);
  if (invalid) return reject(invalid);
  switch (state.status) {
    case 'none':
      return emit('ProductListed', { productId: cmd.productId, name: cmd.name, description: cmd.description, price: { ...cmd.price } });
    case 'listed':
      // Listing the very same product again is a retry (an import run twice), not a conflict.
      return state.name === cmd.name && state.description === cmd.description && state.price.amount === cmd.price.amount && state.price.currency === cmd.price.currency
        ? alreadyDone
        : reject(domainError('ProductAlreadyListed', `product ${cmd.productId} is already listed; reprice it instead`));
    case 'retired':
      return reject(domainError('ProductRetired', `product ${cmd.productId} is retired and cannot be listed again`));
  }
};

const repriceProduct = (cmd: RepriceProduct, state: ProductState): Decision => {
  switch (state.status) {
    case 'none':
      return reject(domainError('ProductNotFound', `product ${cmd.productId} is not in the catalogue`));
    case 'retired':
      return reject(domainError('ProductRetired', `product ${cmd.productId} is retired and cannot be repriced`));
    case 'listed': {
      const invalid = checkPrice(cmd.price);
      if (invalid) return reject(invalid);
      if (cmd.price.currency !== state.price.currency)
        return reject(domainError('CurrencyMismatch', `product ${cmd.productId} is priced in ${state.price.currency}; its currency cannot change`, 'currency'));
      return cmd.price.amount === state.price.amount ? alreadyDone : emit('ProductRepriced', { productId: state.productId, price: { ...cmd.price } });
    }
  }
};

const retireProduct = (cmd: RetireProduct, state: ProductState): Decision => {
  switch (state.status) {
    case 'none':
      return reject(domainError('ProductNotFound', `product ${cmd.productId} is not in the catalogue`));
    case 'listed':
      return emit('ProductRetired', { productId: state.productId });
    case 'retired':
      return alreadyDone;
  }
};

export const decide = (command: ProductCommand, state: ProductState): Decision => {
  switch (command.type) {
    case 'ListProduct':
      return listProduct(command.data, state);
    case 'RepriceProduct':
      return repriceProduct(command.data, state);
    case 'RetireProduct':
      return retireProduct(command.data, state);
  }
};

export const productDecider: Decider<ProductCommand, ProductState> = { initialState, evolve, decide };
