import { customerStream } from '@strata/events';
import { NEW_STREAM, type CommandContext, type CommandHandler, type CommandResult } from '../commandHandler.js';
import { customerDecider, type RegisterCustomer } from './customer.decider.js';

export interface CustomerService {
  registerCustomer(cmd: RegisterCustomer, ctx: CommandContext): Promise<CommandResult>;
}

export const createCustomerService = (handle: CommandHandler): CustomerService => ({
  // The identity provider has just made the subject up: no read before the put.
  registerCustomer: (data, ctx) => handle(customerDecider, { streamId: customerStream(data.customerId), command: { type: 'RegisterCustomer', data } }, ctx, NEW_STREAM),
});
