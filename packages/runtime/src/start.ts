import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { problemType, type ApiEnv } from '@strata/api';
import type { Config } from './config.js';
import { pidFile } from './operations.js';
import { lockDataFolder, type FolderLock } from './folderLock.js';
import { buildEngine, type Engine } from './engine.js';
import type { Logger } from './logger.js';
import { listen } from './server.js';
import { loadDemoCatalogue } from './catalogue.js';

/** A workers-only process serves what every process serves (DESIGN.md decision 8), and nothing else. */
const OPERATIONS = new Set(['/health', '/ready', '/metrics']);
const operationsOnly = (app: Engine['app']): Engine['app'] => {
  const ops = new Hono<ApiEnv>();
  ops.all('*', (c) =>
    OPERATIONS.has(c.req.path)
      ? app.fetch(c.req.raw, c.env)
      : c.json({ type: problemType('not-found'), title: 'Not Found', status: 404, detail: 'this process runs the workers role: it serves /health, /ready and /metrics only' }, 404, { 'content-type': 'application/problem+json' }),
  );
  return ops;
};
import { findWebAssets, withWebApp } from './web.js';

export interface RunningStrata {
  readonly url: string;
  readonly engine: Engine;
  /** Drains in-flight requests, stops consumers and the saga, closes the stores. */
  stop(): Promise<void>;
}

/** `strata start`: the whole engine in this process, serving HTTP. */
export const startStrata = async (config: Config, logger: Logger): Promise<RunningStrata> => {
  const t0 = Date.now();
  const issuer = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  // The embedded store has one writer: the data folder's lock is taken before anything is opened
  // or served, and a second engine is refused naming the first. The pid file is for people only.
  let lock: FolderLock | undefined;
  const pid = pidFile(config);
  if (config.store.kind === 'pglite') {
    await mkdir(dirname(pid), { recursive: true });
    lock = await lockDataFolder(config.dataDir);
    await writeFile(pid, String(process.pid));
  }
  const releaseLock = async () => {
    // Never remove another process's pid file.
    if ((await readFile(pid, 'utf8').catch(() => '')).trim() === String(process.pid)) await rm(pid, { force: true });
    await lock?.release();
  };
  let engine: Engine;
  try {
    engine = await buildEngine(config, logger, { issuer, clientIp: (c) => getConnInfo(c).remote.address });
  } catch (err) {
    await releaseLock();
    throw err;
  }
  await loadDemoCatalogue(engine, config, logger);
  let server;
  try {
    const served = engine.roles.has('api') ? withWebApp(engine.app, { assetsDir: findWebAssets() }) : operationsOnly(engine.app);
    server = await listen(served, config.port, config.host, config.timeouts);
  } catch (err) {
    await engine.close();
    await releaseLock();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new Error(`port ${config.port} on ${config.host} is already in use; set STRATA_PORT to another port`, { cause: err });
    throw err;
  }
  lock?.announce(server.url, issuer);
  await engine.startBackground();
  logger.info('strata started', { url: server.url, dataDir: config.dataDir, roles: [...engine.roles], pid: process.pid, parts: engine.parts, startupMs: Date.now() - t0 });
  if (process.stdout.isTTY) {
    process.stdout.write(`\n  Strata is running at ${server.url}\n  API reference: ${server.url}/docs\n  data folder:   ${config.dataDir}\n${engine.parts.map((p) => `  · ${p}\n`).join('')}  Ctrl-C stops it.\n\n`);
  }
  return {
    url: server.url,
    engine,
    async stop() {
      await server.close();
      await engine.close();
      await releaseLock();
      logger.info('strata stopped');
    },
  };
};
