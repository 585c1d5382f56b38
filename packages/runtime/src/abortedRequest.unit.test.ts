import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { connect } from 'node:net';
import { Hono } from 'hono';
import { createTestApi, type TestApi } from '@strata/api/testing';
import type { ApiEnv } from '@strata/api/http/context';
import type { Logger } from '@strata/api';
import { listen, type RunningServer } from './server.js';

// A bound for a loaded machine only: the cases wait on hooks, not on time.
jest.setTimeout(30_000);

/*
 * A client that closes its connection half-way through the body (issue 11): the API over the
 * real Node host logs it at info as "client aborted the request" — not at error as an
 * "unhandled error" — and goes on serving others.
 */
const lines: Array<{ level: string; message: string }> = [];
let seen: (line: { level: string; message: string }) => void = () => undefined;
const record = (level: string) => (message: string) => {
  lines.push({ level, message });
  seen({ level, message });
};
const logger: Logger = { info: record('info'), warn: record('warn'), error: record('error') };

let t: TestApi;
let server: RunningServer;
/** Resolved when the host has parsed a request's headers and handed it to the app. */
let dispatched: () => void = () => undefined;
beforeAll(async () => {
  t = await createTestApi({ decorate: { deps: (d) => ({ ...d, logger }) } });
  const host = new Hono<ApiEnv>();
  host.use('*', async (_c, next) => {
    dispatched();
    await next();
  });
  host.route('/', t.app);
  server = await listen(host, 0, '127.0.0.1');
});
afterAll(async () => {
  await server.close(1000);
  await t.close();
});

it('a body cut short by the client is logged at info, not as an unhandled error', async () => {
  // Resolves on the handler's verdict about this request, whichever it is.
  const verdict = new Promise<{ level: string; message: string }>((resolve) => {
    seen = (line) => {
      if (line.message === 'client aborted the request' || line.message === 'unhandled error') resolve(line);
    };
  });
  const inApp = new Promise<void>((resolve) => (dispatched = resolve));
  const socket = connect(server.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write('POST /register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":');
  // 9 of 100 bytes sent; once the app is reading the body, the client goes away.
  await inApp;
  socket.destroy();
  expect(await verdict).toEqual({ level: 'info', message: 'client aborted the request' });
  expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  // And the server still serves.
  const res = await fetch(`${server.url.replace('localhost', '127.0.0.1')}/health`);
  expect(res.status).toBeLessThan(500);
});
