import { afterAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { databaseUrl, describeWith } from '@strata/test-env';
import { createPostgresEventStore } from '../../adapters/eventStore.postgres.js';
import { runPricingRace } from '../testing/pricingRace.js';
import { createWriteModel } from '../writeModel.js';

const schema = `strata_race_${Math.random().toString(36).slice(2, 10)}`;

describeWith('POSTGRES', 'the catalogue race on PostgreSQL (a pool: orders and reprices on several connections)', () => {
  afterAll(async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  it('an order racing a reprice is at the old price with the old version, at the new with the new, or refused — never a mix', async () => {
    // Two processes' worth of stores on one database: the reprices go through the other one.
    const orders = await createPostgresEventStore({ connectionString: databaseUrl(), schema, maxConnections: 8 });
    const admin = await createPostgresEventStore({ connectionString: databaseUrl(), schema, maxConnections: 4 });
    try {
      const wmOrders = createWriteModel({ eventStore: orders, maxConflictRetries: 20 });
      const wmAdmin = createWriteModel({ eventStore: admin, maxConflictRetries: 20 });
      // Orders through one store, catalogue commands through the other, interleaved by the database.
      const mixed = { ...wmOrders, listProduct: wmAdmin.listProduct, repriceProduct: wmAdmin.repriceProduct };
      const tally = await runPricingRace(mixed, orders, 8, 16);
      expect(tally.accepted + tally.refused).toBe(8 * 16);
    } finally {
      await orders.close();
      await admin.close();
    }
  }, 120_000);
});
