/** Helpers shared by the HTTP benchmarks: ports, started runtimes, CPU from /proc, drain, sign-in, autocannon. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import autocannon from 'autocannon';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
export const log = (line: string): void => void process.stderr.write(`${line}\n`);
export const uid = (): string => crypto.randomUUID();
export const cli = resolve(import.meta.dirname, '../../packages/runtime/dist/cli.js');

export const freePort = (): Promise<number> =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });

export const orderBody = (userId: string) =>
  JSON.stringify({
    userId,
    items: [
      { productId: 'NEWPROD001', productName: 'Fresh Product', quantity: 2, price: 25.0 },
      { productId: 'NEWPROD002', productName: 'Another Item', quantity: 1, price: 49.5 },
    ],
    shippingAddress: { street: '789 New Deploy Ave', city: 'CloudNine', zipCode: '11223', country: 'DE' },
  });

// ── a started runtime ────────────────────────────────────────────────────────────────────────────
export interface Runtime {
  readonly url: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export const startRuntime = async (env: Record<string, string>, args: readonly string[] = ['start'], nodeArgs: readonly string[] = []): Promise<Runtime> => {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, cli, ...args], {
    env: { ...process.env, ...env, STRATA_PORT: String(port), STRATA_LOG_LEVEL: 'warn', STRATA_RATE_LIMIT_PER_MINUTE: '1000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`strata start exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error('strata start did not answer /health within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
};

/**
 * CPU time (user + system, ms) used so far by a process, or by every process whose command is
 * `postgres` (the local server's backends), from /proc; `undefined` where there is no /proc.
 */
export const TICK_MS = 10; // USER_HZ is 100 on Linux
export const cpuMsOf = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
};
export const cpuMs = (who: number | 'postgres' | undefined): number | undefined => {
  try {
    if (who === undefined) return undefined;
    if (typeof who === 'number') return cpuMsOf(who);
    let total = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^[0-9]+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuMsOf(Number(entry));
      } catch {
        /* the process ended meanwhile */
      }
    }
    return total;
  } catch {
    return undefined;
  }
};

export const json = async (res: Response): Promise<Record<string, unknown>> => (await res.json()) as Record<string, unknown>;

/** Seconds until every projection has caught up and no order of the user is still `placed` (max 300 s). */
export const drain = async (url: string, token: string): Promise<number> => {
  const started = Date.now();
  for (;;) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const behind = [...metrics.matchAll(/^strata_projection_lag_events\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    const summary = await json(await fetch(`${url}/analytics`, { headers: { authorization: token } }));
    const placed = Number((summary.ordersByStatus as Record<string, number> | undefined)?.placed ?? 0);
    if (behind === 0 && placed === 0) return (Date.now() - started) / 1000;
    if (Date.now() - started > 300_000) throw new Error(`engine did not drain within 300 s: ${behind} events behind, ${placed} orders unconfirmed`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

export const signIn = async (url: string): Promise<{ token: string; userId: string }> => {
  const email = `bench-${uid()}@example.com`;
  const password = 'ComplexP@ss1234';
  const reg = await json(await fetch(`${url}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, firstName: 'Bench', lastName: 'Mark', phoneNumber: '+11234567890' }) }));
  const login = await json(await fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }));
  return { token: String(login.idToken), userId: String(reg.userSub) };
};

export const cannon = (opts: autocannon.Options): Promise<autocannon.Result> =>
  new Promise((ok, fail) => {
    autocannon(opts, (err, result) => (err ? fail(err) : ok(result)));
  });


/** CPU (ms) of a process and all its descendants (a supervisor and the processes it forked), from /proc. */
export const cpuMsTree = (root: number | undefined): number | undefined => {
  if (root === undefined) return undefined;
  try {
    const parent = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^[0-9]+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        /* ended meanwhile */
      }
    }
    const inTree = (pid: number): boolean => {
      for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
      return false;
    };
    let total = 0;
    for (const pid of parent.keys()) {
      if (!inTree(pid)) continue;
      try {
        total += cpuMsOf(pid);
      } catch {
        /* ended meanwhile */
      }
    }
    return total;
  } catch {
    return undefined;
  }
};
