/** The outbox table passes the `Notifier` contract, on PGlite (the same SQL as PostgreSQL). */
import { afterAll, describe } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { pgliteExecutor } from '@strata/projections/pglite';
import { createSqlOutboxNotifier } from '@strata/workflows/notifications/notifier.sql';
import { runNotifierContract } from '@strata/workflows/testing/notifier.contract';

describe('notifier: outbox table', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });
  runNotifierContract(async () => {
    const db = pgliteExecutor(await PGlite.create());
    closers.push(() => db.close());
    return {
      notifier: await createSqlOutboxNotifier(db),
      delivered: async () =>
        (await db.query<{ id: string; body: string }>(`select id, notification->>'body' as body from strata_engine.outbox order by id`)).map((r) => ({ id: r.id, body: r.body })),
    };
  });
});
