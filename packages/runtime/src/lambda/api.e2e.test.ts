import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { loadConfig } from '../config.js';
import { buildEngine, type Engine } from '../engine.js';
import { loadDemoCatalogue } from '../catalogue.js';
import { createLogger } from '../logger.js';
import { runSeedFlow, type Send, type SeedFlowResult } from '../e2e/seedFlow.js';
import { createApiHandler } from './api.js';
import { createProjectorHandler } from './projector.js';
import { streamRecordsFrom } from './testkit.js';
import { itPassesTheSeedFlow } from '../e2e/seedFlow.expectations.js';

jest.setTimeout(120_000);

/** An API Gateway REST API (v1) Lambda proxy event, as the `showcase` stage's `{proxy+}` resource sends it. */
const proxyEvent = (method: string, path: string, body: unknown, token: string | undefined): LambdaEvent => {
  const url = new URL(path, 'https://api.example.com');
  const query = Object.fromEntries(url.searchParams);
  const headers: Record<string, string> = { Host: 'abc123.execute-api.us-east-1.amazonaws.com', 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token !== undefined) headers.Authorization = token; // raw, as the seed's client sends it
  const requestId = randomUUID();
  // A REST API event has no `version` field (hono's type asks for one): built as API Gateway sends it.
  const event = {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(query).length > 0 ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: { proxy: url.pathname.slice(1) },
    stageVariables: null,
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      path: `/showcase${url.pathname}`,
      stage: 'showcase',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'res1',
      resourcePath: '/{proxy+}',
      identity: {
        accessKey: null, accountId: null, apiKey: null, apiKeyId: null, caller: null, clientCert: null, cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null, cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null, sourceIp: '203.0.113.7',
        user: null, userAgent: 'seed-client', userArn: null,
      },
    },
  };
  return event as unknown as LambdaEvent;
};

const context = { functionName: 'strata-api', awsRequestId: 'req' } as LambdaContext;

describe('the seed REST flow through the Lambda API entry (API Gateway REST proxy events), projected by the projector entry', () => {
  let dataDir: string;
  let engine: Engine;
  let flow: SeedFlowResult;
  let send: Send;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-lambda-'));
    const config = loadConfig({ STRATA_STORE: 'memory', STRATA_DATA_DIR: dataDir, STRATA_LOG_LEVEL: 'silent' });
    const handler = createApiHandler(async () => {
      engine = await buildEngine(config, createLogger('silent'), { workflows: false, lake: false });
      // A stage whose catalogue holds the seed's products, as `-c demoCatalogue=true` would load it (decision 0007).
      await loadDemoCatalogue(engine, config, createLogger('silent'));
      return engine;
    });
    // On AWS the read model is filled by the projector Lambda from the table's stream; here the
    // memory store's feed stands in for the stream, and every new commit goes through that entry.
    const projector = createProjectorHandler(async () => ({ sinks: engine.consumers.map((c) => c.sink), deadLetters: engine.readModel.deadLetters, logger: createLogger('silent') }));
    let streamPosition = '';
    send = async (method, path, init = {}) => {
      const res = await handler(proxyEvent(method, path, init.body, init.token), context);
      const { records, next } = await streamRecordsFrom(engine.feed, streamPosition);
      streamPosition = next;
      if (records.length > 0) expect(await projector({ Records: records })).toEqual({ batchItemFailures: [] });
      const text = res.isBase64Encoded ? Buffer.from(res.body, 'base64').toString('utf8') : res.body;
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* non-JSON body: keep the text */
      }
      return { status: res.statusCode, body };
    };
    flow = await runSeedFlow(send, `${Date.now()}lambda`);
  });
  afterAll(async () => {
    await engine?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  itPassesTheSeedFlow(() => flow);

  it('answers problem documents through the adapter too: no token → 401, unknown order → 404', async () => {
    const anonymous = await send('GET', `/orders/${flow.orderId}`);
    expect(anonymous.status).toBe(401);
    const token = String(flow.login.body.idToken);
    const missing = await send('GET', `/orders/${randomUUID()}`, { token });
    expect(missing.status).toBe(404);
  });

  it('builds the engine once per execution environment (cold start), not per request', async () => {
    const first = engine;
    await send('GET', '/health');
    expect(engine).toBe(first);
  });
});
