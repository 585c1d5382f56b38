/**
 * Cost model of one order through the happy path and the main failure paths, per million orders,
 * in the layout this repository builds and in a naive one. The units are MEASURED on the code
 * (`measure.ts`: the paths run through the write model, the ASL documents and the step handlers,
 * the routing rules and the notification consumer), priced with `prices.json` (dated, us-east-1,
 * on-demand); durations use the stated assumptions (`model.ts`). Prints one JSON line per layout
 * and path:
 *   {"bench":"cost","layout":…,"path":…,"usd_per_million_orders":…,"breakdown":{…},"units":{…},…}
 * then one line with the assumptions and the fixed monthly costs.
 * Run: `pnpm bench:cost` (builds first), or `npx tsx bench/cost/run.ts` on a built workspace.
 */
import { measureAll } from './measure.js';
import { ASSUMPTIONS, breakdownOf, countsOf, fixedPerMonth, notCountedOf, prices, sensitivitiesOf, unitsOf, type Layout } from './model.js';

const TARGET = 12;
const measured = await measureAll();
for (const layout of ['strata', 'naive'] as Layout[]) {
  for (const m of measured) {
    const units = unitsOf(m, layout);
    const { total, breakdown } = breakdownOf(units);
    const happy = m.path === 'happy';
    console.log(
      JSON.stringify({
        bench: 'cost',
        layout,
        path: m.path,
        usd_per_million_orders: total,
        ...(happy ? { target_usd: TARGET, meets_target: total <= TARGET } : {}),
        prices_as_of: prices.asOf,
        breakdown,
        not_counted: notCountedOf(m, units),
        ...(happy && layout === 'strata' ? { sensitivity: sensitivitiesOf(m) } : {}),
        units: Object.fromEntries(Object.entries(units).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4])),
        ...(layout === 'strata' ? { description: m.description, counts: countsOf(m) } : {}),
      }),
    );
  }
}
console.log(JSON.stringify({ bench: 'cost', assumptions: ASSUMPTIONS, fixed: fixedPerMonth(), prices_source: prices.source }));
