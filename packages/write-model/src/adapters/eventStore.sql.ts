import {
  EventStoreError,
  EventStoreUnavailableError,
  InvalidAppendError,
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
  serializeCommit,
  validateAppend,
} from './common.js';
import { createBatcher, type BatchOptions, type BatchOutcome } from './postgres/batch.js';
import { migrate } from './postgres/migrations.js';
import { quoteSchema, type SqlExecutor } from './postgres/sql.js';

export interface SqlEventStoreOptions {
  /** Schema holding the tables (created when missing). @default 'public' */
  readonly schema?: string;
  /** Largest commit accepted, in bytes of serialized envelopes. @default 1 MiB */
  readonly maxCommitBytes?: number;
  /** Largest stream `readStream` returns without a `limit`. @default 10,000 */
  readonly maxReadEvents?: number;
  /**
   * Group commit: appends (and whole-stream reads) made while others are on the wire go together
   * as one statement. `maxInFlight` statements of each kind run at once; 1 for PGlite (one
   * session), a few for a pool. @default { maxInFlight: 4, maxBatch: 64 }
   */
  readonly batching?: BatchOptions;
}

/** A sealed commit waiting for its turn in a group commit. */
interface PendingCommit {
  readonly streamId: string;
  readonly version: number;
  readonly hash: string;
  readonly commandId: string;
  /** The sealed envelopes, serialized. */
  readonly json: string;
  /** Conditions on other streams, as `[{"stream", "version"}]` JSON; undefined for a plain append. */
  readonly conditions?: string;
}

type AppendAnswer =
  | { readonly status: 'ok' }
  | { readonly status: 'conflict'; readonly version: number }
  | { readonly status: 'condition'; readonly stream: string; readonly version: number }
  | { readonly status: 'duplicate'; readonly events: EventEnvelope[] };

/** How often an `any` append re-reads the tail after losing a race before giving up. */
const ANY_RETRIES = 20;
const UNIQUE_VIOLATION = '23505';

/**
 * The PostgreSQL event store (one SQL implementation for `pg` and PGlite), see
 * docs/decisions/0002-postgres-event-store.md.
 *
 * Append: one round trip when the caller knows the tail (`no-stream`, or `exact` with the hash it
 * read) — a call to `strata_append`, which looks the command id up, checks the tail and inserts.
 * `any` and `exact` without a hash read the tail first, because the hash chain is computed here.
 *
 * Group commit: appends and whole-stream reads issued while others are on the wire are sent
 * together — `strata_append_many` (one statement, one transaction, each commit checked as above)
 * and one read over `unnest(stream ids)` — so round trips per command fall as load rises. A
 * batch the database refuses as a whole is retried commit by commit, so only a faulty one fails.
 *
 * Feed: positions are `<xid>:<position>`. A reader only returns rows whose inserting transaction
 * is older than the oldest transaction still running (`pg_snapshot_xmin`), in (xid, position)
 * order. Every transaction below that horizon has finished, so the rows below it are final and a
 * later read can only find new rows above the checkpoint: a slow transaction that took a lower
 * position but commits late is read once it commits, never skipped.
 */
export const createSqlEventStore = async (sql: SqlExecutor, options: SqlEventStoreOptions = {}): Promise<EventStore & ChangeFeed> => {
  const schema = options.schema ?? 'public';
  const s = quoteSchema(schema);
  const maxCommitBytes = options.maxCommitBytes ?? DEFAULT_MAX_COMMIT_BYTES;
  const maxReadEvents = options.maxReadEvents ?? DEFAULT_MAX_READ_EVENTS;
  await guard(() => migrate(sql, schema));

  const envelopeColumns = `${s}.strata_envelope(e) AS envelope`;
  const batching = options.batching ?? { maxInFlight: 4, maxBatch: 64 };

  /** Streams from `fromVersion`, at most `limit` events each, with their current version: one statement. */
  const readStreams = async (streamIds: readonly string[], fromVersion: number, limit: number) => {
    const rows = await sql.query<{ stream_id: string; version: number; events: EventEnvelope[] }>(
      `SELECT u.stream_id,
              (SELECT coalesce(max(version), 0) FROM ${s}.strata_events WHERE stream_id = u.stream_id) AS version,
              coalesce((SELECT jsonb_agg(w.envelope ORDER BY w.version) FROM (
                 SELECT e.version, ${envelopeColumns} FROM ${s}.strata_events e
                  WHERE e.stream_id = u.stream_id AND e.version >= $2 ORDER BY e.version LIMIT $3) w), '[]'::jsonb) AS events
         FROM unnest($1::text[]) AS u(stream_id)`,
      [[...new Set(streamIds)], fromVersion, limit],
    );
    return new Map(rows.map((r) => [r.stream_id, { version: r.version, events: r.events }]));
  };
  /** Whole streams (up to maxReadEvents + 1 events each) for a batch of stream ids. */
  const readWholeBatched = createBatcher<string, { version: number; events: EventEnvelope[] }>(async (streamIds) => {
    const byId = await readStreams(streamIds, 1, maxReadEvents + 1);
    return streamIds.map((id) => ({ ok: byId.get(id) ?? { version: 0, events: [] } }));
  }, batching);

  const readTail = async (streamId: string): Promise<{ version: number; hash: string }> => {
    const rows = await sql.query<{ version: number; hash: string }>(
      `SELECT version, hash FROM ${s}.strata_events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1`,
      [streamId],
    );
    return rows[0] ?? { version: 0, hash: GENESIS_HASH };
  };

  const findCommit = async (streamId: string, commandId: string): Promise<EventEnvelope[]> =>
    (
      await sql.query<{ envelope: EventEnvelope }>(
        `SELECT ${envelopeColumns} FROM ${s}.strata_events c JOIN ${s}.strata_events e
            ON e.stream_id = c.stream_id AND e.version >= c.version AND e.version < c.version + c.commit_events
          WHERE c.stream_id = $1 AND c.command_id = $2 AND c.commit_start ORDER BY e.version`,
        [streamId, commandId],
      )
    ).map((r) => r.envelope);

  const appendOne = async (c: PendingCommit): Promise<AppendAnswer> =>
    c.conditions === undefined
      ? (await sql.query<{ answer: AppendAnswer }>(`SELECT ${s}.strata_append($1, $2, $3, $4, $5::jsonb) AS answer`, [c.streamId, c.version, c.hash, c.commandId, c.json]))[0]!.answer
      : (await sql.query<{ answer: AppendAnswer }>(`SELECT ${s}.strata_append_checked($1, $2, $3, $4, $5::jsonb, $6::jsonb) AS answer`, [c.streamId, c.version, c.hash, c.commandId, c.json, c.conditions]))[0]!.answer;
  /** A batch of commits as one call of strata_append_many; if the statement fails, each commit is tried alone so only the faulty one fails. */
  const appendBatched = createBatcher<PendingCommit, AppendAnswer>(async (commits): Promise<BatchOutcome<AppendAnswer>[]> => {
    const alone = () => Promise.all(commits.map((c) => appendOne(c).then((ok) => ({ ok }), (error: unknown) => ({ error }))));
    if (commits.length === 1) return alone();
    const arg = `[${commits.map((c) => `{"stream":${JSON.stringify(c.streamId)},"version":${c.version},"hash":${JSON.stringify(c.hash)},"commandId":${JSON.stringify(c.commandId)},"events":${c.json}${c.conditions === undefined ? '' : `,"conditions":${c.conditions}`}}`).join(',')}]`;
    let answers: AppendAnswer[];
    try {
      answers = (await sql.query<{ answers: AppendAnswer[] }>(`SELECT ${s}.strata_append_many($1::jsonb) AS answers`, [arg]))[0]!.answers;
    } catch {
      return alone();
    }
    return answers.map((ok) => ({ ok }));
  }, batching);

  const callAppend = async (request: AppendRequest, tail: { version: number; hash: string }, json: string): Promise<AppendAnswer> => {
    const conditions = request.conditions !== undefined && request.conditions.length > 0
      ? JSON.stringify(request.conditions.map((c) => ({ stream: c.streamId, version: c.expectedVersion })))
      : undefined;
    const commit: PendingCommit = { streamId: request.streamId, version: tail.version, hash: tail.hash, commandId: request.meta.commandId, json, ...(conditions === undefined ? {} : { conditions }) };
    try {
      return await appendBatched(commit);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent commit took the version (or this command id) first. Asking again answers
      // with that winner: a duplicate when it was this command, else a conflict.
      try {
        return await appendOne(commit);
      } catch (again) {
        if (isUniqueViolation(again)) throw conflict(request, undefined, again);
        throw again;
      }
    }
  };

  const appendOnce = async (request: AppendRequest): Promise<AppendResult | 'retry'> => {
    const { expected, streamId } = request;
    const tail =
      expected.kind === 'no-stream'
        ? { version: 0, hash: GENESIS_HASH }
        : expected.kind === 'exact' && (expected.version === 0 || expected.hash !== undefined)
          ? { version: expected.version, hash: expected.hash ?? GENESIS_HASH }
          : await readTail(streamId);
    if (expected.kind === 'exact' && tail.version !== expected.version) {
      // The tail read already shows the conflict, unless this is a retry of a committed command.
      const original = await findCommit(streamId, request.meta.commandId);
      if (original.length > 0) return duplicateResult(request, original);
      throw conflict(request, tail.version);
    }
    const sealed = sealCommit(streamId, tail, request.events, request.meta);
    const json = serializeCommit(streamId, sealed, maxCommitBytes);
    const answer = await callAppend(request, tail, json);
    switch (answer.status) {
      case 'ok':
        return { streamId, version: tail.version + sealed.length, events: JSON.parse(json) as EventEnvelope[], duplicate: false };
      case 'duplicate':
        return duplicateResult(request, answer.events);
      case 'conflict':
        if (expected.kind === 'any') return 'retry';
        throw conflict(request, answer.version);
      case 'condition': {
        const condition = request.conditions?.find((c) => c.streamId === answer.stream) ?? { streamId: answer.stream, expectedVersion: -1 };
        throw conditionConflict(condition, answer.version);
      }
    }
  };

  return {
    append: (request) =>
      guard(async () => {
        validateAppend(request);
        for (let attempt = 0; attempt < ANY_RETRIES; attempt++) {
          const result = await appendOnce(request);
          if (result !== 'retry') return result;
        }
        throw conflict(request, undefined);
      }),

    readStream: (streamId: string, opts: ReadStreamOptions = {}): Promise<StreamSlice> =>
      guard(async () => {
        // Whole-stream reads (what the command handler does before every command) are batched.
        const whole = opts.limit === undefined && (opts.fromVersion ?? 1) <= 1;
        const limit = opts.limit ?? maxReadEvents + 1;
        const slice = whole
          ? await readWholeBatched(streamId)
          : (await readStreams([streamId], Math.max(1, opts.fromVersion ?? 1), Math.max(0, limit))).get(streamId);
        const events = slice?.events ?? [];
        if (opts.limit === undefined && events.length > maxReadEvents) throw new StreamTooLargeError(streamId, maxReadEvents);
        return { streamId, version: slice?.version ?? 0, events };
      }),

    readFeed: (after: string, limit: number): Promise<FeedPage> =>
      guard(async () => {
        const [xid, position] = parsePosition(after);
        const rows = await sql.query<{ xid: string; position: string; envelope: EventEnvelope }>(
          `SELECT e.xid::text AS xid, e.position::text AS position, ${envelopeColumns} FROM ${s}.strata_events e
            WHERE (e.xid, e.position) > ($1::xid8, $2::bigint) AND e.xid < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY e.xid, e.position LIMIT $3`,
          [xid, position, Math.max(0, limit)],
        );
        const events: FeedEvent[] = rows.map((r) => ({ ...r.envelope, position: `${r.xid}:${r.position}` }));
        return { events, next: events[events.length - 1]?.position ?? after, caughtUp: rows.length < limit };
      }),

    head: () =>
      guard(async () => {
        const [row] = await sql.query<{ xid: string; position: string }>(
          `SELECT e.xid::text AS xid, e.position::text AS position FROM ${s}.strata_events e
            WHERE e.xid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY e.xid DESC, e.position DESC LIMIT 1`,
        );
        return row === undefined ? '' : `${row.xid}:${row.position}`;
      }),

    close: () => sql.close(),
  };
};

const parsePosition = (position: string): [string, string] => {
  if (position === '') return ['0', '0'];
  const match = /^(\d+):(\d+)$/.exec(position);
  if (match === null) throw new RangeError(`not a feed position of this store: ${JSON.stringify(position)}`);
  return [match[1]!, match[2]!];
};

const sqlState = (error: unknown): string | undefined => {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

const isUniqueViolation = (error: unknown): boolean => sqlState(error) === UNIQUE_VIOLATION;

/**
 * Typed store errors pass through; data the database refuses (SQLSTATE class 22, e.g. `\u0000` in
 * jsonb) is an `InvalidAppendError`; anything else the driver throws is `EventStoreUnavailableError`.
 */
const guard = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof EventStoreError || error instanceof RangeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (sqlState(error)?.startsWith('22') === true) throw new InvalidAppendError(`the database refused the data: ${message}`, { cause: error });
    throw new EventStoreUnavailableError(`event store failed: ${message}`, { cause: error });
  }
};
