import type { CommitMetadata, EventEnvelope, NewEvent } from './envelope.js';

/**
 * The event store port. Adapters: memory, PostgreSQL, PGlite, DynamoDB (in write-model); every
 * one passes the same contract suite. A commit (one command's events) is atomic: all or nothing.
 */

/** What the stream must look like for the append to succeed. */
export type ExpectedVersion =
  /** The stream must not exist yet. */
  | { readonly kind: 'no-stream' }
  /**
   * The stream's last version must be `version` (0 means: does not exist yet). `hash` is the
   * hash of that last event when the caller has read it; it lets the store chain the new events
   * without reading the tail again (one round trip per command).
   */
  | { readonly kind: 'exact'; readonly version: number; readonly hash?: string }
  /** Append whatever the stream's version (the store reads the tail to chain the hashes). */
  | { readonly kind: 'any' };

export const expectNoStream: ExpectedVersion = { kind: 'no-stream' };
export const expectAny: ExpectedVersion = { kind: 'any' };
export const expectVersion = (version: number, hash?: string): ExpectedVersion =>
  hash === undefined ? { kind: 'exact', version } : { kind: 'exact', version, hash };

/**
 * A condition on ANOTHER stream than the one appended to: the commit happens only if that stream
 * is at `expectedVersion` (0: it does not exist) when the commit is made. An order priced from
 * the catalogue is appended on condition that each product's stream is still at the version its
 * price was read from (decision 0007).
 */
export interface StreamCondition {
  readonly streamId: string;
  readonly expectedVersion: number;
}

export interface AppendRequest {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly events: readonly NewEvent[];
  readonly meta: CommitMetadata;
  /**
   * Other streams that must be at a given version for the commit to happen, checked atomically
   * with it. A failed condition is a `VersionConflictError` naming that stream; nothing is
   * appended. A retried command id is answered as a duplicate before any condition is checked
   * (the first outcome stands even after the other stream moved on). Absent or empty: a plain append.
   */
  readonly conditions?: readonly StreamCondition[];
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the commit. */
  readonly version: number;
  /** The committed envelopes (the originals when `duplicate`). */
  readonly events: readonly EventEnvelope[];
  /** True when this command id had already been committed to the stream: nothing was appended. */
  readonly duplicate: boolean;
}

export interface ReadStreamOptions {
  /** First version to return (default 1). */
  readonly fromVersion?: number;
  /** At most this many events. */
  readonly limit?: number;
}

export interface StreamSlice {
  readonly streamId: string;
  /** The stream's last version (0 when the stream does not exist). */
  readonly version: number;
  readonly events: readonly EventEnvelope[];
}

/** An event as the change feed delivers it: the envelope plus its opaque feed position. */
export interface FeedEvent extends EventEnvelope {
  readonly position: string;
}

export interface FeedPage {
  readonly events: readonly FeedEvent[];
  /** Pass this to the next `readFeed` call (store it as the consumer's checkpoint). */
  readonly next: string;
  /** True when the reader has reached the head of the feed as far as it is safe to read. */
  readonly caughtUp: boolean;
}

/** Position of the start of the feed. */
export const FEED_START = '';

export interface EventStore {
  /** Appends one commit atomically; idempotent by `meta.commandId` within the stream. */
  append(request: AppendRequest): Promise<AppendResult>;
  /** Reads a stream in version order. A missing stream is an empty slice with version 0. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StreamSlice>;
  /** Releases connections / processes owned by the adapter. */
  close(): Promise<void>;
}

/**
 * The change feed: every committed event, ordered within a stream, at least once. Across
 * streams no order is promised. Never skips an event committed late by a slower transaction.
 */
export interface ChangeFeed {
  readFeed(after: string, limit: number): Promise<FeedPage>;
  /**
   * The position of the newest event a reader may read now (`FEED_START` when there is none), so a
   * consumer that needs no history (a cache that starts empty) can start at the head. Optional:
   * feeds that cannot tell (DynamoDB Streams) leave it out.
   */
  head?(): Promise<string>;
}

// ── Typed infrastructure errors: match on the class or `code`, never on message text ──────

export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The stream was not at the expected version. Reload, decide again, retry. */
export class VersionConflictError extends EventStoreError {
  readonly code = 'VERSION_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(`stream ${streamId}: expected ${describeExpected(expected)}, found version ${actual ?? 'unknown'}`, options);
  }
}

/** The same command id was committed before with a different payload. */
export class CommandIdReusedError extends EventStoreError {
  readonly code = 'COMMAND_ID_REUSED';
  constructor(readonly streamId: string, readonly commandId: string) {
    super(`command id ${commandId} was already used on ${streamId} with a different payload`);
  }
}

/** The commit is larger than the store accepts (e.g. DynamoDB's 400 KB item). Nothing was written. */
export class CommitTooLargeError extends EventStoreError {
  readonly code = 'COMMIT_TOO_LARGE';
  constructor(readonly streamId: string, readonly bytes: number, readonly limitBytes: number) {
    super(`commit to ${streamId} is ${bytes} bytes; the store accepts at most ${limitBytes}`);
  }
}

/** The stream has more events than one read may return. */
export class StreamTooLargeError extends EventStoreError {
  readonly code = 'STREAM_TOO_LARGE';
  constructor(readonly streamId: string, readonly limit: number) {
    super(`stream ${streamId} has more than ${limit} events`);
  }
}

/** The request itself is malformed (empty commit, bad stream id …). */
export class InvalidAppendError extends EventStoreError {
  readonly code = 'INVALID_APPEND';
}

/** The store could not be reached or failed; `cause` holds the driver's error. */
export class EventStoreUnavailableError extends EventStoreError {
  readonly code = 'EVENT_STORE_UNAVAILABLE';
}

const describeExpected = (e: ExpectedVersion): string =>
  e.kind === 'exact' ? `version ${e.version}` : e.kind === 'no-stream' ? 'no stream' : 'any version';
