import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import type { PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { createSqlReadModel, type SqlReadModel } from '@strata/projections';
import { pgliteExecutor } from '@strata/projections/pglite';
import { createFirehoseLakeSink, LakeDeliveryError, packRows, type FirehoseClientLike } from '@strata/projections/lake.firehose';
import { createLogger } from '../logger.js';
import { createProjectorHandler } from './projector.js';
import { placedAndCancelledOrder } from './testkit.js';

/** Records every PutRecordBatch; refuses the first record of the first `refusals` calls. */
const fakeFirehose = (refusals = 0) => {
  const calls: PutRecordBatchCommand[] = [];
  const client: FirehoseClientLike = {
    async send(command) {
      calls.push(command);
      const n = command.input.Records?.length ?? 0;
      const refuse = calls.length <= refusals;
      return { FailedPutCount: refuse ? 1 : 0, RequestResponses: Array.from({ length: n }, (_, i) => (refuse && i === 0 ? { ErrorCode: 'ServiceUnavailableException' } : { RecordId: `r${i}` })) };
    },
  };
  // A record holds JSON lines (the stream deaggregates them): one row per line.
  const rows = (data: Uint8Array | undefined) => new TextDecoder().decode(data).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  const records = () => calls.flatMap((c) => (c.input.Records ?? []).flatMap((r) => rows(r.Data)));
  return { client, calls, records };
};

describe('projector Lambda entry on hand-made DynamoDB Streams records', () => {
  let lite: PGlite;
  let readModel: SqlReadModel;

  beforeAll(async () => {
    lite = await PGlite.create();
    readModel = createSqlReadModel({ db: pgliteExecutor(lite) });
    await readModel.migrate();
  });
  afterAll(async () => {
    await lite.close();
  });

  it('writes the relational rows and puts one lake row per event to Firehose, packed in one record, idempotently', async () => {
    const { records, events } = await placedAndCancelledOrder('o-proj-1');
    const firehose = fakeFirehose();
    const lake = createFirehoseLakeSink({ client: firehose.client, deliveryStreamName: 'strata-lake', backoffMs: 0 });
    const handler = createProjectorHandler(async () => ({ sinks: [readModel.sink, lake], deadLetters: readModel.deadLetters, logger: createLogger('silent') }));

    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(await readModel.queries.getOrder('o-proj-1')).toMatchObject({ status: 'cancelled', total: 2997, currency: 'EUR', cancelReason: 'changed my mind', version: 2 });
    // A redelivered batch (Lambda retries) changes nothing in the read model.
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(await readModel.queries.getOrder('o-proj-1')).toMatchObject({ status: 'cancelled', version: 2 });

    expect(firehose.calls[0]?.input.DeliveryStreamName).toBe('strata-lake');
    expect(firehose.calls[0]?.input.Records).toHaveLength(1);
    const first = firehose.records().slice(0, events.length);
    expect(first.map((r) => r.event_id)).toEqual(events.map((e) => e.eventId));
    expect(first[0]).toMatchObject({ type: 'OrderPlaced', dt: '2026-11-24', stream_id: 'Order-o-proj-1', stream_version: 1, actor_kind: 'system' });
    expect(typeof first[0]?.payload).toBe('string');
  });

  it('reports the failing record and every later one when a sink fails', async () => {
    const { records } = await placedAndCancelledOrder('o-proj-2');
    const failing = { name: 'broken', apply: async () => Promise.reject(new Error('down')), checkpoint: async () => '' };
    const handler = createProjectorHandler(async () => ({ sinks: [failing], deadLetters: readModel.deadLetters, logger: createLogger('silent') }));
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: records.map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber })) });
  });
});

describe('Firehose lake sink', () => {
  it('sends again only the records Firehose refused', async () => {
    const many = await Promise.all(Array.from({ length: 300 }, (_, i) => placedAndCancelledOrder(`o-lake-1-${i}`)));
    const events = many.flatMap((m) => m.events);
    const firehose = fakeFirehose(1);
    const lake = createFirehoseLakeSink({ client: firehose.client, deliveryStreamName: 'lake', backoffMs: 0 });
    await lake.apply(events as never);
    // 600 rows: two records (500 rows at most in one); the refused first one alone goes again.
    expect(firehose.calls.map((c) => c.input.Records?.length)).toEqual([2, 1]);
    expect(firehose.records().map((r) => r.event_id)).toEqual([...events.map((e) => e.eventId), ...events.slice(0, 500).map((e) => e.eventId)]);
  });

  it('packs rows into records of at most 500 rows and 1,000 KiB', () => {
    const line = (bytes: number) => new Uint8Array(bytes).fill(0x61);
    expect(packRows(Array.from({ length: 1001 }, () => line(10))).map((r) => r.byteLength)).toEqual([5000, 5000, 10]);
    expect(packRows([line(600 * 1024), line(600 * 1024), line(10)]).map((r) => r.byteLength)).toEqual([600 * 1024, 600 * 1024 + 10]);
    expect(packRows([])).toEqual([]);
  });

  it('gives up with a typed error after its attempts', async () => {
    const { events } = await placedAndCancelledOrder('o-lake-2');
    const lake = createFirehoseLakeSink({ client: fakeFirehose(10).client, deliveryStreamName: 'lake', maxAttempts: 2, backoffMs: 0 });
    await expect(lake.apply(events as never)).rejects.toBeInstanceOf(LakeDeliveryError);
  });
});
