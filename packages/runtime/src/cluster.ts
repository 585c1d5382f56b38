/**
 * `strata start --processes N --workers M` on PostgreSQL: this process becomes a supervisor that
 * forks N api processes sharing the port (node:cluster) and M workers processes, each with its
 * own port for `/health`, `/ready` and `/metrics`, restarts any that dies, and runs the simulated
 * payment provider once for all of them (unless STRATA_PROVIDER_URL names a real one), so a step
 * retried on another worker gets the same answer for the same idempotency key.
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import { startSimulatedProvider, type SimulatedProvider } from '@strata/workflows/provider/provider.simulated';
import type { Config } from './config.js';
import { EnvKey } from './names.js';
import type { Logger } from './logger.js';

const freePort = (): Promise<number> =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address !== null ? ok(address.port) : fail(new Error('no port'))));
    });
  });

export interface Supervisor {
  stop(): Promise<void>;
}

export const superviseProcesses = async (config: Config, logger: Logger): Promise<Supervisor> => {
  const log = logger.child({ component: 'supervisor' });
  let provider: SimulatedProvider | undefined;
  if (config.providerUrl === undefined && config.workers > 0) provider = await startSimulatedProvider({ port: 0 });
  const common: Record<string, string> = {
    [EnvKey.processes]: '1',
    [EnvKey.workers]: '0',
    // Every process issues and accepts the same tokens: one issuer for the whole engine.
    [EnvKey.publicUrl]: config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`,
    ...(provider ? { [EnvKey.providerUrl]: provider.url } : {}),
  };
  const specs: Array<{ role: 'api' | 'workers'; env: Record<string, string> }> = [];
  for (let i = 0; i < config.processes; i++) specs.push({ role: 'api', env: { ...common, [EnvKey.roles]: 'api' } });
  for (let i = 0; i < config.workers; i++) specs.push({ role: 'workers', env: { ...common, [EnvKey.roles]: 'workers', [EnvKey.port]: String(await freePort()) } });

  let stopping = false;
  const live = new Set<Worker>();
  const fork = (spec: (typeof specs)[number]) => {
    const worker = cluster.fork(spec.env);
    live.add(worker);
    worker.on('exit', (code, signal) => {
      live.delete(worker);
      if (stopping) return;
      log.warn('process ended; starting another', { role: spec.role, pid: worker.process.pid, code, signal });
      setTimeout(() => fork(spec), 1000).unref();
    });
  };
  specs.forEach(fork);
  log.info('supervising', { api: config.processes, workers: config.workers, provider: provider?.url ?? config.providerUrl });
  return {
    async stop() {
      stopping = true;
      await Promise.all(
        [...live].map(
          (w) =>
            new Promise<void>((done) => {
              w.once('exit', () => done());
              w.process.kill('SIGTERM');
            }),
        ),
      );
      await provider?.close();
    },
  };
};

export const isSupervisorChild = (): boolean => cluster.isWorker;
