-- Generated from packages/projections/src/warehouse/sql.ts (npx tsx packages/projections/src/warehouse/files.ts); edit there.
SELECT currency, SUM(total) AS revenue, COUNT(*) AS orders, ROUND(CAST(SUM(total) AS DOUBLE PRECISION) / COUNT(*)) AS average_order_value
FROM orders WHERE status IN ('confirmed', 'shipped', 'delivered') AND day >= ? AND day <= ? GROUP BY currency ORDER BY currency;
