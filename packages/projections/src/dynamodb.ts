/**
 * `@strata/projections/dynamodb`: a DynamoDB Streams poller that feeds the projector Lambda's batch
 * handler from the Streams API — DynamoDB Local here, so the AWS path runs end to end on one machine.
 */
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { BatchResponse, StreamEvent } from './streamsHandler.js';

export interface StreamsPollerOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  /** The batch handler (`createStreamBatchHandler`), exactly as Lambda would call it. */
  readonly handler: (event: StreamEvent) => Promise<BatchResponse>;
  /** Records per GetRecords call, like the event source mapping's batch size (default 100). */
  readonly batchSize?: number;
  readonly idleMs?: number;
  readonly onError?: (error: unknown) => void;
}

export interface StreamsPoller {
  /** Reads every shard to its current end once; returns the records the handler accepted. */
  pollOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Polls each shard (a child only after its parent is finished, so a stream's events stay in
 * order) and hands every batch to the handler. As with Lambda's `ReportBatchItemFailures`, a
 * reported failure makes the next poll resume at the first failed record. The shard cursors live
 * in this process: a restart reads from TRIM_HORIZON again, harmless for idempotent projections.
 */
export const createStreamsPoller = (o: StreamsPollerOptions): StreamsPoller => {
  const cursors = new Map<string, string>();
  const finished = new Set<string>();
  let stopping = false;
  let running: Promise<void> | undefined;

  const shards = async (): Promise<Shard[]> => {
    const all: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription: d } = await o.client.send(new DescribeStreamCommand({ StreamArn: o.streamArn, ...(start === undefined ? {} : { ExclusiveStartShardId: start }) }));
      all.push(...(d?.Shards ?? []));
      start = d?.LastEvaluatedShardId;
    } while (start !== undefined);
    return all;
  };

  const pollShard = async (shardId: string): Promise<number> => {
    const after = cursors.get(shardId);
    const { ShardIterator } = await o.client.send(
      new GetShardIteratorCommand({
        StreamArn: o.streamArn,
        ShardId: shardId,
        ...(after === undefined ? { ShardIteratorType: 'TRIM_HORIZON' } : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
      }),
    );
    let iterator = ShardIterator;
    let accepted = 0;
    while (iterator !== undefined && !stopping) {
      const page = await o.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: o.batchSize ?? 100 }));
      const records = page.Records ?? [];
      if (records.length === 0) {
        if (page.NextShardIterator === undefined) finished.add(shardId);
        break;
      }
      const { batchItemFailures } = await o.handler({ Records: records });
      const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
      const firstFailed = records.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      const done = firstFailed === -1 ? records : records.slice(0, firstFailed);
      const last = done[done.length - 1]?.dynamodb?.SequenceNumber;
      if (last !== undefined) cursors.set(shardId, last);
      accepted += done.length;
      if (firstFailed !== -1) break;
      iterator = page.NextShardIterator;
    }
    return accepted;
  };

  const pollOnce = async () => {
    const all = await shards();
    const ids = new Set(all.map((s) => s.ShardId));
    let n = 0;
    for (const shard of all) {
      const id = shard.ShardId;
      if (id === undefined || finished.has(id)) continue;
      if (shard.ParentShardId !== undefined && ids.has(shard.ParentShardId) && !finished.has(shard.ParentShardId)) continue;
      n += await pollShard(id);
    }
    return n;
  };

  return {
    pollOnce,
    start() {
      if (running !== undefined) return;
      stopping = false;
      running = (async () => {
        while (!stopping) {
          try {
            if ((await pollOnce()) === 0) await new Promise((r) => setTimeout(r, o.idleMs ?? 200));
          } catch (error) {
            o.onError?.(error);
            await new Promise((r) => setTimeout(r, 1_000));
          }
        }
      })();
    },
    async stop() {
      stopping = true;
      await running;
      running = undefined;
    },
  };
};
