import {
  CommandIdReusedError,
  CommitTooLargeError,
  InvalidAppendError,
  VersionConflictError,
  expectVersion,
  type AppendRequest,
  type StreamCondition,
  type AppendResult,
  type EventEnvelope,
} from '@strata/events';
import { refuseUnstorableText } from './storableText.js';

/** Default largest commit an adapter accepts (the serialized envelopes of one command). */
export const DEFAULT_MAX_COMMIT_BYTES = 1024 * 1024;
/** Default largest stream `readStream` returns when the caller gives no `limit`. */
export const DEFAULT_MAX_READ_EVENTS = 10_000;

const utf8 = new TextEncoder();

/** Rejects malformed requests before any I/O. */
export const validateAppend = (request: AppendRequest): void => {
  if (request.streamId === '') throw new InvalidAppendError('stream id is empty');
  if (request.events.length === 0) throw new InvalidAppendError(`empty commit to ${request.streamId}`);
  const { expected } = request;
  if (expected.kind === 'exact' && !(Number.isInteger(expected.version) && expected.version >= 0))
    throw new InvalidAppendError(`expected version must be a non-negative integer, got ${expected.version}`);
  refuseUnstorableText(request);
  const seen = new Set<string>();
  for (const c of request.conditions ?? []) {
    if (c.streamId === '' || c.streamId === request.streamId)
      throw new InvalidAppendError(`a condition must name another stream than ${request.streamId}, got ${JSON.stringify(c.streamId)}`);
    if (seen.has(c.streamId)) throw new InvalidAppendError(`two conditions on ${c.streamId}`);
    seen.add(c.streamId);
    if (!(Number.isInteger(c.expectedVersion) && c.expectedVersion >= 0))
      throw new InvalidAppendError(`condition on ${c.streamId}: expected version must be a non-negative integer, got ${c.expectedVersion}`);
  }
};

/** The conflict a failed condition raises: it names the condition's stream, not the appended one. */
export const conditionConflict = (condition: StreamCondition, actual: number | undefined, cause?: unknown): VersionConflictError =>
  new VersionConflictError(condition.streamId, expectVersion(condition.expectedVersion), actual, cause === undefined ? undefined : { cause });

/**
 * Serializes a sealed commit, rejecting it before any write when it is larger than `maxBytes`.
 * The size every adapter measures is the UTF-8 length of this JSON array of envelopes.
 */
export const serializeCommit = (streamId: string, events: readonly EventEnvelope[], maxBytes: number): string => {
  const json = JSON.stringify(events);
  const bytes = utf8.encode(json).length;
  if (bytes > maxBytes) throw new CommitTooLargeError(streamId, bytes, maxBytes);
  return json;
};

/**
 * The answer to a command id that the stream has already committed: the original outcome when
 * the payload fingerprint matches, else a `CommandIdReusedError`.
 */
export const duplicateResult = (request: AppendRequest, original: readonly EventEnvelope[]): AppendResult => {
  const first = original[0];
  const last = original[original.length - 1];
  if (first === undefined || last === undefined) throw new Error('duplicateResult needs the original events');
  if (first.commandFingerprint !== request.meta.commandFingerprint)
    throw new CommandIdReusedError(request.streamId, request.meta.commandId);
  return { streamId: request.streamId, version: last.streamVersion, events: original, duplicate: true };
};

/** Whether a stream whose tail is `actual` satisfies the request's expected version. */
export const expectationHolds = (request: AppendRequest, actual: { version: number; hash: string }): boolean => {
  const { expected } = request;
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no-stream':
      return actual.version === 0;
    case 'exact':
      return actual.version === expected.version && (expected.hash === undefined || expected.hash === actual.hash);
  }
};

export const conflict = (request: AppendRequest, actual: number | undefined, cause?: unknown): VersionConflictError =>
  new VersionConflictError(request.streamId, request.expected, actual, cause === undefined ? undefined : { cause });
