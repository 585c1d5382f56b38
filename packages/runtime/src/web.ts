/*
 * The web app and the dashboards' warehouse, as `strata start` serves them.
 *
 * `withWebApp` puts the API behind one outer app: the prebuilt single-page app (packages/web/dist)
 * at `/` and `/app/...`, its files under `/assets/...`, a runtime `/config.json`, and the API both
 * at its own paths and under `/api/...` (the same handlers), so the app uses one base path here
 * and behind CloudFront (where `/api/*` goes to API Gateway). Static files are served outside the
 * API's middleware so that they get a policy that lets the page run scripts; the API keeps its own.
 *
 * `localWarehouse` is the DuckDB warehouse over the local lake for `GET /insights/{query}`.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { Hono, type Env } from 'hono';
import type { AnalyticsWarehouse } from '@strata/api';
import type { DateRange, WarehouseQuery } from '@strata/projections';
import type { Warehouse } from '@strata/projections/lake';

/** Where the built app is: `STRATA_WEB_DIR`, else `packages/web/dist` beside this package, else under the working folder. */
export const findWebAssets = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const candidates = [
    env.STRATA_WEB_DIR,
    process.argv[1] ? resolve(dirname(process.argv[1]), '..', '..', 'web', 'dist') : undefined,
    resolve(process.cwd(), 'packages', 'web', 'dist'),
  ];
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(join(dir, 'index.html')));
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The page's policy: its own scripts and styles only, API calls to its own origin. uPlot sets
 * element styles from script (CSSOM, not inline `style` attributes), which `style-src 'self'` allows.
 */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface WebAppOptions {
  /** The built app (`findWebAssets()`); absent = only the API and `/api`, `/` says how to build the app. */
  readonly assetsDir?: string | undefined;
  /** The runtime configuration the app reads at start (`/config.json`). */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** The API at its own paths and under `/api`, plus the web app's files. */
export const withWebApp = <E extends Env>(api: Hono<E>, options: WebAppOptions = {}): Hono<E> => {
  const outer = new Hono<E>();
  const root = options.assetsDir === undefined ? undefined : resolve(options.assetsDir);
  const config = JSON.stringify({ apiBase: '/api', graphqlUrl: null, identity: 'local', ...options.config });

  const file = async (relative: string, cache: string): Promise<Response | undefined> => {
    if (root === undefined) return undefined;
    const path = normalize(join(root, relative));
    if (path !== root && !path.startsWith(root + sep)) return undefined; // no `..` out of the folder
    try {
      const body = await readFile(path);
      return new Response(body, { headers: { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': cache, ...PAGE_HEADERS } });
    } catch {
      return undefined;
    }
  };
  const page = async (): Promise<Response> =>
    (await file('index.html', 'no-cache')) ??
    new Response('The web app is not built: run `bash scripts/setup.sh` (or `pnpm --filter @strata/web build`). The API is at /docs.', {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });

  outer.get('/config.json', () => new Response(config, { headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' } }));
  // Vite names the bundles by content hash: cacheable for ever.
  outer.get('/assets/*', async (c) => (await file(c.req.path.slice(1), 'public, max-age=31536000, immutable')) ?? api.fetch(c.req.raw, c.env));
  outer.get('/', page);
  outer.get('/app', page);
  outer.get('/app/*', page);
  outer.get('/favicon.svg', async (c) => (await file('favicon.svg', 'public, max-age=86400')) ?? api.fetch(c.req.raw, c.env));
  // `/api/x` is `/x`: the same handlers, the same middleware (auth, rate limit, idempotency).
  outer.all('/api/*', (c) => {
    const url = new URL(c.req.url);
    url.pathname = url.pathname.slice('/api'.length);
    const raw = c.req.raw;
    const hasBody = raw.method !== 'GET' && raw.method !== 'HEAD';
    return api.fetch(new Request(url, { method: raw.method, headers: raw.headers, ...(hasBody ? { body: raw.body, duplex: 'half' } : {}), signal: raw.signal } as RequestInit), c.env);
  });
  outer.all('*', (c) => api.fetch(c.req.raw, c.env));
  return outer;
};

/** Whether the lake folder holds any Parquet file yet (DuckDB refuses a glob that matches nothing). */
const hasParquet = async (root: string): Promise<boolean> => {
  try {
    return (await readdir(join(root, 'events'), { recursive: true })).some((f) => f.endsWith('.parquet'));
  } catch {
    return false;
  }
};

/**
 * The DuckDB warehouse over the local lake, opened on first use (DuckDB is loaded only then).
 * Each query first flushes the lake writer's buffer, so a dashboard shows what the lake projection
 * has applied rather than what its last timed flush wrote. An empty lake answers no rows.
 */
export const localWarehouse = (root: string, lake: { flush(): Promise<unknown> }): AnalyticsWarehouse & { close(): Promise<void> } => {
  let opened: Promise<Warehouse> | undefined;
  return {
    async run(query: WarehouseQuery, range?: DateRange) {
      await lake.flush();
      if (!(await hasParquet(root))) return [];
      opened ??= import('@strata/projections/lake').then((m) => m.openWarehouse(root));
      return (await opened).run(query, range);
    },
    async close() {
      const wh = opened;
      opened = undefined;
      if (wh) await (await wh).close();
    },
  };
};
