import * as E from 'fp-ts/lib/Either.js';
import { fingerprint, type DomainEvent, type EventData } from '@strata/events';
import { alreadyDone, newEvent, reject, type Decider } from '../decider.js';
import { domainError, type DomainError } from '../errors.js';

export interface RegisterCustomer {
  readonly customerId: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly phoneNumber: string;
}

export type CustomerCommand = { readonly type: 'RegisterCustomer'; readonly data: RegisterCustomer };

export type CustomerState = { readonly status: 'none' } | ({ readonly status: 'registered' } & EventData<'CustomerRegistered'>);

/** A shape check, not a deliverability check: one `@`, no spaces, a dot in the domain. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export const initialState = (): CustomerState => ({ status: 'none' });

export const evolve = (state: CustomerState, event: DomainEvent): CustomerState =>
  event.type === 'CustomerRegistered' && state.status === 'none' ? { status: 'registered', ...event.data } : state;

const registerCustomer = (cmd: RegisterCustomer, state: CustomerState): E.Either<DomainError, readonly DomainEvent[]> => {
  if (!EMAIL.test(cmd.email)) return reject(domainError('InvalidCommand', 'email is not an email address', 'email'));
  const registered = newEvent('CustomerRegistered', {
    customerId: cmd.customerId,
    email: cmd.email,
    firstName: cmd.firstName,
    lastName: cmd.lastName,
    phoneNumber: cmd.phoneNumber,
  });
  if (E.isLeft(registered)) return registered;
  if (state.status === 'none') return E.right([registered.right]);
  const { status: _status, ...current } = state;
  return fingerprint(current) === fingerprint(registered.right.data)
    ? alreadyDone
    : reject(domainError('CustomerAlreadyRegistered', `customer ${cmd.customerId} is already registered`));
};

export const decide = (command: CustomerCommand, state: CustomerState): E.Either<DomainError, readonly DomainEvent[]> => {
  switch (command.type) {
    case 'RegisterCustomer':
      return registerCustomer(command.data, state);
  }
};

export const customerDecider: Decider<CustomerCommand, CustomerState> = { initialState, evolve, decide };
