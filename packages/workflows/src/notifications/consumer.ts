import * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope } from '@strata/events';
import type { WriteModel } from '@strata/write-model';
import type { BusHandler } from '../routing/localBus.js';
import { describeForCustomer, type Notifier } from './port.js';

/**
 * The `CustomerNotifications` target: turns routed events into notifications. The recipient is
 * the order's customer (events after OrderPlaced do not carry it). Re-deliveries are harmless:
 * the notifier sends once per event id.
 */
export const createNotificationConsumer = (deps: { readonly notifier: Notifier; readonly writeModel: Pick<WriteModel, 'loadOrder'> }): BusHandler =>
  async (event) => {
    const decoded = decodeEnvelope(event.detail);
    if (E.isLeft(decoded)) throw new Error(`undecodable event ${event.detail.eventId}: ${decoded.left.message}`);
    const text = describeForCustomer(decoded.right);
    if (text === undefined) return;
    const order = (await deps.writeModel.loadOrder(text.orderId)).state;
    if (order.status === 'none') throw new Error(`order ${text.orderId} of event ${event.detail.eventId} not found`);
    await deps.notifier.send({ id: event.detail.eventId, customerId: order.customerId, occurredAt: event.detail.occurredAt, ...text });
  };
