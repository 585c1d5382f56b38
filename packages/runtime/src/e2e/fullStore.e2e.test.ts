/**
 * Start-up on a full store (issue 11): 50,000 orders are in the embedded store and the relational
 * read model has not applied them yet (they were loaded while the engine was stopped; the saga and
 * the lake had already seen them). On start, `/ready` answers 503 until the read model has caught
 * up with the store as of start, the in-memory status cache starts at the feed's head (no replay),
 * and 200 POST-then-GET pairs sent right away never give 201 then 404.
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { GENESIS_HASH, expectVersion, orderStream } from '@strata/events';
import { createWriteModel } from '@strata/write-model';
import { createPgliteEventStore } from '@strata/write-model/pglite';
import { loadDemoCatalogue } from '../catalogue.js';
import { migrateEngineSchema, sqlCheckpoint } from '@strata/projections';
import { pgliteExecutor } from '@strata/projections/pglite';
import { commandEvents, commandMeta } from '../../../../bench/orders.js';
import { httpSend } from './seedFlow.js';
import { startTestRuntime, type TestRuntime } from './harness.js';

jest.setTimeout(300_000);

const ORDERS = 50_000;
const PAIRS = 200;

describe('start-up on a store of 50,000 orders', () => {
  let runtime: TestRuntime | undefined;
  let dataDir = '';
  afterAll(async () => {
    await runtime?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('is not ready until the read model caught up, and never answers 201 then 404', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-full-'));
    const db = await PGlite.create(join(dataDir, 'pg'));
    const store = await createPgliteEventStore({ db });
    // The shop's catalogue first (orders are priced from it), then the orders.
    expect(await loadDemoCatalogue({ feed: store, writeModel: createWriteModel({ eventStore: store }) }, { demoCatalogue: true }, { info: () => undefined })).toBeGreaterThan(0);
    for (let done = 0; done < ORDERS; done += 1000) {
      await Promise.all(
        Array.from({ length: 1000 }, () => {
          const orderId = crypto.randomUUID();
          return store.append({ streamId: orderStream(orderId), expected: expectVersion(0, GENESIS_HASH), events: commandEvents(orderId, 1), meta: commandMeta() });
        }),
      );
    }
    const head = await store.head!();
    // The saga routing and the lake had applied them: only the read model is behind.
    const sql = pgliteExecutor(db);
    await migrateEngineSchema(sql);
    await sqlCheckpoint(sql, 'bus').set(head);
    await mkdir(join(dataDir, 'lake', '_checkpoints'), { recursive: true });
    await writeFile(join(dataDir, 'lake', '_checkpoints', 'lake'), head);
    await store.close();
    await db.close();

    runtime = await startTestRuntime('pglite', { STRATA_DATA_DIR: dataDir });
    const ready = await fetch(`${runtime.url}/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, { ok: boolean }> }).checks['read-model']?.ok).toBe(false);

    const send = httpSend(runtime.url);
    const email = `full${Date.now()}@example.com`;
    const password = 'ComplexP@ss1234';
    const reg = await send('POST', '/register', { body: { email, password, firstName: 'Full', lastName: 'Store', phoneNumber: '+11234567890' } });
    const userId = String((reg.body as { userSub: string }).userSub);
    const token = String(((await send('POST', '/login', { body: { email, password } })).body as { idToken: string }).idToken);
    const outcomes: string[] = [];
    const pair = async () => {
      const placed = await send('POST', '/orders', {
        token,
        body: { userId, items: [{ productId: 'NEWPROD001', quantity: 1 }], shippingAddress: { street: 'S 1', city: 'C', zipCode: '1', country: 'DE' } },
      });
      const got = placed.status === 201 ? await send('GET', `/orders/${String((placed.body as { orderId: string }).orderId)}`, { token }) : undefined;
      outcomes.push(`${placed.status}-${got?.status ?? 'none'}`);
    };
    for (let i = 0; i < PAIRS; i += 8) await Promise.all(Array.from({ length: Math.min(8, PAIRS - i) }, pair));
    expect(outcomes.filter((o) => o !== '201-200')).toEqual([]);
    expect(outcomes).toHaveLength(PAIRS);

    let status = 0;
    for (let i = 0; i < 600 && status !== 200; i++) {
      status = (await fetch(`${runtime.url}/ready`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  });
});
