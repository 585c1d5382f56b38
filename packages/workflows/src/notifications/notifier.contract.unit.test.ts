/**
 * Every `Notifier` adapter that runs without a server passes the one contract: the outbox folder,
 * and SNS with a ledger (against a recorded-shape fake of the SNS client and an in-memory ledger
 * with Redis's SET NX semantics; the Redis ledger itself runs in `notifier.sns.int.test.ts`). What
 * the SNS case does not prove: that AWS accepts the request (only its shape is checked). The
 * outbox table runs the same contract on PGlite in the runtime package.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishCommand } from '@aws-sdk/client-sns';
import { createOutboxNotifier } from './notifier.outbox.js';
import { createSnsNotifier, type SentLedger } from './notifier.sns.js';
import { runNotifierContract } from '../testing/notifier.contract.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('notifier: outbox folder', () => {
  runNotifierContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-outbox-'));
    dirs.push(dir);
    return {
      notifier: createOutboxNotifier(dir),
      delivered: async () =>
        readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => {
            const n = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { id: string; body: string };
            return { id: n.id, body: n.body };
          }),
    };
  });
});

describe('notifier: SNS (recorded request shapes)', () => {
  const published: PublishCommand[] = [];
  runNotifierContract(async () => {
    published.length = 0;
    const claimed = new Set<string>();
    const ledger: SentLedger = {
      claim: async (id) => (claimed.has(id) ? false : (claimed.add(id), true)),
      release: async (id) => void claimed.delete(id),
    };
    return {
      notifier: createSnsNotifier({ client: { send: async (c) => void published.push(c) }, topicArn: 'arn:aws:sns:us-east-1:123456789012:strata-notifications', ledger }),
      delivered: async () => published.map((c) => ({ id: String(c.input.MessageAttributes?.notificationId?.StringValue), body: String(c.input.Message) })),
    };
  });

  it('publishes with the attributes subscriptions filter on', async () => {
    const [first] = published;
    expect(first?.input).toEqual(
      expect.objectContaining({
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:strata-notifications',
        Subject: 'Your order is confirmed',
        MessageAttributes: expect.objectContaining({ kind: { DataType: 'String', StringValue: 'order-confirmed' }, customerId: { DataType: 'String', StringValue: 'cust-1' } }),
      }),
    );
  });
});
