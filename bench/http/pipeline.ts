/**
 * The whole pipeline against a CRUD baseline (issue 10), on PostgreSQL at 32 connections, in one
 * run: the CRUD baseline (`crud.ts`), Strata as one process (`all` roles) and Strata with
 * `--processes 2 --workers 1`. Per case: accepted req/s, p50/p99, orders completed per second
 * over load + drain (saga-confirmed, projections caught up), drain seconds, and CPU per completed
 * order of the engine's processes and of the PostgreSQL server, with `ratio_to_crud` for both.
 * Targets (issue 10): completed ≥ 0.35× the CRUD rate, CPU per order ≤ 3× CRUD's, drain ≤ 1 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SECONDS, cannon, cpuMs, cpuMsTree, drain, freePort, json, log, orderBody, signIn, startRuntime, type Runtime } from './common.js';

const CONNECTIONS = 32;

interface Measured {
  readonly case: string;
  readonly accepted: number;
  readonly p50: number;
  readonly p99: number;
  readonly drainS: number;
  readonly completedPerS: number;
  readonly cpuPerOrder: { engine: number | null; db: number | null; total: number | null };
}

const startCrud = async (databaseUrl: string): Promise<Runtime> => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'crud.ts')], { env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the CRUD baseline exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not yet */
    }
    if (i > 300) throw new Error('the CRUD baseline did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, pid: child.pid, stop: () => new Promise((done) => (child.once('exit', () => done()), child.kill('SIGTERM'))) };
};

const measure = async (name: string, runtime: Runtime, auth: { token: string; userId: string }, o: { localServer: boolean; drains: boolean }): Promise<Measured> => {
  log(`── pipeline: ${name}, POST /orders at ${CONNECTIONS} connections (${SECONDS} s)`);
  const before = { engine: cpuMsTree(runtime.pid), db: o.localServer ? cpuMs('postgres') : undefined };
  const result = await cannon({
    url: runtime.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{ method: 'POST', path: '/orders', headers: { authorization: auth.token, 'content-type': 'application/json' }, body: orderBody(auth.userId) }],
  });
  const ok = result['2xx'];
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) log(`   ${bad} requests were not 2xx`);
  const drainS = o.drains ? await drain(runtime.url, auth.token) : 0;
  const after = { engine: cpuMsTree(runtime.pid), db: o.localServer ? cpuMs('postgres') : undefined };
  const per = (b: number | undefined, a: number | undefined) => (b === undefined || a === undefined || ok === 0 ? null : Number(((a - b) / ok).toFixed(3)));
  const engine = per(before.engine, after.engine);
  const db = per(before.db, after.db);
  const m: Measured = {
    case: name,
    accepted: Math.round(ok / SECONDS),
    p50: result.latency.p50,
    p99: result.latency.p99,
    drainS: Number(drainS.toFixed(2)),
    completedPerS: Math.round(ok / (SECONDS + drainS)),
    cpuPerOrder: { engine, db, total: engine === null ? null : Number((engine + (db ?? 0)).toFixed(3)) },
  };
  log(`   accepted ${m.accepted}/s (p50 ${m.p50} ms, p99 ${m.p99} ms), completed ${m.completedPerS}/s, drain ${m.drainS} s, CPU per order ${m.cpuPerOrder.total} ms (engine ${engine}, db ${db})`);
  return m;
};

export const runPipelineCases = async (databaseUrl: string, localServer: boolean): Promise<void> => {
  const results: Measured[] = [];
  const crud = await startCrud(databaseUrl);
  try {
    const auth = await json(await fetch(`${crud.url}/token`, { method: 'POST' }));
    results.push(await measure('crud', crud, { token: String(auth.token), userId: String(auth.userId) }, { localServer, drains: false }));
  } finally {
    await crud.stop();
  }
  for (const [name, args] of [
    ['strata, 1 process', ['start']],
    ['strata, --processes 2 --workers 1', ['start', '--processes', '2', '--workers', '1']],
  ] as const) {
    const u = new URL(databaseUrl);
    const schemaDb = `${u.pathname.slice(1)}`;
    log(`   (database ${schemaDb})`);
    const runtime = await startRuntime({ STRATA_STORE: 'postgres', DATABASE_URL: databaseUrl, STRATA_DATA_DIR: mkdtempSync(join(tmpdir(), 'strata-bench-pipe-')) }, args);
    try {
      results.push(await measure(name, runtime, await signIn(runtime.url), { localServer, drains: true }));
    } finally {
      await runtime.stop();
    }
  }
  const base = results[0]!;
  for (const r of results) {
    process.stdout.write(
      `${JSON.stringify({
        bench: 'http-pipeline',
        case: r.case,
        connections: CONNECTIONS,
        accepted_per_s: r.accepted,
        p50_ms: r.p50,
        p99_ms: r.p99,
        completed_orders_per_s: r.completedPerS,
        drain_s: r.drainS,
        engine_cpu_ms_per_order: r.cpuPerOrder.engine,
        db_cpu_ms_per_order: r.cpuPerOrder.db,
        cpu_ms_per_order: r.cpuPerOrder.total,
        ratio_to_crud: {
          completed_orders_per_s: Number((r.completedPerS / base.accepted).toFixed(3)),
          cpu_ms_per_order: r.cpuPerOrder.total === null || base.cpuPerOrder.total === null ? null : Number((r.cpuPerOrder.total / base.cpuPerOrder.total).toFixed(2)),
        },
        targets: { completed_ratio_min: 0.35, cpu_ratio_max: 3, drain_s_max: 1 },
      })}\n`,
    );
  }
};
