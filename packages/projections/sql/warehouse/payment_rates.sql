-- Generated from packages/projections/src/warehouse/sql.ts (npx tsx packages/projections/src/warehouse/files.ts); edit there.
SELECT COUNT(*) AS requested,
  SUM(CASE WHEN status IN ('authorized', 'captured', 'voided', 'refunded') THEN 1 ELSE 0 END) AS authorized,
  SUM(CASE WHEN status = 'declined' THEN 1 ELSE 0 END) AS declined,
  CAST(SUM(CASE WHEN status IN ('authorized', 'captured', 'voided', 'refunded') THEN 1 ELSE 0 END) AS DOUBLE PRECISION) / NULLIF(COUNT(*), 0) AS authorization_rate,
  CAST(SUM(CASE WHEN status = 'declined' THEN 1 ELSE 0 END) AS DOUBLE PRECISION) / NULLIF(COUNT(*), 0) AS decline_rate
FROM payments;
