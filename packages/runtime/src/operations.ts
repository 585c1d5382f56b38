/**
 * Operator commands: `strata replay`, `strata dlq` and `strata grant`. When an engine owns the
 * embedded data folder they ask it through its admin endpoint (DESIGN.md decision 9), signing a
 * short-lived admin token with the folder's own key; otherwise they open the stores themselves —
 * on PostgreSQL beside live engines, which is safe (replays build a shadow schema and swap it;
 * redrives apply per stream version; grants are rows).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isRole, issueOperatorToken, signingKeysFromJwk } from '@strata/api';
import type { Config } from './config.js';
import { buildEngine, type Engine } from './engine.js';
import { createLogger } from './logger.js';
import { lockDataFolder, lockHolder, type LockHolder } from './folderLock.js';
import { REPLAYABLE, createAdminOperations, replayProjection, type AdminParts, type Progress } from './admin.js';

export { REPLAYABLE };

export const pidFile = (config: Config): string => join(resolve(config.dataDir), 'strata.pid');

/** The engine that owns the embedded data folder, with an admin token for it; undefined when none runs. */
const runningEngine = async (config: Config): Promise<{ holder: LockHolder; call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }> } | undefined> => {
  if (config.store.kind !== 'pglite') return undefined;
  const holder = await lockHolder(config.dataDir);
  if (holder === undefined) return undefined;
  if (holder.url === undefined || holder.issuer === undefined) throw new Error(`strata start (pid ${holder.pid}) owns ${config.dataDir} and is still starting; try again in a moment`);
  const keyFile = join(resolve(config.dataDir), 'identity', 'identity-signing-key.json');
  const keys = await signingKeysFromJwk(JSON.parse(await readFile(keyFile, 'utf8')));
  const token = await issueOperatorToken(keys, { issuer: holder.issuer });
  const base = holder.url.replace('//localhost:', '//127.0.0.1:');
  return {
    holder,
    call: async (method, path, body) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
  };
};

const bar = (p: Progress): string => {
  const width = 30;
  const done = p.total > 0 ? Math.min(1, p.applied / p.total) : 1;
  const filled = Math.round(done * width);
  const eta = p.etaSeconds === undefined ? '?' : `${Math.ceil(p.etaSeconds)}s`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.applied}/${p.total} events  ${Math.round(p.eventsPerSecond)} ev/s  ETA ${eta}`;
};

const progressPrinter = () => {
  const tty = process.stderr.isTTY;
  let last = '';
  return {
    show: (p: Progress) => {
      const line = bar(p);
      if (line === last) return;
      last = line;
      process.stderr.write(tty ? `\r${line}` : `${line}\n`);
    },
    end: () => {
      if (tty && last !== '') process.stderr.write('\n');
    },
  };
};

/** Opens the stores for one command; on the embedded store it holds the folder's lock meanwhile, so no engine starts beside it. */
const withEngine = async <T>(config: Config, lake: boolean, fn: (engine: Engine) => Promise<T>): Promise<T> => {
  const lock = config.store.kind === 'pglite' ? await lockDataFolder(config.dataDir) : undefined;
  try {
    const engine = await buildEngine(config, createLogger('warn'), { workflows: false, lake });
    try {
      return await fn(engine);
    } finally {
      await engine.close();
    }
  } finally {
    await lock?.release();
  }
};

const partsOf = (engine: Engine): AdminParts => ({
  config: engine.config,
  feed: engine.feed,
  readDb: engine.readDb,
  readModel: engine.readModel,
  sinks: () => engine.consumers.map((c) => c.sink),
  identity: engine.identity,
  leases: async () => [],
});
const adminOf = (engine: Engine) => createAdminOperations(partsOf(engine));

const problemText = (body: unknown): string => String((body as { detail?: string } | undefined)?.detail ?? JSON.stringify(body));

export const runReplayCommand = async (config: Config, o: { projection?: string; all: boolean; dryRun: boolean }): Promise<number> => {
  const names = o.all ? [...REPLAYABLE] : [o.projection ?? ''];
  const unknown = names.filter((n) => !(REPLAYABLE as readonly string[]).includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`strata: no replayable projection ${unknown.map((n) => JSON.stringify(n)).join(', ')}; replayable: ${REPLAYABLE.join(', ')} (the status cache and the lake catch up by themselves from their checkpoints)\n`);
    return 64;
  }
  const remote = await runningEngine(config);
  if (remote !== undefined) {
    process.stderr.write(`replaying inside the running engine (pid ${remote.holder.pid}, ${remote.holder.url})\n`);
    for (const name of names) {
      const started = await remote.call('POST', '/admin/replays', { projection: name, dryRun: o.dryRun });
      if (started.status !== 202) {
        process.stderr.write(`strata: the engine refused the replay: ${problemText(started.body)}\n`);
        return 1;
      }
      const id = String((started.body as { id: string }).id);
      const progress = progressPrinter();
      for (;;) {
        const job = (await remote.call('GET', `/admin/replays/${id}`)).body as { status: string; summary?: string; error?: string } & Progress;
        if (job.total > 0) progress.show(job);
        if (job.status === 'succeeded') {
          progress.end();
          process.stdout.write(`${job.summary}\n`);
          break;
        }
        if (job.status === 'failed') {
          progress.end();
          process.stderr.write(`strata: replay of ${name} failed: ${job.error}\n`);
          return 1;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    return 0;
  }
  return withEngine(config, false, async (engine) => {
    // On DynamoDB the full history is a scan of the table (Streams keep 24 h); it reports its own
    // progress and an interrupted run resumes from its shadow schema's position.
    const tableScan = config.store.kind === 'dynamodb' ? (await import('./replayFromTable.js')).tableReplayFeed(config) : undefined;
    for (const name of names) {
      if (name === 'lake' && !o.dryRun) process.stderr.write('rebuilding the lake into a shadow folder…\n');
      const progress = progressPrinter();
      const parts = tableScan === undefined ? partsOf(engine) : { ...partsOf(engine), feed: tableScan };
      const summary = await replayProjection(parts, name, o.dryRun, tableScan === undefined ? progress.show : undefined);
      progress.end();
      process.stdout.write(`${summary}\n`);
    }
    return 0;
  });
};

export const runDlqCommand = async (config: Config, sub: 'list' | 'redrive', projection?: string): Promise<number> => {
  // On AWS the dead letters that matter are the saga's (its SQS queue); Step Functions runs them again.
  if (config.store.kind === 'dynamodb') return (await import('./sagaDeadLetters/command.js')).runSagaDlqCommand(sub, projection);
  const remote = await runningEngine(config);
  const letters = async (): Promise<ReadonlyArray<{ id: string; projection: string; streamId: string; streamVersion: number; type: string; failedAt: string; error: string }>> => {
    if (remote === undefined) return withEngine(config, true, (engine) => adminOf(engine).deadLetters(projection));
    const r = await remote.call('GET', `/admin/dead-letters${projection === undefined ? '' : `?projection=${encodeURIComponent(projection)}`}`);
    if (r.status !== 200) throw new Error(`the engine refused: ${problemText(r.body)}`);
    return (r.body as { items: [] }).items;
  };
  if (sub === 'list') {
    const items = await letters();
    if (items.length === 0) process.stdout.write('no dead letters\n');
    for (const l of items) process.stdout.write(`${l.id}\t${l.projection}\t${l.streamId}@${l.streamVersion}\t${l.type}\t${l.failedAt}\t${l.error}\n`);
    return 0;
  }
  if (remote === undefined) {
    const result = await withEngine(config, true, (engine) => adminOf(engine).redrive(projection));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const r = await remote.call('POST', '/admin/dead-letters/redrive', projection === undefined ? {} : { projection });
  if (r.status !== 200) throw new Error(`the engine refused: ${problemText(r.body)}`);
  process.stdout.write(`${JSON.stringify(r.body)}\n`);
  return 0;
};

/**
 * `strata grant --user <userSub> --role <role>`: gives a user a role (admin, analyst, auditor,
 * customer); the user signs in again to get a token with the new role. With Cognito this adds
 * the user to the group.
 */
export const runGrantCommand = async (config: Config, userSub: string, role: string): Promise<number> => {
  if (!isRole(role)) {
    process.stderr.write(`strata: unknown role ${JSON.stringify(role)}; roles: customer, admin, analyst, auditor\n`);
    return 64;
  }
  const remote = await runningEngine(config);
  if (remote !== undefined) {
    const r = await remote.call('POST', '/admin/grants', { userSub, role });
    if (r.status !== 204) {
      process.stderr.write(`strata: ${problemText(r.body)}\n`);
      return 1;
    }
  } else {
    const result = await withEngine(config, false, (engine) => adminOf(engine).grant(userSub, role));
    if (result._tag === 'Left') {
      process.stderr.write(`strata: ${result.left}\n`);
      return 1;
    }
  }
  process.stdout.write(`granted ${role} to ${userSub}; sign in again for a token that carries it\n`);
  return 0;
};
