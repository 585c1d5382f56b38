import { quoteSchema, type SqlExecutor } from '../relational/executor.js';

/**
 * The engine's own coordination state in the shared database: leases and the checkpoints of
 * consumers that have no table of their own (bus, lake, notifications). It lives apart from the
 * read model's schema because `strata replay` swaps that one for a rebuilt copy. STORAGE FORMAT:
 * statements are only ever added, each idempotent.
 */
export const ENGINE_SCHEMA = 'strata_engine';

const statements = (s: string): string[] => [
  `create schema if not exists ${s}`,
  `create table if not exists ${s}.leases (name text primary key, holder text not null, token bigint not null, expires_at timestamptz not null)`,
  `create table if not exists ${s}.checkpoints (name text primary key, position text not null, updated_at timestamptz not null default now())`,
];

export const migrateEngineSchema = async (db: SqlExecutor, schema = ENGINE_SCHEMA): Promise<void> => {
  const s = quoteSchema(schema);
  await db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext($1))`, [`strata-engine-schema:${schema}`]);
    for (const sql of statements(s)) await tx.query(sql);
  });
};

/** A feed checkpoint: where a consumer resumes. */
export interface CheckpointStore {
  get(): Promise<string | undefined>;
  set(position: string): Promise<void>;
}

/**
 * A consumer's checkpoint in `strata_engine.checkpoints`. With `fence`, the write is refused
 * (`LeaseLostError`) unless the writer's lease is still current, in the same transaction.
 */
export const sqlCheckpoint = (db: SqlExecutor, name: string, o: { schema?: string; fence?: (tx: SqlExecutor) => Promise<void> } = {}): CheckpointStore => {
  const s = quoteSchema(o.schema ?? ENGINE_SCHEMA);
  const upsert = `insert into ${s}.checkpoints (name, position, updated_at) values ($1, $2, now())
                  on conflict (name) do update set position = excluded.position, updated_at = excluded.updated_at`;
  return {
    async get() {
      const [row] = await db.query<{ position: string }>(`select position from ${s}.checkpoints where name = $1`, [name]);
      return row?.position;
    },
    async set(position) {
      const fence = o.fence;
      if (fence === undefined) await db.query(upsert, [name, position]);
      else
        await db.transaction(async (tx) => {
          await fence(tx);
          await tx.query(upsert, [name, position]);
        });
    },
  };
};
