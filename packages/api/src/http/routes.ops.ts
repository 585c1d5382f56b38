import type { Hono } from 'hono';
import type { ApiDeps } from './deps.js';
import type { ApiEnv } from './context.js';
import { openApiDocument } from './openapi.js';
import { renderReference } from './reference.js';
import { problem } from './problem.js';

/** Liveness, readiness, the OpenAPI document, its reference page and the local issuer's JWKS. */
export const opsRoutes = (app: Hono<ApiEnv>, deps: Pick<ApiDeps, 'ready' | 'jwks' | 'logger' | 'metrics'>): void => {
  app.get('/health', (c) => c.json({ status: 'ok' }));

  app.get('/ready', async (c) => {
    let report;
    try {
      report = deps.ready ? await deps.ready() : { ok: true, checks: {} };
    } catch (err) {
      deps.logger?.warn('readiness check failed', { requestId: c.get('requestId'), error: err instanceof Error ? err.name : String(err) });
      report = { ok: false, checks: { readiness: { ok: false, detail: 'the readiness check failed' } } };
    }
    return c.json({ status: report.ok ? 'ready' : 'not-ready', checks: report.checks }, report.ok ? 200 : 503);
  });

  // Every host serves the route; one without metrics (the API Lambda: CloudWatch has them) says so.
  app.get('/metrics', async (c) =>
    deps.metrics ? c.text(await deps.metrics(), 200, { 'content-type': 'text/plain; version=0.0.4' }) : problem(c, 404, { slug: 'metrics-unavailable', detail: 'this host exports no Prometheus metrics' }),
  );

  app.get('/openapi.json', (c) => c.json(openApiDocument));

  const page = renderReference(openApiDocument);
  app.get('/docs', (c) => c.html(page));

  if (deps.jwks) {
    const jwks = deps.jwks;
    app.get('/.well-known/jwks.json', (c) => {
      c.header('cache-control', 'public, max-age=300');
      return c.json(jwks);
    });
  }
};
