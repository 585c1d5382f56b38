-- Generated from packages/projections/src/warehouse/sql.ts (npx tsx packages/projections/src/warehouse/files.ts); edit there.
SELECT country, currency, SUM(total) AS amount, COUNT(*) AS orders FROM orders WHERE status IN ('confirmed', 'shipped', 'delivered') AND day >= ? AND day <= ?
GROUP BY country, currency ORDER BY amount DESC, country, currency;
