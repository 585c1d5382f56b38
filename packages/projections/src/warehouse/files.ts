/**
 * `@strata/projections/warehouse/files`: the warehouse `.sql` files under `packages/projections/sql/warehouse/`.
 * The analytics queries and the DuckDB prelude are written from `./sql.ts` (the runtime copy):
 * `npx tsx packages/projections/src/warehouse/files.ts` regenerates them. The Athena and Redshift
 * preludes exist only as files (nothing in this workspace runs them); a unit test checks that
 * they define every relation the analytics queries read.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DUCKDB_PRELUDE, LAKE_GLOB_PLACEHOLDER, warehouseQueries, type WarehouseQuery } from './sql.js';

/** Where the warehouse `.sql` files live, relative to the workspace root. */
export const WAREHOUSE_SQL_DIR = 'packages/projections/sql/warehouse';

export const WAREHOUSE_QUERIES = Object.keys(warehouseQueries) as readonly WarehouseQuery[];

/** The engines with a prelude: DuckDB over the local lake, Athena and Redshift over the S3 lake. */
export const ENGINES = ['duckdb', 'athena', 'redshift'] as const;
export type Engine = (typeof ENGINES)[number];

export const preludeFile = (engine: Engine): string => `prelude.${engine}.sql`;
export const queryFile = (query: WarehouseQuery): string => `${query}.sql`;

const GENERATED = '-- Generated from packages/projections/src/warehouse/sql.ts (npx tsx packages/projections/src/warehouse/files.ts); edit there.\n';

/** The text of every generated file, by file name. */
export const generatedSqlFiles = (): Record<string, string> => ({
  [preludeFile('duckdb')]:
    `${GENERATED}-- DuckDB views over the local lake. Replace ${LAKE_GLOB_PLACEHOLDER} with the Parquet glob (<lake>/events/**/*.parquet)\n` +
    `-- before running; \`openWarehouse\` does so. \`events\` here is the deduplicated lake, one row per event id.\n` +
    `${DUCKDB_PRELUDE.trim()}\n`,
  ...Object.fromEntries(WAREHOUSE_QUERIES.map((q) => [queryFile(q), `${GENERATED}${warehouseQueries[q]};\n`])),
});

/** Writes the generated files to `dir`. */
export const writeSqlFiles = (dir: string): void => {
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(generatedSqlFiles())) writeFileSync(join(dir, file), text);
};

/** Generated files under `dir` that are missing or differ from `./sql.ts`. */
export const staleSqlFiles = (dir: string): string[] =>
  Object.entries(generatedSqlFiles())
    .filter(([file, text]) => {
      try {
        return readFileSync(join(dir, file), 'utf8') !== text;
      } catch {
        return true;
      }
    })
    .map(([file]) => file);

/** The statements of a SQL file in order, without full-line `--` comments or the closing `;`. */
export const sqlStatements = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;[ \t]*$/m)
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** The view a `CREATE [OR REPLACE] VIEW` statement defines (schema dropped), or undefined. */
export const viewName = (statement: string): string | undefined => /^CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(?:\w+\.)?(\w+)/i.exec(statement)?.[1];

export interface WarehouseSql {
  /** Each analytics query, one statement, comments removed. */
  readonly queries: Readonly<Record<WarehouseQuery, string>>;
  /** Each engine's prelude file, as written. */
  readonly preludes: Readonly<Record<Engine, string>>;
}

/** Reads the warehouse `.sql` files from `dir` (throws the file system's error when one is missing). */
export const readWarehouseSql = (dir: string): WarehouseSql => {
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  return {
    queries: Object.fromEntries(WAREHOUSE_QUERIES.map((q) => [q, sqlStatements(read(queryFile(q))).join(';\n')])) as Record<WarehouseQuery, string>,
    preludes: Object.fromEntries(ENGINES.map((e) => [e, read(preludeFile(e))])) as Record<Engine, string>,
  };
};

if (process.argv[1]?.endsWith('warehouse/files.ts')) writeSqlFiles(join(process.cwd(), WAREHOUSE_SQL_DIR));
