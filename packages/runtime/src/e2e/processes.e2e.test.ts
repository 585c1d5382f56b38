/**
 * Many processes, one engine (issue 10). On PostgreSQL: two api and two workers processes of the
 * built CLI share one database; a user registered on one api process signs in on the other;
 * orders placed on both are all confirmed, each with exactly one authorization at the provider
 * (which runs outside them, as `strata provider` would) and one notification; one workers process
 * is killed with SIGKILL mid-load and every order still completes, with no error in the
 * survivors' logs. On the embedded store: a second engine on one data folder is refused and the
 * first keeps serving.
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startSimulatedProvider, type SimulatedProvider } from '@strata/workflows/provider/provider.simulated';
import { httpSend } from './seedFlow.js';
import { postgresSkipReason } from './harness.js';

jest.setTimeout(240_000);

const cli = resolve(__dirname, '../../dist/cli.js');

const freePort = (): Promise<number> =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a !== null ? a.port : 0));
    });
    s.on('error', fail);
  });

interface Proc {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: () => string;
}

const spawnEngine = async (env: Record<string, string>, port: number, args: string[] = ['start']): Promise<Proc> => {
  let out = '';
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, STRATA_PORT: String(port), STRATA_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return { child, port, output: () => out };
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null) throw new Error(`strata exited with ${child.exitCode}: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`strata did not come up: ${out}`);
};

const exited = (p: Proc): Promise<void> => (p.child.exitCode !== null || p.child.signalCode !== null ? Promise.resolve() : new Promise((r) => p.child.once('exit', () => r())));

describe('one embedded data folder', () => {
  const procs: Proc[] = [];
  let dataDir = '';
  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await Promise.all(procs.map(exited));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a second engine, naming the first, and the first keeps serving', async () => {
    expect(existsSync(cli)).toBe(true);
    dataDir = await mkdtemp(join(tmpdir(), 'strata-lock-'));
    const env = { DATABASE_URL: '', REDIS_URL: '', STRATA_STORE: 'pglite', STRATA_DATA_DIR: dataDir };
    const first = await spawnEngine(env, await freePort());
    procs.push(first);
    const pidBefore = await readFile(join(dataDir, 'strata.pid'), 'utf8');

    let out = '';
    const second = spawn(process.execPath, [cli, 'start'], { env: { ...process.env, ...env, STRATA_PORT: String(await freePort()) }, stdio: ['ignore', 'pipe', 'pipe'] });
    second.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => second.once('exit', (c) => r(c)));
    expect(code).not.toBe(0);
    expect(out).toContain(`pid ${first.child.pid}`);
    expect(out).toContain('owns the data folder');

    expect((await fetch(`http://127.0.0.1:${first.port}/health`)).status).toBe(200);
    expect(await readFile(join(dataDir, 'strata.pid'), 'utf8')).toBe(pidBefore);
  });
});

const skip = postgresSkipReason();
(skip ? describe.skip : describe)(`two api and two workers processes on PostgreSQL${skip ? ` [skipped: ${skip}]` : ''}`, () => {
  const procs: Proc[] = [];
  let provider: SimulatedProvider | undefined;
  let database = '';
  let dataDir = '';
  const admin = process.env.DATABASE_URL ?? '';
  const dbUrl = (name: string) => {
    const u = new URL(admin);
    u.pathname = `/${name}`;
    return u.toString();
  };

  afterAll(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await Promise.all(procs.map(exited));
    await provider?.close();
    if (database) {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${database} with (force)`);
      await c.end();
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shares users, applies every order once, and survives a workers process killed mid-load', async () => {
    expect(existsSync(cli)).toBe(true);
    database = `strata_procs_${Math.random().toString(36).slice(2, 10)}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`create database ${database}`);
    await c.end();
    dataDir = await mkdtemp(join(tmpdir(), 'strata-procs-'));
    provider = await startSimulatedProvider({ port: 0, latencyMs: 50 });
    const env = {
      DATABASE_URL: dbUrl(database),
      REDIS_URL: '',
      STRATA_DATA_DIR: dataDir,
      STRATA_PROVIDER_URL: provider.url,
      STRATA_PUBLIC_URL: 'http://strata.test',
      STRATA_LEASE_TTL_MS: '2000',
    };
    // Started one after another so the first creates the schemas the others find.
    const api1 = await spawnEngine({ ...env, STRATA_ROLES: 'api' }, await freePort());
    procs.push(api1);
    const api2 = await spawnEngine({ ...env, STRATA_ROLES: 'api' }, await freePort());
    procs.push(api2);
    const w1 = await spawnEngine({ ...env, STRATA_ROLES: 'workers' }, await freePort());
    procs.push(w1);
    const w2 = await spawnEngine({ ...env, STRATA_ROLES: 'workers' }, await freePort());
    procs.push(w2);

    // A workers process serves operations only.
    expect((await fetch(`http://127.0.0.1:${w1.port}/orders`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${w1.port}/metrics`)).status).toBe(200);

    const s1 = httpSend(`http://127.0.0.1:${api1.port}`);
    const s2 = httpSend(`http://127.0.0.1:${api2.port}`);
    const email = `procs${Date.now()}@example.com`;
    const password = 'ComplexP@ss1234';
    const reg = await s1('POST', '/register', { body: { email, password, firstName: 'Multi', lastName: 'Process', phoneNumber: '+11234567890' } });
    expect(reg.status).toBe(201);
    const userId = String((reg.body as { userSub: string }).userSub);
    const login = await s2('POST', '/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const token = String((login.body as { idToken: string }).idToken);
    // A token issued by one api process is accepted by the other.
    expect((await s1('GET', `/orders?userId=${userId}`, { token })).status).toBe(200);

    const order = (send: typeof s1) =>
      send('POST', '/orders', {
        token,
        body: { userId, items: [{ productId: 'NEWPROD001', quantity: 1 }], shippingAddress: { street: 'S 1', city: 'C', zipCode: '1', country: 'DE' } },
      });
    const first = await Promise.all(Array.from({ length: 10 }, (_, i) => order(i % 2 === 0 ? s1 : s2)));
    // Kill one workers process while the sagas of the first wave are in flight.
    w1.child.kill('SIGKILL');
    await exited(w1);
    const second = await Promise.all(Array.from({ length: 10 }, (_, i) => order(i % 2 === 0 ? s2 : s1)));
    const created = [...first, ...second];
    expect(created.map((r) => r.status)).toEqual(Array(20).fill(201));
    const orderIds = created.map((r) => String((r.body as { orderId: string }).orderId));

    const statuses = new Map<string, string>();
    for (let i = 0; i < 300 && [...statuses.values()].filter((s) => s === 'confirmed').length < orderIds.length; i++) {
      for (const id of orderIds) statuses.set(id, String(((await s2('GET', `/orders/${id}`, { token })).body as { status?: string }).status));
      if ([...statuses.values()].every((s) => s === 'confirmed')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect([...statuses.values()]).toEqual(Array(orderIds.length).fill('confirmed'));

    // Exactly one authorization per order at the provider.
    const holds = provider.ledger();
    expect(holds).toHaveLength(orderIds.length);
    expect(new Set(holds.map((h) => h.paymentId)).size).toBe(orderIds.length);

    // Exactly one "order confirmed" notification per order in the shared outbox.
    const db = new pg.Client({ connectionString: dbUrl(database) });
    await db.connect();
    try {
      const rows = await db.query<{ order_id: string; n: string }>(
        `select notification->>'orderId' as order_id, count(*) as n from strata_engine.outbox where kind = 'order-confirmed' group by 1`,
      );
      expect(rows.rows).toHaveLength(orderIds.length);
      expect(rows.rows.every((r) => Number(r.n) === 1)).toBe(true);
      // The survivor took over every lease the killed process held.
      const leases = await db.query<{ holder: string }>(`select holder from strata_engine.leases where expires_at > now()`);
      expect(leases.rows.length).toBeGreaterThan(0);
      expect(leases.rows.every((l) => !l.holder.includes(`:${w1.child.pid}:`))).toBe(true);
    } finally {
      await db.end();
    }

    for (const p of [api1, api2, w2]) {
      const errors = p.output().split('\n').filter((l) => l.includes('"level":"error"'));
      expect(errors).toEqual([]);
    }
  });
});
