// SNS cannot run here: a fake client records Publish; the ledger is an in-memory stand-in for
// Redis's SET NX (the Redis ledger itself runs in notifier.sns.int.test.ts).
import { describe, expect, it } from '@jest/globals';
import type { PublishCommand } from '@aws-sdk/client-sns';
import { createNotificationConsumer, toBusEvent } from '@strata/workflows';
import { createSnsNotifier, type SentLedger } from '../aws/notifier.sns.js';
import { placedAndCancelledOrder } from './testkit.js';

const memoryLedger = (): SentLedger => {
  const sent = new Set<string>();
  return { claim: async (id) => !sent.has(id) && sent.add(id) !== undefined, release: async (id) => void sent.delete(id) };
};

describe('notification Lambda entry over SNS', () => {
  it('tells the customer once per event, even when EventBridge delivers it twice, and again after a failed publish', async () => {
    const { events } = await placedAndCancelledOrder('o-note-1');
    // The consumer looks the customer up on the order stream (events after OrderPlaced do not carry it).
    const writeModel = { loadOrder: async () => ({ state: { status: 'cancelled', customerId: 'c1' } }) } as unknown as Parameters<typeof createNotificationConsumer>[0]['writeModel'];
    const calls: PublishCommand[] = [];
    let failNext = true;
    const client = {
      async send(command: PublishCommand) {
        if (failNext) {
          failNext = false;
          throw new Error('throttled');
        }
        calls.push(command);
        return {};
      },
    };
    const consume = createNotificationConsumer({ notifier: createSnsNotifier({ client, topicArn: 'arn:aws:sns:us-east-1:1:t', ledger: memoryLedger() }), writeModel });
    const cancelled = toBusEvent(events[1]!);
    await expect(consume(cancelled)).rejects.toThrow();
    await consume(cancelled);
    await consume(cancelled);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.input).toMatchObject({
      TopicArn: 'arn:aws:sns:us-east-1:1:t',
      Subject: 'Your order was cancelled',
      MessageAttributes: { notificationId: { DataType: 'String', StringValue: events[1]!.eventId }, customerId: { DataType: 'String', StringValue: 'c1' } },
    });
  });
});
