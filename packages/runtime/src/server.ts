import { serve, type ServerType } from '@hono/node-server';
import type { Env, Hono } from 'hono';
import type { Logger } from './logger.js';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and waits for in-flight requests (bounded by `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

/** Limits against slow clients, in milliseconds. */
export interface ServerTimeouts {
  /** The whole header block must arrive within this (trickled headers get 408). */
  readonly headersMs: number;
  /** The whole request, body included (a stalled body gets 408). */
  readonly requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

/** Serves a Hono app on Node; resolves once listening. Port 0 picks a free port. */
export const listen = <E extends Env>(app: Hono<E>, port: number, host: string, timeouts: ServerTimeouts = DEFAULT_TIMEOUTS): Promise<RunningServer> =>
  new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    const server: ServerType = serve({ fetch: app.fetch, port, hostname: host, serverOptions: {
      requestTimeout: timeouts.requestMs,
      headersTimeout: timeouts.headersMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // Node checks those deadlines on this interval (default 30 s): keep it well under the shortest.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeouts.headersMs / 4))),
    } }, (info) => {
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
