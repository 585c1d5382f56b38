/**
 * The `strata` CLI as an operator runs it (the built `dist/cli.js`): configuration errors, usage
 * errors, and the operations on a data folder written by a real engine — through that engine's
 * admin endpoint while it runs (DESIGN.md decision 9), then on the stores once it has stopped.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { httpSend, runSeedFlow, type SeedFlowResult } from './seedFlow.js';
import { startTestRuntime, type TestRuntime } from './harness.js';

jest.setTimeout(120_000);

const cli = resolve(__dirname, '../../dist/cli.js');
const strata = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [cli, ...args], {
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', STRATA_LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** The same, without blocking this process: the engine under test runs in it and must answer. */
const strataAsync = (args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', STRATA_LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });

describe('strata CLI', () => {
  it('names every wrong configuration value and exits 78', () => {
    const r = strata(['config'], { STRATA_PORT: 'abc', STRATA_STORE: 'oracle', REDIS_URL: 'http://x' });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('STRATA_PORT="abc"');
    expect(r.stderr).toContain('STRATA_STORE="oracle"');
    expect(r.stderr).toContain('REDIS_URL');
  });

  it('answers a usage error with the help text and exit 64', () => {
    const r = strata(['frobnicate']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('unknown command');
    expect(r.stderr).toContain('Usage: strata');
    expect(strata(['replay']).code).toBe(64);
    expect(strata(['replay', '--projection', 'nope'], { STRATA_DATA_DIR: '/tmp/strata-cli-none' }).code).toBe(64);
  });

  describe('on a data folder written by a running engine', () => {
    let runtime: TestRuntime;
    let flow: SeedFlowResult;
    let env: Record<string, string>;

    beforeAll(async () => {
      runtime = await startTestRuntime('pglite');
      flow = await runSeedFlow(httpSend(runtime.url), `${Date.now()}cli`);
      env = { STRATA_DATA_DIR: runtime.config.dataDir, STRATA_STORE: 'pglite' };
    });
    afterAll(async () => {
      await runtime?.stop();
    });

    it('replays, lists dead letters and grants roles through the engine that owns the embedded store', async () => {
      const r = await strataAsync(['replay', '--projection', 'relational'], env);
      expect(r.stderr).toContain('inside the running engine');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/replayed [1-9]\d* events into relational/);
      expect((await strataAsync(['replay', '--projection', 'relational', '--dry-run'], env)).stdout).toMatch(/dry run: [1-9]\d* events to replay/);
      const dlq = await strataAsync(['dlq', 'list'], env);
      expect(dlq.code).toBe(0);
      expect(dlq.stdout).toContain('no dead letters');
      expect((await strataAsync(['grant', '--user', 'no-such-user', '--role', 'auditor'], env)).code).toBe(1);
      expect((await strataAsync(['grant', '--user', flow.userId, '--role', 'auditor'], env)).code).toBe(0);
      // The engine kept serving, the order survived the rebuild, and a fresh token carries the role.
      const send = httpSend(runtime.url);
      const login = await send('POST', '/login', { body: { email: flow.email, password: flow.password } });
      const token = String((login.body as { idToken: string }).idToken);
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      expect(claims['cognito:groups']).toEqual(expect.arrayContaining(['auditor']));
      expect((await send('GET', `/orders/${flow.orderId}`, { token })).status).toBe(200);
      // Without a valid admin token the endpoint refuses.
      expect((await send('POST', '/admin/replays', { body: { projection: 'relational' }, token })).status).toBe(403);
    });

    it('replays, lists dead letters and grants roles once the engine has stopped', async () => {
      await runtime.running.stop();
      const dry = strata(['replay', '--all', '--dry-run'], env);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/dry run: \d+ events to replay/);
      const replay = strata(['replay', '--projection', 'relational'], env);
      expect(replay.code).toBe(0);
      expect(replay.stdout).toMatch(/replayed \d+ events into relational/);
      expect(replay.stdout).toContain('swapped in: true');
      const lake = strata(['replay', '--projection', 'lake'], env);
      expect(lake.code).toBe(0);
      expect(lake.stdout).toMatch(/replayed [1-9]\d* events into lake/);
      const dlq = strata(['dlq', 'list'], env);
      expect(dlq.code).toBe(0);
      expect(dlq.stdout).toContain('no dead letters');
      expect(strata(['grant', '--user', flow.userId, '--role', 'wizard'], env).code).toBe(64);
      const grant = strata(['grant', '--user', flow.userId, '--role', 'analyst'], env);
      expect(grant.code).toBe(0);
      // The order is still there after the rebuild, and the new role shows in a fresh token.
      runtime = await runtime.restart();
      const send = httpSend(runtime.url);
      const login = await send('POST', '/login', { body: { email: flow.email, password: flow.password } });
      const token = String((login.body as { idToken: string }).idToken);
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      expect(claims['cognito:groups']).toEqual(expect.arrayContaining(['analyst']));
      const order = await send('GET', `/orders/${flow.orderId}`, { token });
      expect(order.status).toBe(200);
    });
  });
});
