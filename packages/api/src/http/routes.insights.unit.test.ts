import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { warehouseQueries, type DateRange, type WarehouseQuery } from '@strata/projections';
import { createTestApi, type TestApi } from '../testing.js';
import { openApiDocument } from './openapi.js';
import { INSIGHT_QUERIES } from './routes.insights.js';

/*
 * GET /insights/{query}: the warehouse SQL for the analyst dashboards. The warehouse here is a
 * recording double (the DuckDB warehouse itself is tested in @strata/projections lake tests).
 */
const calls: Array<{ query: WarehouseQuery; range: DateRange | undefined }> = [];
let t: TestApi;
let noWarehouse: TestApi;
beforeAll(async () => {
  t = await createTestApi({
    warehouse: {
      run: async (query, range) => {
        calls.push({ query, range });
        return query === 'revenue_by_country' ? [{ country: 'DE', currency: 'EUR', amount: '9950', orders: '1' }] : [];
      },
    },
  });
  noWarehouse = await createTestApi();
});
afterAll(async () => {
  await t.close();
  await noWarehouse.close();
});

const get = (app: TestApi['app'], path: string, token: string) => app.request(path, { headers: { authorization: `Bearer ${token}` } });

describe('GET /insights/{query}', () => {
  it('lists in the OpenAPI document exactly the warehouse queries', () => {
    expect([...INSIGHT_QUERIES].sort()).toEqual(Object.keys(warehouseQueries).sort());
    const param = openApiDocument.paths['/insights/{query}'].get.parameters[0];
    expect([...param.schema.enum].sort()).toEqual(Object.keys(warehouseQueries).sort());
  });

  it('runs the query over the date range for an analyst, with numbers as numbers', async () => {
    const analyst = await t.signUp(['analyst']);
    const res = await get(t.app, '/insights/revenue_by_country?from=2026-01-01&to=2026-12-31', analyst.tokens.idToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ query: 'revenue_by_country', ranged: true, from: '2026-01-01', to: '2026-12-31', rows: [{ country: 'DE', currency: 'EUR', amount: 9950, orders: 1 }] });
    expect(calls.at(-1)).toEqual({ query: 'revenue_by_country', range: { from: '2026-01-01', to: '2026-12-31' } });
  });

  it('defaults to every day and says when a query is not dated', async () => {
    const admin = await t.signUp(['admin']);
    const res = await get(t.app, '/insights/payment_outcomes', admin.tokens.idToken);
    expect(await res.json()).toMatchObject({ ranged: false, from: '0000-01-01', to: '9999-12-31', rows: [] });
  });

  it('refuses customers, unknown queries, malformed or reversed ranges, and answers 503 without a warehouse', async () => {
    const customer = await t.signUp();
    const analyst = await t.signUp(['analyst']);
    const before = calls.length;
    expect((await get(t.app, '/insights/revenue_by_day', customer.tokens.idToken)).status).toBe(403);
    expect((await t.app.request('/insights/revenue_by_day')).status).toBe(401);
    expect((await get(t.app, '/insights/drop_table', analyst.tokens.idToken)).status).toBe(404);
    expect((await get(t.app, '/insights/revenue_by_day?from=2026-13-01', analyst.tokens.idToken)).status).toBe(400);
    expect((await get(t.app, "/insights/revenue_by_day?from=2026-01-01'--", analyst.tokens.idToken)).status).toBe(400);
    expect((await get(t.app, '/insights/revenue_by_day?from=2026-02-01&to=2026-01-01', analyst.tokens.idToken)).status).toBe(400);
    expect(calls.length).toBe(before);
    const other = await noWarehouse.signUp(['analyst']);
    expect((await get(noWarehouse.app, '/insights/revenue_by_day', other.tokens.idToken)).status).toBe(503);
  });
});
