/**
 * The lake writer family's contract: for the same history, the local Parquet lake and the Firehose
 * writer produce the same rows in the same `type=…/dt=…` partitions — the folder read back with
 * DuckDB, Firehose from its recorded `PutRecordBatch` requests, deaggregated into lines as the
 * delivery stream does before its dynamic partitioning. What the Firehose half does not prove:
 * that AWS accepts the requests or converts them to Parquet as configured (the CDK tests pin the
 * stream's configuration, not its behaviour).
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope, type DomainEnvelope } from '@strata/events';
import { createCatchUpConsumer } from './consumer.js';
import { createLakeWriter } from './lake.js';
import { createFirehoseLakeSink } from './lake.firehose.js';
import { memoryDeadLetters, type ProjectionSink } from './sink.js';
import { memoryFeed } from './testing.js';
import { sampleHistory } from './testing/sqlReadModel.contract.js';

type Row = { type: string; dt: string; event_id: string; stream_id: string; stream_version: number; payload: string; hash: string };
const key = (r: Row) => `${r.type}/${r.dt}/${r.event_id}/${r.stream_id}@${r.stream_version}/${r.hash}/${r.payload}`;

jest.setTimeout(60_000);

const history = sampleHistory(30);

/** The local writer keeps its checkpoint; the Firehose one has none (on AWS the stream's event source mapping keeps the position), so it is fed the pages once, as Lambda would. */
const drive = async (sink: ProjectionSink, checkpointed: boolean) => {
  const { feed } = memoryFeed(history);
  if (checkpointed) return void (await createCatchUpConsumer({ feed, sink, deadLetters: memoryDeadLetters(), batchSize: 17 }).runUntilCaughtUp());
  for (let after = ''; ; ) {
    const page = await feed.readFeed(after, 17);
    await sink.apply(page.events.map((e) => (decodeEnvelope(e) as E.Right<DomainEnvelope>).right));
    if (page.caughtUp) return;
    after = page.next;
  }
};

describe('lake writers: Parquet folder ≡ Firehose', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('write the same rows into the same partitions', async () => {
    const root = await mkdtemp(join(tmpdir(), 'strata-lake-contract-'));
    dirs.push(root);
    const lake = await createLakeWriter({ root, flushRows: 40 });
    await drive(lake.sink, true);
    await lake.close();
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const reader = await conn.runAndReadAll(
      `select type, dt, event_id, stream_id, stream_version, payload, hash from read_parquet('${join(root, 'events', '**', '*.parquet')}', hive_partitioning = true)`,
    );
    const folder = (reader.getRowObjectsJson() as unknown as Row[]).map((r) => key({ ...r, stream_version: Number(r.stream_version) })).sort();
    conn.closeSync();
    db.closeSync();

    const calls: PutRecordBatchCommand[] = [];
    await drive(createFirehoseLakeSink({ client: { send: async (c) => (calls.push(c), { FailedPutCount: 0, RequestResponses: [] }) }, deliveryStreamName: 'strata-lake' }), false);
    const lines = calls.flatMap((c) => (c.input.Records ?? []).flatMap((r) => Buffer.from(r.Data as Uint8Array).toString('utf8').split('\n').filter(Boolean)));
    const firehose = lines.map((l) => JSON.parse(l) as Row).map((r) => key({ ...r, stream_version: Number(r.stream_version) })).sort();

    expect(folder.length).toBe(history.length);
    expect(new Set(folder).size).toBe(history.length);
    expect(firehose).toEqual(folder);
  });
});
