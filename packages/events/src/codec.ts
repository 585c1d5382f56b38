import type * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { CURRENT_SCHEMA_VERSION, currentCodecs, isEventType, upcasters, type DomainEvent, type EventType } from './catalogue.js';
import type { EventEnvelope, NewEvent } from './envelope.js';

export interface EventDecodeError {
  readonly _tag: 'EventDecodeError';
  readonly type: string;
  readonly schemaVersion: number;
  readonly message: string;
}

/** An envelope whose payload has been decoded (and upcast) into a current domain event. */
export type DomainEnvelope<Ev extends DomainEvent = DomainEvent> = Ev extends DomainEvent
  ? EventEnvelope<Ev['type'], Ev['data']>
  : never;

/** Path-naming summary of io-ts errors: `items.0.quantity: expected PositiveInt, got -1`. */
export const describeErrors = (errors: t.Errors): string =>
  errors
    .slice(0, 5)
    .map((e) => {
      if (e.message !== undefined) return e.message;
      const path = e.context.map((c) => c.key).filter((k) => k !== '').join('.');
      const expected = e.context[e.context.length - 1]?.type.name ?? 'value';
      const got = e.value === undefined ? 'nothing' : (JSON.stringify(e.value) ?? String(e.value)).slice(0, 60);
      return `${path || '(root)'}: expected ${expected}, got ${got}`;
    })
    .join('; ');

const fail = (type: string, schemaVersion: number, message: string): E.Either<EventDecodeError, never> =>
  E.left({ _tag: 'EventDecodeError', type, schemaVersion, message });

/** Decodes a stored payload of any known version into the current version of its type. */
export const decodePayload = (type: string, schemaVersion: number, raw: unknown): E.Either<EventDecodeError, DomainEvent> => {
  if (!isEventType(type)) return fail(type, schemaVersion, `unknown event type ${type}`);
  const current = CURRENT_SCHEMA_VERSION[type];
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > current)
    return fail(type, schemaVersion, `unsupported schema version ${schemaVersion} (current is ${current})`);
  let payload = raw;
  for (let v = schemaVersion; v < current; v++) {
    const up = upcasters[type]?.[v];
    if (!up) return fail(type, schemaVersion, `no upcaster from version ${v}`);
    const next = up(payload);
    if (E.isLeft(next)) {
      const err = next.left;
      return fail(type, schemaVersion, Array.isArray(err) ? describeErrors(err) : (err as { message: string }).message);
    }
    payload = next.right;
  }
  const decoded = (currentCodecs[type] as t.Mixed).decode(payload);
  if (E.isLeft(decoded)) return fail(type, schemaVersion, describeErrors(decoded.left));
  return E.right({ type, data: decoded.right } as DomainEvent);
};

/** Decodes a stored envelope; the result always carries the current schema version. */
export const decodeEnvelope = (envelope: EventEnvelope): E.Either<EventDecodeError, DomainEnvelope> =>
  E.map((ev: DomainEvent) => ({ ...envelope, data: ev.data, schemaVersion: CURRENT_SCHEMA_VERSION[ev.type as EventType] }) as DomainEnvelope)(
    decodePayload(envelope.type, envelope.schemaVersion, envelope.data),
  );

/** Wraps a domain event for appending, with the current schema version of its type. */
export const toNewEvent = (eventId: string, event: DomainEvent): NewEvent => ({
  eventId,
  type: event.type,
  schemaVersion: CURRENT_SCHEMA_VERSION[event.type],
  data: event.data,
});
