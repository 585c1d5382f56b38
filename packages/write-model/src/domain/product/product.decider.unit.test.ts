import { describe, it } from '@jest/globals';
import { deciderSpec } from '../testing/deciderSpec.js';
import { ev, money } from '../testing/fixtures.js';
import { productDecider, type ListProduct, type ProductCommand } from './product.decider.js';

const expectProduct = deciderSpec(productDecider);
const listing: ListProduct = { productId: 'NEWPROD001', name: 'Fresh Product', description: 'Picked this morning', price: money(2500, 'USD') };
const list = (patch: Partial<ListProduct> = {}): ProductCommand => ({ type: 'ListProduct', data: { ...listing, ...patch } });
const reprice = (amount: number, currency: 'USD' | 'EUR' = 'USD'): ProductCommand => ({ type: 'RepriceProduct', data: { productId: 'NEWPROD001', price: money(amount, currency) } });
const retire: ProductCommand = { type: 'RetireProduct', data: { productId: 'NEWPROD001' } };
const listed = ev('ProductListed', { ...listing });
const repriced = (amount: number) => ev('ProductRepriced', { productId: 'NEWPROD001', price: { amount, currency: 'USD' } });
const retired = ev('ProductRetired', { productId: 'NEWPROD001' });

describe('product decider', () => {
  it('lists once; the same listing again is a retry, another one a conflict', () => {
    expectProduct.given([]).when(list()).then([listed]);
    expectProduct.given([listed]).when(list()).thenNothing();
    expectProduct.given([listed]).when(list({ name: 'Stale Product' })).thenRejects('ProductAlreadyListed');
    expectProduct.given([listed, retired]).when(list()).thenRejects('ProductRetired');
  });

  it.each([0, -1, 1.5, 10 ** 13])('refuses the price %p: prices are positive integers of minor units', (amount) => {
    expectProduct.given([]).when(list({ price: money(amount) })).thenRejects('InvalidCommand', 'price');
    expectProduct.given([listed]).when(reprice(amount)).thenRejects('InvalidCommand', 'price');
  });

  it('reprices in the same currency; the same price again is nothing to do', () => {
    expectProduct.given([listed]).when(reprice(2700)).then([repriced(2700)]);
    expectProduct.given([listed, repriced(2700)]).when(reprice(2700)).thenNothing();
    expectProduct.given([listed]).when(reprice(2500)).thenNothing();
    expectProduct.given([listed]).when(reprice(2700, 'EUR')).thenRejects('CurrencyMismatch', 'currency');
    expectProduct.given([listed, repriced(2700)]).when(reprice(2600)).thenState({ status: 'listed', ...listing, price: money(2600, 'USD') });
  });

  it('a retired product cannot be repriced; retiring twice is a retry', () => {
    expectProduct.given([listed]).when(retire).then([retired]);
    expectProduct.given([listed, retired]).when(reprice(2700)).thenRejects('ProductRetired');
    expectProduct.given([listed, retired]).when(retire).thenNothing();
  });

  it('an unknown product cannot be repriced or retired', () => {
    expectProduct.given([]).when(reprice(2700)).thenRejects('ProductNotFound');
    expectProduct.given([]).when(retire).thenRejects('ProductNotFound');
  });
});
