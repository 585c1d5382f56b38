-- Generated from packages/projections/src/warehouse/sql.ts (npx tsx packages/projections/src/warehouse/files.ts); edit there.
SELECT order_id, day, status, currency, total, country FROM orders WHERE day >= ? AND day <= ? ORDER BY day DESC, order_id LIMIT 1000;
