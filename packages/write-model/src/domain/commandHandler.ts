import * as E from 'fp-ts/lib/Either.js';
import {
  EventStoreError,
  type CommandIdReusedError,
  type VersionConflictError,
  decodeEnvelope,
  expectNoStream,
  expectVersion,
  fingerprint,
  toNewEvent,
  type Actor,
  type DomainEvent,
  type EventDecodeError,
  type EventEnvelope,
  type EventStore,
  type StreamCondition,
} from '@strata/events';
import { fold, type Decider } from './decider.js';
import { domainError, type DomainError } from './errors.js';

/** Who, when and why: copied onto every event the command commits. */
export interface CommandContext {
  /** Idempotency key (the API's Idempotency-Key header, or a fresh uuid). */
  readonly commandId: string;
  readonly actor: Actor;
  readonly correlationId: string;
  /** Defaults to `commandId`. */
  readonly causationId?: string;
  /** ISO-8601 time; the core has no clock. */
  readonly now: string;
}

export interface CommandOutcome {
  readonly streamId: string;
  /** The stream version after the commit. */
  readonly version: number;
  /** The committed envelopes, or the original ones when `duplicate`. */
  readonly events: readonly EventEnvelope[];
  /** True: the same command id was handled before; nothing was appended. */
  readonly duplicate: boolean;
}

export type CommandResult = E.Either<DomainError, CommandOutcome>;

/** A stored event that no current codec or upcaster can read: the stream cannot be folded. */
export class UnreadableEventError extends EventStoreError {
  readonly code = 'UNREADABLE_EVENT';
  constructor(readonly streamId: string, readonly streamVersion: number, cause: EventDecodeError) {
    super(`${streamId}@${streamVersion}: ${cause.message}`, { cause });
  }
}

/** A command addressed to one stream; `type` and `data` are what the command id's fingerprint covers. */
export interface StreamCommand<C extends { readonly type: string; readonly data: unknown }> {
  readonly streamId: string;
  readonly command: C;
}

export interface LoadedStream<State> {
  readonly state: State;
  /** 0 when the stream does not exist. */
  readonly version: number;
  readonly envelopes: readonly EventEnvelope[];
}

export const DEFAULT_MAX_CONFLICT_RETRIES = 5;

/*
 * Store errors are matched on their `code`, not with `instanceof`: an adapter loaded from another
 * copy of @strata/events (src under jest, dist at run time) still speaks the same codes.
 */
const CODE: { readonly conflict: VersionConflictError['code']; readonly reused: CommandIdReusedError['code'] } = {
  conflict: 'VERSION_CONFLICT',
  reused: 'COMMAND_ID_REUSED',
};
const codeOf = (error: unknown): unknown => (error instanceof Error && 'code' in error ? error.code : undefined);

/**
 * Event ids derived from (stream, command id, index), formatted as a UUIDv8: `decide` stays free
 * of randomness and a retried command produces the very same ids.
 */
export const eventIdFor = (streamId: string, commandId: string, index: number): string => {
  const h = fingerprint([streamId, commandId, index]);
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export const commandFingerprint = (command: { readonly type: string; readonly data: unknown }): string =>
  fingerprint({ type: command.type, payload: command.data });

const decodeAll = (envelopes: readonly EventEnvelope[]): DomainEvent[] =>
  envelopes.map((envelope) => {
    const decoded = decodeEnvelope(envelope);
    if (E.isLeft(decoded)) throw new UnreadableEventError(envelope.streamId, envelope.streamVersion, decoded.left);
    return { type: decoded.right.type, data: decoded.right.data } as DomainEvent;
  });

/** Reads a stream and folds it through a decider. */
export const loadStream = async <State>(
  eventStore: Pick<EventStore, 'readStream'>,
  decider: Pick<Decider<unknown, State>, 'initialState' | 'evolve'>,
  streamId: string,
): Promise<LoadedStream<State>> => {
  const slice = await eventStore.readStream(streamId);
  return { state: fold(decider, decodeAll(slice.events)), version: slice.version, envelopes: slice.events };
};

/** What a command adds to the plain load → decide → append. */
export interface HandleOptions {
  /**
   * The command id's fingerprint, when the command carries more than the request it answers
   * (an order's looked-up prices): a retry of the same request then matches even after a reprice.
   * @default commandFingerprint(command)
   */
  readonly fingerprint?: string;
  /**
   * Other streams the append is conditional on (see `AppendRequest.conditions`). A conflict on
   * one of them is not retried here (reloading this stream cannot fix it): the
   * `VersionConflictError` naming that stream is thrown for the caller to look it up again.
   */
  readonly conditions?: readonly StreamCondition[];
}

export type CommandHandler = <C extends { readonly type: string; readonly data: unknown }, State>(
  decider: Decider<C, State>,
  request: StreamCommand<C>,
  ctx: CommandContext,
  loaded?: LoadedStream<State>,
  options?: HandleOptions,
) => Promise<CommandResult>;

/**
 * What a caller already holds of the stream a command goes to, so the first attempt skips the
 * load: a stream it just read (`loadOrder`, `loadPayment`), or `NEW_STREAM` for an aggregate whose
 * id it has just made up. It is only a starting point: the append carries the expected version
 * (and the tail hash), so a stale one loses the write, and the handler reloads and decides again.
 */
export const NEW_STREAM: LoadedStream<never> = { state: undefined as never, version: 0, envelopes: [] };

/**
 * load → (already handled?) → decide → append with the expected version; on a version conflict,
 * reload and decide again, at most `maxConflictRetries` times. The command id is stored with the
 * commit, so a retry returns the first outcome even after a restart. With `loaded`, the first
 * attempt decides on it instead of reading the stream (one read less per command).
 */
export const createCommandHandler = (deps: { readonly eventStore: EventStore; readonly maxConflictRetries?: number }): CommandHandler => {
  const { eventStore } = deps;
  const maxRetries = deps.maxConflictRetries ?? DEFAULT_MAX_CONFLICT_RETRIES;

  return async (decider, { streamId, command }, ctx, loaded, options) => {
    const commandId = ctx.commandId;
    const meta = {
      occurredAt: ctx.now,
      actor: ctx.actor,
      causationId: ctx.causationId ?? commandId,
      correlationId: ctx.correlationId,
      commandId,
      commandFingerprint: options?.fingerprint ?? commandFingerprint(command),
    };
    const conditions = options?.conditions ?? [];
    const reused = domainError('CommandIdReused', `command id ${commandId} was already used on ${streamId} with a different payload`);

    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      // A stream loaded for another id is not a starting point (a caller's mistake): load.
      const given = attempt === 0 && (loaded?.version === 0 || loaded?.envelopes[0]?.streamId === streamId) ? loaded : undefined;
      const { state, version, envelopes } =
        given === undefined
          ? await loadStream(eventStore, decider, streamId)
          : given.version === 0
            ? { state: decider.initialState(), version: 0, envelopes: [] }
            : given;
      const original = envelopes.filter((e) => e.commandId === commandId);
      const last = original[original.length - 1];
      if (last !== undefined)
        return last.commandFingerprint === meta.commandFingerprint
          ? E.right({ streamId, version: last.streamVersion, events: original, duplicate: true })
          : E.left(reused);

      const decision = decider.decide(command, state);
      if (E.isLeft(decision)) return decision;
      if (decision.right.length === 0) return E.right({ streamId, version, events: [], duplicate: false });

      const tailHash = envelopes[envelopes.length - 1]?.hash;
      try {
        const result = await eventStore.append({
          streamId,
          expected: version === 0 ? expectNoStream : expectVersion(version, tailHash),
          events: decision.right.map((event, i) => toNewEvent(eventIdFor(streamId, commandId, i), event)),
          meta,
          ...(conditions.length === 0 ? {} : { conditions }),
        });
        return E.right({ streamId, version: result.version, events: result.events, duplicate: result.duplicate });
      } catch (error) {
        const code = codeOf(error);
        if (code === CODE.reused) return E.left(reused);
        // Someone else committed first: reload, decide again on the newer state.
        if (code !== CODE.conflict) throw error;
        // Another stream the commit was conditional on moved: only the caller can look it up again.
        if ((error as VersionConflictError).streamId !== streamId) throw error;
      }
    }
    return E.left(domainError('ConcurrencyConflict', `${streamId} kept changing; gave up after ${maxRetries + 1} attempts`));
  };
};
