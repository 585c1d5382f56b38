import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { currentCodecs, describeErrors, type DomainEvent, type EventOf, type EventType } from '@strata/events';
import { domainError, type DomainError, type InvalidCommand } from './errors.js';

/**
 * An aggregate as three pure functions (Emmett / Dudycz "decider"). `evolve` sees every domain
 * event type and is total: events it has no transition for leave the state unchanged.
 */
export interface Decider<Command, State> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: DomainEvent) => State;
  readonly decide: (command: Command, state: State) => E.Either<DomainError, readonly DomainEvent[]>;
}

export const fold = <State>(decider: Pick<Decider<unknown, State>, 'initialState' | 'evolve'>, events: readonly DomainEvent[]): State =>
  events.reduce(decider.evolve, decider.initialState());

/** io-ts context path → the input field as the edge names it: `items[3].quantity`. */
const fieldOf = (errors: t.Errors): string | undefined => {
  const keys = (errors[0]?.context ?? []).map((c) => c.key).filter((k) => k !== '');
  if (keys.length === 0) return undefined;
  return keys.reduce((path, k) => (/^\d+$/.test(k) ? `${path}[${k}]` : path === '' ? k : `${path}.${k}`), '');
};

/**
 * Builds an event through its current codec, so a decider can never emit a payload the store
 * could not decode again (text lengths, ratings, currencies, minor units are all checked here).
 */
export const newEvent = <K extends EventType>(type: K, data: Readonly<Record<string, unknown>>): E.Either<InvalidCommand, EventOf<K>> => {
  const decoded = (currentCodecs[type] as t.Mixed).decode(data);
  return E.isLeft(decoded)
    ? E.left(domainError('InvalidCommand', describeErrors(decoded.left), fieldOf(decoded.left)))
    : E.right({ type, data: decoded.right } as EventOf<K>);
};

/** One event, or a rejection. */
export const emit = <K extends EventType>(type: K, data: Readonly<Record<string, unknown>>): E.Either<DomainError, readonly DomainEvent[]> =>
  E.map((ev: EventOf<K>): readonly DomainEvent[] => [ev])(newEvent(type, data));

/** The decision when the command's effect is already in the state: nothing to append. */
export const alreadyDone: E.Either<DomainError, readonly DomainEvent[]> = E.right([]);

export const reject = (error: DomainError): E.Either<DomainError, readonly DomainEvent[]> => E.left(error);
