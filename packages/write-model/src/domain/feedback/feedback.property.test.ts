import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { DomainEvent } from '@strata/events';
import { checkCommandSequence } from '../testing/deciderProperties.js';
import { feedbackDecider, type FeedbackCommand, type FeedbackState } from './feedback.decider.js';

const command: fc.Arbitrary<FeedbackCommand> = fc
  .record({
    feedbackId: fc.constantFrom('f-1', 'f-2'),
    customerId: fc.constantFrom('c-1', 'c-2'),
    rating: fc.integer({ min: -1, max: 7 }),
    comment: fc.oneof(fc.constantFrom('Great', ''), fc.integer({ min: 1990, max: 2010 }).map((n) => 'x'.repeat(n))),
    category: fc.oneof(fc.constantFrom('delivery', ''), fc.integer({ min: 95, max: 105 }).map((n) => 'c'.repeat(n))),
    status: fc.constantFrom('none' as const, 'placed' as const, 'delivered' as const, 'cancelled' as const),
    owner: fc.constantFrom('c-1', 'c-2'),
  })
  .map(({ status, owner, ...d }) => ({
    type: 'SubmitFeedback' as const,
    data: { orderId: 'o-1', ...d },
    order: status === 'none' ? { status, customerId: null } : { status, customerId: owner },
  }));

const invariant = (state: FeedbackState, history: readonly DomainEvent[]): void => {
  expect(history.length).toBeLessThanOrEqual(1);
  if (state.status === 'submitted') {
    expect(Number.isInteger(state.rating) && state.rating >= 1 && state.rating <= 5).toBe(true);
    expect(state.comment.length).toBeLessThanOrEqual(2000);
    expect(state.category.length).toBeLessThanOrEqual(100);
  }
};

describe('feedback decider properties', () => {
  it('accepts feedback only from the order owner, once per order; replays and decides idempotently', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 10 }), (commands) => {
        checkCommandSequence(feedbackDecider, commands, {
          invariant,
          accepted: (cmd, events) => {
            if (events.length > 0) expect([cmd.order.status !== 'none', cmd.order.customerId]).toEqual([true, cmd.data.customerId]);
          },
        });
      }),
      { numRuns: 300 },
    );
  });
});
