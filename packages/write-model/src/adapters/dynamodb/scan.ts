/**
 * Full-history read of the DynamoDB event table: a parallel `Scan` over `segments`, for replaying
 * every event into a read model (the table's Streams keep only 24 hours). DynamoDB assigns a
 * whole partition key to one segment and returns a partition's items in sort-key order, so each
 * stream's commits arrive together, in version order, within its segment — the per-stream order
 * projections rely on; across streams nothing is ordered (as on every change feed).
 *
 * The read is a `ChangeFeed`: its position is the `LastEvaluatedKey` of every segment (JSON),
 * so a replay stores it as its checkpoint and a killed replay resumes from there (the page in
 * flight is read again; projections apply a stream version once). Reads are paced to
 * `readUnitsPerSecond` from the capacity each Scan reports (an on-demand table bills read request
 * units: 0.5 per 4 KB for these eventually consistent reads), so a replay leaves room for the
 * live traffic.
 */
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ChangeFeed, FeedEvent, FeedPage } from '@strata/events';
import { fromItem } from './item.js';

export interface TableScanOptions {
  readonly client: Pick<DynamoDBClient, 'send'>;
  readonly tableName: string;
  /** Parallel segments (DynamoDB allows up to 1,000,000). @default 4 */
  readonly segments?: number;
  /** Read request units per second at most, across segments. @default unlimited */
  readonly readUnitsPerSecond?: number;
  /** Progress after each page: items and events read, units consumed, segments finished. */
  readonly onProgress?: (p: TableScanProgress) => void;
  /** Waits (the pacing); tests pass one that resolves at once. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface TableScanProgress {
  readonly items: number;
  readonly events: number;
  readonly readUnits: number;
  readonly segmentsDone: number;
  readonly segments: number;
}

/** Where each segment stands: its next start key, `null` once finished. */
type Position = { readonly s: ReadonlyArray<Record<string, AttributeValue> | null | 0> };

const START = (segments: number): Position => ({ s: Array.from({ length: segments }, () => 0) });

/** Parses a position this feed produced ('' is the start). */
export const parseScanPosition = (position: string, segments: number): Position => {
  if (position === '') return START(segments);
  const parsed = JSON.parse(position) as Position;
  if (!Array.isArray(parsed.s) || parsed.s.length !== segments) throw new Error(`scan position is for ${String(parsed.s?.length)} segments, not ${segments}`);
  return parsed;
};

export const createTableScanFeed = (o: TableScanOptions): ChangeFeed & { readonly progress: () => TableScanProgress } => {
  const segments = o.segments ?? 4;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const progress = { items: 0, events: 0, readUnits: 0, segmentsDone: 0, segments };
  // Pacing: units consumed since `since` may not exceed rate × elapsed.
  const since = now();

  const pace = async () => {
    const rate = o.readUnitsPerSecond;
    if (rate === undefined) return;
    const earliest = since + (progress.readUnits / rate) * 1000;
    const wait = earliest - now();
    if (wait > 0) await sleep(wait);
  };

  const scanSegment = async (segment: number, start: Record<string, AttributeValue> | 0, limit: number) => {
    const out = await o.client.send(
      new ScanCommand({
        TableName: o.tableName,
        Segment: segment,
        TotalSegments: segments,
        Limit: limit,
        ReturnConsumedCapacity: 'TOTAL',
        ...(start === 0 ? {} : { ExclusiveStartKey: start }),
      }),
    );
    return { items: out.Items ?? [], next: out.LastEvaluatedKey ?? null, units: out.ConsumedCapacity?.CapacityUnits ?? 0 };
  };

  return {
    progress: () => ({ ...progress }),
    async readFeed(after: string, limit: number): Promise<FeedPage> {
      const position = parseScanPosition(after, segments);
      const open = position.s.map((s, i) => [i, s] as const).filter((x): x is readonly [number, Record<string, AttributeValue> | 0] => x[1] !== null);
      if (open.length === 0) return { events: [], next: after, caughtUp: true };
      await pace();
      // One Scan per unfinished segment, in parallel; a commit item holds one or more events, so
      // `limit` items is an upper bound on the page in commits, not in events.
      const perSegment = Math.max(1, Math.floor(limit / open.length));
      const pages = await Promise.all(open.map(([segment, start]) => scanSegment(segment, start, perSegment)));
      const s = [...position.s];
      const events: FeedEvent[] = [];
      open.forEach(([segment], i) => {
        const page = pages[i]!;
        s[segment] = page.next;
        progress.readUnits += page.units;
        progress.items += page.items.length;
        // The position of every event of this page is the page's end: a resumed read starts
        // after the whole page (an event is never skipped; at worst a page is applied twice).
        for (const item of page.items) events.push(...(fromItem(unmarshall(item)) as FeedEvent[]));
      });
      const next = JSON.stringify({ s });
      for (let i = 0; i < events.length; i++) events[i] = { ...events[i]!, position: next };
      progress.events += events.length;
      progress.segmentsDone = s.filter((x) => x === null).length;
      o.onProgress?.({ ...progress });
      return { events, next, caughtUp: progress.segmentsDone === segments };
    },
  };
};
