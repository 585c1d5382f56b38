import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import * as E from 'fp-ts/lib/Either.js';
import { databaseUrl, describeWith, dynamoEndpoint } from '@strata/test-env';
import { createWriteModel } from '@strata/write-model';
import { createDynamoEventStore, decodeStreamRecord, ensureEventTable } from '@strata/write-model/dynamodb';
import { createStatusCache, memoryStatusStore } from './cache/statusCache.js';
import { createStreamsPoller } from './dynamodb.js';
import { pgExecutor } from './postgres.js';
import type { SqlExecutor } from './relational/executor.js';
import { createSqlReadModel } from './relational/sqlReadModel.js';
import { createStreamBatchHandler } from './streamsHandler.js';

const connection = () => ({ endpoint: dynamoEndpoint(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

describeWith('DYNAMODB', 'DynamoDB Local Streams → batch handler → read models', () => {
  const tag = Math.random().toString(36).slice(2, 10);
  const tableName = `strata-t-${tag}`;
  const schema = `strata_t_ddb_${tag}`;
  const client = new DynamoDBClient(connection());
  const streamsClient = new DynamoDBStreamsClient(connection());
  let streamArn: string;
  let db: SqlExecutor;

  beforeAll(async () => {
    ({ streamArn } = await ensureEventTable(client, tableName));
    db = pgExecutor(databaseUrl(), { max: 2 });
  });
  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    client.destroy();
    streamsClient.destroy();
    await db.query(`drop schema if exists ${schema} cascade`);
    await db.close();
  });

  it('projects what the DynamoDB write model committed, through the Lambda handler fed by the Streams poller', async () => {
    const wm = createWriteModel({ eventStore: createDynamoEventStore({ client, tableName }) });
    const rm = createSqlReadModel({ db, schema });
    await rm.migrate();
    const cache = createStatusCache({ store: memoryStatusStore({ ttlMs: 60_000 }), fallback: rm.queries });
    const handler = createStreamBatchHandler({ decode: decodeStreamRecord, sinks: [rm.sink, cache.sink], deadLetters: rm.deadLetters });
    const poller = createStreamsPoller({ client: streamsClient, streamArn, handler, batchSize: 2 });
    const ctx = (n: number) => ({ commandId: `cmd-${tag}-${n}`, actor: { kind: 'system', id: 'test' }, correlationId: `req-${tag}`, now: '2026-11-24T12:00:00.000Z' }) as const;
    const orderId = `o-${tag}`;
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
    expect(E.isRight(placed)).toBe(true);
    const cancelled = await wm.cancelOrder({ orderId, reason: 'changed my mind' }, ctx(2));
    expect(E.isRight(cancelled)).toBe(true);
    expect(await poller.pollOnce()).toBe(2);
    expect(await rm.queries.getOrder(orderId)).toMatchObject({ status: 'cancelled', total: 2997, currency: 'EUR', cancelReason: 'changed my mind', version: 2 });
    expect(await cache.reader.get(orderId)).toMatchObject({ status: 'cancelled', version: 2 });
    // Nothing new: the poller resumes after its cursor and hands the handler nothing.
    expect(await poller.pollOnce()).toBe(0);
  });
});
