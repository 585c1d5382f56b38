/**
 * Starts a real runtime for end-to-end tests: the same `startStrata` as `strata start`, on a free
 * port, with its own data folder (PGlite) or its own PostgreSQL database, torn down afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../config.js';
import { createLogger } from '../logger.js';
import { startStrata, type RunningStrata } from '../start.js';

export interface TestRuntime {
  readonly url: string;
  readonly running: RunningStrata;
  readonly config: Config;
  restart(): Promise<TestRuntime>;
  stop(): Promise<void>;
}

export type Backing = 'pglite' | 'postgres';

/** The PostgreSQL e2e needs DATABASE_URL; without it the suite is skipped with this reason. */
export const postgresSkipReason = (): string | undefined =>
  process.env.DATABASE_URL ? undefined : 'DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)';

const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

export const startTestRuntime = async (backing: Backing, env: Record<string, string> = {}): Promise<TestRuntime> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-e2e-'));
  let dropDb: (() => Promise<void>) | undefined;
  const vars: Record<string, string> = { STRATA_PORT: '0', STRATA_DATA_DIR: dataDir, STRATA_LOG_LEVEL: 'silent', STRATA_STORE: backing, ...env };
  if (backing === 'postgres') {
    const admin = process.env.DATABASE_URL!;
    const database = `strata_e2e_${Math.random().toString(36).slice(2, 10)}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${database}`);
    await client.end();
    vars.DATABASE_URL = withDatabase(admin, database);
    dropDb = async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${database} with (force)`);
      await c.end();
    };
  }
  const boot = async (): Promise<TestRuntime> => {
    const config = loadConfig(vars);
    const running = await startStrata(config, createLogger('silent'));
    const self: TestRuntime = {
      url: running.url,
      running,
      config,
      restart: async () => {
        await running.stop();
        return boot();
      },
      stop: async () => {
        await running.stop();
        await dropDb?.();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
    return self;
  };
  return boot();
};
