import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { duckdbPrelude, LAKE_GLOB_PLACEHOLDER, warehouseQueries } from './sql.js';
import { ENGINES, readWarehouseSql, sqlStatements, staleSqlFiles, viewName, WAREHOUSE_QUERIES, WAREHOUSE_SQL_DIR } from './files.js';

const dir = join(__dirname, '..', '..', 'sql', 'warehouse');
const sql = readWarehouseSql(dir);

/** Each engine's prelude reads these tables of the lake besides its own views. */
const LAKE_TABLES: Record<(typeof ENGINES)[number], readonly string[]> = { duckdb: [], athena: ['events'], redshift: ['lake.events'] };

/** Relations a statement reads (after FROM or JOIN, not table functions), minus its own CTEs; `public.` dropped. */
const relationsRead = (statement: string): string[] => {
  const ctes = new Set([...statement.matchAll(/(\w+)\s+AS\s*\(/gi)].map((m) => m[1]!.toLowerCase()));
  const read = [...statement.matchAll(/\b(?:FROM|JOIN)\s+([A-Za-z_][\w.]*)\b(?!\s*\()/gi)].map((m) => m[1]!.toLowerCase().replace(/^public\./, ''));
  return [...new Set(read)].filter((r) => !ctes.has(r));
};

describe('warehouse .sql files', () => {
  it(`match sql.ts, the runtime copy (regenerate: npx tsx packages/projections/src/warehouse/files.ts)`, () => {
    expect(join(__dirname, '..', '..', '..', '..', WAREHOUSE_SQL_DIR)).toBe(dir);
    expect(staleSqlFiles(dir)).toEqual([]);
    for (const q of WAREHOUSE_QUERIES) expect(sql.queries[q]).toBe(warehouseQueries[q]);
  });

  it('read only the four derived relations in the analytics queries', () => {
    for (const q of WAREHOUSE_QUERIES) {
      expect(sqlStatements(sql.queries[q])).toHaveLength(1);
      expect(['orders', 'order_lines', 'payments', 'feedback']).toEqual(expect.arrayContaining(relationsRead(sql.queries[q])));
    }
  });

  it.each(ENGINES)('%s prelude: views only, each reading the lake or an earlier view, covering every analytics relation', (engine) => {
    const views: string[] = [];
    for (const statement of sqlStatements(sql.preludes[engine])) {
      if (/^CREATE\s+EXTERNAL\s+SCHEMA\b/i.test(statement)) continue;
      const view = viewName(statement);
      expect(view).toBeDefined();
      expect([...views, ...LAKE_TABLES[engine]]).toEqual(expect.arrayContaining(relationsRead(statement)));
      views.push(view!);
    }
    for (const q of WAREHOUSE_QUERIES) expect(views).toEqual(expect.arrayContaining(relationsRead(sql.queries[q])));
  });

  it('the relation check sees through CTEs and table functions but not past a missing view', () => {
    expect(relationsRead("WITH a AS (SELECT 1 FROM events) SELECT * FROM a JOIN public.orders o ON true CROSS JOIN UNNEST(x) AS t (i)")).toEqual(['events', 'orders']);
    expect(relationsRead("SELECT * FROM read_parquet('x') JOIN lake.events e USING (id)")).toEqual(['lake.events']);
  });

  it('duckdbPrelude puts the quoted glob where the placeholder is', () => {
    const text = duckdbPrelude("/tmp/it's $&/events/**/*.parquet");
    expect(text).not.toContain(LAKE_GLOB_PLACEHOLDER);
    expect(text).toContain("read_parquet('/tmp/it''s $&/events/**/*.parquet', hive_partitioning");
  });
});
