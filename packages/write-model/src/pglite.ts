/** @strata/write-model/pglite — the event store on embedded PGlite (same SQL as PostgreSQL). */
export { createPgliteEventStore, pgliteExecutor, type PgliteEventStoreOptions } from './adapters/eventStore.pglite.js';
export type { SqlEventStoreOptions } from './adapters/eventStore.sql.js';
