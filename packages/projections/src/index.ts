/**
 * @strata/projections — the read side: pure projectors, the sinks they feed (relational, status
 * cache, lake), the consumers that drive them (catch-up over the change feed, DynamoDB Streams
 * batches), dead letters, rebuild and lag. Drivers live in subpaths: `./postgres`, `./pglite`,
 * `./redis`, `./lake` (DuckDB); the warehouse `.sql` files in `./warehouse/files`; test kits in `./testing`.
 */
export * from './queries.js';
export * from './domain/docs.js';
export * from './domain/lake.js';
export * from './domain/readModel.js';
export * from './sink.js';
export * from './consumer.js';
export * from './streamsHandler.js';
export * from './lag.js';
export * from './cache/statusCache.js';
export * from './relational/executor.js';
export * from './relational/migrations.js';
export * from './relational/sqlReadModel.js';
export * from './relational/rebuild.js';
export { warehouseQueries, warehouseParams, isRanged, ALL_DAYS, duckdbPrelude, type WarehouseQuery, type DateRange } from './warehouse/sql.js';
export * from './coordination/lease.js';
export * from './coordination/lease.sql.js';
export * from './coordination/schema.js';
export * from './coordination/checkpoint.js';
export * from './coordination/partition.js';
export * from './coordination/guard.js';
