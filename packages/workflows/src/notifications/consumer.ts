import * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope, parseStreamId, type EventEnvelope } from '@strata/events';
import type { WriteModel } from '@strata/write-model';
import { describeForCustomer, type Notifier } from './port.js';

/**
 * The "Custom Notification" consumer. It reads the change feed, as the projections do — the
 * table's stream on AWS (the notification Lambda), the feed through `Workflows.publish` locally —
 * so notifications cost no bus events. Each committed event the customer hears about becomes one
 * notification whose id is the event id: the notifier sends once per id, so re-deliveries of the
 * feed are harmless.
 */
export interface NotificationDeps {
  readonly notifier: Notifier;
  /** The order's customer (events after OrderPlaced do not carry it); `undefined` when the order is unknown. */
  readonly customerOf: (orderId: string) => Promise<string | undefined>;
}

export type NotifyOutcome = 'sent' | 'already-sent' | 'not-notified';

/** Notifies the customer about one committed event; events customers do not hear about are ignored. */
export const createNotificationConsumer =
  (deps: NotificationDeps) =>
  async (envelope: EventEnvelope): Promise<NotifyOutcome> => {
    const decoded = decodeEnvelope(envelope);
    if (E.isLeft(decoded)) throw new Error(`undecodable event ${envelope.eventId}: ${decoded.left.message}`);
    const text = describeForCustomer(decoded.right);
    if (text === undefined) return 'not-notified';
    const customerId = await deps.customerOf(text.orderId);
    if (customerId === undefined) throw new Error(`order ${text.orderId} of event ${envelope.eventId} not found`);
    const { sent } = await deps.notifier.send({ id: envelope.eventId, customerId, occurredAt: envelope.occurredAt, ...text });
    return sent ? 'sent' : 'already-sent';
  };

/** `customerOf` from the order's stream (one read per notification): the fallback, and the local default. */
export const customerFromWriteModel =
  (writeModel: Pick<WriteModel, 'loadOrder'>) =>
  async (orderId: string): Promise<string | undefined> => {
    const { state } = await writeModel.loadOrder(orderId);
    return state.status === 'none' ? undefined : state.customerId;
  };

/** Whether an event can lead to a notification at all (a cheap pre-filter on the feed). */
export const mayNotify = (envelope: EventEnvelope): boolean =>
  ['OrderConfirmed', 'PaymentDeclined', 'OrderShipped', 'OrderDelivered', 'OrderCancelled'].includes(envelope.type);

/**
 * Runs `consume` over a batch of the feed: the events of one stream in order, different streams
 * concurrently (at most `concurrency` at once). Returns the index of the first event that failed
 * in feed order (`undefined` when all succeeded): a stream consumer resumes from there, and what
 * it sends again is deduplicated by the notifier.
 */
export const notifyBatch = async (
  envelopes: readonly EventEnvelope[],
  consume: (envelope: EventEnvelope) => Promise<unknown>,
  options: { readonly concurrency?: number; readonly onError?: (envelope: EventEnvelope, error: unknown) => void } = {},
): Promise<number | undefined> => {
  const byStream = new Map<string, number[]>();
  envelopes.forEach((e, i) => {
    if (!mayNotify(e)) return;
    const key = parseStreamId(e.streamId)?.id ?? e.streamId;
    byStream.set(key, [...(byStream.get(key) ?? []), i]);
  });
  const queues = [...byStream.values()];
  let firstFailed: number | undefined;
  const worker = async () => {
    for (let queue = queues.shift(); queue !== undefined; queue = queues.shift()) {
      for (const i of queue) {
        try {
          await consume(envelopes[i]!);
        } catch (error) {
          options.onError?.(envelopes[i]!, error);
          firstFailed = firstFailed === undefined ? i : Math.min(firstFailed, i);
          break; // the rest of this stream waits for the retry, in order
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  return firstFailed;
};

/**
 * A page of the change feed notified with retries: what failed is tried again (from the first
 * failure, in stream order) with a doubling pause, `attempts` times in all; what still fails is
 * reported to `onDead` and the page moves on (a notification is never worth stopping the feed).
 */
export const notifyWithRetries = async (
  envelopes: readonly EventEnvelope[],
  consume: (envelope: EventEnvelope) => Promise<unknown>,
  options: { readonly attempts?: number; readonly backoffMs?: number; readonly onDead?: (envelope: EventEnvelope, error: unknown) => void } = {},
): Promise<void> => {
  const attempts = options.attempts ?? 5;
  let pending = envelopes;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const failed = await notifyBatch(pending, consume, { onError: (e, err) => (attempt >= attempts ? options.onDead?.(e, err) : undefined) });
    if (failed === undefined || attempt >= attempts) return;
    await new Promise((r) => setTimeout(r, (options.backoffMs ?? 50) * 2 ** (attempt - 1)));
    pending = pending.slice(failed);
  }
};
