import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Currency, DomainEvent } from '@strata/events';
import { checkCommandSequence } from '../testing/deciderProperties.js';
import { money } from '../testing/fixtures.js';
import { productDecider, type ProductCommand, type ProductState } from './product.decider.js';

const currency = fc.constantFrom<Currency>('USD', 'EUR', 'JPY');
const amount = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 1, max: 10_000_000 }), fc.constant(10 ** 13));
const price = fc.record({ amount, currency }).map((p) => money(p.amount, p.currency));
const command: fc.Arbitrary<ProductCommand> = fc.oneof(
  fc.record({ name: fc.constantFrom('Fresh Product', 'Another Item', ''), description: fc.constantFrom('', 'good'), price }).map((d) => ({
    type: 'ListProduct' as const,
    data: { productId: 'P1', ...d },
  })),
  price.map((p) => ({ type: 'RepriceProduct' as const, data: { productId: 'P1', price: p } })),
  fc.constant({ type: 'RetireProduct' as const, data: { productId: 'P1' } }),
);

/** The invariants every history keeps: listed first, positive prices, one currency, nothing after retirement. */
const invariant = (state: ProductState, history: readonly DomainEvent[]): void => {
  const [first, ...rest] = history;
  if (first === undefined) return expect(state.status).toBe('none');
  expect(first.type).toBe('ProductListed');
  const currencies = new Set<string>();
  for (const [i, e] of history.entries()) {
    if (e.type === 'ProductListed' || e.type === 'ProductRepriced') {
      expect(e.data.price.amount).toBeGreaterThan(0);
      currencies.add(e.data.price.currency);
    }
    // Retired is final: no event follows it.
    if (e.type === 'ProductRetired') expect(i).toBe(history.length - 1);
  }
  expect(currencies.size).toBe(1);
  expect(rest.every((e) => e.type !== 'ProductListed')).toBe(true);
  expect(state.status).toBe(history.at(-1)?.type === 'ProductRetired' ? 'retired' : 'listed');
};

describe('product decider properties', () => {
  it('any command sequence: prices positive, currency fixed, retired is final; replay rebuilds the state; decide is idempotent', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 25 }), (commands) => {
        checkCommandSequence(productDecider, commands, { invariant });
      }),
      { numRuns: 400 },
    );
  });

  it('a retired product refuses every reprice', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 15 }), price, (commands, p) => {
        const state = commands.reduce<ProductState>((s, c) => {
          const d = productDecider.decide(c, s);
          return d._tag === 'Right' ? d.right.reduce(productDecider.evolve, s) : s;
        }, productDecider.initialState());
        fc.pre(state.status === 'retired');
        const d = productDecider.decide({ type: 'RepriceProduct', data: { productId: 'P1', price: p } }, state);
        expect(d._tag === 'Left' ? d.left._tag : 'accepted').toBe('ProductRetired');
      }),
      { numRuns: 200 },
    );
  });
});
