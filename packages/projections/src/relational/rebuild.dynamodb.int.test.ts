import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import * as E from 'fp-ts/lib/Either.js';
import type { ChangeFeed } from '@strata/events';
import { databaseUrl, describeWith, dynamoEndpoint } from '@strata/test-env';
import { createWriteModel } from '@strata/write-model';
import { createDynamoEventStore, createTableScanFeed, decodeStreamRecord, ensureEventTable } from '@strata/write-model/dynamodb';
import { createStreamsPoller } from '../dynamodb.js';
import { pgExecutor } from '../postgres.js';
import { createStreamBatchHandler } from '../streamsHandler.js';
import type { SqlExecutor } from './executor.js';
import { rebuildRelational } from './rebuild.js';
import { createSqlReadModel } from './sqlReadModel.js';

// Full-history replay on DynamoDB Local: the live read model is fed by the table's stream (the
// projector Lambda's path); the replay scans the table in parallel segments into a shadow schema
// and swaps it in. The two must be equal; a replay killed mid-way resumes from its checkpoint.
// Not proven here: DynamoDB's segment spread at scale and on-demand read-unit billing.
const connection = () => ({ endpoint: dynamoEndpoint(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const TABLES = ['orders', 'order_lines', 'payments', 'customers', 'feedback'];

describeWith('POSTGRES', 'replay on PostgreSQL', () => describeWith('DYNAMODB', 'replay from the DynamoDB table (parallel scan) into PostgreSQL', () => {
  const tag = Math.random().toString(36).slice(2, 10);
  const tableName = `strata-r-${tag}`;
  const live = `strata_r_live_${tag}`;
  const replayed = `strata_r_scan_${tag}`;
  const client = new DynamoDBClient(connection());
  const streamsClient = new DynamoDBStreamsClient(connection());
  let db: SqlExecutor;

  const rows = async (schema: string): Promise<Record<string, unknown[]>> =>
    Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await db.query(`select * from ${schema}.${t} order by 1, 2`)] as const)));

  beforeAll(async () => {
    const { streamArn } = await ensureEventTable(client, tableName);
    db = pgExecutor(databaseUrl(), { max: 2 });
    const wm = createWriteModel({ eventStore: createDynamoEventStore({ client, tableName }) });
    const ctx = (n: string) => ({ commandId: `cmd-${tag}-${n}`, actor: { kind: 'system', id: 'test' }, correlationId: `req-${tag}`, now: '2026-11-24T12:00:00.000Z' }) as const;
    for (let i = 0; i < 15; i++) {
      const orderId = `o-${tag}-${i}`;
      const placed = await wm.placeOrder(
        { orderId, customerId: `c${i % 4}`, currency: 'EUR', items: [{ productId: 'p1', productName: 'Widget', quantity: 1 + (i % 3), unitPrice: 999 }], shippingAddress: { street: '1 Main St', city: 'Springfield', zipCode: '12345', country: 'US' } },
        ctx(`place-${i}`),
      );
      expect(E.isRight(placed)).toBe(true);
      if (i % 3 === 0) expect(E.isRight(await wm.cancelOrder({ orderId, reason: 'changed my mind' }, ctx(`cancel-${i}`)))).toBe(true);
    }
    // The live read model, as the projector Lambda builds it from the stream.
    const rm = createSqlReadModel({ db, schema: live });
    await rm.migrate();
    const poller = createStreamsPoller({ client: streamsClient, streamArn, handler: createStreamBatchHandler({ decode: decodeStreamRecord, sinks: [rm.sink], deadLetters: rm.deadLetters }), batchSize: 10 });
    while ((await poller.pollOnce()) > 0);
  }, 120_000);
  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    client.destroy();
    streamsClient.destroy();
    for (const s of [live, replayed, `${replayed}_shadow`, `${replayed}_old`]) await db?.query(`drop schema if exists ${s} cascade`);
    await db?.close();
  }, 120_000);

  it('rebuilds a read model equal to the live one, and a replay killed mid-way resumes from its position', async () => {
    await createSqlReadModel({ db, schema: replayed }).migrate();
    let reads = 0;
    const scan = createTableScanFeed({ client, tableName, segments: 3 });
    // Killed after two pages: the shadow schema keeps what was applied and the scan position.
    const dying: ChangeFeed = {
      readFeed: async (after, limit) => {
        if (++reads > 2) throw new Error('killed');
        return scan.readFeed(after, limit);
      },
    };
    await expect(rebuildRelational({ db, feed: dying, schema: replayed, batchSize: 6 })).rejects.toThrow('killed');
    const [stopped] = await db.query<{ n: number }>(`select count(*)::int as n from ${replayed}_shadow.orders`);
    expect(stopped?.n).toBeGreaterThan(0);

    let resumedReads = 0;
    const counting: ChangeFeed = { readFeed: (after, limit) => (resumedReads++, createTableScanFeed({ client, tableName, segments: 3 }).readFeed(after, limit)) };
    const result = await rebuildRelational({ db, feed: counting, schema: replayed, batchSize: 6, resume: true });
    expect(result.swapped).toBe(true);
    expect(await rows(replayed)).toEqual(await rows(live));
    // A full replay from the start takes more pages than the resumed one did.
    let fullReads = 0;
    const full: ChangeFeed = { readFeed: (after, limit) => (fullReads++, createTableScanFeed({ client, tableName, segments: 3 }).readFeed(after, limit)) };
    await rebuildRelational({ db, feed: full, schema: replayed, batchSize: 6 });
    expect(await rows(replayed)).toEqual(await rows(live));
    expect(resumedReads).toBeLessThan(fullReads);
  }, 120_000);
}));
