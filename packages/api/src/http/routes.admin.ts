import type { Hono } from 'hono';
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import type { ApiDeps } from './deps.js';
import { authorize, invalid, readBody, type ApiEnv } from './context.js';
import { problem } from './problem.js';
import { closed } from './validation.js';
import { isRole } from '../identity/ports.js';

/** A replay the engine runs in the background; its progress is polled. */
export interface ReplayJob {
  readonly id: string;
  readonly projection: string;
  readonly status: 'running' | 'succeeded' | 'failed';
  readonly applied: number;
  readonly total: number;
  readonly eventsPerSecond: number;
  readonly etaSeconds?: number;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly error?: string;
  /** The command's closing line, once it ended. */
  readonly summary?: string;
}

/**
 * What operators do to a running engine (DESIGN.md decision 9): the CLI's `replay`, `dlq` and
 * `grant` come here when an engine owns the store, instead of opening it a second time.
 */
export interface AdminOperations {
  deadLetters(projection?: string): Promise<ReadonlyArray<{ id: string; projection: string; streamId: string; streamVersion: number; type: string; failedAt: string; error: string }>>;
  redrive(projection?: string): Promise<{ redriven: number; failed: number }>;
  /** Starts a replay; `unknown` names a projection that cannot be replayed; `busy` while one runs. */
  startReplay(projection: string, dryRun?: boolean): Promise<E.Either<'unknown' | 'busy', ReplayJob>>;
  replay(id: string): Promise<ReplayJob | undefined>;
  grant(userSub: string, role: string): Promise<E.Either<string, void>>;
  leases(): Promise<unknown>;
}

const ReplayRequest = closed('ReplayRequest', { projection: t.string }, { dryRun: t.boolean });
const RedriveRequest = closed('RedriveRequest', {}, { projection: t.string });
const GrantRequest = closed('GrantRequest', { userSub: t.string, role: t.string });
const PROJECTION = /^[a-z][a-z0-9-]{0,63}$/;

/** Where no engine runs beside the API (the API Lambda): the routes exist and say where to go. */
const unavailable: AdminOperations = new Proxy({} as AdminOperations, {
  get: () => () => Promise.reject(new AdminUnavailableError()),
});

/** Operator commands need the engine's process; this host has none (on AWS: the replay task, the saga DLQ command). */
export class AdminUnavailableError extends Error {
  readonly code = 'ADMIN_UNAVAILABLE';
  constructor() {
    super('operator commands run in a Strata engine process (strata start); this host serves the API only');
    this.name = 'AdminUnavailableError';
  }
}

export const adminRoutes = (app: Hono<ApiEnv>, deps: Pick<ApiDeps, 'admin'>): void => {
  const admin = deps.admin ?? unavailable;
  const who = (c: Parameters<typeof authorize>[0]) => authorize(c, ['admin']);

  app.get('/admin/dead-letters', async (c) => {
    const p = who(c);
    if (E.isLeft(p)) return p.left;
    const projection = c.req.query('projection');
    if (projection !== undefined && !PROJECTION.test(projection)) return invalid(c, [{ field: 'projection', message: 'is not a projection name' }]);
    return c.json({ items: await admin.deadLetters(projection) });
  });

  app.post('/admin/dead-letters/redrive', async (c) => {
    const p = who(c);
    if (E.isLeft(p)) return p.left;
    const body = await readBody(c, RedriveRequest, true);
    if (E.isLeft(body)) return body.left;
    if (body.right.projection !== undefined && !PROJECTION.test(body.right.projection)) return invalid(c, [{ field: 'projection', message: 'is not a projection name' }]);
    return c.json(await admin.redrive(body.right.projection));
  });

  app.post('/admin/replays', async (c) => {
    const p = who(c);
    if (E.isLeft(p)) return p.left;
    const body = await readBody(c, ReplayRequest);
    if (E.isLeft(body)) return body.left;
    const started = await admin.startReplay(body.right.projection, body.right.dryRun ?? false);
    if (E.isLeft(started))
      return started.left === 'busy'
        ? problem(c, 409, { slug: 'replay-running', detail: 'a replay is already running in this engine; wait for it' })
        : invalid(c, [{ field: 'projection', message: 'is not a replayable projection (relational, lake)' }]);
    return c.json(started.right, 202, { location: `/admin/replays/${started.right.id}` });
  });

  app.get('/admin/replays/:id', async (c) => {
    const p = who(c);
    if (E.isLeft(p)) return p.left;
    const job = await admin.replay(c.req.param('id'));
    return job === undefined ? problem(c, 404, { slug: 'replay-not-found', detail: 'no such replay in this engine' }) : c.json(job);
  });

  app.post('/admin/grants', async (c) => {
    const p = who(c);
    if (E.isLeft(p)) return p.left;
    const body = await readBody(c, GrantRequest);
    if (E.isLeft(body)) return body.left;
    if (!isRole(body.right.role)) return invalid(c, [{ field: 'role', message: 'must be one of customer, admin, analyst, auditor' }]);
    const r = await admin.grant(body.right.userSub, body.right.role);
    return E.isLeft(r) ? problem(c, 404, { slug: 'user-not-found', detail: r.left }) : c.body(null, 204);
  });

  app.get('/admin/leases', async (c) => {
    const p = who(c);
    if (E.isLeft(p)) return p.left;
    return c.json(await admin.leases());
  });
};
