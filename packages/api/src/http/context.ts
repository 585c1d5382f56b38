import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import type { CommandContext } from '@strata/write-model';
import type { Principal, Role } from '../identity/ports.js';
import { problem, type FieldError } from './problem.js';
import { decode } from './validation.js';

/** What the middleware chain leaves on every request for the handlers. */
export interface ApiEnv {
  /** Set by the Lambda adapter (API Gateway's request context); empty under Node and in tests. */
  Bindings: { readonly requestContext?: { readonly identity?: { readonly sourceIp?: string } } };
  Variables: {
    requestId: string;
    correlationId: string;
    /** Set when the request carried a token that verified. */
    principal: Principal | undefined;
    /** True when the request carried a token that did not verify. */
    badToken: boolean;
    /** Rate-limit and idempotency scope: `sub:<subject>` or `ip:<address>`. */
    client: string;
  };
}
export type ApiContext = Context<ApiEnv>;

/** Roles that may read any customer's orders (not only their own). */
export const STAFF_READERS: readonly Role[] = ['admin', 'auditor'];
export const hasRole = (p: Principal, roles: readonly Role[]): boolean => p.roles.some((r) => roles.includes(r));

/** The verified caller, or the 401/403 response to send instead. */
export const authorize = (c: ApiContext, roles?: readonly Role[]): E.Either<Response, Principal> => {
  const principal = c.get('principal');
  if (!principal) {
    const bad = c.get('badToken');
    return E.left(
      problem(c, 401, { slug: bad ? 'invalid-token' : 'missing-token', detail: bad ? 'the token is invalid or expired' : 'this endpoint needs a token in the Authorization header' }, {
        'www-authenticate': bad ? 'Bearer error="invalid_token"' : 'Bearer',
      }),
    );
  }
  if (roles && !hasRole(principal, roles)) return E.left(problem(c, 403, { slug: 'forbidden-role', detail: `this endpoint needs one of the roles: ${roles.join(', ')}` }));
  return E.right(principal);
};

const isJson = (contentType: string | undefined): boolean => contentType !== undefined && /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(contentType.trim());

/**
 * Reads and decodes a JSON body: 415 for another content type, 400 for malformed JSON or a
 * body the codec refuses (naming each field). An empty body reads as `{}` when `optional`.
 * The size limit is enforced before this by the body-limit middleware.
 */
/** The client closed the connection before its request was complete (the app's error handler logs it at info). */
export class ClientAbortedError extends Error {
  readonly code = 'CLIENT_ABORTED';
  constructor() {
    super('the client closed the connection before the request was complete');
    this.name = 'ClientAbortedError';
  }
}

/**
 * The request body as text. Rejects with `ClientAbortedError` as soon as the request's signal
 * aborts (the Node host aborts it when the client's connection closes), because a body stream
 * whose socket died before it was first read may never settle: the handler would wait forever.
 */
export const bodyText = (c: ApiContext): Promise<string> => {
  const signal = c.req.raw.signal;
  if (signal.aborted) return Promise.reject(new ClientAbortedError());
  return new Promise<string>((resolve, reject) => {
    const onAbort = () => reject(new ClientAbortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    c.req.text().then(
      (text) => {
        signal.removeEventListener('abort', onAbort);
        resolve(text);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
};

export const readBody = async <A>(c: ApiContext, codec: t.Type<A, unknown, unknown>, optional = false): Promise<E.Either<Response, A>> => {
  const raw = await bodyText(c);
  const contentType = c.req.header('content-type');
  if (raw.length === 0 && optional && (contentType === undefined || isJson(contentType))) return E.mapLeft((errors: FieldError[]) => invalid(c, errors))(decode(codec, {}));
  if (!isJson(contentType)) return E.left(problem(c, 415, { slug: 'unsupported-media-type', detail: 'send the body as application/json' }));
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return E.left(problem(c, 400, { slug: 'invalid-json', detail: 'the body is not valid JSON' }));
  }
  return E.mapLeft((errors: FieldError[]) => invalid(c, errors))(decode(codec, parsed));
};

export const invalid = (c: ApiContext, errors: readonly FieldError[]): Response =>
  problem(c, 400, { slug: 'validation', detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors });

/** Decodes the query string with a closed codec (unknown parameters are refused). */
export const readQuery = <A>(c: ApiContext, codec: t.Type<A, unknown, unknown>): E.Either<Response, A> => {
  const query: Record<string, string | string[]> = {};
  for (const [k, values] of Object.entries(c.req.queries())) query[k] = values.length === 1 ? (values[0] as string) : values;
  return E.mapLeft((errors: FieldError[]) => invalid(c, errors))(decode(codec, query));
};

export const idempotencyKey = (c: ApiContext): string | undefined => c.req.header('idempotency-key');

/**
 * The id of a new aggregate. With an Idempotency-Key it is derived from (purpose, caller, key),
 * so a retry addresses the same stream and the store's command-id check makes it a no-op even
 * on another instance; without one it is fresh.
 */
export const newAggregateId = (c: ApiContext, purpose: string, sub: string, newId: () => string): string => {
  const key = idempotencyKey(c);
  if (key === undefined) return newId();
  const h = createHash('sha256').update(`${purpose}\u0000${sub}\u0000${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/** Command metadata: the Idempotency-Key is the command id; the request's correlation id travels on. */
export const commandContext = (c: ApiContext, principal: Principal, deps: { clock: () => Date; newId: () => string }): CommandContext => ({
  commandId: idempotencyKey(c) ?? deps.newId(),
  actor: { kind: 'user', id: principal.sub, roles: principal.roles },
  correlationId: c.get('correlationId'),
  now: deps.clock().toISOString(),
});
