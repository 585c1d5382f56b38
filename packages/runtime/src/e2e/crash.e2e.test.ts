/**
 * Crash safety (issue 5): `strata start` is killed (SIGKILL, no shutdown) while payment sagas are
 * in flight, started again on the same data folder, and every saga must finish with no payment
 * held twice. The payment provider runs outside the killed process, so its ledger is the witness.
 * Runs the built CLI (`./strata test` builds first), as a user or an operator would.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSimulatedProvider, type SimulatedProvider } from '@strata/workflows/provider/provider.simulated';
import { httpSend } from './seedFlow.js';

jest.setTimeout(180_000);

const cli = resolve(__dirname, '../../dist/cli.js');
const ORDERS = 12;

const freePort = (): Promise<number> =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a !== null ? a.port : 0));
    });
    s.on('error', fail);
  });

const start = async (dataDir: string, port: number, providerUrl: string): Promise<ChildProcess> => {
  const child = spawn(process.execPath, [cli, 'start'], {
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', STRATA_STORE: 'pglite', STRATA_DATA_DIR: dataDir, STRATA_PORT: String(port), STRATA_PROVIDER_URL: providerUrl, STRATA_LOG_LEVEL: 'error' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null) throw new Error(`strata start exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('strata start did not come up');
};

describe('a crash of strata start during payment sagas', () => {
  let provider: SimulatedProvider;
  let dataDir: string;
  let child: ChildProcess | undefined;
  const built = existsSync(cli);

  beforeAll(async () => {
    // Slow answers keep sagas in flight when the process dies.
    provider = await startSimulatedProvider({ port: 0, latencyMs: 300 });
    dataDir = await mkdtemp(join(tmpdir(), 'strata-crash-'));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await provider?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('finishes every saga after a restart and holds no payment twice', async () => {
    expect(built).toBe(true); // the CLI must be built (./strata test does it)
    const port = await freePort();
    child = await start(dataDir, port, provider.url);
    const send = httpSend(`http://127.0.0.1:${port}`);
    const email = `crash${Date.now()}@example.com`;
    const password = 'ComplexP@ss1234';
    const reg = await send('POST', '/register', { body: { email, password, firstName: 'Crash', lastName: 'Test', phoneNumber: '+11234567890' } });
    const userId = String((reg.body as { userSub: string }).userSub);
    const token = String(((await send('POST', '/login', { body: { email, password } })).body as { idToken: string }).idToken);
    const created = await Promise.all(
      Array.from({ length: ORDERS }, () =>
        send('POST', '/orders', {
          token,
          body: {
            userId,
            items: [{ productId: 'NEWPROD001', productName: 'Fresh Product', quantity: 1, price: 25.0 }],
            shippingAddress: { street: 'S 1', city: 'C', zipCode: '1', country: 'DE' },
          },
        }),
      ),
    );
    expect(created.map((r) => r.status)).toEqual(Array(ORDERS).fill(201));
    const orderIds = created.map((r) => String((r.body as { orderId: string }).orderId));

    // Kill while sagas are mid-flight (the provider answers after 300 ms).
    const before = await Promise.all(orderIds.map((id) => send('GET', `/orders/${id}`, { token })));
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const confirmedBeforeCrash = before.filter((r) => (r.body as { status?: string }).status === 'confirmed').length;

    child = await start(dataDir, port, provider.url);
    const statuses = new Map<string, string>();
    for (let i = 0; i < 300 && [...statuses.values()].filter((s) => s === 'confirmed').length < ORDERS; i++) {
      for (const id of orderIds) {
        const r = await send('GET', `/orders/${id}`, { token });
        statuses.set(id, String((r.body as { status?: string }).status));
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect([...statuses.values()]).toEqual(Array(ORDERS).fill('confirmed'));

    const holds = provider.ledger();
    const perPayment = new Map<string, number>();
    for (const h of holds) perPayment.set(h.paymentId, (perPayment.get(h.paymentId) ?? 0) + 1);
    expect(holds).toHaveLength(ORDERS);
    expect([...perPayment.values()].every((n) => n === 1)).toBe(true);
    // The crash really interrupted work: not every hold was placed before it.
    expect(confirmedBeforeCrash).toBeLessThan(ORDERS);
  });
});
