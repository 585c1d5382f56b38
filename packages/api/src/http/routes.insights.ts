import type { Hono } from 'hono';
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { isIdentifier } from '@strata/events';
import type { ApiDeps } from './deps.js';
import { STAFF_READERS, authorize, hasRole, invalid, readQuery, type ApiEnv } from './context.js';
import { decimalOf } from './present.js';
import { problem } from './problem.js';
import { closed } from './validation.js';

export const AnalyticsQuery = closed('AnalyticsQuery', {}, { reportType: t.union([t.literal('summary'), t.literal('detailed')]) });

/** Analytics (analyst/admin see everyone; a customer sees their own figures) and the cached order status. */
export const insightRoutes = (app: Hono<ApiEnv>, deps: Pick<ApiDeps, 'queries' | 'statusCache'>): void => {
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
