/**
 * A consumer in its own process, for the crash test: follows the PostgreSQL event store's change
 * feed into the relational read model until it is killed. argv: databaseUrl eventsSchema readSchema.
 * Named `*.child.test.ts` so that no jest tier runs it and the package build leaves it out.
 */
import { createPostgresEventStore } from '@strata/write-model/postgres';
import { createCatchUpConsumer } from '../consumer.js';
import { pgExecutor } from '../postgres.js';
import { createSqlReadModel } from '../relational/sqlReadModel.js';

const main = async () => {
  const [url = '', eventsSchema = '', readSchema = ''] = process.argv.slice(2);
  const store = await createPostgresEventStore({ connectionString: url, schema: eventsSchema, maxConnections: 2 });
  const rm = createSqlReadModel({ db: pgExecutor(url, { max: 2 }), schema: readSchema });
  const consumer = createCatchUpConsumer({ feed: store, sink: rm.sink, deadLetters: rm.deadLetters, batchSize: 3 });
  for (;;) await consumer.runOnce();
};
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
