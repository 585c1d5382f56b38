import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { DomainEvent } from '@strata/events';
import { checkCommandSequence } from '../testing/deciderProperties.js';
import { customerDecider, type CustomerCommand, type CustomerState } from './customer.decider.js';

const command: fc.Arbitrary<CustomerCommand> = fc
  .record({
    email: fc.oneof(fc.constantFrom('ada@example.com', 'bob@example.org', 'not-an-email', 'a@b'), fc.emailAddress(), fc.string({ maxLength: 20 })),
    firstName: fc.constantFrom('Ada', 'Bob', 'x'.repeat(101)),
    lastName: fc.constantFrom('Lovelace', ''),
    phoneNumber: fc.constantFrom('+1 555 0100', ''),
  })
  .map((d) => ({ type: 'RegisterCustomer' as const, data: { customerId: 'c-1', ...d } }));

const invariant = (state: CustomerState, history: readonly DomainEvent[]): void => {
  expect(history.length).toBeLessThanOrEqual(1);
  if (state.status === 'registered') {
    expect(state.email).toMatch(/^[^\s@]+@[^\s@]+\.[^\s@]+$/);
    expect(state.firstName.length).toBeLessThanOrEqual(100);
  }
};

describe('customer decider properties', () => {
  it('registers at most once with a well-formed email, replays to the same state, and decides idempotently', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 10 }), (commands) => {
        checkCommandSequence(customerDecider, commands, { invariant });
      }),
      { numRuns: 300 },
    );
  });
});
