import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { EventStoreUnavailableError, type ChangeFeed, type EventEnvelope, type FeedEvent, type FeedPage } from '@strata/events';
import { fromItem } from './item.js';

// ── The Lambda event shape, defined here so the package needs no @types/aws-lambda ──────────

/** An attribute value as Lambda delivers it (`{ S: '…' }`, `{ N: '1' }`, `{ B: '<base64>' }` …). */
export type StreamAttributeValue = object;

/** One record of a `DynamoDBStreamEvent` (also the shape the Streams API's GetRecords returns). */
export interface DynamoDBStreamRecord {
  readonly eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | undefined;
  readonly dynamodb?:
    | {
        readonly Keys?: Readonly<Record<string, StreamAttributeValue>> | undefined;
        readonly NewImage?: Readonly<Record<string, StreamAttributeValue>> | undefined;
        readonly SequenceNumber?: string | undefined;
      }
    | undefined;
}

/** The event a Lambda function subscribed to the table's stream receives. */
export interface DynamoDBStreamEvent {
  readonly Records: readonly DynamoDBStreamRecord[];
}

/**
 * Decodes one Streams record into the commit's envelopes. Only INSERTs carry commits: the store
 * never updates or deletes an item, so MODIFY and REMOVE (e.g. a TTL or a hand fix) yield nothing.
 */
export const decodeStreamRecord = (record: DynamoDBStreamRecord): EventEnvelope[] => {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || image === undefined) return [];
  // Lambda's JSON carries binaries as base64 text; the SDK as bytes. Only top-level attributes are binary.
  const attributes = Object.fromEntries(
    Object.entries(image).map(([name, value]) => {
      const b = (value as { B?: unknown }).B;
      return [name, typeof b === 'string' ? { B: Buffer.from(b, 'base64') } : value];
    }),
  ) as Record<string, AttributeValue>;
  return fromItem(unmarshall(attributes));
};

// ── A ChangeFeed over the DynamoDB Streams API (DynamoDB Local, or a poller instead of Lambda) ──

export interface DynamoStreamsFeedOptions {
  readonly streamsClient: DynamoDBStreamsClient;
  /** The table's `LatestStreamArn` (see `ensureEventTable`). */
  readonly streamArn: string;
}

/**
 * Per shard: `done` (closed and read to its end), `<seq>` (read up to and including that record)
 * or `<seq>/<k>` (the first k events of that record's commit read: a page may end inside a commit).
 */
type Position = Record<string, string>;

const encode = (position: Position): string =>
  JSON.stringify(Object.fromEntries(Object.entries(position).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

const iteratorFor = (cursor: string | undefined): { ShardIteratorType: ShardIteratorType; SequenceNumber?: string } => {
  if (cursor === undefined) return { ShardIteratorType: 'TRIM_HORIZON' };
  const [seq = '', partial] = cursor.split('/');
  return partial === undefined ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: seq } : { ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: seq };
};

const startOf = (shard: Shard): bigint => BigInt(shard.SequenceNumberRange?.StartingSequenceNumber ?? '0');

/**
 * The change feed read from the table's stream. The opaque position is JSON of per-shard
 * cursors; a child shard is read only once its parent is finished, so each stream's events
 * stay in version order across shard splits. Order across shards is not promised (nor needed).
 */
export const createDynamoStreamsFeed = ({ streamsClient, streamArn }: DynamoStreamsFeedOptions): ChangeFeed => {
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (cause) {
      throw new EventStoreUnavailableError(`DynamoDB Streams ${what} on ${streamArn} failed`, { cause });
    }
  };

  const listShards = async (): Promise<Shard[]> => {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await call('DescribeStream', () =>
        streamsClient.send(new DescribeStreamCommand({ StreamArn: streamArn, ...(start === undefined ? {} : { ExclusiveStartShardId: start }) })),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
    return shards.sort((a, b) => (startOf(a) < startOf(b) ? -1 : startOf(a) > startOf(b) ? 1 : 0));
  };

  return {
    async readFeed(after: string, limit: number): Promise<FeedPage> {
      const previous: Position = after === '' ? {} : (JSON.parse(after) as Position);
      const shards = await listShards();
      const live = new Set(shards.map((s) => s.ShardId));
      // Cursors of shards trimmed away (24 h retention) are dropped.
      const next: Position = Object.fromEntries(Object.entries(previous).filter(([id]) => live.has(id)));
      const events: FeedEvent[] = [];
      let full = false;

      for (const shard of shards) {
        const shardId = shard.ShardId ?? '';
        if (full || next[shardId] === 'done') continue;
        if (shard.ParentShardId !== undefined && live.has(shard.ParentShardId) && next[shard.ParentShardId] !== 'done') continue;
        const cursor = next[shardId];
        const [resumeSeq, partial] = cursor?.split('/') ?? [];
        const skip = partial === undefined ? 0 : Number(partial);
        let iterator = (
          await call('GetShardIterator', () => streamsClient.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...iteratorFor(cursor) })))
        ).ShardIterator;

        while (iterator !== undefined && !full) {
          const current = iterator;
          const page = await call('GetRecords', () => streamsClient.send(new GetRecordsCommand({ ShardIterator: current, Limit: Math.min(1000, Math.max(1, limit - events.length)) })));
          const records = page.Records ?? [];
          for (const record of records) {
            const seq = record.dynamodb?.SequenceNumber ?? '';
            const envelopes = decodeStreamRecord(record);
            for (let i = seq === resumeSeq ? skip : 0; i < envelopes.length; i++) {
              if (events.length >= limit) {
                full = true;
                break;
              }
              next[shardId] = i === envelopes.length - 1 ? seq : `${seq}/${i + 1}`;
              events.push({ ...(envelopes[i] as EventEnvelope), position: encode(next) });
            }
            if (full) break;
            next[shardId] = seq;
          }
          if (page.NextShardIterator === undefined) {
            if (!full) next[shardId] = 'done';
            break;
          }
          if (records.length === 0) break;
          iterator = page.NextShardIterator;
          full ||= events.length >= limit;
        }
      }
      return { events, next: events.length === 0 && encode(next) === encode(previous) ? after : encode(next), caughtUp: !full };
    },
  };
};
