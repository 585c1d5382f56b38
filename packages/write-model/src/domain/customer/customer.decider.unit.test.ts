import { describe, it } from '@jest/globals';
import { deciderSpec } from '../testing/deciderSpec.js';
import { ev } from '../testing/fixtures.js';
import { customerDecider, type CustomerCommand, type RegisterCustomer } from './customer.decider.js';

const expectCustomer = deciderSpec(customerDecider);
const data: RegisterCustomer = { customerId: 'c-1', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', phoneNumber: '+44 20 1234' };
const register = (patch: Partial<RegisterCustomer> = {}): CustomerCommand => ({ type: 'RegisterCustomer', data: { ...data, ...patch } });

describe('customer decider', () => {
  it('registers once; the same registration again is a retry', () => {
    expectCustomer.given([]).when(register()).then([ev('CustomerRegistered', { ...data })]);
    expectCustomer.given([ev('CustomerRegistered', { ...data })]).when(register()).thenNothing();
    expectCustomer.given([ev('CustomerRegistered', { ...data })]).when(register({ firstName: 'Augusta' })).thenRejects('CustomerAlreadyRegistered');
  });

  it.each(['', 'ada', 'ada@', '@example.com', 'ada@example', 'a da@example.com', 'ada@@example.com'])('refuses the email %j', (email) => {
    expectCustomer.given([]).when(register({ email })).thenRejects('InvalidCommand', 'email');
  });

  it('refuses names longer than the catalogue allows', () => {
    expectCustomer.given([]).when(register({ lastName: 'x'.repeat(101) })).thenRejects('InvalidCommand', 'lastName');
  });
});
