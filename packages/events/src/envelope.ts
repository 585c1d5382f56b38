import * as t from 'io-ts';
import { sha256Hex } from './sha256.js';

/** Who caused an event: a signed-in user (with roles) or a named system component. */
export const Actor = t.union([
  t.readonly(t.strict({ kind: t.literal('user'), id: t.string, roles: t.readonlyArray(t.string) })),
  t.readonly(t.strict({ kind: t.literal('system'), id: t.string })),
]);
export type Actor = t.TypeOf<typeof Actor>;

/**
 * The stored form of every event. STORAGE FORMAT: fields may be added (optional) but never
 * renamed or removed; the payload `data` is versioned by `schemaVersion` and upcast on read.
 */
export interface EventEnvelope<Type extends string = string, Data = unknown> {
  readonly eventId: string;
  readonly streamId: string;
  /** 1-based position in the stream; the first event of a stream has version 1. */
  readonly streamVersion: number;
  readonly type: Type;
  readonly schemaVersion: number;
  /** ISO-8601 UTC timestamp supplied by the command (the core has no clock). */
  readonly occurredAt: string;
  readonly actor: Actor;
  /** The id of the command or event that caused this one ("why"). */
  readonly causationId: string;
  /** The id of the originating request, shared by everything it set in motion. */
  readonly correlationId: string;
  /** The command that committed this event; retries of the same command id are detected by it. */
  readonly commandId: string;
  /** Fingerprint of the command payload: the same id with another payload is rejected. */
  readonly commandFingerprint: string;
  /** Hash of the previous event in the stream (`GENESIS_HASH` for version 1). */
  readonly prevHash: string;
  /** sha256 over the canonical form of every other field but `traceparent`: the audit chain link. */
  readonly hash: string;
  readonly data: Data;
  /**
   * W3C trace context (`00-<trace id>-<span id>-<flags>`) of the span that appended this event,
   * so the consumers of the change feed continue the request's trace. Optional (absent when
   * tracing is off and in events stored before it existed) and OUTSIDE the hash: it says how the
   * event was observed, not what happened, and must never break the audit chain.
   */
  readonly traceparent?: string;
}

export const EventEnvelopeCodec = t.readonly(
  t.strict({
    eventId: t.string,
    streamId: t.string,
    streamVersion: t.number,
    type: t.string,
    schemaVersion: t.number,
    occurredAt: t.string,
    actor: Actor,
    causationId: t.string,
    correlationId: t.string,
    commandId: t.string,
    commandFingerprint: t.string,
    prevHash: t.string,
    hash: t.string,
    data: t.unknown,
  }),
  'EventEnvelope',
);

/** An event as a decider produces it, before the store gives it a version and a hash. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  readonly eventId: string;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
}

/** Request metadata copied onto every event of one commit. */
export interface CommitMetadata {
  readonly occurredAt: string;
  readonly actor: Actor;
  readonly causationId: string;
  readonly correlationId: string;
  readonly commandId: string;
  readonly commandFingerprint: string;
  /** W3C trace context copied onto every event of the commit (outside the hash; see `EventEnvelope`). */
  readonly traceparent?: string;
}

/** A W3C `traceparent` of version 00: what the stores accept in `traceparent` (anything else is dropped). */
export const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export const GENESIS_HASH = '0'.repeat(64);

/** Deterministic JSON: object keys sorted, no whitespace. Used for hashes and fingerprints. */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
};

export const fingerprint = (value: unknown): string => sha256Hex(canonicalJson(value));

/** The audit hash: every field but `hash` itself and `traceparent` (observability, not history). */
export const hashEnvelope = (e: Omit<EventEnvelope, 'hash'>): string => {
  const { traceparent: _observed, ...hashed } = e;
  return sha256Hex(canonicalJson(hashed));
};

/**
 * Gives a commit's new events their stream versions and chains their hashes onto the stream's
 * tail. Pure: every adapter calls this, so a chain written by one store verifies in any other.
 */
export const sealCommit = (
  streamId: string,
  tail: { readonly version: number; readonly hash: string },
  events: readonly NewEvent[],
  meta: CommitMetadata,
): EventEnvelope[] => {
  const sealed: EventEnvelope[] = [];
  let prevHash = tail.hash;
  events.forEach((e, i) => {
    const unsealed: Omit<EventEnvelope, 'hash'> = {
      eventId: e.eventId,
      streamId,
      streamVersion: tail.version + i + 1,
      type: e.type,
      schemaVersion: e.schemaVersion,
      occurredAt: meta.occurredAt,
      actor: meta.actor,
      causationId: meta.causationId,
      correlationId: meta.correlationId,
      commandId: meta.commandId,
      commandFingerprint: meta.commandFingerprint,
      prevHash,
      data: e.data,
    };
    const hash = hashEnvelope(unsealed);
    sealed.push(meta.traceparent !== undefined && TRACEPARENT.test(meta.traceparent) ? { ...unsealed, hash, traceparent: meta.traceparent } : { ...unsealed, hash });
    prevHash = hash;
  });
  return sealed;
};

export type ChainBreak =
  | { readonly kind: 'version-gap'; readonly atVersion: number; readonly expected: number }
  | { readonly kind: 'prev-hash-mismatch'; readonly atVersion: number }
  | { readonly kind: 'hash-mismatch'; readonly atVersion: number };

export interface ChainReport {
  readonly ok: boolean;
  readonly events: number;
  /** The first broken link, if any. */
  readonly firstBreak?: ChainBreak;
}

/** Verifies a stream's hash chain from its first event; reports the first broken link. */
export const verifyChain = (events: readonly EventEnvelope[]): ChainReport => {
  let prev = GENESIS_HASH;
  let expectedVersion = 1;
  for (const e of events) {
    if (e.streamVersion !== expectedVersion)
      return { ok: false, events: events.length, firstBreak: { kind: 'version-gap', atVersion: e.streamVersion, expected: expectedVersion } };
    if (e.prevHash !== prev) return { ok: false, events: events.length, firstBreak: { kind: 'prev-hash-mismatch', atVersion: e.streamVersion } };
    const { hash, ...rest } = e;
    if (hashEnvelope(rest) !== hash) return { ok: false, events: events.length, firstBreak: { kind: 'hash-mismatch', atVersion: e.streamVersion } };
    prev = hash;
    expectedVersion++;
  }
  return { ok: true, events: events.length };
};
