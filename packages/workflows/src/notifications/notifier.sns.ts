/**
 * The "Custom Notification" on AWS: the workflows package's `Notifier` port over an SNS topic
 * (`STRATA_NOTIFICATION_TOPIC_ARN`; e-mail or SMS subscriptions filter on the message attributes).
 * A standard topic does not deduplicate, so a ledger keyed by the notification id (the event id)
 * makes EventBridge's at-least-once delivery send each notification once.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import type { Notifier } from './port.js';

export interface SnsClientLike {
  send(command: PublishCommand): Promise<unknown>;
}

/** Which notifications went out; `claim` is atomic across concurrent Lambda invocations. */
export interface SentLedger {
  /** True when this caller is the first to claim the id. */
  claim(id: string): Promise<boolean>;
  /** Gives the id back after a failed publish, so the retry sends it. */
  release(id: string): Promise<void>;
}

/** The ledger in Redis (the ElastiCache the Lambdas already reach): `SET key NX EX`. */
export const redisSentLedger = (
  redis: { set(key: string, value: string, ex: 'EX', seconds: number, nx: 'NX'): Promise<'OK' | null>; del(key: string): Promise<number> },
  options: { readonly prefix?: string; readonly ttlSeconds?: number } = {},
): SentLedger => {
  const key = (id: string) => `${options.prefix ?? 'strata:'}notified:${id}`;
  // EventBridge retries for at most 24 h (the rules' maxEventAge); a week covers redrives from the DLQ too.
  const ttl = options.ttlSeconds ?? 7 * 24 * 3600;
  return {
    claim: async (id) => (await redis.set(key(id), '1', 'EX', ttl, 'NX')) === 'OK',
    release: async (id) => void (await redis.del(key(id))),
  };
};

export const createSnsNotifier = (o: { readonly client: SnsClientLike; readonly topicArn: string; readonly ledger: SentLedger }): Notifier => {
  const fifo = o.topicArn.endsWith('.fifo');
  return {
    async send(n) {
      if (!(await o.ledger.claim(n.id))) return { sent: false };
      const text = (value: string) => ({ DataType: 'String', StringValue: value });
      try {
        await o.client.send(
          new PublishCommand({
            TopicArn: o.topicArn,
            Subject: n.subject.slice(0, 100),
            Message: n.body,
            MessageAttributes: { notificationId: text(n.id), kind: text(n.kind), customerId: text(n.customerId), orderId: text(n.orderId) },
            ...(fifo ? { MessageGroupId: n.customerId, MessageDeduplicationId: n.id } : {}),
          }),
        );
      } catch (err) {
        await o.ledger.release(n.id);
        throw err;
      }
      return { sent: true };
    },
  };
};
