/**
 * Operator commands that work on the stores directly: `strata replay` and `strata dlq`.
 * With the embedded PGlite store they need the engine stopped (one process owns the data
 * folder); with PostgreSQL they run beside a live engine, which keeps answering queries.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { isRole } from '@strata/api';
import { countFeed, rebuildRelational, redriveDeadLetters, type RebuildProgress } from '@strata/projections';
import type { Config } from './config.js';
import { buildEngine } from './engine.js';
import { createLogger } from './logger.js';

export const REPLAYABLE = ['relational', 'lake'] as const;

export const pidFile = (config: Config): string => join(resolve(config.dataDir), 'strata.pid');

const assertDataFolderFree = (config: Config, why: 'store' | 'users' = 'store'): void => {
  if (why === 'store' ? config.store.kind !== 'pglite' : config.identity.kind !== 'local') return;
  const file = pidFile(config);
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8'));
  try {
    process.kill(pid, 0);
  } catch {
    return; // stale pid file: that process is gone
  }
  throw new Error(`strata start (pid ${pid}) owns ${config.dataDir}; stop it first — the embedded store has one writer. With DATABASE_URL (PostgreSQL) replay runs beside a live engine.`);
};

const bar = (p: RebuildProgress): string => {
  const width = 30;
  const done = p.total > 0 ? Math.min(1, p.applied / p.total) : 1;
  const filled = Math.round(done * width);
  const eta = p.etaSeconds === undefined ? '?' : `${Math.ceil(p.etaSeconds)}s`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.applied}/${p.total} events  ${Math.round(p.eventsPerSecond)} ev/s  ETA ${eta}`;
};

export const runReplayCommand = async (config: Config, o: { projection?: string; all: boolean; dryRun: boolean }): Promise<number> => {
  const names = o.all ? [...REPLAYABLE] : [o.projection ?? ''];
  const unknown = names.filter((n) => !(REPLAYABLE as readonly string[]).includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`strata: no replayable projection ${unknown.map((n) => JSON.stringify(n)).join(', ')}; replayable: ${REPLAYABLE.join(', ')} (the status cache and the lake catch up by themselves from their checkpoints)\n`);
    return 64;
  }
  assertDataFolderFree(config);
  const engine = await buildEngine(config, createLogger('warn'), { workflows: false, lake: false });
  // issue 12: on DynamoDB the full history is a table scan (Streams keep 24 h); the scan reports its own progress.
  const tableScan = config.store.kind === 'dynamodb' ? (await import('./replayFromTable.js')).tableReplayFeed(config) : undefined;
  try {
    for (const name of names) {
      if (name === 'lake') {
        const t0 = Date.now();
        if (o.dryRun) {
          process.stdout.write(`dry run: ${await countFeed(engine.feed)} events to write into the lake\n`);
          continue;
        }
        process.stderr.write('rebuilding the lake into a shadow folder…\n');
        const { rebuildLake } = await import('@strata/projections/lake');
        const result = await rebuildLake({ root: resolve(config.lakeDir), feed: tableScan ?? engine.feed });
        const seconds = (Date.now() - t0) / 1000;
        process.stdout.write(`replayed ${result.events} events into lake in ${seconds.toFixed(1)} s, ${result.deadLetters.length} dead-lettered; swapped in: true\n`);
        continue;
      }
      const tty = process.stderr.isTTY;
      const result = await rebuildRelational({
        db: engine.readDb,
        feed: tableScan ?? engine.feed,
        schema: engine.readModel.schema,
        dryRun: o.dryRun,
        ...(tableScan === undefined ? { onProgress: (p: RebuildProgress) => process.stderr.write(tty ? `\r${bar(p)}` : `${bar(p)}\n`) } : { resume: true }),
      });
      if (tty) process.stderr.write('\n');
      process.stdout.write(
        o.dryRun
          ? `dry run: ${result.events} events to replay, about ${result.seconds.toFixed(1)} s\n`
          : `replayed ${result.events} events into relational in ${result.seconds.toFixed(1)} s (${Math.round(result.eventsPerSecond)} ev/s), ${result.deadLettered} dead-lettered; swapped in: ${result.swapped}\n`,
      );
    }
    return 0;
  } finally {
    await engine.close();
  }
};

export const runDlqCommand = async (config: Config, sub: 'list' | 'redrive', projection?: string): Promise<number> => {
  if (config.store.kind === 'dynamodb') return (await import('./sagaDeadLetters/command.js')).runSagaDlqCommand(sub, projection); // issue 12: saga dead letters on AWS
  assertDataFolderFree(config);
  const engine = await buildEngine(config, createLogger('warn'), { workflows: false });
  try {
    const store = engine.readModel.deadLetters;
    if (sub === 'list') {
      const letters = await store.list();
      if (letters.length === 0) process.stdout.write('no dead letters\n');
      for (const l of letters) process.stdout.write(`${l.id}\t${l.projection}\t${l.envelope.streamId}@${l.envelope.streamVersion}\t${l.envelope.type}\t${l.failedAt}\t${l.error}\n`);
      return 0;
    }
    const sinks = engine.consumers.map((c) => c.sink);
    const result = await redriveDeadLetters(store, sinks, projection === undefined ? {} : { projection });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } finally {
    await engine.close();
  }
};

/**
 * `strata grant --user <userSub> --role <role>`: gives a user a role (admin, analyst, auditor,
 * customer). Locally the users file is owned by the running engine, so stop it first; the user
 * signs in again to get a token with the new role. With Cognito this adds the user to the group.
 */
export const runGrantCommand = async (config: Config, userSub: string, role: string): Promise<number> => {
  if (!isRole(role)) {
    process.stderr.write(`strata: unknown role ${JSON.stringify(role)}; roles: customer, admin, analyst, auditor\n`);
    return 64;
  }
  assertDataFolderFree(config, 'users');
  const engine = await buildEngine(config, createLogger('warn'), { workflows: false, lake: false });
  try {
    const result = await engine.identity.assignRole(userSub, role);
    if (E.isLeft(result)) {
      process.stderr.write(`strata: ${result.left.message}\n`);
      return 1;
    }
    process.stdout.write(`granted ${role} to ${userSub}; sign in again for a token that carries it\n`);
    return 0;
  } finally {
    await engine.close();
  }
};
