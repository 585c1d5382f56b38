/**
 * The catalogue on a started engine: the demo catalogue on an empty store (and the switch that
 * turns it off), server-side pricing over HTTP, and `strata catalogue import` as an operator runs
 * it (the built `dist/cli.js`) on the data folder — refused while the engine runs, applied once
 * it has stopped, its products served after the restart.
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { startStrata, type RunningStrata } from '../start.js';
import { httpSend } from './seedFlow.js';

jest.setTimeout(240_000);

const cli = resolve(__dirname, '../../dist/cli.js');
const strata = (args: string[], env: Record<string, string>) => {
  const r = spawnSync(process.execPath, [cli, ...args], {
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', STRATA_LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const dirs: string[] = [];
const boot = async (dataDir: string, env: Record<string, string> = {}): Promise<RunningStrata> =>
  startStrata(loadConfig({ STRATA_PORT: '0', STRATA_DATA_DIR: dataDir, STRATA_LOG_LEVEL: 'silent', STRATA_STORE: 'pglite', ...env }), createLogger('silent'));
const products = async (running: RunningStrata, query = '') =>
  ((await httpSend(running.url)('GET', `/products${query}`)).body as { items: Array<{ productId: string; name: string; price: number }> }).items;

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('the catalogue on a started engine', () => {
  it('STRATA_DEMO_CATALOGUE=false starts with an empty catalogue', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'strata-e2e-cat-'));
    dirs.push(dataDir);
    const running = await boot(dataDir, { STRATA_STORE: 'memory', STRATA_DEMO_CATALOGUE: 'false' });
    try {
      expect(await products(running)).toEqual([]);
    } finally {
      await running.stop();
    }
  });

  it('lists the demo catalogue on an empty store; import is refused while the engine runs, applied after, served on restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'strata-e2e-cat-'));
    dirs.push(dataDir);
    const env = { STRATA_DATA_DIR: dataDir, STRATA_STORE: 'pglite' };
    let running = await boot(dataDir);
    const file = join(dataDir, 'catalogue.csv');
    await writeFile(file, 'productId,name,description,price,currency\nTEA-1,Green Tea,"Sencha, 100 g",7.90,USD\nTEA-2,Free Tea,,0,USD\nNEWPROD001,Fresh Product,The seed test flow\'s first product.,26.00,USD\n');
    try {
      const demo = await products(running, '?limit=100');
      expect(demo.map((p) => p.productId)).toEqual(expect.arrayContaining(['NEWPROD001', 'NEWPROD002']));
      expect(demo.find((p) => p.productId === 'NEWPROD002')).toMatchObject({ name: 'Another Item', price: 49.5 });
      const refused = strata(['catalogue', 'import', file], env);
      expect(refused.code).toBe(75);
      expect(refused.stderr).toContain('stop it first');
    } finally {
      await running.stop();
    }

    const imported = strata(['catalogue', 'import', file], env);
    expect(imported.stderr).toContain('2/2 rows');
    expect(imported.stdout).toContain('3 rows — 1 listed, 1 repriced, 0 unchanged, 1 refused');
    expect(imported.stdout).toMatch(/row 2 \(TEA-2\): price must be greater than 0/);
    expect(imported.code).toBe(2);

    running = await boot(dataDir);
    try {
      // Not empty any more: the demo catalogue is not listed again, the import's changes stand.
      const send = httpSend(running.url);
      for (;;) {
        const found = await products(running, '?q=green');
        if (found.length > 0) {
          expect(found).toEqual([expect.objectContaining({ productId: 'TEA-1', name: 'Green Tea', price: 7.9 })]);
          break;
        }
        await new Promise((r) => setImmediate(r));
      }
      const fresh = (await send('GET', '/products/NEWPROD001')).body;
      expect(fresh).toMatchObject({ price: 26, version: 2 });
    } finally {
      await running.stop();
    }
  });
});
