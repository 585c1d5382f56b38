import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, generateKeyPair } from 'jose';
import { createTestApi, TEST_AUDIENCE, TEST_ISSUER, type TestApi } from '../testing.js';
import { createMemoryRateLimiter } from './rateLimit.js';

let t: TestApi;
let alice: Awaited<ReturnType<TestApi['signUp']>>;
let bob: Awaited<ReturnType<TestApi['signUp']>>;
let bobsOrder = '';

const json = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const order = (userId?: string) => ({
  ...(userId === undefined ? {} : { userId }),
  items: [{ productId: 'P1', productName: 'Thing', quantity: 1, price: '25.00' }],
  shippingAddress: { street: '1 Main St', city: 'Springfield', zipCode: '12345', country: 'US' },
});

beforeAll(async () => {
  t = await createTestApi();
  [alice, bob] = await Promise.all([t.signUp(), t.signUp()]);
  bobsOrder = ((await (await t.app.request('/orders', json(order(), { authorization: bob.tokens.idToken }))).json()) as { orderId: string }).orderId;
});
afterAll(async () => {
  await t.close();
});

/** Every route that needs a token, with a request that would otherwise be valid. */
const protectedRequests = (): Array<[string, string, RequestInit]> => [
  ['POST', '/orders', json(order())],
  ['GET', '/orders', {}],
  ['GET', `/orders/${bobsOrder}`, {}],
  ['POST', `/orders/${bobsOrder}/cancel`, json({})],
  ['POST', `/orders/${bobsOrder}/ship`, json({})],
  ['POST', `/orders/${bobsOrder}/deliver`, json({})],
  ['GET', `/orders/${bobsOrder}/history`, {}],
  ['POST', '/feedback', json({ orderId: bobsOrder, rating: 5, comment: 'x', category: 'y' })],
  ['GET', '/analytics', {}],
  ['GET', '/analytics?reportType=detailed', {}],
  ['GET', `/cached/orders/${bobsOrder}`, {}],
];

const withAuth = (init: RequestInit, token: string | undefined): RequestInit => {
  const headers = { ...(init.headers as Record<string, string> | undefined) };
  if (token !== undefined) headers['authorization'] = token;
  return { ...init, method: init.method ?? 'GET', headers };
};

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

const badTokens = async (): Promise<Record<string, string>> => {
  const now = Math.floor(Date.now() / 1000);
  const claims = { token_use: 'id', 'cognito:groups': ['admin'] };
  const sign = (key: Parameters<SignJWT['sign']>[0], o: { iss?: string; aud?: string; exp?: number; kid?: string; alg?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: o.kid ?? t.keys.kid })
      .setIssuer(o.iss ?? TEST_ISSUER)
      .setAudience(o.aud ?? TEST_AUDIENCE)
      .setSubject(alice.userSub)
      .setIssuedAt(now - 7200)
      .setExpirationTime(o.exp ?? now + 3600)
      .sign(key);
  const other = await generateKeyPair('RS256');
  return {
    'forged (signed by another key, same kid)': await sign(other.privateKey),
    expired: await sign(t.keys.privateKey, { exp: now - 60 }),
    'wrong issuer': await sign(t.keys.privateKey, { iss: 'https://evil.example' }),
    'wrong audience': await sign(t.keys.privateKey, { aud: 'someone-else' }),
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, sub: alice.userSub, iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now, exp: now + 3600 })}.`,
    'HS256 keyed with the public key': await sign(new TextEncoder().encode(JSON.stringify(t.keys.publicJwk)), { alg: 'HS256' }),
    'tampered payload': (() => {
      const [h, , s] = alice.tokens.idToken.split('.');
      return `${h}.${b64({ sub: bob.userSub, token_use: 'id', iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now, exp: now + 3600, 'cognito:groups': ['admin'] })}.${s}`;
    })(),
    garbage: 'not-a-token',
    'empty Bearer': 'Bearer ',
  };
};

describe('authentication', () => {
  it('every protected endpoint without a token → 401 problem with WWW-Authenticate', async () => {
    for (const [method, path, init] of protectedRequests()) {
      const res = await t.app.request(path, withAuth({ ...init, method }, undefined));
      expect([method, path, res.status]).toEqual([method, path, 401]);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('forged, expired, wrong-issuer, wrong-audience, alg none, HS256 key confusion, tampered → 401 on every endpoint', async () => {
    const before = (await t.allEvents()).length;
    for (const [name, token] of Object.entries(await badTokens())) {
      for (const [method, path, init] of protectedRequests()) {
        const res = await t.app.request(path, withAuth({ ...init, method }, token));
        expect([name, method, path, res.status]).toEqual([name, method, path, 401]);
      }
    }
    expect((await t.allEvents()).length).toBe(before);
  });
});

describe('authorization', () => {
  it("customer A on B's order → 404 everywhere (never 403, so ids cannot be probed)", async () => {
    const a = alice.tokens.idToken;
    for (const [method, path, init] of [
      ['GET', `/orders/${bobsOrder}`, {}],
      ['GET', `/orders/${bobsOrder}/history`, {}],
      ['GET', `/cached/orders/${bobsOrder}`, {}],
      ['POST', `/orders/${bobsOrder}/cancel`, json({})],
      ['POST', '/feedback', json({ orderId: bobsOrder, rating: 1, comment: 'bad', category: 'x' })],
    ] as Array<[string, string, RequestInit]>) {
      const res = await t.app.request(path, withAuth({ ...init, method }, a));
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    // Bob's order is untouched.
    const mine = await t.app.request(`/orders/${bobsOrder}`, withAuth({}, bob.tokens.idToken));
    expect(await mine.json()).toMatchObject({ status: 'placed' });
  });

  it("a userId that is not the caller's → 403 (body and query)", async () => {
    const a = alice.tokens.idToken;
    const place = await t.app.request('/orders', json(order(bob.userSub), { authorization: a }));
    expect(place.status).toBe(403);
    expect(await place.json()).toMatchObject({ errors: [{ field: 'userId' }] });
    expect((await t.app.request(`/orders?userId=${bob.userSub}`, withAuth({}, a))).status).toBe(403);
    expect((await t.app.request('/feedback', json({ userId: bob.userSub, orderId: bobsOrder, rating: 5, comment: '', category: 'x' }, { authorization: a }))).status).toBe(403);
  });

  it('roles: ship/deliver need admin; auditors read any order and its history; analysts get aggregates only', async () => {
    const [auditor, analyst] = await Promise.all([t.signUp(['auditor']), t.signUp(['analyst'])]);
    for (const path of [`/orders/${bobsOrder}/ship`, `/orders/${bobsOrder}/deliver`]) {
      const res = await t.app.request(path, json({}, { authorization: bob.tokens.idToken }));
      expect(res.status).toBe(403);
    }
    expect((await t.app.request(`/orders/${bobsOrder}`, withAuth({}, auditor.tokens.idToken))).status).toBe(200);
    expect((await t.app.request(`/orders/${bobsOrder}/history`, withAuth({}, auditor.tokens.idToken))).status).toBe(200);
    expect((await t.app.request(`/orders?userId=${bob.userSub}`, withAuth({}, auditor.tokens.idToken))).status).toBe(200);
    expect((await t.app.request(`/orders/${bobsOrder}`, withAuth({}, analyst.tokens.idToken))).status).toBe(404);
    expect((await t.app.request(`/orders/${bobsOrder}/history`, withAuth({}, analyst.tokens.idToken))).status).toBe(404);
    // An auditor reads but does not act.
    expect((await t.app.request(`/orders/${bobsOrder}/cancel`, json({}, { authorization: auditor.tokens.idToken }))).status).toBe(404);
    const all = (await (await t.app.request('/analytics', withAuth({}, analyst.tokens.idToken))).json()) as { scope: string };
    expect(all.scope).toBe('all');
  });

  it('a role granted after login is not in the tokens issued before it', async () => {
    const u = await t.signUp();
    await t.identity.provider.assignRole(u.userSub, 'admin');
    expect((await t.app.request(`/orders/${bobsOrder}/ship`, json({}, { authorization: u.tokens.idToken }))).status).toBe(403);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once a client has spent its burst; other clients are unaffected', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = () => new Date(now);
    const limited = await createTestApi({ rateLimiter: createMemoryRateLimiter({ capacity: 3, refillPerSecond: 0.5, clock }), options: { clientIp: (c) => c.req.header('x-test-ip') } });
    try {
      const from = (ip: string) => limited.app.request('/openapi.json', { headers: { 'x-test-ip': ip } });
      for (let i = 0; i < 3; i++) expect((await from('198.51.100.1')).status).toBe(200);
      const refused = await from('198.51.100.1');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(await refused.json()).toMatchObject({ status: 429, type: 'urn:strata:problem:rate-limited' });
      expect((await from('198.51.100.2')).status).toBe(200);
      expect((await limited.app.request('/health', { headers: { 'x-test-ip': '198.51.100.1' } })).status).toBe(200);
      now += 2000;
      expect((await from('198.51.100.1')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('CORS', () => {
  it('answers preflight for configured origins only', async () => {
    const withCors = await createTestApi({ options: { corsOrigins: ['https://shop.example'] } });
    try {
      const ok = await withCors.app.request('/orders', { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      const other = await withCors.app.request('/orders', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const none = await t.app.request('/health', { headers: { origin: 'https://shop.example' } });
      expect(none.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await withCors.close();
    }
  });
});
