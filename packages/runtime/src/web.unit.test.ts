import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApi, type TestApi } from '@strata/api/testing';
import { memoryDeadLetters, type ProjectionSink } from '@strata/projections';
import { localWarehouse, withWebApp } from './web.js';
import { createAdminOperations, type AdminParts } from './admin.js';

/*
 * The web app's serving: files from the built folder with the page's own policy, every app route
 * answered with the page, the API at its paths and under /api (same handlers, same middleware).
 */
let dir: string;
let t: TestApi;
let web: TestApi['app'];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-web-'));
  const site = join(dir, 'site');
  await mkdir(join(site, 'assets'), { recursive: true });
  await writeFile(join(site, 'index.html'), '<!doctype html><title>Strata</title>');
  await writeFile(join(site, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'not served');
  t = await createTestApi();
  web = withWebApp(t.app, { assetsDir: site });
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('withWebApp', () => {
  it.each(['/', '/app', '/app/orders', '/app/orders/o-1'])('answers %s with the page and a policy that lets it run its own scripts', async (path) => {
    const res = await web.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<title>Strata</title>');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe');
  });

  it('serves hashed bundles for ever and the runtime config uncached', async () => {
    const js = await web.request('/assets/index-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const config = await web.request('/config.json');
    expect(await config.json()).toMatchObject({ apiBase: '/api' });
  });

  it('never serves a file outside the folder', async () => {
    for (const path of ['/assets/../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt']) {
      const res = await web.request(path);
      expect(await res.text()).not.toContain('not served');
    }
  });

  it('reaches the same API handlers at their paths and under /api, with the API middleware', async () => {
    const user = await t.signUp();
    const plain = await web.request('/orders', { headers: { authorization: user.tokens.idToken } });
    const prefixed = await web.request('/api/orders', { headers: { authorization: user.tokens.idToken } });
    expect(plain.status).toBe(200);
    expect(prefixed.status).toBe(200);
    expect(await prefixed.json()).toEqual(await plain.json());
    expect((await web.request('/api/orders')).status).toBe(401);
    expect(prefixed.headers.get('content-security-policy')).toContain("default-src 'none'");
    const body = JSON.stringify({ email: user.email, password: user.password });
    const login = await web.request('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(login.status).toBe(200);
    expect((await web.request('/api/no-such-thing')).status).toBe(404);
  });

  it('says how to build the app when it is not built', async () => {
    const bare = withWebApp(t.app, {});
    const res = await bare.request('/app/orders');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('scripts/setup.sh');
    expect((await bare.request('/api/health')).status).toBe(200);
  });
});

describe('dead-letter routes of the admin endpoint (the console uses them)', () => {
  it('list and redrive for admins only', async () => {
    const letters = memoryDeadLetters();
    const applied: string[] = [];
    const sink: ProjectionSink = {
      name: 'relational',
      apply: async (events) => {
        for (const e of events) applied.push(e.eventId);
      },
      checkpoint: async () => '0',
    };
    // Only the parts dead letters use; the rest of the engine is not involved.
    const parts = { readModel: { deadLetters: letters }, sinks: () => [sink] } as unknown as AdminParts;
    const api = await createTestApi({ decorate: { deps: (deps) => ({ ...deps, admin: createAdminOperations(parts) }) } });
    const admin = await api.signUp(['admin']);
    const customer = await api.signUp();
    const user = await api.signUp();
    await api.app.request('/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: user.tokens.idToken },
      body: JSON.stringify({ items: [{ productId: 'P1', quantity: 1 }], shippingAddress: { street: 's', city: 'c', zipCode: 'z', country: 'DE' } }),
    });
    const [event] = await api.allEvents().then((all) => all.filter((e) => e.type === 'OrderPlaced'));
    await letters.add([{ projection: 'relational', envelope: event!, error: 'boom', failedAt: '2026-11-28T00:00:00.000Z' }]);

    expect((await api.app.request('/admin/dead-letters', { headers: { authorization: customer.tokens.idToken } })).status).toBe(403);
    const listed = (await (await api.app.request('/admin/dead-letters', { headers: { authorization: admin.tokens.idToken } })).json()) as { items: Array<{ type: string; error: string }> };
    expect(listed.items).toEqual([expect.objectContaining({ projection: 'relational', type: 'OrderPlaced', error: 'boom' })]);
    expect((await api.app.request('/admin/dead-letters/redrive', { method: 'POST', headers: { authorization: customer.tokens.idToken } })).status).toBe(403);
    const redriven = await api.app.request('/admin/dead-letters/redrive', { method: 'POST', headers: { authorization: admin.tokens.idToken } });
    expect(await redriven.json()).toEqual({ redriven: 1, failed: 0 });
    expect(applied).toEqual([event!.eventId]);
    expect(await letters.list()).toEqual([]);
    await api.close();
  });
});

describe('localWarehouse', () => {
  it('answers no rows from an empty lake, after flushing the lake writer', async () => {
    let flushed = 0;
    const wh = localWarehouse(join(dir, 'no-lake'), { flush: async () => void flushed++ });
    expect(await wh.run('revenue_by_day')).toEqual([]);
    expect(flushed).toBe(1);
    await wh.close();
  });
});
