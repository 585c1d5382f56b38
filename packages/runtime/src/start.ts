import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Config } from './config.js';
import { pidFile } from './operations.js';
import { buildEngine, type Engine } from './engine.js';
import type { Logger } from './logger.js';
import { listen } from './server.js';
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
  const issuer = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  const engine = await buildEngine(config, logger, { issuer, clientIp: (c) => getConnInfo(c).remote.address });
  let server;
  try {
    server = await listen(withWebApp(engine.app, { assetsDir: findWebAssets() }), config.port, config.host);
  } catch (err) {
    await engine.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new Error(`port ${config.port} on ${config.host} is already in use; set STRATA_PORT to another port`, { cause: err });
    throw err;
  }
  await engine.startBackground();
  // Marks the data folder as owned: `strata replay`/`dlq` on the embedded store refuse to run beside it.
  const pid = pidFile(config);
  await mkdir(dirname(pid), { recursive: true });
  await writeFile(pid, String(process.pid));
  logger.info('strata started', { url: server.url, dataDir: config.dataDir, parts: engine.parts, startupMs: Date.now() - t0 });
  if (process.stdout.isTTY) {
    process.stdout.write(`\n  Strata is running at ${server.url}\n  API reference: ${server.url}/docs\n  data folder:   ${config.dataDir}\n${engine.parts.map((p) => `  · ${p}\n`).join('')}  Ctrl-C stops it.\n\n`);
  }
  return {
    url: server.url,
    engine,
    async stop() {
      await server.close();
      await engine.close();
      await rm(pid, { force: true });
      logger.info('strata stopped');
    },
  };
};
