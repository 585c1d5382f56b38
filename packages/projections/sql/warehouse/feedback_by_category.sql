-- Generated from packages/projections/src/warehouse/sql.ts (npx tsx packages/projections/src/warehouse/files.ts); edit there.
SELECT category, COUNT(*) AS count, AVG(CAST(rating AS DOUBLE PRECISION)) AS average_rating FROM feedback GROUP BY category ORDER BY category;
