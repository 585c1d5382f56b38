import type { Hono } from 'hono';
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { isIdentifier } from '@strata/events';
import { ALL_DAYS, isRanged, warehouseQueries, type WarehouseQuery } from '@strata/projections';
import type { ApiDeps } from './deps.js';
import { STAFF_READERS, authorize, hasRole, invalid, readQuery, type ApiEnv } from './context.js';
import { decimalOf } from './present.js';
import { problem } from './problem.js';
import { closed } from './validation.js';

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const day = new t.Type<string, string, unknown>(
  'day',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && DAY.test(u) ? t.success(u) : t.failure(u, c, 'must be a day as YYYY-MM-DD')),
  (a) => a,
);
export const InsightQuery = closed('InsightQuery', {}, { from: day, to: day });

/** Columns of the warehouse queries that are numbers (amounts in minor units, counts, rates). */
const NUMERIC_COLUMNS = new Set(['amount', 'orders', 'quantity', 'revenue', 'total', 'payments', 'count', 'average_rating', 'average_order_value', 'requested', 'authorized', 'declined', 'authorization_rate', 'decline_rate']);

/** The warehouse queries, in the order the dashboards show them. */
export const INSIGHT_QUERIES = Object.keys(warehouseQueries) as readonly WarehouseQuery[];
const isInsight = (q: string): q is WarehouseQuery => (INSIGHT_QUERIES as readonly string[]).includes(q);

export const AnalyticsQuery = closed('AnalyticsQuery', {}, { reportType: t.union([t.literal('summary'), t.literal('detailed')]) });

/** Analytics (analyst/admin see everyone; a customer sees their own figures) and the cached order status. */
export const insightRoutes = (app: Hono<ApiEnv>, deps: Pick<ApiDeps, 'queries' | 'statusCache' | 'warehouse'>): void => {
  /*
   * The warehouse SQL for dashboards (analyst, admin): the same statements Athena runs, with the
   * date range bound as parameters. The drill-down query returns no personal data by construction.
   */
  app.get('/insights/:query', async (c) => {
    const principal = authorize(c, ['analyst', 'admin']);
    if (E.isLeft(principal)) return principal.left;
    const name = c.req.param('query');
    if (!isInsight(name)) return problem(c, 404, { slug: 'route-not-found', detail: `no insight ${name}; one of ${INSIGHT_QUERIES.join(', ')}` });
    const query = readQuery(c, InsightQuery);
    if (E.isLeft(query)) return query.left;
    const from = query.right.from ?? ALL_DAYS.from;
    const to = query.right.to ?? ALL_DAYS.to;
    if (from > to) return invalid(c, [{ field: 'to', message: 'must not be before from' }]);
    if (!deps.warehouse) return problem(c, 503, { slug: 'unavailable', detail: 'no warehouse is configured in this deployment' });
    const rows = await deps.warehouse.run(name, { from, to });
    // BIGINT and DECIMAL columns come back as strings from some engines: numbers for the client.
    const plain = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, NUMERIC_COLUMNS.has(k) && v !== null ? Number(v) : v])));
    return c.json({ query: name, ranged: isRanged(name), from, to, rows: plain });
  });

  app.get('/analytics', async (c) => {
    const principal = authorize(c);
    if (E.isLeft(principal)) return principal.left;
    const query = readQuery(c, AnalyticsQuery);
    if (E.isLeft(query)) return query.left;
    const everyone = hasRole(principal.right, ['analyst', 'admin']);
    const scope = everyone ? {} : { customerId: principal.right.sub };
    const reportType = query.right.reportType ?? 'summary';
    const report = reportType === 'detailed' ? await deps.queries.analyticsDetailed(scope) : await deps.queries.analyticsSummary(scope);
    return c.json({ reportType, scope: everyone ? 'all' : 'customer', ...report });
  });

  app.get('/cached/orders/:id', async (c) => {
    const principal = authorize(c);
    if (E.isLeft(principal)) return principal.left;
    const orderId = c.req.param('id');
    if (!isIdentifier(orderId)) return invalid(c, [{ field: 'id', message: 'must be 1-128 letters, digits or _ . : -' }]);
    const entry = await deps.statusCache.get(orderId);
    // The cache entry does not name the owner: customers are checked against the order view.
    const allowed = entry !== undefined && (hasRole(principal.right, STAFF_READERS) || (await deps.queries.getOrder(orderId))?.customerId === principal.right.sub);
    if (!entry || !allowed) return problem(c, 404, { slug: 'order-not-found', detail: `no order ${orderId}` });
    return c.json({
      orderId: entry.orderId,
      status: entry.status,
      currency: entry.currency,
      total: decimalOf(entry.total, entry.currency),
      totalMinor: entry.total,
      updatedAt: entry.updatedAt,
      version: entry.version,
      source: 'cache',
    });
  });
};
