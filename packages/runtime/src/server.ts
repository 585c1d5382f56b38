import { serve, type ServerType } from '@hono/node-server';
import type { Env, Hono } from 'hono';
import type { Logger } from './logger.js';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and waits for in-flight requests (bounded by `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

/** Serves a Hono app on Node; resolves once listening. Port 0 picks a free port. */
export const listen = <E extends Env>(app: Hono<E>, port: number, host: string): Promise<RunningServer> =>
  new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    const server: ServerType = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
      server.off('error', onError);
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        port: info.port,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => {
              (server as { closeAllConnections?: () => void }).closeAllConnections?.();
              done();
            }, graceMs);
            force.unref();
            server.close(() => {
              clearTimeout(force);
              done();
            });
            (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          }),
      });
    });
    server.once('error', onError);
  });

/** Runs `stop` once on SIGINT/SIGTERM, then exits; a second signal exits at once. */
export const onShutdownSignal = (logger: Logger, stop: () => Promise<void>): void => {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down: draining requests and closing stores', { signal });
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
};
