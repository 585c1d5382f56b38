import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoEndpoint, describeWith } from '@strata/test-env';
import { FEED_START, expectNoStream, expectVersion, type EventEnvelope, type FeedPage } from '@strata/events';
import { testAppend, testEvents, testStreamId } from '../../testing.js';
import { createDynamoEventStore, createTableScanFeed, ensureEventTable } from '../../dynamodb.js';

// The full-history scan on DynamoDB Local: every committed event exactly once, each stream in
// version order, resumable from a page's position by a new reader (a killed replay), paced by
// the consumed read units. Not proven here: DynamoDB's segment assignment at scale (Local keeps
// one partition) and the on-demand table's real read-unit accounting.
const connection = () => ({ endpoint: dynamoEndpoint(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

describeWith('DYNAMODB', 'DynamoDB full-history scan', () => {
  let client: DynamoDBClient;
  const tableName = `strata-scan-${crypto.randomUUID()}`;
  const written = new Map<string, EventEnvelope[]>();

  beforeAll(async () => {
    client = new DynamoDBClient(connection());
    await ensureEventTable(client, tableName);
    const store = createDynamoEventStore({ client, tableName });
    for (let s = 0; s < 12; s++) {
      const streamId = testStreamId('Scan');
      let version = 0;
      for (let c = 0; c < 3; c++) {
        const events = testEvents(1 + ((s + c) % 3));
        const r = await store.append(testAppend(streamId, version === 0 ? expectNoStream : expectVersion(version), events));
        version = r.version;
      }
      written.set(streamId, [...(await store.readStream(streamId)).events]);
    }
  }, 120_000);
  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    client.destroy();
  });

  const drain = async (feed: ReturnType<typeof createTableScanFeed>, from = FEED_START, pages = Infinity): Promise<{ events: EventEnvelope[]; next: string; done: boolean }> => {
    const events: EventEnvelope[] = [];
    let after = from;
    for (let i = 0; i < pages; i++) {
      const page: FeedPage = await feed.readFeed(after, 4);
      events.push(...page.events);
      after = page.next;
      if (page.caughtUp) return { events, next: after, done: true };
    }
    return { events, next: after, done: false };
  };
  const byStream = (events: readonly EventEnvelope[]) => {
    const m = new Map<string, number[]>();
    for (const e of events) m.set(e.streamId, [...(m.get(e.streamId) ?? []), e.streamVersion]);
    return m;
  };

  it('reads every event once, each stream in version order, over parallel segments', async () => {
    const { events } = await drain(createTableScanFeed({ client, tableName, segments: 3 }));
    const total = [...written.values()].reduce((n, e) => n + e.length, 0);
    expect(events).toHaveLength(total);
    for (const [streamId, versions] of byStream(events)) expect(versions).toEqual(written.get(streamId)!.map((e) => e.streamVersion));
    const stored = new Map([...written.values()].flat().map((e) => [e.eventId, e]));
    for (const e of events) expect({ ...e, position: undefined }).toEqual({ ...stored.get(e.eventId)!, position: undefined });
  }, 120_000);

  it('resumes from a page’s position with a new reader (a killed replay) without losing an event', async () => {
    const first = await drain(createTableScanFeed({ client, tableName, segments: 3 }), FEED_START, 2);
    expect(first.done).toBe(false);
    const rest = await drain(createTableScanFeed({ client, tableName, segments: 3 }), first.next);
    const ids = [...first.events, ...rest.events].map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([...written.values()].flat().map((e) => e.eventId).sort());
  }, 120_000);

  it('paces the reads to the configured read units per second', async () => {
    const waits: number[] = [];
    const clock = 0;
    const feed = createTableScanFeed({ client, tableName, segments: 2, readUnitsPerSecond: 1, now: () => clock, sleep: async (ms) => void waits.push(ms) });
    await drain(feed);
    const units = feed.progress().readUnits;
    expect(units).toBeGreaterThan(0);
    // With the clock standing still, each page waits for the units consumed so far at 1 unit/s.
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(units * 1000);
    expect(feed.progress().segmentsDone).toBe(2);
  }, 120_000);
});
