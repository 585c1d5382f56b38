import { createHash } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import * as E from 'fp-ts/lib/Either.js';
import { CommitTooLargeError, EventStoreUnavailableError, VersionConflictError, isIdentifier } from '@strata/events';
import type { ApiDeps } from './deps.js';
import { ClientAbortedError, bodyText, invalid, type ApiEnv } from './context.js';
import { problem } from './problem.js';
import { createCachedVerifier } from '../identity/verifier.cached.js';
import { identityRoutes } from './routes.identity.js';
import { insightRoutes } from './routes.insights.js';
import { opsRoutes } from './routes.ops.js';
import { adminRoutes } from './routes.admin.js';
import { orderRoutes } from './routes.orders.js';
import { productRoutes } from './routes.products.js';

/**
 * Whether this error is the client closing the connection before its request was complete: the
 * body read says so (`ClientAbortedError`), or — for a read that did not go through `bodyText` —
 * the Node host's `IncomingMessage` (`c.env.incoming`) is incomplete and destroyed or errored.
 * Not the bare "signal aborted": a client that gave up while the store was failing must not hide
 * the store's error. A driver's own ECONNRESET (Redis, PostgreSQL) is not mistaken for one either.
 */
const clientAborted = (c: Context<ApiEnv>, err: unknown): boolean => {
  if (err instanceof ClientAbortedError) return true;
  const incoming = (c.env as { incoming?: { readonly complete?: boolean; readonly destroyed?: boolean; readonly errored?: unknown } } | undefined)?.incoming;
  return incoming !== undefined && incoming.complete === false && (incoming.destroyed === true || (incoming.errored ?? null) !== null);
};

/** Longest Authorization header value considered: Cognito tokens are 1–2 KB. */
const MAX_TOKEN_CHARS = 8192;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Request and correlation ids: taken from the caller when well-formed, otherwise fresh; echoed back. */
const requestIds = (newId: () => string): MiddlewareHandler<ApiEnv> => async (c, next) => {
  const given = c.req.header('x-request-id');
  const requestId = isIdentifier(given) ? given : newId();
  const correlation = c.req.header('x-correlation-id');
  c.set('requestId', requestId);
  c.set('correlationId', isIdentifier(correlation) ? correlation : requestId);
  await next();
  // Set on the final response (not via c.header) so problem and replayed responses carry them too.
  c.res.headers.set('x-request-id', requestId);
  c.res.headers.set('x-correlation-id', c.get('correlationId'));
};

/** Verifies the token once, if there is one; routes decide whether they need it (`authorize`). */
const authenticate = (deps: Pick<ApiDeps, 'verifier' | 'logger'>): MiddlewareHandler<ApiEnv> => async (c, next) => {
  c.set('principal', undefined);
  c.set('badToken', false);
  const header = c.req.header('authorization');
  if (header !== undefined) {
    // The seed's client sends the raw token; standard clients send `Bearer <token>`.
    const token = header.replace(/^Bearer\s+/i, '').trim();
    const verified = token.length <= MAX_TOKEN_CHARS && JWT_SHAPE.test(token) ? await deps.verifier.verify(token) : E.left({ _tag: 'InvalidToken', reason: 'not a JWT' });
    if (E.isRight(verified)) c.set('principal', verified.right);
    else {
      c.set('badToken', true);
      deps.logger?.info('token rejected', { requestId: c.get('requestId'), reason: verified.left.reason });
    }
  }
  await next();
};

const rateLimit = (deps: Pick<ApiDeps, 'rateLimiter' | 'options'>): MiddlewareHandler<ApiEnv> => async (c, next) => {
  const principal = c.get('principal');
  const ip = deps.options?.clientIp ? deps.options.clientIp(c) : c.env?.requestContext?.identity?.sourceIp;
  c.set('client', principal ? `sub:${principal.sub}` : `ip:${ip ?? 'unknown'}`);
  if (deps.rateLimiter && c.req.path !== '/health' && c.req.path !== '/ready') {
    const { allowed, retryAfterSeconds } = await deps.rateLimiter.take(c.get('client'));
    if (!allowed) return problem(c, 429, { slug: 'rate-limited', detail: `too many requests; retry in ${retryAfterSeconds} s` }, { 'retry-after': String(retryAfterSeconds) });
  }
  await next();
};

/** `Idempotency-Key` on POST: replays the first 2xx response for the same key and body (see `IdempotencyStore`). */
const idempotency = (deps: Pick<ApiDeps, 'idempotency'>): MiddlewareHandler<ApiEnv> => async (c, next) => {
  const key = c.req.header('idempotency-key');
  if (c.req.method !== 'POST' || key === undefined) return next();
  if (!isIdentifier(key)) return invalid(c, [{ field: 'Idempotency-Key', message: 'must be 1-128 letters, digits or _ . : - (a UUID fits)' }]);
  const body = await bodyText(c);
  const fingerprint = createHash('sha256').update(`${c.req.path}\n${c.req.header('content-type') ?? ''}\n${body}`).digest('hex');
  const scoped = `${c.get('client')}|${key}`;
  const seen = await deps.idempotency.begin(scoped, fingerprint);
  if (seen) {
    if (seen.fingerprint !== fingerprint)
      return problem(c, 422, { slug: 'idempotency-key-reused', detail: 'this Idempotency-Key was used with another request', errors: [{ field: 'Idempotency-Key', message: 'already used with another request' }] });
    if (seen.state === 'in-flight') return problem(c, 409, { slug: 'idempotency-key-in-flight', detail: 'a request with this Idempotency-Key is still being processed' });
    return new Response(seen.response.body, { status: seen.response.status, headers: { ...seen.response.headers, 'idempotent-replayed': 'true' } });
  }
  await next();
  if (c.res.status >= 200 && c.res.status < 300) {
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'location']) {
      const value = c.res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    await deps.idempotency.complete(scoped, fingerprint, { status: c.res.status, headers, body: await c.res.clone().text() });
  } else {
    await deps.idempotency.release(scoped);
  }
};

/**
 * The Strata HTTP API: one Hono app, served by Node (`@hono/node-server`) locally and by
 * Lambda (`lambdaHandler`) behind API Gateway. Test it in-process with `app.request(...)`.
 */
export const createApi = (deps: ApiDeps): Hono<ApiEnv> => {
  const app = new Hono<ApiEnv>();
  const log = deps.logger;

  if (deps.instrument) app.use('*', deps.instrument);
  app.use('*', requestIds(deps.newId));
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    log?.info('request', { requestId: c.get('requestId'), correlationId: c.get('correlationId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) });
  });
  app.use('*', secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], frameAncestors: ["'none'"] } }));
  const origins = deps.options?.corsOrigins ?? [];
  if (origins.length > 0)
    app.use('*', cors({
      origin: [...origins],
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'X-Correlation-Id'],
      exposeHeaders: ['Location', 'Retry-After', 'X-Request-Id', 'X-Correlation-Id', 'Idempotent-Replayed'],
      maxAge: 600,
    }));
  const maxBytes = deps.options?.maxBodyBytes ?? 64 * 1024;
  app.use('*', bodyLimit({ maxSize: maxBytes, onError: (c) => problem(c, 413, { slug: 'body-too-large', detail: `the body exceeds ${maxBytes} bytes` }) }));
  app.use('*', authenticate({ ...deps, verifier: createCachedVerifier(deps.verifier, { clock: deps.clock }) }));
  app.use('*', rateLimit(deps));
  app.use('*', idempotency(deps));

  identityRoutes(app, deps);
  orderRoutes(app, deps);
  productRoutes(app, deps);
  insightRoutes(app, deps);
  opsRoutes(app, deps);
  adminRoutes(app, deps);

  app.notFound((c) => problem(c, 404, { slug: 'route-not-found', detail: `no route ${c.req.method} ${c.req.path}` }));
  app.onError((err, c) => {
    const code = (err as { code?: unknown }).code;
    // The client went away mid-request (closed the socket while sending its body): nobody reads
    // this answer and nothing is wrong with the server, so it is not an error-level event.
    if (clientAborted(c, err)) {
      log?.info('client aborted the request', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, code });
      return problem(c, 400, { slug: 'client-aborted', detail: 'the client closed the connection before the request was complete' });
    }
    if (err instanceof HTTPException) return problem(c, err.status as 400, { slug: 'http', detail: err.message });
    if (err instanceof EventStoreUnavailableError) {
      log?.error('event store unavailable', { requestId: c.get('requestId'), code: err.code, cause: String(err.cause) });
      return problem(c, 503, { slug: 'unavailable', detail: 'the event store is unavailable; retry shortly' }, { 'retry-after': '1' });
    }
    if (code === 'IDENTITY_UNAVAILABLE') {
      log?.error('identity provider unavailable', { requestId: c.get('requestId'), reason: err.message, cause: String(err.cause) });
      return problem(c, 503, { slug: 'unavailable', detail: 'the identity provider is unavailable; retry shortly' }, { 'retry-after': '1' });
    }
    if (err instanceof CommitTooLargeError) return problem(c, 413, { slug: 'commit-too-large', detail: 'the request produces more data than the store accepts' });
    // Second line of defence behind validation: the store refused the request's data (e.g. a
    // character its JSON type cannot hold). That is the request's fault, so a 4xx, never a 500.
    // Matched on the code: an adapter from another copy of @strata/events speaks the same codes.
    if (code === 'INVALID_APPEND') {
      log?.warn('the event store refused the data of a request that passed validation', { requestId: c.get('requestId'), path: c.req.path, reason: err.message });
      return problem(c, 422, { slug: 'data-refused', detail: 'the store cannot keep data in this request (for example a character it does not accept); change it and retry' });
    }
    // Read-side faults, matched by their documented codes (@strata/projections).
    if (code === 'INVALID_CURSOR') return problem(c, 400, { slug: 'validation', detail: 'the page cursor is invalid', errors: [{ field: 'cursor', message: 'is not a cursor this API issued' }] });
    if (code === 'ADMIN_UNAVAILABLE') return problem(c, 503, { slug: 'admin-unavailable', detail: err.message });
    if (code === 'READ_MODEL_UNAVAILABLE') return problem(c, 503, { slug: 'unavailable', detail: 'the read model is unavailable; retry shortly' }, { 'retry-after': '1' });
    if (err instanceof VersionConflictError) return problem(c, 409, { slug: 'concurrent-update', detail: 'the resource changed concurrently; retry' });
    // Unknown fault: log everything, tell the client nothing but the reference.
    (log ?? fallbackLogger).error('unhandled error', {
      requestId: c.get('requestId'),
      error: err instanceof Error ? { name: err.name, code: (err as { code?: unknown }).code, message: err.message, stack: err.stack } : String(err),
    });
    return problem(c, 500, { slug: 'internal', detail: `an unexpected error occurred; reference ${c.get('requestId')}` });
  });
  return app;
};

const fallbackLogger = { error: (message: string, fields?: Record<string, unknown>) => console.error(JSON.stringify({ level: 'error', message, ...fields })) };
