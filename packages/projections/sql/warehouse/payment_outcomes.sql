-- Generated from packages/projections/src/warehouse/sql.ts (npx tsx packages/projections/src/warehouse/files.ts); edit there.
SELECT status, COUNT(*) AS payments FROM payments GROUP BY status ORDER BY status;
