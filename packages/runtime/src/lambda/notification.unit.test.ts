// SNS cannot run here: a fake client records Publish; the ledger is an in-memory stand-in for
// Redis's SET NX (the Redis ledger itself runs in notifier.sns.int.test.ts). The records are real
// commits of the write model in Lambda's stream JSON.
import { describe, expect, it } from '@jest/globals';
import type { PublishCommand } from '@aws-sdk/client-sns';
import { createMemoryEventStore, createWriteModel } from '@strata/write-model';
import { createSnsNotifier, type SentLedger } from '@strata/workflows/notifications/notifier.sns';
import { createLogger } from '../logger.js';
import { createNotificationHandler } from './notification.js';
import { placedAndCancelledOrder, streamRecordsFrom } from './testkit.js';

const memoryLedger = (): SentLedger => {
  const sent = new Set<string>();
  return { claim: async (id) => !sent.has(id) && sent.add(id) !== undefined, release: async (id) => void sent.delete(id) };
};

const fakeSns = (failFirst = 0) => {
  const calls: PublishCommand[] = [];
  let failures = failFirst;
  return {
    calls,
    client: {
      async send(command: PublishCommand) {
        if (failures-- > 0) throw new Error('throttled');
        calls.push(command);
        return {};
      },
    },
  };
};

const logger = createLogger('silent');

describe('notification Lambda entry on the table stream (SNS)', () => {
  it('tells the customer once per event, even when the stream delivers a batch twice, and again after a failed publish', async () => {
    const { records, events } = await placedAndCancelledOrder('o-note-1');
    const sns = fakeSns(1);
    const lookups: string[] = [];
    const handler = createNotificationHandler(async () => ({
      notifier: createSnsNotifier({ client: sns.client, topicArn: 'arn:aws:sns:us-east-1:1:t', ledger: memoryLedger() }),
      customerFromReadModel: async (orderId) => (lookups.push(orderId), 'c1'),
      writeModel: { loadOrder: async () => Promise.reject(new Error('the read model answered: no event store read')) },
      logger,
    }));
    // The publish fails: Lambda is told to retry from the cancellation's record.
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }] });
    expect(await handler({ Records: records.slice(1) })).toEqual({ batchItemFailures: [] });
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] }); // redelivered
    expect(sns.calls).toHaveLength(1);
    expect(sns.calls[0]!.input).toMatchObject({
      TopicArn: 'arn:aws:sns:us-east-1:1:t',
      Subject: 'Your order was cancelled',
      MessageAttributes: { notificationId: { DataType: 'String', StringValue: events[1]!.eventId }, customerId: { DataType: 'String', StringValue: 'c1' } },
    });
    expect(lookups.every((id) => id === 'o-note-1')).toBe(true);
  });

  it('notifies confirmation, shipping and delivery of a batch, and falls back to the order stream when the read model lags', async () => {
    const eventStore = createMemoryEventStore();
    const wm = createWriteModel({ eventStore });
    const ctx = (n: string) => ({ commandId: n, actor: { kind: 'system', id: 'test' }, correlationId: 'r', now: '2026-11-24T12:00:00.000Z' }) as const;
    for (const id of ['a', 'b']) {
      await wm.placeOrder({ orderId: id, customerId: `cust-${id}`, currency: 'EUR', items: [{ productId: 'p', productName: 'P', quantity: 1, unitPrice: 5 }], shippingAddress: { street: 's', city: 'c', zipCode: 'z', country: 'DE' } }, ctx(`p${id}`));
      await wm.confirmOrder({ orderId: id, paymentId: id }, ctx(`c${id}`));
      await wm.shipOrder({ orderId: id }, ctx(`s${id}`));
      await wm.deliverOrder({ orderId: id }, ctx(`d${id}`));
    }
    const { records } = await streamRecordsFrom(eventStore, '');
    const sns = fakeSns();
    const handler = createNotificationHandler(async () => ({
      notifier: createSnsNotifier({ client: sns.client, topicArn: 'arn:aws:sns:us-east-1:1:t', ledger: memoryLedger() }),
      customerFromReadModel: async (orderId) => (orderId === 'a' ? 'cust-a' : undefined),
      writeModel: wm,
      logger,
    }));
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    const sent = sns.calls.map((c) => `${c.input.MessageAttributes?.customerId?.StringValue}:${c.input.MessageAttributes?.kind?.StringValue}`);
    expect(sent.sort()).toEqual(['cust-a:order-confirmed', 'cust-a:order-delivered', 'cust-a:order-shipped', 'cust-b:order-confirmed', 'cust-b:order-delivered', 'cust-b:order-shipped']);
  });

  it('reports a record that is not an event commit, and notifies nothing from it on', async () => {
    const { records } = await placedAndCancelledOrder('o-note-2');
    const bad = { eventName: 'INSERT' as const, dynamodb: { NewImage: { pk: { S: 'x' } }, SequenceNumber: '1' } };
    const sns = fakeSns();
    const handler = createNotificationHandler(async () => ({
      notifier: createSnsNotifier({ client: sns.client, topicArn: 'arn:aws:sns:us-east-1:1:t', ledger: memoryLedger() }),
      customerFromReadModel: async () => 'c1',
      writeModel: { loadOrder: async () => Promise.reject(new Error('unused')) },
      logger,
    }));
    expect(await handler({ Records: [bad, ...records] })).toEqual({ batchItemFailures: [bad, ...records].map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber })) });
    expect(sns.calls).toHaveLength(0);
  });
});
