import { expect } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { CURRENT_SCHEMA_VERSION, decodePayload, type DomainEvent } from '@strata/events';
import { fold, type Decider } from '../decider.js';

export interface SequenceChecks<C, S> {
  /** Must hold after every command, accepted or not. */
  readonly invariant: (state: S, history: readonly DomainEvent[]) => void;
  /** Called for every accepted command with the state it was decided on. */
  readonly accepted?: (command: C, events: readonly DomainEvent[], before: S) => void;
  /**
   * Commands additive by nature (a refund): deciding them again may emit again; their retries
   * are made safe by the command id instead.
   */
  readonly additive?: (command: C) => boolean;
}

/** What a stored event turns back into: JSON, then the catalogue's decoder (with upcasters). */
const roundTrip = (event: DomainEvent): DomainEvent => {
  const decoded = decodePayload(event.type, CURRENT_SCHEMA_VERSION[event.type], JSON.parse(JSON.stringify(event.data)));
  if (E.isLeft(decoded)) throw new Error(`a decided ${event.type} does not decode: ${decoded.left.message}`);
  return decoded.right;
};

/**
 * Runs a command sequence through a decider and checks, at every step: the invariant; that a
 * decided event survives storage; that deciding the same command again on the new state yields
 * no events (idempotency); and at the end that replaying the stored history rebuilds the state.
 */
export const checkCommandSequence = <C, S>(decider: Decider<C, S>, commands: readonly C[], checks: SequenceChecks<C, S>): void => {
  let state = decider.initialState();
  const history: DomainEvent[] = [];
  for (const command of commands) {
    const decision = decider.decide(command, state);
    if (E.isRight(decision)) {
      const before = state;
      state = decision.right.reduce(decider.evolve, state);
      history.push(...decision.right.map(roundTrip));
      checks.accepted?.(command, decision.right, before);
      if (decision.right.length > 0 && !(checks.additive?.(command) ?? false)) expect(decider.decide(command, state)).toEqual(E.right([]));
    }
    checks.invariant(state, history);
  }
  expect(fold(decider, history)).toEqual(state);
};
