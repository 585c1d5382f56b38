import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope, type DomainEnvelope } from '@strata/events';
import { databaseUrl, describeWith } from '@strata/test-env';
import { createLakeWriter, openWarehouse } from '../lake.js';
import { sampleHistory } from '../testing/sqlReadModel.contract.js';
import { readWarehouseSql, sqlStatements, WAREHOUSE_QUERIES } from './files.js';
import { warehouseParams, type WarehouseQuery } from './sql.js';

/*
 * The hand-written Athena and Redshift preludes, run on stand-ins for their engines, must give every
 * analytics query the answer the DuckDB warehouse gives over the same lake (with redelivered rows).
 * The stand-ins translate only the dialect: Trino's JSON functions become DuckDB macros, Redshift's
 * JSON functions become PostgreSQL functions and Spectrum's `lake.events` a table. This checks what
 * the views compute, not that Athena or Redshift parse them (nothing local runs those engines).
 */
const sql = readWarehouseSql(join(__dirname, '..', '..', 'sql', 'warehouse'));
// The set-up writes a lake and runs every query on DuckDB (nine of them): seconds on a loaded machine, not the default five.
jest.setTimeout(60_000);

/** Numbers as numbers (engines disagree on BIGINT as string or number), rounded; text as is. */
const normalise = (rows: ReadonlyArray<Record<string, unknown>>) =>
  rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || (typeof v === 'string' && !/^-?\d+(\.\d+)?$/.test(v)) ? v : Math.round(Number(v) * 1e6) / 1e6])),
  );

let root: string;
let glob: string;
const expected = {} as Record<WarehouseQuery, ReturnType<typeof normalise>>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'strata-wh-'));
  glob = join(root, 'events', '**', '*.parquet');
  const decoded = sampleHistory(20).map((e) => (decodeEnvelope(e) as E.Right<DomainEnvelope>).right);
  const lake = await createLakeWriter({ root });
  await lake.sink.apply(decoded);
  await lake.sink.apply(decoded.slice(0, 30)); // redelivered: the views must drop these
  await lake.close();
  const wh = await openWarehouse(root);
  for (const q of WAREHOUSE_QUERIES) expected[q] = normalise(await wh.run(q));
  await wh.close();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('prelude.athena.sql (Trino dialect on DuckDB)', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
    // The Glue table: the Parquet columns plus the `type` and `dt` partition keys of the path.
    await conn.run(`CREATE TABLE events AS SELECT * FROM read_parquet('${glob}', hive_partitioning = true)`);
    await conn.run(`CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p); CREATE MACRO json_parse(j) AS CAST(j AS JSON);`);
    for (const statement of sqlStatements(sql.preludes.athena)) await conn.run(statement.replace('AS ARRAY(JSON)', 'AS JSON[]'));
  });
  afterAll(() => {
    conn.closeSync();
    instance.closeSync();
  });

  it.each(WAREHOUSE_QUERIES)('%s answers as the DuckDB warehouse does', async (q) => {
    expect(expected[q].length).toBeGreaterThan(0);
    expect(normalise((await conn.runAndReadAll(sql.queries[q], warehouseParams(q))).getRowObjectsJson())).toEqual(expected[q]);
  });
});

describeWith('POSTGRES', 'prelude.redshift.sql (Redshift dialect on PostgreSQL)', () => {
  const schema = `strata_t_wh${Math.random().toString(36).slice(2, 10)}`;
  const client = new pg.Client(databaseUrl());
  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}, pg_catalog`);
    await client.query(`
      CREATE FUNCTION json_extract_path_text(j text, k text) RETURNS text LANGUAGE sql AS $$ SELECT (j::json)->>k $$;
      CREATE FUNCTION json_extract_path_text(j text, k1 text, k2 text) RETURNS text LANGUAGE sql AS $$ SELECT (j::json)->k1->>k2 $$;
      CREATE FUNCTION json_extract_array_element_text(j text, i int) RETURNS text LANGUAGE sql AS $$ SELECT (j::json)->>i $$;
      CREATE FUNCTION json_array_length(j text) RETURNS int LANGUAGE sql AS $$ SELECT pg_catalog.json_array_length(j::json) $$;
      CREATE TABLE events (event_id text, stream_id text, stream_version bigint, occurred_at text, payload text, type text, dt text);`);
    const duckdb = await DuckDBInstance.create(':memory:');
    const duck = await duckdb.connect();
    const rows = (await duck.runAndReadAll(`SELECT event_id, stream_id, stream_version, occurred_at, payload, type, dt FROM read_parquet('${glob}', hive_partitioning = true)`)).getRowsJson();
    duck.closeSync();
    duckdb.closeSync();
    await client.query(`INSERT INTO events SELECT * FROM json_populate_recordset(NULL::events, $1::json)`, [
      JSON.stringify(rows.map(([event_id, stream_id, stream_version, occurred_at, payload, type, dt]) => ({ event_id, stream_id, stream_version, occurred_at, payload, type, dt }))),
    ]);
    for (const statement of sqlStatements(sql.preludes.redshift)) {
      if (/^CREATE EXTERNAL SCHEMA/i.test(statement)) continue;
      await client.query(statement.replace(/\s+WITH NO SCHEMA BINDING$/i, '').replaceAll('public.', `${schema}.`).replaceAll('lake.events', `${schema}.events`));
    }
  });
  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it.each(WAREHOUSE_QUERIES)('%s answers as the DuckDB warehouse does', async (q) => {
    expect(expected[q].length).toBeGreaterThan(0);
        // PostgreSQL numbers its parameters ($1, $2); the Redshift Data API names them. Same values, same order.
    let n = 0;
    const text = sql.queries[q].replace(/\?/g, () => `$${++n}`);
    expect(normalise((await client.query(text, warehouseParams(q))).rows)).toEqual(expected[q]);
  });
});
