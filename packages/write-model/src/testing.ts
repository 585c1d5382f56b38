/**
 * @strata/write-model/testing — the one contract suite every `EventStore` adapter passes
 * (memory, PostgreSQL, PGlite, DynamoDB). Call it from the adapter's test file:
 *
 * ```ts
 * runEventStoreContract('memory', async () => {
 *   const store = createMemoryEventStore({ maxCommitBytes: 64 * 1024 });
 *   return { store, feed: store, maxCommitBytes: 64 * 1024, teardown: () => store.close() };
 * }, { feed: true });
 * ```
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CommandIdReusedError,
  CommitTooLargeError,
  FEED_START,
  GENESIS_HASH,
  InvalidAppendError,
  VersionConflictError,
  expectAny,
  expectNoStream,
  expectVersion,
  fingerprint,
  sealCommit,
  verifyChain,
  type AppendRequest,
  type ChangeFeed,
  type CommitMetadata,
  type EventEnvelope,
  type EventStore,
  type ExpectedVersion,
  type FeedEvent,
  type NewEvent,
} from '@strata/events';

export interface EventStoreFixture {
  readonly store: EventStore;
  /** The adapter's change feed, when it has one that reads the same store. */
  readonly feed?: ChangeFeed;
  /** The largest commit the store accepts, in bytes (the suite sends one just above it). */
  readonly maxCommitBytes: number;
  teardown(): Promise<void>;
}

export interface EventStoreContractOptions {
  /**
   * Register the change-feed cases; the fixture must then provide `feed`. Off for stores whose
   * feed is tested elsewhere (DynamoDB Streams). @default false
   */
  readonly feed?: boolean;
}

// ── Builders shared by the suite and the model-based tests ─────────────────────────────────

const uid = (): string => crypto.randomUUID();

/** A unique stream id, so cases never see each other's streams in a shared store. */
export const testStreamId = (label = 'Contract'): string => `${label}-${uid()}`;

/** New events with a payload that exercises the stored format (nesting, unicode, numbers). */
export const testEvents = (count: number, tag = 'e'): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    eventId: uid(),
    type: 'ContractTested',
    schemaVersion: 1,
    data: { tag, index: i, amount: { minor: 12345, currency: 'EUR' }, lines: [{ q: 2, name: 'Zoë ✓ 東京' }], flag: i % 2 === 0, none: null },
  }));

/** Commit metadata; the fingerprint derives from `payload` so equal payloads fingerprint equally. */
export const testMeta = (commandId: string, payload: unknown = commandId): CommitMetadata => ({
  occurredAt: '2026-11-24T12:00:00.000Z',
  actor: { kind: 'user', id: 'u-1', roles: ['customer'] },
  causationId: commandId,
  correlationId: `corr-${commandId}`,
  commandId,
  commandFingerprint: fingerprint(payload),
});

export const testAppend = (streamId: string, expected: ExpectedVersion, events: readonly NewEvent[], commandId = uid()): AppendRequest => ({
  streamId,
  expected,
  events,
  meta: testMeta(commandId),
});

/** Resolves to the error an operation rejected with (fails the test when it did not reject). */
const rejection = async (operation: Promise<unknown>): Promise<unknown> => {
  try {
    await operation;
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to reject, it resolved');
};

/** Reads the feed page by page from `from` until caught up; returns every event and the checkpoint. */
const drainFeed = async (feed: ChangeFeed, from: string, pageSize: number): Promise<{ events: FeedEvent[]; next: string }> => {
  const events: FeedEvent[] = [];
  let next = from;
  for (;;) {
    const page = await feed.readFeed(next, pageSize);
    events.push(...page.events);
    next = page.next;
    if (page.caughtUp) return { events, next };
  }
};

/** Timeout for setup and the racing cases: real stores on a busy machine are slow, never wrong. */
const SLOW = 60_000;

const key = (e: EventEnvelope): string => `${e.streamId}@${e.streamVersion}`;

/** Registers the contract cases for one adapter as a jest `describe` block. */
export function runEventStoreContract(name: string, setup: () => Promise<EventStoreFixture>, options: EventStoreContractOptions = {}): void {
  describe(`EventStore contract: ${name}`, () => {
    let fx: EventStoreFixture;
    const store = (): EventStore => fx.store;

    // Setup may start an embedded database or create tables: allow it more than a test's time.
    beforeAll(async () => {
      fx = await setup();
    }, SLOW);
    afterAll(async () => {
      await fx.teardown();
    });

    describe('append and read', () => {
      it('round-trips every envelope field, numbering versions 1..n across commits', async () => {
        const stream = testStreamId();
        const first = testAppend(stream, expectNoStream, testEvents(2, 'a'));
        const r1 = await store().append(first);
        const expected1 = sealCommit(stream, { version: 0, hash: GENESIS_HASH }, first.events, first.meta);
        expect(r1).toEqual({ streamId: stream, version: 2, events: expected1, duplicate: false });

        const second = testAppend(stream, expectVersion(2, expected1[1]!.hash), testEvents(3, 'b'));
        const r2 = await store().append(second);
        const expected2 = sealCommit(stream, { version: 2, hash: expected1[1]!.hash }, second.events, second.meta);
        expect(r2).toEqual({ streamId: stream, version: 5, events: expected2, duplicate: false });

        const slice = await store().readStream(stream);
        expect(slice).toEqual({ streamId: stream, version: 5, events: [...expected1, ...expected2] });
        expect(slice.events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5]);
      });

      it('reads a window with fromVersion and limit, reporting the last version', async () => {
        const stream = testStreamId();
        const { events } = await store().append(testAppend(stream, expectNoStream, testEvents(6)));
        const window = await store().readStream(stream, { fromVersion: 3, limit: 2 });
        expect(window).toEqual({ streamId: stream, version: 6, events: events.slice(2, 4) });
        expect((await store().readStream(stream, { fromVersion: 5 })).events).toEqual(events.slice(4));
        expect((await store().readStream(stream, { fromVersion: 7 })).events).toEqual([]);
      });

      it('keeps a commit\'s W3C traceparent on each of its events (reads, duplicates and the feed), outside the hash chain', async () => {
        const stream = testStreamId();
        const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
        const plain = await store().append(testAppend(stream, expectNoStream, testEvents(1)));
        const request = { ...testAppend(stream, expectVersion(1, plain.events[0]!.hash), testEvents(2)), meta: { ...testMeta(uid()), traceparent } };
        const traced = await store().append(request);
        expect(traced.events.map((e) => e.traceparent)).toEqual([traceparent, traceparent]);
        const { events } = await store().readStream(stream);
        expect(events.map((e) => e.traceparent)).toEqual([undefined, traceparent, traceparent]);
        expect(verifyChain(events)).toEqual({ ok: true, events: 3 });
        expect((await store().append(request)).events).toEqual(traced.events);
        if (fx.feed !== undefined && options.feed === true) {
          const inFeed = (await drainFeed(fx.feed, FEED_START, 1000)).events.filter((e) => e.streamId === stream);
          expect(inFeed.map((e) => e.traceparent)).toEqual([undefined, traceparent, traceparent]);
        }
      });

      it('reads a missing stream as empty with version 0', async () => {
        const stream = testStreamId();
        expect(await store().readStream(stream)).toEqual({ streamId: stream, version: 0, events: [] });
      });
    });

    describe('expected version', () => {
      const expectConflict = async (request: AppendRequest, actual: number): Promise<void> => {
        const error = await rejection(store().append(request));
        expect(error).toBeInstanceOf(VersionConflictError);
        expect(error).toMatchObject({ code: 'VERSION_CONFLICT', streamId: request.streamId, actual });
      };

      it('no-stream: creates a stream once, then conflicts', async () => {
        const stream = testStreamId();
        await store().append(testAppend(stream, expectNoStream, testEvents(1)));
        await expectConflict(testAppend(stream, expectNoStream, testEvents(1)), 1);
        expect((await store().readStream(stream)).version).toBe(1);
      });

      it('exact: appends at the right version, conflicts at a wrong one or a stale hash', async () => {
        const stream = testStreamId();
        const r1 = await store().append(testAppend(stream, expectVersion(0), testEvents(2)));
        await expectConflict(testAppend(stream, expectVersion(1), testEvents(1)), 2);
        await expectConflict(testAppend(stream, expectVersion(3), testEvents(1)), 2);
        await expectConflict(testAppend(stream, expectVersion(2, r1.events[0]!.hash), testEvents(1)), 2);
        const r2 = await store().append(testAppend(stream, expectVersion(2), testEvents(1)));
        expect(r2.version).toBe(3);
        expect(r2.events[0]!.prevHash).toBe(r1.events[1]!.hash);
        expect((await store().readStream(stream)).version).toBe(3);
      });

      it('exact 0 conflicts on an existing stream', async () => {
        const stream = testStreamId();
        await store().append(testAppend(stream, expectNoStream, testEvents(1)));
        await expectConflict(testAppend(stream, expectVersion(0), testEvents(1)), 1);
      });

      it('any: appends to a new or an existing stream', async () => {
        const stream = testStreamId();
        expect((await store().append(testAppend(stream, expectAny, testEvents(1)))).version).toBe(1);
        expect((await store().append(testAppend(stream, expectAny, testEvents(2)))).version).toBe(3);
        expect(verifyChain((await store().readStream(stream)).events)).toEqual({ ok: true, events: 3 });
      });
    });

    describe('idempotency by command id', () => {
      it('a retry returns the original outcome with duplicate: true and appends nothing', async () => {
        const stream = testStreamId();
        const request = testAppend(stream, expectNoStream, testEvents(2));
        const original = await store().append(request);
        await store().append(testAppend(stream, expectVersion(2), testEvents(1)));

        const retry = await store().append(request);
        expect(retry).toEqual({ ...original, duplicate: true });
        // Even when the retry's expected version is now stale or claims another one.
        expect(await store().append({ ...request, expected: expectVersion(3) })).toEqual({ ...original, duplicate: true });
        expect(await store().append({ ...request, expected: expectAny })).toEqual({ ...original, duplicate: true });
        expect((await store().readStream(stream)).version).toBe(3);
      });

      it('the same command id with another payload is rejected', async () => {
        const stream = testStreamId();
        const commandId = uid();
        await store().append(testAppend(stream, expectNoStream, testEvents(1), commandId));
        const reused: AppendRequest = { ...testAppend(stream, expectVersion(1), testEvents(1)), meta: testMeta(commandId, { other: 'payload' }) };
        const error = await rejection(store().append(reused));
        expect(error).toBeInstanceOf(CommandIdReusedError);
        expect(error).toMatchObject({ code: 'COMMAND_ID_REUSED', streamId: stream, commandId });
        expect((await store().readStream(stream)).version).toBe(1);
      });

      it('a command id is scoped to its stream', async () => {
        const commandId = uid();
        const a = await store().append(testAppend(testStreamId(), expectNoStream, testEvents(1), commandId));
        const b = await store().append(testAppend(testStreamId(), expectNoStream, testEvents(1), commandId));
        expect([a.duplicate, b.duplicate]).toEqual([false, false]);
      });
    });

    describe('conditions on other streams', () => {
      const expectConditionConflict = async (request: AppendRequest, conditionStream: string): Promise<void> => {
        const error = await rejection(store().append(request));
        expect(error).toBeInstanceOf(VersionConflictError);
        expect(error).toMatchObject({ code: 'VERSION_CONFLICT', streamId: conditionStream });
        expect((await store().readStream(request.streamId)).version).toBe(0);
      };

      it('appends when every condition holds (a missing stream is at version 0)', async () => {
        const product = testStreamId('Product');
        const missing = testStreamId('Product');
        await store().append(testAppend(product, expectNoStream, testEvents(2)));
        const order = testStreamId('Order');
        const result = await store().append({
          ...testAppend(order, expectNoStream, testEvents(1)),
          conditions: [{ streamId: product, expectedVersion: 2 }, { streamId: missing, expectedVersion: 0 }],
        });
        expect(result).toMatchObject({ streamId: order, version: 1, duplicate: false });
        expect((await store().readStream(order)).events).toEqual(result.events);
        // The condition streams are only read, never written.
        expect((await store().readStream(product)).version).toBe(2);
        expect((await store().readStream(missing)).version).toBe(0);
      });

      it('refuses with a conflict naming the condition stream, appending nothing, when another stream moved on or never got there', async () => {
        const product = testStreamId('Product');
        await store().append(testAppend(product, expectNoStream, testEvents(1)));
        await store().append(testAppend(product, expectVersion(1), testEvents(1)));
        await expectConditionConflict({ ...testAppend(testStreamId('Order'), expectNoStream, testEvents(1)), conditions: [{ streamId: product, expectedVersion: 1 }] }, product);
        await expectConditionConflict({ ...testAppend(testStreamId('Order'), expectNoStream, testEvents(1)), conditions: [{ streamId: product, expectedVersion: 3 }] }, product);
        const other = testStreamId('Product');
        await expectConditionConflict(
          { ...testAppend(testStreamId('Order'), expectNoStream, testEvents(1)), conditions: [{ streamId: other, expectedVersion: 0 }, { streamId: product, expectedVersion: 0 }] },
          product,
        );
      });

      it('answers a retried command id with its first outcome even after a condition stream moved on', async () => {
        const product = testStreamId('Product');
        await store().append(testAppend(product, expectNoStream, testEvents(1)));
        const order = testStreamId('Order');
        const request: AppendRequest = { ...testAppend(order, expectNoStream, testEvents(1)), conditions: [{ streamId: product, expectedVersion: 1 }] };
        const first = await store().append(request);
        await store().append(testAppend(product, expectVersion(1), testEvents(1)));
        expect(await store().append(request)).toEqual({ ...first, duplicate: true });
        expect((await store().readStream(order)).version).toBe(1);
      });

      it('still checks the appended stream: a wrong expected version conflicts on it', async () => {
        const product = testStreamId('Product');
        const order = testStreamId('Order');
        await store().append(testAppend(order, expectNoStream, testEvents(1)));
        const error = await rejection(store().append({ ...testAppend(order, expectNoStream, testEvents(1)), conditions: [{ streamId: product, expectedVersion: 0 }] }));
        expect(error).toMatchObject({ code: 'VERSION_CONFLICT', streamId: order });
      });

      it('refuses a condition on the appended stream itself or a negative version as an invalid append', async () => {
        const order = testStreamId('Order');
        await expect(store().append({ ...testAppend(order, expectNoStream, testEvents(1)), conditions: [{ streamId: order, expectedVersion: 0 }] })).rejects.toMatchObject({ code: 'INVALID_APPEND' });
        await expect(store().append({ ...testAppend(order, expectNoStream, testEvents(1)), conditions: [{ streamId: testStreamId(), expectedVersion: -1 }] })).rejects.toMatchObject({ code: 'INVALID_APPEND' });
      });

      it('racing: a conditional append and a write to its condition stream never both commit against the same version', async () => {
        const rounds = 8;
        for (let round = 0; round < rounds; round++) {
          const product = testStreamId('Product');
          await store().append(testAppend(product, expectNoStream, testEvents(1)));
          const order = testStreamId('Order');
          const [ordered, repriced] = await Promise.allSettled([
            store().append({ ...testAppend(order, expectNoStream, testEvents(1)), conditions: [{ streamId: product, expectedVersion: 1 }] }),
            store().append(testAppend(product, expectVersion(1), testEvents(1))),
          ]);
          // The write to the product stream is unconditional on the order: it always commits.
          expect(repriced.status).toBe('fulfilled');
          if (ordered.status === 'rejected') {
            expect(ordered.reason).toMatchObject({ code: 'VERSION_CONFLICT', streamId: product });
            expect((await store().readStream(order)).version).toBe(0);
          } else expect((await store().readStream(order)).version).toBe(1);
        }
      }, SLOW);
    });

    describe('concurrency', () => {
      const writers = 20;

      it('20 writers racing for the same version: exactly one wins, the others conflict', async () => {
        const stream = testStreamId();
        const outcomes = await Promise.allSettled(
          Array.from({ length: writers }, () => store().append(testAppend(stream, expectNoStream, testEvents(1)))),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(writers - 1);
        for (const reason of lost) expect(reason).toBeInstanceOf(VersionConflictError);
        expect((await store().readStream(stream)).version).toBe(1);
      }, SLOW);

      it('20 writers retrying on conflict: one winner per version, no gaps, no duplicates, an intact chain', async () => {
        const stream = testStreamId();
        const writeUntilCommitted = async (writer: number): Promise<number> => {
          const request = testAppend(stream, expectNoStream, testEvents(2, `w${writer}`));
          for (let attempt = 0; attempt <= writers * 2; attempt++) {
            const tail = await store().readStream(stream);
            const last = tail.events[tail.events.length - 1];
            const expected = last === undefined ? expectVersion(0) : expectVersion(last.streamVersion, last.hash);
            try {
              const result = await store().append({ ...request, expected });
              return result.version;
            } catch (error) {
              if (!(error instanceof VersionConflictError)) throw error;
            }
          }
          throw new Error(`writer ${writer} never committed`);
        };
        const versions = await Promise.all(Array.from({ length: writers }, (_, w) => writeUntilCommitted(w)));
        expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: writers }, (_, i) => 2 * (i + 1)));

        const { events, version } = await store().readStream(stream);
        expect(version).toBe(2 * writers);
        expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 2 * writers }, (_, i) => i + 1));
        expect(new Set(events.map((e) => e.commandId)).size).toBe(writers);
        expect(verifyChain(events)).toEqual({ ok: true, events: 2 * writers });
      }, SLOW);
    });

    describe('limits', () => {
      const oversized = (): NewEvent[] => [{ eventId: uid(), type: 'ContractTested', schemaVersion: 1, data: { blob: 'x'.repeat(fx.maxCommitBytes) } }];

      it('rejects a commit too large with CommitTooLargeError and writes nothing', async () => {
        const stream = testStreamId();
        const error = await rejection(store().append(testAppend(stream, expectNoStream, oversized())));
        expect(error).toBeInstanceOf(CommitTooLargeError);
        expect(error).toMatchObject({ code: 'COMMIT_TOO_LARGE', streamId: stream, limitBytes: fx.maxCommitBytes });
        expect(await store().readStream(stream)).toEqual({ streamId: stream, version: 0, events: [] });
      });

      it('an oversized commit leaves an existing stream untouched', async () => {
        const stream = testStreamId();
        const before = await store().append(testAppend(stream, expectNoStream, testEvents(1)));
        await expect(store().append(testAppend(stream, expectVersion(1), [...testEvents(1), ...oversized()]))).rejects.toBeInstanceOf(CommitTooLargeError);
        expect((await store().readStream(stream)).events).toEqual(before.events);
      });

      // PostgreSQL's jsonb refuses these and DynamoDB cannot encode a lone surrogate; every store
      // refuses them the same way, so no test on one store hides what another does.
      it.each([
        ['NUL in a value', { name: 'a\u0000b' }],
        ['a lone high surrogate', { name: 'x\uD800' }],
        ['a lone low surrogate, nested', { lines: [{ name: '\uDC00y' }] }],
        ['NUL in a key', { ['k\u0000']: 1 }],
      ])('refuses text no store can keep (%s) with InvalidAppendError and writes nothing', async (_label, data) => {
        const stream = testStreamId();
        const before = await store().append(testAppend(stream, expectNoStream, testEvents(1)));
        const error = await rejection(store().append(testAppend(stream, expectVersion(1), [{ eventId: uid(), type: 'ContractTested', schemaVersion: 1, data }])));
        expect(error).toBeInstanceOf(InvalidAppendError);
        expect(error).toMatchObject({ code: 'INVALID_APPEND' });
        expect((await store().readStream(stream)).events).toEqual(before.events);
      });

      it('keeps well-formed text that is merely unusual: a surrogate pair, tab, newline, bidi controls', async () => {
        const stream = testStreamId();
        const data = { name: '😀 \t\n\u202Eevil\u202C \u0001' };
        const written = await store().append(testAppend(stream, expectNoStream, [{ eventId: uid(), type: 'ContractTested', schemaVersion: 1, data }]));
        expect((await store().readStream(stream)).events).toEqual(written.events);
        expect(written.events[0]?.data).toEqual(data);
      });
    });

    describe('hash chain', () => {
      it('stays intact across no-stream, exact (with and without hash) and any commits', async () => {
        const stream = testStreamId();
        const r1 = await store().append(testAppend(stream, expectNoStream, testEvents(2)));
        const r2 = await store().append(testAppend(stream, expectVersion(2, r1.events[1]!.hash), testEvents(1)));
        await store().append(testAppend(stream, expectVersion(r2.version), testEvents(3)));
        await Promise.all([1, 2, 3].map(() => store().append(testAppend(stream, expectAny, testEvents(1)))));
        const { events } = await store().readStream(stream);
        expect(verifyChain(events)).toEqual({ ok: true, events: 9 });
        expect(events[0]!.prevHash).toBe(GENESIS_HASH);
      });
    });

    if (options.feed === true) {
      describe('change feed', () => {
        const feed = (): ChangeFeed => {
          if (fx.feed === undefined) throw new Error(`${name}: the contract was asked to test the feed, but the fixture has none`);
          return fx.feed;
        };

        it('delivers every committed event exactly once, page by page from FEED_START, in stream order', async () => {
          const streams = [testStreamId(), testStreamId(), testStreamId()];
          const committed: EventEnvelope[] = [];
          for (let round = 0; round < 3; round++)
            for (const stream of streams) committed.push(...(await store().append(testAppend(stream, expectAny, testEvents(round + 1)))).events);

          const { events } = await drainFeed(feed(), FEED_START, 4);
          const keys = events.map(key);
          expect(new Set(keys).size).toBe(keys.length);
          const mine = events.filter((e) => streams.includes(e.streamId));
          expect(new Set(mine.map(key))).toEqual(new Set(committed.map(key)));
          for (const stream of streams) {
            const inFeed = mine.filter((e) => e.streamId === stream);
            expect(inFeed.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6]);
            // The feed carries the stored envelope (plus its position).
            expect(inFeed.map(({ position: _position, ...envelope }) => envelope)).toEqual(committed.filter((e) => e.streamId === stream));
          }
        });

        it('resumes from a checkpoint without repeating or losing events', async () => {
          const { next: head } = await drainFeed(feed(), FEED_START, 50);
          const stream = testStreamId();
          const a = await store().append(testAppend(stream, expectNoStream, testEvents(3)));
          const firstPage = await feed().readFeed(head, 2);
          expect(firstPage.events.map(key)).toEqual(a.events.slice(0, 2).map(key));
          const b = await store().append(testAppend(stream, expectVersion(3), testEvents(2)));
          const rest = await drainFeed(feed(), firstPage.next, 2);
          expect(rest.events.map(key)).toEqual([...a.events.slice(2), ...b.events].map(key));
          const after = await feed().readFeed(rest.next, 10);
          expect(after).toEqual({ events: [], next: rest.next, caughtUp: true });
        });

        it('misses nothing while several writers append to several streams concurrently', async () => {
          const { next: head } = await drainFeed(feed(), FEED_START, 100);
          const streams = Array.from({ length: 4 }, () => testStreamId());
          const committed = new Set<string>();
          let writing = true;
          const writersDone = Promise.all(
            streams.flatMap((stream) =>
              [0, 1, 2].map(async () => {
                for (let i = 0; i < 8; i++) {
                  const result = await store().append(testAppend(stream, expectAny, testEvents(1 + (i % 3))));
                  result.events.forEach((e) => committed.add(key(e)));
                }
              }),
            ),
          ).finally(() => {
            writing = false;
          });

          const seen: string[] = [];
          let checkpoint = head;
          // Follow the feed while the writers run, then until caught up with everything committed.
          for (let polls = 0; polls < 10_000; polls++) {
            const page = await feed().readFeed(checkpoint, 7);
            seen.push(...page.events.map(key));
            checkpoint = page.next;
            if (!writing && page.caughtUp && seen.length >= committed.size) break;
            if (page.events.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
          }
          await writersDone;
          expect(new Set(seen).size).toBe(seen.length);
          expect(new Set(seen)).toEqual(committed);
        }, SLOW);
      });
    }
  });
}
