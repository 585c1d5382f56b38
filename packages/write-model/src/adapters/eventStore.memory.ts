import {
  GENESIS_HASH,
  StreamTooLargeError,
  sealCommit,
  type AppendRequest,
  type AppendResult,
  type ChangeFeed,
  type EventEnvelope,
  type EventStore,
  type FeedEvent,
  type FeedPage,
  type ReadStreamOptions,
  type StreamSlice,
} from '@strata/events';
import {
  DEFAULT_MAX_COMMIT_BYTES,
  DEFAULT_MAX_READ_EVENTS,
  conditionConflict,
  conflict,
  duplicateResult,
  expectationHolds,
  serializeCommit,
  validateAppend,
} from './common.js';

export interface MemoryEventStoreOptions {
  /** Largest commit accepted, in bytes of serialized envelopes. @default 1 MiB */
  readonly maxCommitBytes?: number;
  /** Largest stream `readStream` returns without a `limit`. @default 10,000 */
  readonly maxReadEvents?: number;
}

/**
 * An in-process event store for unit tests and the embedded runtime's throwaway mode. Appends
 * run synchronously between awaits, so each commit is atomic; stored envelopes are JSON copies
 * so callers see exactly what a persistent store would give back.
 */
export const createMemoryEventStore = (options: MemoryEventStoreOptions = {}): EventStore & ChangeFeed => {
  const maxCommitBytes = options.maxCommitBytes ?? DEFAULT_MAX_COMMIT_BYTES;
  const maxReadEvents = options.maxReadEvents ?? DEFAULT_MAX_READ_EVENTS;
  const streams = new Map<string, EventEnvelope[]>();
  /** streamId → commandId → the commit's events. */
  const commits = new Map<string, Map<string, readonly EventEnvelope[]>>();
  /** The feed: index + 1 is the position. */
  const log: EventEnvelope[] = [];
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

  const appendNow = (request: AppendRequest): AppendResult => {
    validateAppend(request);
    const { streamId, meta } = request;
    const original = commits.get(streamId)?.get(meta.commandId);
    if (original !== undefined) return duplicateResult(request, copy(original));
    const stream = streams.get(streamId) ?? [];
    const last = stream[stream.length - 1];
    const tail = { version: last?.streamVersion ?? 0, hash: last?.hash ?? GENESIS_HASH };
    if (!expectationHolds(request, tail)) throw conflict(request, tail.version);
    // Conditions on other streams, checked in the same synchronous step as the write: atomic.
    for (const c of request.conditions ?? []) {
      const version = streams.get(c.streamId)?.length ?? 0;
      if (version !== c.expectedVersion) throw conditionConflict(c, version);
    }
    const json = serializeCommit(streamId, sealCommit(streamId, tail, request.events, meta), maxCommitBytes);
    const sealed = JSON.parse(json) as EventEnvelope[];
    stream.push(...sealed);
    streams.set(streamId, stream);
    const byCommand = commits.get(streamId) ?? new Map<string, readonly EventEnvelope[]>();
    byCommand.set(meta.commandId, sealed);
    commits.set(streamId, byCommand);
    log.push(...sealed);
    return { streamId, version: tail.version + sealed.length, events: copy(sealed), duplicate: false };
  };

  return {
    append: (request) => Promise.resolve().then(() => appendNow(request)),

    readStream: (streamId: string, opts: ReadStreamOptions = {}): Promise<StreamSlice> =>
      Promise.resolve().then(() => {
        const stream = streams.get(streamId) ?? [];
        const from = Math.max(1, opts.fromVersion ?? 1);
        const rest = stream.slice(from - 1);
        if (opts.limit === undefined && rest.length > maxReadEvents) throw new StreamTooLargeError(streamId, maxReadEvents);
        const events = opts.limit === undefined ? rest : rest.slice(0, Math.max(0, opts.limit));
        return { streamId, version: stream.length, events: copy(events) };
      }),

    readFeed: (after: string, limit: number): Promise<FeedPage> =>
      Promise.resolve().then(() => {
        const start = after === '' ? 0 : Number(after);
        const page = log.slice(start, start + Math.max(0, limit));
        const events: FeedEvent[] = page.map((e, i) => ({ ...copy(e), position: String(start + i + 1) }));
        return { events, next: String(start + page.length), caughtUp: start + page.length >= log.length };
      }),

    head: () => Promise.resolve(log.length === 0 ? '' : String(log.length)),

    close: () => Promise.resolve(),
  };
};
