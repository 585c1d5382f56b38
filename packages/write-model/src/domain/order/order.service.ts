import { orderStream, type EventStore } from '@strata/events';
import { loadStream, type CommandContext, type CommandHandler, type CommandResult } from '../commandHandler.js';
import {
  orderDecider,
  type CancelOrder,
  type ConfirmOrder,
  type DeliverOrder,
  type OrderState,
  type PlaceOrder,
  type ShipOrder,
} from './order.decider.js';

export interface OrderService {
  placeOrder(cmd: PlaceOrder, ctx: CommandContext): Promise<CommandResult>;
  confirmOrder(cmd: ConfirmOrder, ctx: CommandContext): Promise<CommandResult>;
  cancelOrder(cmd: CancelOrder, ctx: CommandContext): Promise<CommandResult>;
  shipOrder(cmd: ShipOrder, ctx: CommandContext): Promise<CommandResult>;
  deliverOrder(cmd: DeliverOrder, ctx: CommandContext): Promise<CommandResult>;
  /** Current state folded from the stream (version 0 = does not exist). */
  loadOrder(orderId: string): Promise<{ state: OrderState; version: number }>;
}

export const createOrderService = (eventStore: EventStore, handle: CommandHandler): OrderService => ({
  placeOrder: (data, ctx) => handle(orderDecider, { streamId: orderStream(data.orderId), command: { type: 'PlaceOrder', data }, createsStream: true }, ctx),
  confirmOrder: (data, ctx) => handle(orderDecider, { streamId: orderStream(data.orderId), command: { type: 'ConfirmOrder', data } }, ctx),
  cancelOrder: (data, ctx) => handle(orderDecider, { streamId: orderStream(data.orderId), command: { type: 'CancelOrder', data } }, ctx),
  shipOrder: (data, ctx) => handle(orderDecider, { streamId: orderStream(data.orderId), command: { type: 'ShipOrder', data } }, ctx),
  deliverOrder: (data, ctx) => handle(orderDecider, { streamId: orderStream(data.orderId), command: { type: 'DeliverOrder', data } }, ctx),
  loadOrder: async (orderId) => {
    const { state, version } = await loadStream(eventStore, orderDecider, orderStream(orderId));
    return { state, version };
  },
});
