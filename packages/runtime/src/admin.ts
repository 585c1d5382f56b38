/**
 * Operator commands as functions over the engine's parts: used by the admin endpoint of a running
 * engine, and by the CLI when no engine owns the store (DESIGN.md decision 9).
 */
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { ChangeFeed } from '@strata/events';
import { countFeed, rebuildRelational, redriveDeadLetters, type ProjectionSink, type RebuildProgress, type SqlExecutor, type SqlReadModel } from '@strata/projections';
import { isRole, type AdminOperations, type IdentityProvider, type ReplayJob } from '@strata/api';
import type { Config } from './config.js';

export const REPLAYABLE = ['relational', 'lake'] as const;

export interface AdminParts {
  readonly config: Config;
  readonly feed: ChangeFeed;
  readonly readDb: SqlExecutor;
  readonly readModel: SqlReadModel;
  readonly sinks: () => readonly ProjectionSink[];
  readonly identity: IdentityProvider;
  readonly leases: () => Promise<unknown>;
}

export type Progress = Pick<RebuildProgress, 'applied' | 'total' | 'eventsPerSecond' | 'etaSeconds'>;

/** Rebuilds one projection from the whole history; returns the closing line. */
export const replayProjection = async (parts: AdminParts, name: string, dryRun: boolean, onProgress?: (p: Progress) => void): Promise<string> => {
  if (name === 'lake') {
    const t0 = Date.now();
    if (dryRun) return `dry run: ${await countFeed(parts.feed)} events to write into the lake`;
    const { rebuildLake } = await import('@strata/projections/lake');
    const result = await rebuildLake({ root: resolve(parts.config.lakeDir), feed: parts.feed });
    return `replayed ${result.events} events into lake in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${result.deadLetters.length} dead-lettered; swapped in: true`;
  }
  // Without a progress callback (the DynamoDB table scan reports its own) an interrupted rebuild resumes.
  const result = await rebuildRelational({ db: parts.readDb, feed: parts.feed, schema: parts.readModel.schema, dryRun, ...(onProgress ? { onProgress } : { resume: true }) });
  return dryRun
    ? `dry run: ${result.events} events to replay, about ${result.seconds.toFixed(1)} s`
    : `replayed ${result.events} events into relational in ${result.seconds.toFixed(1)} s (${Math.round(result.eventsPerSecond)} ev/s), ${result.deadLettered} dead-lettered; swapped in: ${result.swapped}`;
};

export const createAdminOperations = (parts: AdminParts): AdminOperations => {
  const jobs = new Map<string, ReplayJob>();
  let busy = false;
  const startReplay = async (projection: string, dryRun = false): Promise<E.Either<'unknown' | 'busy', ReplayJob>> => {
    if (!(REPLAYABLE as readonly string[]).includes(projection)) return E.left('unknown');
    if (busy) return E.left('busy');
    busy = true;
    const id = randomUUID();
    let job: ReplayJob = { id, projection, status: 'running', applied: 0, total: 0, eventsPerSecond: 0, startedAt: new Date().toISOString() };
    jobs.set(id, job);
    void replayProjection(parts, projection, dryRun, (p) => {
      job = { ...job, applied: p.applied, total: p.total, eventsPerSecond: p.eventsPerSecond, ...(p.etaSeconds === undefined ? {} : { etaSeconds: p.etaSeconds }) };
      jobs.set(id, job);
    })
      .then(
        (summary) => jobs.set(id, { ...job, status: 'succeeded', summary, endedAt: new Date().toISOString() }),
        (err: unknown) => jobs.set(id, { ...job, status: 'failed', error: err instanceof Error ? err.message : String(err), endedAt: new Date().toISOString() }),
      )
      .finally(() => (busy = false));
    return E.right(job);
  };
  return {
    async deadLetters(projection) {
      return (await parts.readModel.deadLetters.list(projection)).map((l) => ({
        id: l.id,
        projection: l.projection,
        streamId: l.envelope.streamId,
        streamVersion: l.envelope.streamVersion,
        type: l.envelope.type,
        failedAt: l.failedAt,
        error: l.error,
      }));
    },
    redrive: (projection) => redriveDeadLetters(parts.readModel.deadLetters, parts.sinks(), projection === undefined ? {} : { projection }),
    startReplay,
    replay: async (id) => jobs.get(id),
    async grant(userSub, role) {
      if (!isRole(role)) return E.left(`unknown role ${role}`);
      const r = await parts.identity.assignRole(userSub, role);
      return E.isLeft(r) ? E.left(r.left.message) : E.right(undefined);
    },
    leases: parts.leases,
  };
};
