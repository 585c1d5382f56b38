import { describe, it } from '@jest/globals';
import type { MinorUnits } from '@strata/events';
import { deciderSpec } from '../testing/deciderSpec.js';
import { ev, orderPlaced, placeOrderCmd } from '../testing/fixtures.js';
import { orderDecider, type OrderCommand } from './order.decider.js';

const expectOrder = deciderSpec(orderDecider);
const placed = orderPlaced();
const confirmed = ev('OrderConfirmed', { orderId: 'o-1', paymentId: 'o-1' });
const shipped = ev('OrderShipped', { orderId: 'o-1', carrier: 'UPS', trackingNumber: '1Z' });
const cancelled = ev('OrderCancelled', { orderId: 'o-1', reason: 'changed my mind' });
const place = (data = placeOrderCmd): OrderCommand => ({ type: 'PlaceOrder', data });
const confirm = (paymentId = 'o-1'): OrderCommand => ({ type: 'ConfirmOrder', data: { orderId: 'o-1', paymentId } });
const cancel = (reason = 'changed my mind'): OrderCommand => ({ type: 'CancelOrder', data: { orderId: 'o-1', reason } });
const ship: OrderCommand = { type: 'ShipOrder', data: { orderId: 'o-1', carrier: 'UPS', trackingNumber: '1Z' } };
const deliver: OrderCommand = { type: 'DeliverOrder', data: { orderId: 'o-1' } };

describe('order decider', () => {
  describe('PlaceOrder', () => {
    it('places an order with the total computed from the lines', () => {
      expectOrder.given([]).when(place()).then([{ ...placed, data: { ...placed.data, total: 9950 as MinorUnits } }]);
    });
    it('treats the same placement again as a retry', () => {
      expectOrder.given([placed]).when(place()).thenNothing();
    });
    it('refuses a different order under an existing id', () => {
      expectOrder.given([placed]).when(place({ ...placeOrderCmd, currency: 'EUR' })).thenRejects('OrderAlreadyExists');
    });
    it.each([
      ['no items', { items: [] }, 'items'],
      ['101 items', { items: Array.from({ length: 101 }, () => placeOrderCmd.items[0]!) }, 'items'],
      ['a zero quantity', { items: [{ ...placeOrderCmd.items[0]!, quantity: 0 }] }, 'items[0].quantity'],
      ['a fractional quantity', { items: [placeOrderCmd.items[0]!, { ...placeOrderCmd.items[0]!, quantity: 1.5 }] }, 'items[1].quantity'],
      ['a negative price', { items: [{ ...placeOrderCmd.items[0]!, unitPrice: -1 }] }, 'items[0].unitPrice'],
    ])('refuses %s', (_name, patch, field) => {
      expectOrder.given([]).when(place({ ...placeOrderCmd, ...patch })).thenRejects('InvalidItems', field);
    });
    it('accepts exactly 100 items and a free item', () => {
      const items = Array.from({ length: 100 }, (_, i) => ({ productId: `P${i}`, productName: 'x', quantity: 1, unitPrice: i === 0 ? 0 : 1 }));
      expectOrder.given([]).when(place({ ...placeOrderCmd, items })).thenState({ status: 'placed', ...orderPlaced({ ...placeOrderCmd, items }).data });
    });
    it('names the field of a payload the event codec refuses', () => {
      expectOrder.given([]).when(place({ ...placeOrderCmd, items: [{ ...placeOrderCmd.items[0]!, productName: ' ' }] })).thenRejects('InvalidCommand', 'items[0].productName');
    });
  });

  describe('ConfirmOrder', () => {
    it('confirms a placed order with its payment', () => {
      expectOrder.given([placed]).when(confirm()).then([confirmed]);
    });
    it('is idempotent for the same payment, also after shipping', () => {
      expectOrder.given([placed, confirmed]).when(confirm()).thenNothing();
      expectOrder.given([placed, confirmed, shipped]).when(confirm()).thenNothing();
    });
    it('refuses another payment', () => {
      expectOrder.given([placed, confirmed]).when(confirm('p-2')).thenRejects('InvalidOrderTransition');
    });
    it('refuses to confirm (pay) a cancelled order', () => {
      expectOrder.given([placed, cancelled]).when(confirm()).thenRejects('OrderAlreadyCancelled');
    });
    it('refuses an unknown order', () => {
      expectOrder.given([]).when(confirm()).thenRejects('OrderNotFound');
    });
  });

  describe('CancelOrder', () => {
    it('cancels a placed or confirmed order, keeping the payment to refund', () => {
      expectOrder.given([placed]).when(cancel()).then([cancelled]);
      expectOrder.given([placed, confirmed]).when(cancel()).thenState({ status: 'cancelled', ...placed.data, reason: 'changed my mind', paymentId: 'o-1' });
    });
    it('is idempotent for the same reason and refuses another one', () => {
      expectOrder.given([placed, cancelled]).when(cancel()).thenNothing();
      expectOrder.given([placed, cancelled]).when(cancel('other')).thenRejects('OrderAlreadyCancelled');
    });
    it('refuses once shipped', () => {
      expectOrder.given([placed, confirmed, shipped]).when(cancel()).thenRejects('InvalidOrderTransition');
    });
  });

  describe('ShipOrder and DeliverOrder', () => {
    it('ships only a confirmed (paid) order', () => {
      expectOrder.given([placed]).when(ship).thenRejects('InvalidOrderTransition');
      expectOrder.given([placed, confirmed]).when(ship).then([shipped]);
      expectOrder.given([placed, cancelled]).when(ship).thenRejects('OrderAlreadyCancelled');
    });
    it('records a missing carrier as null', () => {
      expectOrder.given([placed, confirmed]).when({ type: 'ShipOrder', data: { orderId: 'o-1' } }).then([ev('OrderShipped', { orderId: 'o-1', carrier: null, trackingNumber: null })]);
    });
    it('is idempotent for the same shipment', () => {
      expectOrder.given([placed, confirmed, shipped]).when(ship).thenNothing();
      expectOrder.given([placed, confirmed, shipped]).when({ type: 'ShipOrder', data: { orderId: 'o-1', carrier: 'DHL' } }).thenRejects('InvalidOrderTransition');
    });
    it('delivers only after shipping', () => {
      expectOrder.given([placed, confirmed]).when(deliver).thenRejects('InvalidOrderTransition');
      expectOrder.given([placed, confirmed, shipped]).when(deliver).then([ev('OrderDelivered', { orderId: 'o-1' })]);
      expectOrder.given([placed, confirmed, shipped, ev('OrderDelivered', { orderId: 'o-1' })]).when(deliver).thenNothing();
    });
  });

  it('ignores events of other aggregates and impossible transitions', () => {
    expectOrder.given([placed, ev('PaymentVoided', { paymentId: 'x', orderId: 'o-1', reason: 'r' }), shipped]).when(confirm()).then([confirmed]);
  });
});
