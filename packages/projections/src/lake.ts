/** `@strata/projections/lake`: the data lake (Parquet files, Firehose's S3 layout) and the DuckDB warehouse. */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { FEED_START, type ChangeFeed } from '@strata/events';
import { createCatchUpConsumer } from './consumer.js';
import { memoryDeadLetters, type DeadLetter } from './sink.js';
import { lakePartition, partitionPath, toLakeRow, type LakeRow } from './domain/lake.js';
import type { ProjectionSink } from './sink.js';
import { duckdbPrelude, warehouseParams, warehouseQueries, type DateRange, type WarehouseQuery } from './warehouse/sql.js';

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Parquet column types; `stream_version` is BIGINT as the Glue table declares it. */
const COLUMNS: Readonly<Record<keyof LakeRow, string>> = {
  event_id: 'VARCHAR', stream_id: 'VARCHAR', stream_version: 'BIGINT', schema_version: 'INTEGER', occurred_at: 'VARCHAR',
  actor_kind: 'VARCHAR', actor_id: 'VARCHAR', actor_roles: 'VARCHAR', causation_id: 'VARCHAR', correlation_id: 'VARCHAR',
  command_id: 'VARCHAR', prev_hash: 'VARCHAR', hash: 'VARCHAR', payload: 'VARCHAR',
};

const atomicWrite = async (path: string, text: string) => {
  const tmp = `${path}.${randomUUID()}.partial`;
  await writeFile(tmp, text);
  await rename(tmp, path);
};

export interface LakeWriter {
  readonly sink: ProjectionSink;
  /** Writes the buffered rows as Parquet files and then stores the checkpoint they reach. */
  flush(): Promise<{ files: number; rows: number }>;
  close(): Promise<void>;
}

/**
 * The lake writer. Rows are buffered and written in batches, one Parquet file per (type, day)
 * partition per flush, under `<root>/events/type=<Type>/dt=<YYYY-MM-DD>/`. A file is written under
 * a temporary name and renamed, so a reader never sees half of one. The checkpoint advances only
 * after a flush; a crash before it re-reads the batch (at least once; the warehouse deduplicates).
 */
export const createLakeWriter = async (o: { root: string; name?: string; flushRows?: number }): Promise<LakeWriter> => {
  const name = o.name ?? 'lake';
  const flushRows = o.flushRows ?? 10_000;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const checkpointFile = join(o.root, '_checkpoints', name);
  const buffer = new Map<string, LakeRow[]>();
  let buffered = 0;
  let pending: string | undefined;

  /*
   * One flush at a time, each over a snapshot of the buffer: the timer, a full buffer and a
   * dashboard query may all ask at once, and rows applied while a flush awaits its writes belong
   * to the next one (clearing the buffer after the writes would drop them, checkpoint and all).
   */
  const writeBatch = async () => {
    const batch = [...buffer];
    const rows = buffered;
    const reached = pending;
    buffer.clear();
    buffered = 0;
    let files = 0;
    try {
      for (const [dir, partitionRows] of batch) {
        const target = join(o.root, dir);
        await mkdir(target, { recursive: true });
        const id = randomUUID();
        const json = join(target, `_${id}.ndjson.partial`);
        const tmp = join(target, `_${id}.parquet.partial`);
        await writeFile(json, partitionRows.map((r) => JSON.stringify(r)).join('\n'));
        const columns = Object.entries(COLUMNS).map(([c, t]) => `${c}: ${sqlString(t)}`).join(', ');
        await conn.run(
          `COPY (SELECT ${Object.keys(COLUMNS).join(', ')} FROM read_json(${sqlString(json)}, format = 'newline_delimited', columns = {${columns}}))
           TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`,
        );
        await rm(json);
        await rename(tmp, join(target, `${Date.now()}-${id}.parquet`));
        files++;
      }
    } catch (err) {
      // Put the batch back in front of what came meanwhile; a retry may write some files twice (the warehouse deduplicates).
      const later = [...buffer];
      buffer.clear();
      for (const [dir, partitionRows] of [...batch, ...later]) buffer.set(dir, [...(buffer.get(dir) ?? []), ...partitionRows]);
      buffered += rows;
      throw err;
    }
    if (reached !== undefined) {
      await mkdir(join(o.root, '_checkpoints'), { recursive: true });
      await atomicWrite(checkpointFile, reached);
    }
    return { files, rows };
  };
  let flushing: Promise<unknown> = Promise.resolve();
  const flush = (): Promise<{ files: number; rows: number }> => {
    const run = flushing.then(writeBatch, writeBatch);
    flushing = run.catch(() => undefined);
    return run;
  };

  return {
    sink: {
      name,
      async apply(events, checkpoint) {
        for (const e of events) {
          const dir = partitionPath(lakePartition(e));
          const rows = buffer.get(dir) ?? [];
          rows.push(toLakeRow(e));
          buffer.set(dir, rows);
          buffered++;
        }
        if (checkpoint !== undefined) pending = checkpoint;
        if (buffered >= flushRows) await flush();
      },
      async checkpoint() {
        // Buffered rows count as read: the consumer must not fetch them again while this process lives.
        if (pending !== undefined) return pending;
        return readFile(checkpointFile, 'utf8').catch(() => FEED_START);
      },
    },
    flush,
    async close() {
      await flush();
      conn.closeSync();
      instance.closeSync();
    },
  };
};

/** The DuckDB warehouse over a local lake folder: runs the analytics `.sql` of `warehouseQueries`. */
export interface Warehouse {
  /** Runs one analytics query; ranged queries cover `range` (every day when absent). */
  run(query: WarehouseQuery, range?: DateRange): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export const openWarehouse = async (root: string): Promise<Warehouse> => {
  const instance = await DuckDBInstance.create(':memory:');
  const conn: DuckDBConnection = await instance.connect();
  await conn.run(duckdbPrelude(join(root, 'events', '**', '*.parquet')));
  return {
    async run(query, range) {
      const reader = await conn.runAndReadAll(warehouseQueries[query], warehouseParams(query, range));
      return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
    },
    async close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
};

/**
 * `strata replay --projection lake`: writes the whole history into a shadow folder beside the
 * lake, then swaps the `events/` trees and the checkpoint by renames. Readers see the old files
 * or the new ones, each file whole; in the instant between the two renames the tree is absent.
 * Returns the events written and the letters of events that would not decode.
 */
export const rebuildLake = async (o: { root: string; feed: ChangeFeed; name?: string; flushRows?: number }): Promise<{ events: number; deadLetters: DeadLetter[] }> => {
  const id = randomUUID();
  const shadow = join(o.root, `_shadow-${id}`);
  const writer = await createLakeWriter({ root: shadow, ...(o.name === undefined ? {} : { name: o.name }), ...(o.flushRows === undefined ? {} : { flushRows: o.flushRows }) });
  const deadLetters = memoryDeadLetters();
  const { applied } = await createCatchUpConsumer({ feed: o.feed, sink: writer.sink, deadLetters, batchSize: 5_000 }).runUntilCaughtUp();
  await writer.close();
  const old = join(o.root, `_old-${id}`);
  await mkdir(join(shadow, 'events'), { recursive: true });
  await mkdir(join(o.root, '_checkpoints'), { recursive: true });
  await rename(join(o.root, 'events'), old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(join(shadow, 'events'), join(o.root, 'events'));
  const name = o.name ?? 'lake';
  await rename(join(shadow, '_checkpoints', name), join(o.root, '_checkpoints', name)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rm(old, { recursive: true, force: true });
  await rm(shadow, { recursive: true, force: true });
  return { events: applied, deadLetters: await deadLetters.list() };
};
