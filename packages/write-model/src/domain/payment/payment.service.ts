import { paymentStream, type EventStore } from '@strata/events';
import { loadStream, type CommandContext, type CommandHandler, type CommandResult } from '../commandHandler.js';
import {
  paymentDecider,
  type AuthorizePayment,
  type CapturePayment,
  type DeclinePayment,
  type PaymentState,
  type RefundPayment,
  type RequestPayment,
  type VoidPayment,
} from './payment.decider.js';

export interface PaymentService {
  requestPayment(cmd: RequestPayment, ctx: CommandContext): Promise<CommandResult>;
  authorizePayment(cmd: AuthorizePayment, ctx: CommandContext): Promise<CommandResult>;
  declinePayment(cmd: DeclinePayment, ctx: CommandContext): Promise<CommandResult>;
  capturePayment(cmd: CapturePayment, ctx: CommandContext): Promise<CommandResult>;
  voidPayment(cmd: VoidPayment, ctx: CommandContext): Promise<CommandResult>;
  refundPayment(cmd: RefundPayment, ctx: CommandContext): Promise<CommandResult>;
  /** Current state folded from the stream (version 0 = does not exist). */
  loadPayment(paymentId: string): Promise<{ state: PaymentState; version: number }>;
}

export const createPaymentService = (eventStore: EventStore, handle: CommandHandler): PaymentService => ({
  requestPayment: (data, ctx) => handle(paymentDecider, { streamId: paymentStream(data.paymentId), command: { type: 'RequestPayment', data }, createsStream: true }, ctx),
  authorizePayment: (data, ctx) => handle(paymentDecider, { streamId: paymentStream(data.paymentId), command: { type: 'AuthorizePayment', data } }, ctx),
  declinePayment: (data, ctx) => handle(paymentDecider, { streamId: paymentStream(data.paymentId), command: { type: 'DeclinePayment', data } }, ctx),
  capturePayment: (data, ctx) => handle(paymentDecider, { streamId: paymentStream(data.paymentId), command: { type: 'CapturePayment', data } }, ctx),
  voidPayment: (data, ctx) => handle(paymentDecider, { streamId: paymentStream(data.paymentId), command: { type: 'VoidPayment', data } }, ctx),
  refundPayment: (data, ctx) => handle(paymentDecider, { streamId: paymentStream(data.paymentId), command: { type: 'RefundPayment', data } }, ctx),
  loadPayment: async (paymentId) => {
    const { state, version } = await loadStream(eventStore, paymentDecider, paymentStream(paymentId));
    return { state, version };
  },
});
