/**
 * The data lake on AWS: a `ProjectionSink` that puts every event to the Firehose delivery stream
 * the CDK app's `DataLake` creates. One JSON object per event (a line): the `LakeRow` columns plus
 * the partition keys `type` and `dt`, which Firehose's dynamic partitioning turns into the
 * `events/type=…/dt=…/` prefix before converting to Parquet. Lines are packed into as few
 * Firehose records as allowed (`MAX_ROWS_PER_RECORD`, `MAX_RECORD_BYTES`) and the stream
 * deaggregates them (multi-record deaggregation, JSON): Firehose bills ingestion per record
 * rounded up to 5 KB, so a ~0.7 KB row alone would be billed seven times its size.
 */
import { PutRecordBatchCommand, type PutRecordBatchCommandOutput } from '@aws-sdk/client-firehose';
import { FEED_START, type DomainEnvelope } from '@strata/events';
import { lakePartition, toLakeRow, type LakePartition, type LakeRow } from './domain/lake.js';
import type { ProjectionSink } from './sink.js';

/** Records Firehose still refused after every attempt. */
export class LakeDeliveryError extends Error {
  readonly code = 'LAKE_DELIVERY_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LakeDeliveryError';
  }
}

export interface FirehoseClientLike {
  send(command: PutRecordBatchCommand): Promise<Pick<PutRecordBatchCommandOutput, 'FailedPutCount' | 'RequestResponses'>>;
}

export interface FirehoseLakeOptions {
  readonly client: FirehoseClientLike;
  readonly deliveryStreamName: string;
  /** Attempts per record, first included (only the records Firehose refused are sent again). @default 3 */
  readonly maxAttempts?: number;
  /** @default 100 */
  readonly backoffMs?: number;
}

export type LakeRecord = LakeRow & LakePartition;

export const toLakeRecord = (e: DomainEnvelope): LakeRecord => ({ ...toLakeRow(e), ...lakePartition(e) });

// PutRecordBatch limits: 500 records and 4 MiB per call.
const MAX_RECORDS = 500;
const MAX_BYTES = 4 * 1024 * 1024;
/** Deaggregation splits at most 500 JSON objects out of one record. */
export const MAX_ROWS_PER_RECORD = 500;
/** A Firehose record is at most 1,000 KiB. */
export const MAX_RECORD_BYTES = 1000 * 1024;

/** Packs JSON lines into records of at most `MAX_ROWS_PER_RECORD` lines and `MAX_RECORD_BYTES` bytes. */
export const packRows = (lines: readonly Uint8Array[]): Uint8Array[] => {
  const records: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length > 0) records.push(Buffer.concat(current));
    current = [];
    bytes = 0;
  };
  for (const line of lines) {
    if (current.length === MAX_ROWS_PER_RECORD || bytes + line.byteLength > MAX_RECORD_BYTES) flush();
    current.push(line);
    bytes += line.byteLength;
  }
  flush();
  return records;
};

const chunks = (records: readonly Uint8Array[]): Uint8Array[][] => {
  const out: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let bytes = 0;
  for (const r of records) {
    if (current.length === MAX_RECORDS || (current.length > 0 && bytes + r.byteLength > MAX_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += r.byteLength;
  }
  if (current.length > 0) out.push(current);
  return out;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Delivery is at least once: a Lambda retry re-puts records already delivered, so the lake may hold
 * duplicate rows; analytics queries count distinct `event_id`. The sink keeps no checkpoint: the
 * event source mapping owns the stream position.
 */
export const createFirehoseLakeSink = (o: FirehoseLakeOptions): ProjectionSink => {
  const maxAttempts = o.maxAttempts ?? 3;
  const backoffMs = o.backoffMs ?? 100;
  const encoder = new TextEncoder();
  const put = async (records: Uint8Array[]): Promise<void> => {
    let pending = records;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await o.client.send(new PutRecordBatchCommand({ DeliveryStreamName: o.deliveryStreamName, Records: pending.map((Data) => ({ Data })) }));
      if ((out.FailedPutCount ?? 0) === 0) return;
      // Responses are positional; a failed one carries an ErrorCode (throttling, internal failure).
      const failed = pending.filter((_, i) => out.RequestResponses?.[i]?.ErrorCode !== undefined);
      if (attempt >= maxAttempts) {
        const codes = [...new Set((out.RequestResponses ?? []).flatMap((r) => (r.ErrorCode === undefined ? [] : [r.ErrorCode])))];
        throw new LakeDeliveryError(`Firehose refused ${failed.length} lake records after ${attempt} attempts (${codes.join(', ')})`);
      }
      pending = failed;
      await sleep(backoffMs * 2 ** (attempt - 1));
    }
  };
  return {
    name: 'lake',
    async apply(events) {
      const lines = events.map((e) => encoder.encode(`${JSON.stringify(toLakeRecord(e))}\n`));
      for (const chunk of chunks(packRows(lines))) await put(chunk);
    },
    checkpoint: async () => FEED_START,
  };
};
