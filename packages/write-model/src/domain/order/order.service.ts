import { orderStream, type EventStore } from '@strata/events';
import { NEW_STREAM, loadStream, type CommandContext, type CommandHandler, type CommandResult, type LoadedStream } from '../commandHandler.js';
import {
  orderDecider,
  type CancelOrder,
  type ConfirmOrder,
  type DeliverOrder,
  type OrderState,
  type PlaceOrder,
  type ShipOrder,
} from './order.decider.js';

/** What a command may start from instead of reading its stream (see `NEW_STREAM` in the command handler). */
export interface OrderCommandOptions {
  /** The order's stream as the caller just loaded it (`loadOrder`). */
  readonly loaded?: LoadedStream<OrderState>;
}

export interface OrderService {
  /** The order id is new (the API makes it up): the command is decided without reading the stream first. */
  placeOrder(cmd: PlaceOrder, ctx: CommandContext): Promise<CommandResult>;
  confirmOrder(cmd: ConfirmOrder, ctx: CommandContext, options?: OrderCommandOptions): Promise<CommandResult>;
  cancelOrder(cmd: CancelOrder, ctx: CommandContext, options?: OrderCommandOptions): Promise<CommandResult>;
  shipOrder(cmd: ShipOrder, ctx: CommandContext, options?: OrderCommandOptions): Promise<CommandResult>;
  deliverOrder(cmd: DeliverOrder, ctx: CommandContext, options?: OrderCommandOptions): Promise<CommandResult>;
  /** Current state folded from the stream (version 0 = does not exist), with the envelopes it was folded from. */
  loadOrder(orderId: string): Promise<LoadedStream<OrderState>>;
}

export const createOrderService = (eventStore: EventStore, handle: CommandHandler): OrderService => ({
  // A retried PlaceOrder (same command id) or a reused order id loses the conditional append; the
  // handler then reads the stream and answers the duplicate or the conflict as usual.
  placeOrder: (data, ctx) => handle(orderDecider, { streamId: orderStream(data.orderId), command: { type: 'PlaceOrder', data } }, ctx, NEW_STREAM),
  confirmOrder: (data, ctx, o) => handle(orderDecider, { streamId: orderStream(data.orderId), command: { type: 'ConfirmOrder', data } }, ctx, o?.loaded),
  cancelOrder: (data, ctx, o) => handle(orderDecider, { streamId: orderStream(data.orderId), command: { type: 'CancelOrder', data } }, ctx, o?.loaded),
  shipOrder: (data, ctx, o) => handle(orderDecider, { streamId: orderStream(data.orderId), command: { type: 'ShipOrder', data } }, ctx, o?.loaded),
  deliverOrder: (data, ctx, o) => handle(orderDecider, { streamId: orderStream(data.orderId), command: { type: 'DeliverOrder', data } }, ctx, o?.loaded),
  loadOrder: (orderId) => loadStream(eventStore, orderDecider, orderStream(orderId)),
});
