import { afterAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { createPgliteEventStore } from '../../adapters/eventStore.pglite.js';
import { runPricingRace } from '../testing/pricingRace.js';
import { createWriteModel } from '../writeModel.js';

const db = new PGlite();
afterAll(() => db.close());

describe('the catalogue race on PGlite (group commit of orders and reprices)', () => {
  it('an order racing a reprice is at the old price with the old version, at the new with the new, or refused — never a mix', async () => {
    const store = await createPgliteEventStore({ db, schema: 'es_race' });
    const wm = createWriteModel({ eventStore: store, maxConflictRetries: 20 });
    const tally = await runPricingRace(wm, store, 4, 8);
    expect(tally.accepted + tally.refused).toBe(4 * 8);
  }, 60_000);
});
