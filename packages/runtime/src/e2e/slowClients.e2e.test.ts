/**
 * Slow clients (issue 11): a client that stalls its body, or trickles its headers, is answered
 * 408 and cut off at the configured deadline, while other clients are served meanwhile. No timing
 * is asserted: without the deadlines Node would wait 300 s and the test's own timeout fails it.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { connect, type Socket } from 'node:net';
import { startTestRuntime, type TestRuntime } from './harness.js';

jest.setTimeout(60_000);

const answerOf = (socket: Socket): Promise<string> =>
  new Promise((done) => {
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('close', () => done(text));
    socket.on('error', () => done(text));
  });

describe('slow clients', () => {
  let runtime: TestRuntime;
  let port = 0;
  beforeAll(async () => {
    runtime = await startTestRuntime('pglite', { STRATA_HEADERS_TIMEOUT_MS: '1000', STRATA_REQUEST_TIMEOUT_MS: '2000' });
    port = Number(new URL(runtime.url).port);
  });
  afterAll(async () => runtime?.stop());

  it('answers a stalled body with 408 and serves others meanwhile', async () => {
    const socket = connect(port, '127.0.0.1');
    const answer = answerOf(socket);
    socket.write('POST /register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":');
    expect((await fetch(`${runtime.url}/health`)).status).toBe(200);
    expect(await answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('answers trickled headers with 408', async () => {
    const socket = connect(port, '127.0.0.1');
    const answer = answerOf(socket);
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    let closed = false;
    void answer.then(() => (closed = true));
    for (let i = 0; i < 200 && !closed; i++) {
      socket.write(`X-Slow-${i}: y\r\n`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
