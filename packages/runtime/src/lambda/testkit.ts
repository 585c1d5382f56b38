/**
 * Test kit for the stream-driven entries: real commits of the write model turned into the
 * records Lambda delivers from the table's stream (DynamoDB JSON, binaries as base64 text).
 */
import * as E from 'fp-ts/lib/Either.js';
import { marshall } from '@aws-sdk/util-dynamodb';
import { orderStream, type ChangeFeed, type EventEnvelope } from '@strata/events';
import { createMemoryEventStore, createWriteModel } from '@strata/write-model';
import { toItem, type DynamoDBStreamRecord } from '@strata/write-model/dynamodb';

/** One INSERT record per commit (the events of one command), as Lambda's JSON carries it. */
export const streamRecordOf = (commit: readonly EventEnvelope[], sequenceNumber: string): DynamoDBStreamRecord => {
  const image = marshall(toItem(commit), { removeUndefinedValues: true });
  const json = Object.fromEntries(
    Object.entries(image).map(([k, v]) => [k, v.B === undefined ? v : { B: Buffer.from(v.B).toString('base64') }]),
  );
  return { eventName: 'INSERT', dynamodb: { Keys: { pk: json.pk!, sk: json.sk! }, NewImage: json, SequenceNumber: sequenceNumber } };
};

/** Places an order and cancels it: two commits on the order stream, as stream records. */
export const placedAndCancelledOrder = async (orderId: string): Promise<{ records: DynamoDBStreamRecord[]; events: readonly EventEnvelope[] }> => {
  const eventStore = createMemoryEventStore();
  const wm = createWriteModel({ eventStore });
  const ctx = (n: number) => ({ commandId: `cmd-${orderId}-${n}`, actor: { kind: 'system', id: 'test' }, correlationId: `req-${orderId}`, now: '2026-11-24T12:00:00.000Z' }) as const;
  const placed = await wm.placeOrder(
    {
      orderId,
      customerId: 'c1',
      currency: 'EUR',
      items: [{ productId: 'p1', productName: 'Widget', quantity: 3, unitPrice: 999 }],
      shippingAddress: { street: '1 Main St', city: 'Springfield', zipCode: '12345', country: 'US' },
    },
    ctx(1),
  );
  const cancelled = await wm.cancelOrder({ orderId, reason: 'changed my mind' }, ctx(2));
  if (E.isLeft(placed) || E.isLeft(cancelled)) throw new Error('fixture commands were rejected');
  const { events } = await eventStore.readStream(orderStream(orderId));
  const commits = [...new Set(events.map((e) => e.commandId))].map((c) => events.filter((e) => e.commandId === c));
  return { records: commits.map((commit, i) => streamRecordOf(commit, String(100 + i))), events };
};

/**
 * What the table's stream would deliver for the commits after `after`: the feed read to its head,
 * one record per commit (consecutive events of one command on one stream).
 */
export const streamRecordsFrom = async (feed: ChangeFeed, after: string): Promise<{ records: DynamoDBStreamRecord[]; next: string }> => {
  const commits: EventEnvelope[][] = [];
  let position = after;
  for (;;) {
    const page = await feed.readFeed(position, 500);
    for (const { position: at, ...event } of page.events) {
      const last = commits[commits.length - 1]?.[0];
      if (last !== undefined && last.streamId === event.streamId && last.commandId === event.commandId) commits[commits.length - 1]!.push(event);
      else commits.push([event]);
      position = at;
    }
    position = page.next;
    if (page.caughtUp || page.events.length === 0) break;
  }
  return { records: commits.map((c, i) => streamRecordOf(c, `${after}:${i}`)), next: position };
};
