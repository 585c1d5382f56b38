import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeleteTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { dynamoEndpoint, describeWith } from '@strata/test-env';
import { FEED_START, GENESIS_HASH, VersionConflictError, expectNoStream, sealCommit, expectVersion, orderStream, toNewEvent, type ChangeFeed, type EventEnvelope, type NewEvent } from '@strata/events';
import { runEventStoreContract, testAppend, testEvents, testMeta, testStreamId } from '../testing.js';
import {
  MAX_ITEM_BYTES,
  compact,
  createDynamoEventStore,
  createDynamoStreamsFeed,
  ensureEventTable,
  itemSize,
  toItem,
  writeUnits,
  type CapacityReport,
} from '../dynamodb.js';

const connection = () => ({ endpoint: dynamoEndpoint(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

/** A fresh table per call, dropped by the returned teardown. */
const freshTable = async (): Promise<{ client: DynamoDBClient; feed: ChangeFeed; tableName: string; teardown: () => Promise<void> }> => {
  const client = new DynamoDBClient(connection());
  const streamsClient = new DynamoDBStreamsClient(connection());
  const tableName = `strata-t-${crypto.randomUUID()}`;
  const { streamArn } = await ensureEventTable(client, tableName);
  return {
    client,
    tableName,
    feed: createDynamoStreamsFeed({ streamsClient, streamArn }),
    teardown: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
      streamsClient.destroy();
    },
  };
};

describeWith('DYNAMODB', 'DynamoDB event store', () => {
  runEventStoreContract(
    'dynamodb',
    async () => {
      const table = await freshTable();
      const store = createDynamoEventStore({ client: table.client, tableName: table.tableName });
      return { store, feed: table.feed, maxCommitBytes: MAX_ITEM_BYTES, teardown: table.teardown };
    },
    { feed: true },
  );

  describe('one item per commit, one write unit under 1 KB', () => {
    let table: Awaited<ReturnType<typeof freshTable>>;
    const reports: CapacityReport[] = [];
    beforeAll(async () => {
      table = await freshTable();
    });
    afterAll(async () => {
      await table.teardown();
    });
    const tableOf = () => ({ client: table.client, tableName: table.tableName });

    /** The seed's REST flow order: two lines, a German address. */
    const seedOrder = (orderId: string): NewEvent => ({
      eventId: crypto.randomUUID(),
      type: 'OrderPlaced',
      // v3: priced from the catalogue, each line records the product version (decision 0007).
      schemaVersion: 3,
      data: {
        orderId,
        customerId: crypto.randomUUID(),
        items: [
          { productId: 'NEWPROD001', productName: 'Fresh Product', quantity: 2, unitPrice: 2500, productVersion: 1 },
          { productId: 'NEWPROD002', productName: 'Another Item', quantity: 1, unitPrice: 4950, productVersion: 1 },
        ],
        shippingAddress: { street: '789 New Deploy Ave', city: 'CloudNine', zipCode: '11223', country: 'DE' },
        currency: 'EUR',
        total: 9950,
      },
    });
    const followUps = (orderId: string): NewEvent[] => [
      toNewEvent(crypto.randomUUID(), { type: 'OrderConfirmed', data: { orderId, paymentId: orderId } }),
      toNewEvent(crypto.randomUUID(), { type: 'OrderShipped', data: { orderId, carrier: 'DHL', trackingNumber: 'JJD000390007' } }),
    ];

    // With tracing on, every commit also carries a W3C traceparent (55 bytes + `tp`; decision 0011).
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    it.each([
      ['a 1-event command of the seed order', 1, false],
      ['a 3-event command (the seed order, confirmed, shipped)', 3, false],
      ['a 1-event command of the seed order with its trace context', 1, true],
      ['a 3-event command with its trace context', 3, true],
    ])('%s is one request: a put of one write unit', async (_label, count, traced) => {
      const store = createDynamoEventStore({ ...tableOf(), trustExpectedHash: true, onConsumedCapacity: (r) => reports.push(r) });
      const orderId = crypto.randomUUID();
      const events = [seedOrder(orderId), ...followUps(orderId)].slice(0, count);
      reports.length = 0;
      const meta = traced ? { ...testMeta(crypto.randomUUID()), traceparent } : testMeta(crypto.randomUUID());
      const result = await store.append({ streamId: orderStream(orderId), expected: expectVersion(0, '0'.repeat(64)), events, meta });
      expect(result.events.every((e) => e.traceparent === (traced ? traceparent : undefined))).toBe(true);
      expect(reports.map((r) => r.operation)).toEqual(['put']);
      const puts = reports;
      expect(puts[0]!.itemBytes).toBeLessThanOrEqual(1024);
      expect(itemSize(compact(toItem(result.events)))).toBe(puts[0]!.itemBytes);
      expect(puts[0]!.capacity.CapacityUnits).toBe(1);
      expect(writeUnits(puts[0]!.itemBytes!)).toBe(1);
    });

    it('a seed order priced from the catalogue is one TransactWriteItems: the ≤ 1 KB put plus a ConditionCheck per product', async () => {
      const store = createDynamoEventStore({ ...tableOf(), trustExpectedHash: true, onConsumedCapacity: (r) => reports.push(r) });
      const products = ['NEWPROD001', 'NEWPROD002'].map((id) => `Product-${id}-${crypto.randomUUID()}`);
      for (const p of products) await store.append({ streamId: p, expected: expectNoStream, events: testEvents(1), meta: testMeta(crypto.randomUUID()) });
      const orderId = crypto.randomUUID();
      reports.length = 0;
      await store.append({
        streamId: orderStream(orderId),
        expected: expectNoStream,
        events: [seedOrder(orderId)],
        meta: testMeta(crypto.randomUUID()),
        conditions: products.map((streamId) => ({ streamId, expectedVersion: 1 })),
      });
      expect(reports.map((r) => r.operation)).toEqual(['transact']);
      expect(reports[0]!.itemBytes).toBeLessThanOrEqual(1024);
      // A transactional put of ≤ 1 KB is 2 write units. AWS bills each ConditionCheck 2 more (decision
      // 0007: 2 + 2 × products per priced order); DynamoDB Local reports the put's units only, so
      // this test proves the item size and the put's transactional cost, not the checks' bill.
      const units = reports.reduce((sum, r) => sum + (r.capacity.CapacityUnits ?? 0), 0);
      process.stdout.write(`priced seed order: item ${reports[0]!.itemBytes} bytes, ${units} write units reported by DynamoDB Local (TransactWriteItems, ${products.length} condition checks)\n`);
      expect(units).toBeGreaterThanOrEqual(2);
    });

    it.each([
      [1024, 1],
      [1025, 2],
      [2048, 2],
      [2049, 3],
    ])('itemSize agrees with what DynamoDB bills: an item of %i bytes costs %i write unit(s)', async (bytes, units) => {
      const streamId = testStreamId();
      const padded = (pad: number) =>
        toItem(sealCommit(streamId, { version: 0, hash: GENESIS_HASH }, [{ eventId: 'e', type: 'T', schemaVersion: 1, data: { p: 'x'.repeat(pad) } }], testMeta('c')));
      const item = padded(bytes - itemSize(padded(0)));
      expect(itemSize(item)).toBe(bytes);
      const put = await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(item), ReturnConsumedCapacity: 'TOTAL' }));
      expect(put.ConsumedCapacity?.CapacityUnits).toBe(units);
      expect(writeUnits(bytes)).toBe(units);
    });

    it('without trustExpectedHash, reads the tail item first (to refuse a stale hash): 1 read unit + 1 write unit', async () => {
      const store = createDynamoEventStore({ ...tableOf(), onConsumedCapacity: (r) => reports.push(r) });
      const orderId = crypto.randomUUID();
      const first = await store.append({ streamId: orderStream(orderId), expected: expectNoStream, events: [seedOrder(orderId)], meta: testMeta(crypto.randomUUID()) });
      reports.length = 0;
      const next = { streamId: orderStream(orderId), events: followUps(orderId), meta: testMeta(crypto.randomUUID()) };
      await store.append({ ...next, expected: expectVersion(1, first.events[0]!.hash) });
      expect(reports.map((r) => [r.operation, r.capacity.CapacityUnits])).toEqual([
        ['query', 1],
        ['put', 1],
      ]);
    });

    it('a command racing its own retry commits once; the loser answers the original outcome', async () => {
      const store = createDynamoEventStore(tableOf());
      const request = testAppend(testStreamId(), expectNoStream, testEvents(2));
      const [a, b] = await Promise.all([store.append(request), store.append(request)]);
      expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
      expect(a.events).toEqual(b.events);
      expect((await store.readStream(request.streamId)).version).toBe(2);
    });

    it('trusting the caller, a new stream is one put with no read; its retry is a duplicate and a reused id a conflict', async () => {
      const store = createDynamoEventStore({ ...tableOf(), trustExpectedHash: true, onConsumedCapacity: (r) => reports.push(r) });
      const orderId = crypto.randomUUID();
      const request = { streamId: orderStream(orderId), expected: expectNoStream, events: [seedOrder(orderId)], meta: testMeta(crypto.randomUUID()) };
      reports.length = 0;
      const first = await store.append(request);
      expect(reports.map((r) => [r.operation, r.capacity.CapacityUnits])).toEqual([['put', 1]]);
      const again = await store.append(request);
      expect(again).toMatchObject({ duplicate: true, events: first.events });
      await expect(store.append({ ...request, meta: testMeta(crypto.randomUUID()) })).rejects.toBeInstanceOf(VersionConflictError);
      expect((await store.readStream(request.streamId)).version).toBe(1);
    });

    it('trusting the given hash, a lost race is still a conflict on the same key', async () => {
      const store = createDynamoEventStore({ ...tableOf(), trustExpectedHash: true });
      const stream = testStreamId();
      const first = await store.append(testAppend(stream, expectNoStream, testEvents(1)));
      const expected = expectVersion(1, first.events[0]!.hash);
      const outcomes = await Promise.allSettled([1, 2, 3].map(() => store.append(testAppend(stream, expected, testEvents(2)))));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(VersionConflictError);
      expect((await store.readStream(stream)).version).toBe(3);
    });
  });

  describe('Streams', () => {
    let table: Awaited<ReturnType<typeof freshTable>>;
    beforeAll(async () => {
      table = await freshTable();
    });
    afterAll(async () => {
      await table.teardown();
    });

    it('a commit read back through DynamoDB Streams decodes to the appended envelopes', async () => {
      const store = createDynamoEventStore({ client: table.client, tableName: table.tableName });
      const stream = testStreamId();
      const first = await store.append(testAppend(stream, expectNoStream, testEvents(1)));
      const second = await store.append(testAppend(stream, expectVersion(1), testEvents(3)));
      const seen: EventEnvelope[] = [];
      let position = FEED_START;
      for (let polls = 0; polls < 100 && seen.length < 4; polls++) {
        const page = await table.feed.readFeed(position, 10);
        seen.push(...page.events.map(({ position: _p, ...envelope }) => envelope));
        position = page.next;
      }
      expect(seen).toEqual([...first.events, ...second.events]);
    });
  });
});
