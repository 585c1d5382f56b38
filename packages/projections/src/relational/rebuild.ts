import { FEED_START, type ChangeFeed } from '@strata/events';
import { decodeBatch } from '../consumer.js';
import { quoteSchema, type SqlExecutor } from './executor.js';
import { createSqlReadModel } from './sqlReadModel.js';

export interface RebuildProgress {
  readonly applied: number;
  /** Events in the feed when the rebuild started (the target of the progress bar). */
  readonly total: number;
  readonly eventsPerSecond: number;
  /** Seconds left at the current rate (undefined until a rate is known). */
  readonly etaSeconds?: number;
}

export interface RebuildOptions {
  readonly db: SqlExecutor;
  readonly feed: ChangeFeed;
  /** The live schema to replace (default `strata_read`). */
  readonly schema?: string;
  readonly name?: string;
  readonly batchSize?: number;
  /** Counts the events and estimates the time, writing nothing. */
  readonly dryRun?: boolean;
  /** Rate assumed by a dry run's estimate (default 20,000 events/s). */
  readonly assumedEventsPerSecond?: number;
  readonly onProgress?: (p: RebuildProgress) => void;
  readonly clock?: () => number;
  /**
   * Continue a rebuild that was stopped: keep the shadow schema and read on from its checkpoint
   * (the feed position of the last page applied; a stream version is applied once, so the page in
   * flight when it stopped is harmless). Used by the DynamoDB table scan, whose position resumes.
   * @default false: the shadow schema is dropped and the rebuild starts from the beginning
   */
  readonly resume?: boolean;
}

export interface RebuildResult {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly deadLettered: number;
  readonly swapped: boolean;
}

/** Counts the feed's events by paging through it (read only). */
export const countFeed = async (feed: ChangeFeed, pageSize = 5_000): Promise<number> => {
  let after = FEED_START;
  let n = 0;
  for (;;) {
    const page = await feed.readFeed(after, pageSize);
    n += page.events.length;
    if (page.caughtUp || page.events.length === 0) return n;
    after = page.next;
  }
};

/**
 * `strata replay --projection relational`: rebuilds the relational read model from the whole
 * history into a shadow schema while the live one keeps answering, then swaps the schemas in one
 * transaction. Only the read model is written: no bus, saga or notification is ever involved. The
 * live consumer reads its checkpoint from the (new) live schema on its next page, so it continues
 * from where the rebuild stopped.
 */
export const rebuildRelational = async (o: RebuildOptions): Promise<RebuildResult> => {
  const clock = o.clock ?? (() => performance.now());
  const live = o.schema ?? 'strata_read';
  const total = o.dryRun === true || o.onProgress !== undefined ? await countFeed(o.feed) : 0;
  if (o.dryRun === true) {
    const rate = o.assumedEventsPerSecond ?? 20_000;
    return { events: total, seconds: total / rate, eventsPerSecond: rate, deadLettered: 0, swapped: false };
  }
  const shadow = `${live}_shadow`;
  const [L, S, Old] = [quoteSchema(live), quoteSchema(shadow), quoteSchema(`${live}_old`)];
  if (o.resume !== true) await o.db.query(`drop schema if exists ${S} cascade`);
  const rm = createSqlReadModel({ db: o.db, schema: shadow, ...(o.name === undefined ? {} : { name: o.name }) });
  await rm.migrate();
  const started = clock();
  let applied = 0;
  let deadLettered = 0;
  const batchSize = o.batchSize ?? 5_000;
  // Pipelined: the next page is read and decoded while the database applies this one. Safe here
  // because the rebuild is the shadow schema's only writer.
  const fetch = async (after: string) => {
    const page = await o.feed.readFeed(after, batchSize);
    return { page, ...decodeBatch(rm.sink.name, page.events, new Date().toISOString()) };
  };
  let after = await rm.sink.checkpoint();
  let next = fetch(after);
  for (;;) {
    const { page, events, poison } = await next;
    if (page.events.length === 0 && page.next === after) break;
    if (!page.caughtUp) next = fetch(page.next);
    if (poison.length > 0) await rm.deadLetters.add(poison);
    await rm.sink.apply(events, page.next);
    applied += page.events.length;
    deadLettered += poison.length;
    const elapsed = (clock() - started) / 1000;
    const eventsPerSecond = elapsed > 0 ? applied / elapsed : 0;
    o.onProgress?.({ applied, total, eventsPerSecond, ...(eventsPerSecond > 0 ? { etaSeconds: Math.max(0, total - applied) / eventsPerSecond } : {}) });
    if (page.caughtUp) break;
    after = page.next;
  }
  const seconds = (clock() - started) / 1000;
  await createSqlReadModel({ db: o.db, schema: live }).migrate();
  await o.db.transaction(async (tx) => {
    // Waits for in-flight live writes and holds new ones until the swap commits; they then resolve
    // the (renamed) tables afresh and land in the rebuilt schema.
    await tx.query(`lock table ${['orders', 'order_lines', 'payments', 'customers', 'feedback', 'products', 'projection_checkpoints', 'dead_letters'].map((t) => `${L}.${t}`).join(', ')} in access exclusive mode`);
    await tx.query(`drop schema if exists ${Old} cascade`);
    await tx.query(`alter schema ${L} rename to ${Old.slice(1, -1)}`);
    await tx.query(`alter schema ${S} rename to ${live}`);
  });
  await o.db.query(`drop schema if exists ${Old} cascade`);
  return { events: applied, seconds, eventsPerSecond: seconds > 0 ? applied / seconds : applied, deadLettered, swapped: true };
};
