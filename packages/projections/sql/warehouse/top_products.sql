-- Generated from packages/projections/src/warehouse/sql.ts (npx tsx packages/projections/src/warehouse/files.ts); edit there.
SELECT l.product_id, MAX(l.product_name) AS product_name, SUM(l.quantity) AS quantity, SUM(l.quantity * l.unit_price) AS revenue
FROM order_lines l JOIN orders o ON o.order_id = l.order_id WHERE o.status IN ('confirmed', 'shipped', 'delivered') AND o.day >= ? AND o.day <= ?
GROUP BY l.product_id ORDER BY quantity DESC, l.product_id LIMIT 10;
