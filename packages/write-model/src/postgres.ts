/** @strata/write-model/postgres — the event store on PostgreSQL (`pg`). */
export { createPostgresEventStore, pgExecutor, type PostgresEventStoreOptions } from './adapters/eventStore.postgres.js';
export { createSqlEventStore, type SqlEventStoreOptions } from './adapters/eventStore.sql.js';
export { migrate, migrations, type Migration } from './adapters/postgres/migrations.js';
export type { SqlExecutor, SqlQuery } from './adapters/postgres/sql.js';
