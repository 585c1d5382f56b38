import { expect } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { currentCodecs, type DomainEvent } from '@strata/events';
import { fold, type Decider } from '../decider.js';
import type { DomainErrorTag } from '../errors.js';

/**
 * Given/when/then for deciders. Every `then*` asserts synchronously and returns nothing, so there
 * is no promise or builder left over whose expectation could be forgotten; `when` alone asserts
 * nothing and `expect.hasAssertions()` fails such a test. Name a spec `expect<Aggregate>`
 * (`const expectOrder = deciderSpec(orderDecider)`) so the lint's expect-expect rule sees the assertion.
 */
export const deciderSpec = <C, S>(decider: Decider<C, S>) => ({
  given: (history: readonly DomainEvent[]) => ({
    when: (command: C) => {
      const state = fold(decider, history);
      const result = decider.decide(command, state);
      return {
        /** Exactly these events, each a valid payload of its current codec. */
        then: (expected: readonly DomainEvent[]): void => {
          expect(result).toEqual(E.right(expected));
          for (const event of expected) expect(currentCodecs[event.type].is(event.data)).toBe(true);
        },
        /** The decision is idempotent here: nothing to append. */
        thenNothing: (): void => {
          expect(result).toEqual(E.right([]));
        },
        /** Rejected with this tag (and, when given, this field). */
        thenRejects: (tag: DomainErrorTag, field?: string): void => {
          expect(E.isLeft(result) ? result.left._tag : 'accepted').toBe(tag);
          if (field !== undefined) expect(E.isLeft(result) ? result.left.field : undefined).toBe(field);
        },
        /** The state after applying the decided events. */
        thenState: (expected: S): void => {
          expect(E.isRight(result)).toBe(true);
          expect(E.isRight(result) ? result.right.reduce(decider.evolve, state) : undefined).toEqual(expected);
        },
      };
    },
  }),
});
