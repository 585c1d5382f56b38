/**
 * The stores of a configuration: the event store and its change feed, and the SQL database of the
 * relational read model (which also holds leases, checkpoints, identity and the outbox when the
 * engine runs as several processes).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { ChangeFeed, EventStore } from '@strata/events';
import { createMemoryEventStore } from '@strata/write-model';
import { createPostgresEventStore } from '@strata/write-model/postgres';
import { createDynamoEventStore, createDynamoStreamsFeed, ensureEventTable } from '@strata/write-model/dynamodb';
import type { SqlExecutor } from '@strata/projections';
import { pgExecutor } from '@strata/projections/postgres';
import type { Config } from './config.js';
import { redact } from './config.js';

export interface StoreParts {
  readonly store: EventStore;
  readonly feed: ChangeFeed;
  readonly readDb: SqlExecutor;
  readonly describe: string[];
  readonly close: () => Promise<void>;
}

/** Event store, change feed and the relational read model's database, per configuration. */
export const openStores = async (config: Config): Promise<StoreParts> => {
  const c = config.store;
  if (c.kind === 'pglite' || (c.kind !== 'postgres' && config.readModel.kind === 'pglite')) await mkdir(resolve(config.dataDir), { recursive: true });
  // PGlite is one embedded session: the event store and the read model share it when both live there.
  let lite: PGlite | undefined;
  const sharedLite = async (): Promise<PGlite> => {
    // Imported on demand: only the embedded configuration loads PGlite (WASM). The Lambda bundles
    // mark PGlite and DuckDB external (infra/src/strataFunction.ts); on AWS these paths never run.
    const { PGlite } = await import('@electric-sql/pglite');
    lite ??= await PGlite.create(config.readModel.kind === 'memory' ? undefined : join(resolve(config.dataDir), 'pg'));
    return lite;
  };
  const readDb = async (): Promise<SqlExecutor> =>
    config.readModel.kind === 'postgres' ? pgExecutor(config.readModel.url) : (await import('@strata/projections/pglite')).pgliteExecutor(await sharedLite());
  const readDesc = config.readModel.kind === 'postgres' ? `read model: PostgreSQL ${redact(config.readModel.url)}` : config.readModel.kind === 'pglite' ? `read model: PGlite in ${join(config.dataDir, 'pg')}` : 'read model: PGlite in memory';

  switch (c.kind) {
    case 'pglite': {
      const db = await sharedLite();
      const { createPgliteEventStore } = await import('@strata/write-model/pglite');
      const store = await createPgliteEventStore({ db });
      const r = await readDb();
      return { store, feed: store, readDb: r, describe: [`event store: PGlite in ${join(config.dataDir, 'pg')}`, readDesc], close: async () => { await r.close(); await store.close(); await db.close(); } };
    }
    case 'postgres': {
      const store = await createPostgresEventStore({ connectionString: c.url });
      const r = await readDb();
      return { store, feed: store, readDb: r, describe: [`event store: PostgreSQL ${redact(c.url)}`, readDesc], close: async () => { await r.close(); await store.close(); await lite?.close(); } };
    }
    case 'memory': {
      const store = createMemoryEventStore();
      const r = await readDb();
      return { store, feed: store, readDb: r, describe: ['event store: memory (lost on exit)', readDesc], close: async () => { await r.close(); await lite?.close(); } };
    }
    case 'dynamodb': {
      const clientConfig = { region: c.region, ...(c.endpoint ? { endpoint: c.endpoint } : {}) };
      const client = new DynamoDBClient(clientConfig);
      // On AWS the CDK app owns the table (the functions may not create tables): only look it up.
      // Against DynamoDB Local (an endpoint), create it when missing.
      const streamArn = c.endpoint
        ? (await ensureEventTable(client, c.tableName)).streamArn
        : (await client.send(new DescribeTableCommand({ TableName: c.tableName }))).Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`DynamoDB table ${c.tableName} has no stream; enable Streams (NEW_IMAGE)`);
      // The command handler has just read the stream it appends to, so the store may trust the
      // expected hash: one conditional PutItem per command (decision 0001).
      const store = createDynamoEventStore({ client, tableName: c.tableName, trustExpectedHash: true });
      const streamsClient = new DynamoDBStreamsClient(clientConfig);
      const feed = createDynamoStreamsFeed({ streamsClient, streamArn });
      const r = await readDb();
      return {
        store,
        feed,
        readDb: r,
        describe: [`event store: DynamoDB table ${c.tableName}${c.endpoint ? ` at ${c.endpoint}` : ''} (Streams feed)`, readDesc],
        close: async () => { await r.close(); await store.close(); client.destroy(); streamsClient.destroy(); await lite?.close(); },
      };
    }
  }
};

