import { paymentStream, type EventStore } from '@strata/events';
import { loadStream, type CommandContext, type CommandHandler, type CommandResult, type LoadedStream } from '../commandHandler.js';
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

/** What a command may start from instead of reading its stream. */
export interface PaymentCommandOptions {
  /** The payment's stream as the caller just loaded it (`loadPayment`): one read less. */
  readonly loaded?: LoadedStream<PaymentState>;
}

export interface PaymentService {
  requestPayment(cmd: RequestPayment, ctx: CommandContext, options?: PaymentCommandOptions): Promise<CommandResult>;
  authorizePayment(cmd: AuthorizePayment, ctx: CommandContext, options?: PaymentCommandOptions): Promise<CommandResult>;
  declinePayment(cmd: DeclinePayment, ctx: CommandContext, options?: PaymentCommandOptions): Promise<CommandResult>;
  capturePayment(cmd: CapturePayment, ctx: CommandContext, options?: PaymentCommandOptions): Promise<CommandResult>;
  voidPayment(cmd: VoidPayment, ctx: CommandContext, options?: PaymentCommandOptions): Promise<CommandResult>;
  refundPayment(cmd: RefundPayment, ctx: CommandContext, options?: PaymentCommandOptions): Promise<CommandResult>;
  /** Current state folded from the stream (version 0 = does not exist), with the envelopes it was folded from. */
  loadPayment(paymentId: string): Promise<LoadedStream<PaymentState>>;
}

export const createPaymentService = (eventStore: EventStore, handle: CommandHandler): PaymentService => ({
  requestPayment: (data, ctx, o) => handle(paymentDecider, { streamId: paymentStream(data.paymentId), command: { type: 'RequestPayment', data } }, ctx, o?.loaded),
  authorizePayment: (data, ctx, o) => handle(paymentDecider, { streamId: paymentStream(data.paymentId), command: { type: 'AuthorizePayment', data } }, ctx, o?.loaded),
  declinePayment: (data, ctx, o) => handle(paymentDecider, { streamId: paymentStream(data.paymentId), command: { type: 'DeclinePayment', data } }, ctx, o?.loaded),
  capturePayment: (data, ctx, o) => handle(paymentDecider, { streamId: paymentStream(data.paymentId), command: { type: 'CapturePayment', data } }, ctx, o?.loaded),
  voidPayment: (data, ctx, o) => handle(paymentDecider, { streamId: paymentStream(data.paymentId), command: { type: 'VoidPayment', data } }, ctx, o?.loaded),
  refundPayment: (data, ctx, o) => handle(paymentDecider, { streamId: paymentStream(data.paymentId), command: { type: 'RefundPayment', data } }, ctx, o?.loaded),
  loadPayment: (paymentId) => loadStream(eventStore, paymentDecider, paymentStream(paymentId)),
});
