import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope, type DomainEnvelope } from '@strata/events';
import { createCatchUpConsumer } from './consumer.js';
import { applyToReadModel, emptyReadModel } from './domain/readModel.js';
import { createLakeWriter, openWarehouse, rebuildLake } from './lake.js';
import { memoryDeadLetters } from './sink.js';
import { memoryFeed } from './testing.js';
import { sampleHistory } from './testing/sqlReadModel.contract.js';

const walk = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name).slice(dir.length + 1));

describe('data lake and DuckDB warehouse', () => {
  let root: string;
  const history = sampleHistory(20);
  const decoded = history.map((e) => (decodeEnvelope(e) as E.Right<DomainEnvelope>).right);
  const model = applyToReadModel(emptyReadModel(), decoded);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-lake-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes every event once per delivery as Parquet under type/dt partitions, atomically, with a checkpoint', async () => {
    const lake = await createLakeWriter({ root, flushRows: 40 });
    const { feed } = memoryFeed(history);
    const consumer = createCatchUpConsumer({ feed, sink: lake.sink, deadLetters: memoryDeadLetters(), batchSize: 25 });
    await consumer.runUntilCaughtUp();
    // A redelivery (the at-least-once case) writes duplicates the warehouse must not count twice.
    await lake.sink.apply(decoded.slice(0, 30));
    await lake.close();
    const files = await walk(root);
    expect(files.filter((f) => f.endsWith('.partial'))).toEqual([]);
    const parquet = files.filter((f) => f.endsWith('.parquet'));
    expect(parquet.length).toBeGreaterThan(0);
    for (const f of parquet) expect(f).toMatch(/^events\/type=[A-Za-z]+\/dt=\d{4}-\d{2}-\d{2}\/\d+-[0-9a-f-]+\.parquet$/);
    expect(files).toContain('_checkpoints/lake');
    const reopened = await createLakeWriter({ root });
    expect(await reopened.sink.checkpoint()).toBe(String(history.length).padStart(12, '0'));
    await reopened.close();
  });

  it('answers the analytics queries over the lake as the read model does', async () => {
    const wh = await openWarehouse(root);
    const [count] = await wh.run('orders_by_status').then((rows) => [rows.reduce((s, r) => s + Number(r.orders), 0)]);
    expect(count).toBe(model.orders.size);
    const byStatus = Object.fromEntries((await wh.run('orders_by_status')).map((r) => [r.status, Number(r.orders)]));
    const expectedByStatus: Record<string, number> = {};
    for (const d of model.orders.values()) expectedByStatus[d.status] = (expectedByStatus[d.status] ?? 0) + 1;
    expect(byStatus).toEqual(expectedByStatus);
    const paid = [...model.orders.values()].filter((d) => ['confirmed', 'shipped', 'delivered'].includes(d.status));
    const revenue = (await wh.run('revenue_by_day')).reduce((s, r) => s + Number(r.amount), 0);
    expect(revenue).toBe(paid.reduce((s, d) => s + d.total, 0));
    const top = await wh.run('top_products');
    expect(top[0]).toMatchObject({ product_id: 'p9' });
    expect(Number(top[0]!.quantity)).toBe(paid.length);
    const [rates] = await wh.run('payment_rates');
    expect(Number(rates!.requested)).toBe(model.payments.size);
    expect(Number(rates!.declined)).toBe([...model.payments.values()].filter((p) => p.status === 'declined').length);
    const fb = await wh.run('feedback_by_category');
    expect(fb.reduce((s, r) => s + Number(r.count), 0)).toBe(model.feedback.size);
    expect((await wh.run('average_order_value')).map((r) => r.currency)).toEqual(['EUR', 'USD']);
    await wh.close();
  });

  it('narrows the order queries to a date range and splits revenue by country, without personal data in the drill-down', async () => {
    const wh = await openWarehouse(root);
    const paid = [...model.orders.values()].filter((d) => ['confirmed', 'shipped', 'delivered'].includes(d.status));
    const byCountry = await wh.run('revenue_by_country');
    expect(byCountry.reduce((s, r) => s + Number(r.amount), 0)).toBe(paid.reduce((s, d) => s + d.total, 0));
    const expectedCountries = [...new Set(paid.map((d) => d.shippingAddress.country))].sort();
    expect([...new Set(byCountry.map((r) => String(r.country)))].sort()).toEqual(expectedCountries);
    const days = (await wh.run('revenue_by_day')).map((r) => String(r.day));
    expect(days.length).toBeGreaterThan(0);
    const first = days[0]!;
    const oneDay = await wh.run('revenue_by_day', { from: first, to: first });
    expect(oneDay.map((r) => r.day)).toEqual(oneDay.map(() => first));
    expect(await wh.run('orders_by_status', { from: '1999-01-01', to: '1999-12-31' })).toEqual([]);
    const drill = await wh.run('order_drilldown');
    expect(drill).toHaveLength(model.orders.size);
    expect(Object.keys(drill[0]!).sort()).toEqual(['country', 'currency', 'day', 'order_id', 'status', 'total']);
    const outcomes = await wh.run('payment_outcomes');
    expect(outcomes.reduce((s, r) => s + Number(r.payments), 0)).toBe(model.payments.size);
    await wh.close();
  });

  it('keeps rows applied while a flush is writing, and runs overlapping flushes one after the other', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-lake-race-'));
    const lake = await createLakeWriter({ root: dir });
    const half = Math.floor(decoded.length / 2);
    await lake.sink.apply(decoded.slice(0, half));
    const first = lake.flush(); // not awaited: the next rows arrive while it writes
    await lake.sink.apply(decoded.slice(half));
    const [a, b] = await Promise.all([first, lake.flush()]);
    expect(a.rows + b.rows).toBe(decoded.length);
    await lake.close();
    const wh = await openWarehouse(dir);
    expect((await wh.run('orders_by_status')).reduce((s, r) => s + Number(r.orders), 0)).toBe(model.orders.size);
    await wh.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('rebuilds the lake into a shadow folder and swaps it in', async () => {
    const { feed } = memoryFeed(history);
    const r = await rebuildLake({ root, feed, flushRows: 50 });
    expect(r).toEqual({ events: history.length, deadLetters: [] });
    const files = await walk(root);
    expect(files.filter((f) => !f.startsWith('events/') && !f.startsWith('_checkpoints/'))).toEqual([]);
    const wh = await openWarehouse(root);
    const raw = await wh.run('orders_by_status');
    expect(raw.reduce((s, row) => s + Number(row.orders), 0)).toBe(model.orders.size);
    await wh.close();
    const reopened = await createLakeWriter({ root });
    expect(await reopened.sink.checkpoint()).toBe(String(history.length).padStart(12, '0'));
    await reopened.close();
  });
});
