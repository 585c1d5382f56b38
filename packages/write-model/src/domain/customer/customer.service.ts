import { customerStream } from '@strata/events';
import type { CommandContext, CommandHandler, CommandResult } from '../commandHandler.js';
import { customerDecider, type RegisterCustomer } from './customer.decider.js';

export interface CustomerService {
  registerCustomer(cmd: RegisterCustomer, ctx: CommandContext): Promise<CommandResult>;
}

export const createCustomerService = (handle: CommandHandler): CustomerService => ({
  registerCustomer: (data, ctx) =>
    handle(customerDecider, { streamId: customerStream(data.customerId), command: { type: 'RegisterCustomer', data }, createsStream: true }, ctx),
});
