import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { EventStoreError, type Actor, type EventEnvelope } from '@strata/events';

/*
 * STORAGE FORMAT of the DynamoDB event table: one item per commit (see
 * docs/decisions/0001-dynamodb-event-store-layout.md). Attribute names are one or two letters
 * because DynamoDB bills every attribute name on every item. Fields may be added, never renamed.
 *
 *   pk  S       stream id
 *   sk  N       version of the commit's FIRST event (a writer expecting version N puts N + 1)
 *   c   S       command id                      ┐
 *   f   B | S   command fingerprint             │ shared by every event of the commit:
 *   t   S       occurred at                     │ stored once, copied onto each envelope
 *   a   S       actor (JSON)                    │
 *   co  S       correlation id                  │
 *   ca  S       causation id, omitted when it equals the command id
 *   tp  S       W3C traceparent of the commit (decision 0011), omitted when tracing is off;
 *               outside the hash chain
 *   p   B | S   prevHash of the first event (the following events chain onto the previous one)
 *   h   B       the events' hashes, 32 bytes each, in version order
 *   e   S | B   JSON [[eventId, type, schemaVersion, data], …] in version order; as raw
 *               DEFLATE bytes (B) when the plain item would cost more than one write unit and
 *               compression makes it smaller (commits repeat ids: they compress well)
 *
 * Hex sha-256 values (64 characters) are stored as 32-byte binaries; any other value of `f` or
 * `p` (a caller-supplied hash, a test fingerprint) is kept as a string. The attribute type tells
 * which.
 */

/** The table's key attribute names (shared with the CDK table definition). */
export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** DynamoDB's item size limit: 400 KB. */
export const MAX_ITEM_BYTES = 400 * 1024;
/** A standard-class write unit covers an item of up to 1 KB. */
const ONE_WRITE_UNIT = 1024;

/** A commit item as the document client writes it and `unmarshall` reads it. */
export interface CommitItem {
  readonly pk: string;
  readonly sk: number;
  readonly c: string;
  readonly f: Uint8Array | string;
  readonly t: string;
  readonly a: string;
  readonly co: string;
  readonly ca?: string;
  readonly tp?: string;
  readonly p: Uint8Array | string;
  readonly h: Uint8Array;
  readonly e: string | Uint8Array;
}

/** The stored item does not have the commit layout (hand-edited, or written by something else). */
export class MalformedCommitError extends EventStoreError {
  readonly code = 'MALFORMED_COMMIT';
}

const HEX64 = /^[0-9a-f]{64}$/;
const HASH_BYTES = 32;

const packHash = (value: string): Uint8Array | string => (HEX64.test(value) ? Buffer.from(value, 'hex') : value);

const hexAt = (bytes: Uint8Array, index: number): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset + index * HASH_BYTES, HASH_BYTES).toString('hex');

/** Encodes one commit's sealed envelopes (all of one stream, consecutive versions) as one item. */
export const toItem = (events: readonly EventEnvelope[]): CommitItem => {
  const first = events[0];
  if (first === undefined) throw new MalformedCommitError('a commit holds at least one event');
  const item: CommitItem = {
    pk: first.streamId,
    sk: first.streamVersion,
    c: first.commandId,
    f: packHash(first.commandFingerprint),
    t: first.occurredAt,
    a: JSON.stringify(first.actor),
    co: first.correlationId,
    p: packHash(first.prevHash),
    h: Buffer.concat(events.map((e) => Buffer.from(e.hash, 'hex'))),
    e: JSON.stringify(events.map((e) => [e.eventId, e.type, e.schemaVersion, e.data])),
  };
  const traced = first.traceparent === undefined ? item : { ...item, tp: first.traceparent };
  return first.causationId === first.commandId ? traced : { ...traced, ca: first.causationId };
};

/**
 * The item to write: `item` itself, or, when it is over one write unit, with `e` compressed if
 * that makes it smaller. The size limit applies to the plain item, so whether a commit is
 * accepted never depends on how well its payload compresses.
 */
export const compact = (item: CommitItem): CommitItem => {
  const plainBytes = itemSize(item);
  if (plainBytes <= ONE_WRITE_UNIT) return item;
  const compressed = { ...item, e: deflateRawSync(item.e) };
  return itemSize(compressed) < plainBytes ? compressed : item;
};

type StoredEvent = [eventId: string, type: string, schemaVersion: number, data: unknown];

const isStoredEvent = (v: unknown): v is StoredEvent =>
  Array.isArray(v) && v.length === 4 && typeof v[0] === 'string' && typeof v[1] === 'string' && typeof v[2] === 'number';

const unpackHash = (v: Uint8Array | string): string => (typeof v === 'string' ? v : Buffer.from(v).toString('hex'));

/**
 * Decodes one commit item back into its envelopes. Loosely typed on purpose: it checks whatever
 * `unmarshall` produced (binaries must be bytes; Lambda's base64 is converted before).
 */
export const fromItem = (raw: Record<string, unknown>): EventEnvelope[] => {
  const { pk, sk, c, f, t, a, co, ca, tp, p, h, e } = raw;
  const isStringOrBytes = (v: unknown): v is Uint8Array | string => typeof v === 'string' || v instanceof Uint8Array;
  if (
    typeof pk !== 'string' || typeof sk !== 'number' || typeof c !== 'string' || typeof t !== 'string' || typeof a !== 'string' ||
    typeof co !== 'string' || !isStringOrBytes(e) || (ca !== undefined && typeof ca !== 'string') || !isStringOrBytes(f) || !isStringOrBytes(p) ||
    !(h instanceof Uint8Array)
  )
    throw new MalformedCommitError(`item ${String(pk)}/${String(sk)} is not a commit`);
  let stored: unknown;
  let actor: Actor;
  try {
    stored = JSON.parse(typeof e === 'string' ? e : inflateRawSync(e).toString('utf8'));
    actor = JSON.parse(a) as Actor;
  } catch (cause) {
    throw new MalformedCommitError(`item ${pk}/${sk} holds invalid JSON`, { cause });
  }
  if (!Array.isArray(stored) || !stored.every(isStoredEvent) || h.length !== stored.length * HASH_BYTES)
    throw new MalformedCommitError(`item ${pk}/${sk} has malformed events`);
  const commandFingerprint = unpackHash(f);
  const firstPrevHash = unpackHash(p);
  return stored.map(([eventId, type, schemaVersion, data], i) => ({
    eventId,
    streamId: pk,
    streamVersion: sk + i,
    type,
    schemaVersion,
    occurredAt: t,
    actor,
    causationId: ca ?? c,
    correlationId: co,
    commandId: c,
    commandFingerprint,
    prevHash: i === 0 ? firstPrevHash : hexAt(h, i - 1),
    hash: hexAt(h, i),
    data,
    // A malformed trace context is dropped, never a reason to refuse the commit.
    ...(typeof tp === 'string' ? { traceparent: tp } : {}),
  }));
};

/**
 * The item's size as DynamoDB bills it: each attribute's name plus its value (UTF-8 bytes of a
 * string, raw bytes of a binary, about one byte per two significant digits of a number, plus one).
 * Decides `CommitTooLargeError` before anything is sent, and is the write-unit arithmetic:
 * one write unit per started 1 KB.
 */
export const itemSize = (item: CommitItem): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);

const valueSize = (value: unknown): number => {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/^0+|\.|0+$/g, '').length / 2) + 1;
  if (value instanceof Uint8Array) return value.length;
  return 0;
};

/** Write units a put of `bytes` costs (standard table class). */
export const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / ONE_WRITE_UNIT));
