import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describeWith, dynamoEndpoint } from '@strata/test-env';
import type { EventStore } from '@strata/events';
import { createDynamoEventStore, ensureEventTable, type CapacityReport } from '@strata/write-model/dynamodb';
import { PATHS, measurePath } from './measure.js';

// The cost model replays the DynamoDB adapter's requests on the memory store (measure.ts). Here
// every request also goes to the real adapter on DynamoDB Local, configured as the runtime
// configures it on AWS (trustExpectedHash), and the capacity DynamoDB reports must be what the
// replay counted: the same requests, the same read and write units (but for the empty Query).
jest.setTimeout(120_000);

describeWith('DYNAMODB', 'cost model: the DynamoDB replay against DynamoDB Local', () => {
  const client = new DynamoDBClient({ endpoint: dynamoEndpoint(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const tableName = `strata-cost-${crypto.randomUUID()}`;
  beforeAll(async () => {
    await ensureEventTable(client, tableName);
  });
  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    client.destroy();
  });

  it.each(Object.keys(PATHS))('%s: the units counted are the units DynamoDB consumes', async (path) => {
    const reports: CapacityReport[] = [];
    const dynamo = createDynamoEventStore({ client, tableName, trustExpectedHash: true, onConsumedCapacity: (r) => reports.push(r) });
    // Every request goes to both; the harness keeps reading its change feed from the memory store.
    const tee = (memory: EventStore): EventStore => ({
      async append(request) {
        const committed = await memory.append(request);
        const stored = await dynamo.append(request);
        expect(stored.events.map((e) => e.hash)).toEqual(committed.events.map((e) => e.hash));
        return committed;
      },
      async readStream(streamId, opts) {
        const slice = await memory.readStream(streamId, opts);
        expect((await dynamo.readStream(streamId, opts)).version).toBe(slice.version);
        return slice;
      },
      close: () => memory.close(),
    });
    const m = await measurePath(path, tee);
    const of = (op: 'query' | 'put') => ({
      requests: reports.filter((r) => r.operation === op).length,
      units: reports.filter((r) => r.operation === op).reduce((a, r) => a + (r.capacity.CapacityUnits ?? 0), 0),
    });
    const counted = (op: 'query' | 'put') => ({ requests: m.dynamo.filter((r) => r.op === op).length, units: m.dynamo.filter((r) => r.op === op).reduce((a, r) => a + r.units, 0) });
    expect(of('put')).toEqual(counted('put'));
    // A Query that finds nothing (a payment's stream before its first commit): DynamoDB Local
    // reports 0 units; the model bills the service's minimum of one strongly consistent unit.
    const empty = m.dynamo.filter((r) => r.op === 'query' && r.bytes === 0).length;
    expect(empty).toBeGreaterThan(0);
    expect(of('query')).toEqual({ requests: counted('query').requests, units: counted('query').units - empty });
  });
});
