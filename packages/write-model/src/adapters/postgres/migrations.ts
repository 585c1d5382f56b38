import { quoteSchema, type SqlExecutor } from './sql.js';

/**
 * Versioned migrations of the SQL event store. STORAGE FORMAT: never edit an applied migration;
 * add the next id. They are TS modules (not .sql files) so `dist/` carries them without a copy
 * step; each is a list of single statements because PGlite's extended protocol runs one at a time.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly statements: (s: string) => readonly string[];
}

export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'events',
    statements: (s) => [
      // One row per event. `position` is the global order of inserts; `xid` the inserting
      // transaction, which the feed reader uses so it never passes an uncommitted lower position.
      // `commit_start`/`commit_events` mark the first row of each commit and the commit's size so a
      // retried command id finds its original commit through one unique index.
      `CREATE TABLE ${s}.strata_events (
         position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
         stream_id text NOT NULL,
         version integer NOT NULL CHECK (version > 0),
         event_id text NOT NULL,
         type text NOT NULL,
         schema_version integer NOT NULL,
         occurred_at text NOT NULL,
         actor jsonb NOT NULL,
         causation_id text NOT NULL,
         correlation_id text NOT NULL,
         command_id text NOT NULL,
         command_fingerprint text NOT NULL,
         commit_start boolean NOT NULL,
         commit_events integer NOT NULL,
         prev_hash text NOT NULL,
         hash text NOT NULL,
         data jsonb NOT NULL,
         CONSTRAINT strata_events_stream_version_key UNIQUE (stream_id, version)
       )`,
      `CREATE UNIQUE INDEX strata_events_stream_command_key ON ${s}.strata_events (stream_id, command_id) WHERE commit_start`,
      `CREATE INDEX strata_events_feed_idx ON ${s}.strata_events (xid, position)`,
      // The stored row as an `EventEnvelope` (JSON), for reads and for duplicate answers.
      `CREATE FUNCTION ${s}.strata_envelope(e ${s}.strata_events) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $fn$
         SELECT jsonb_build_object('eventId', e.event_id, 'streamId', e.stream_id, 'streamVersion', e.version, 'type', e.type,
           'schemaVersion', e.schema_version, 'occurredAt', e.occurred_at, 'actor', e.actor, 'causationId', e.causation_id,
           'correlationId', e.correlation_id, 'commandId', e.command_id, 'commandFingerprint', e.command_fingerprint,
           'prevHash', e.prev_hash, 'hash', e.hash, 'data', e.data)
       $fn$`,
      // The whole append in one round trip: idempotency lookup, tail check, insert. The unique
      // (stream_id, version) constraint is what settles races; the tail check only answers the
      // common conflict without raising an error.
      `CREATE FUNCTION ${s}.strata_append(p_stream text, p_version integer, p_hash text, p_command_id text, p_events jsonb)
       RETURNS jsonb LANGUAGE plpgsql AS $fn$
       DECLARE
         v_start integer;
         v_count integer;
         v_tail integer;
         v_tail_hash text;
       BEGIN
         SELECT version, commit_events INTO v_start, v_count FROM ${s}.strata_events
          WHERE stream_id = p_stream AND command_id = p_command_id AND commit_start;
         IF FOUND THEN
           RETURN jsonb_build_object('status', 'duplicate', 'events',
             (SELECT jsonb_agg(${s}.strata_envelope(e) ORDER BY e.version) FROM ${s}.strata_events e
               WHERE e.stream_id = p_stream AND e.version >= v_start AND e.version < v_start + v_count));
         END IF;
         SELECT version, hash INTO v_tail, v_tail_hash FROM ${s}.strata_events
          WHERE stream_id = p_stream ORDER BY version DESC LIMIT 1;
         IF coalesce(v_tail, 0) <> p_version OR (v_tail IS NOT NULL AND v_tail_hash <> p_hash) THEN
           RETURN jsonb_build_object('status', 'conflict', 'version', coalesce(v_tail, 0));
         END IF;
         INSERT INTO ${s}.strata_events (stream_id, version, event_id, type, schema_version, occurred_at, actor, causation_id,
                correlation_id, command_id, command_fingerprint, commit_start, commit_events, prev_hash, hash, data)
         SELECT p_stream, x."streamVersion", x."eventId", x.type, x."schemaVersion", x."occurredAt", x.actor, x."causationId",
                x."correlationId", x."commandId", x."commandFingerprint", x."streamVersion" = p_version + 1,
                jsonb_array_length(p_events), x."prevHash", x.hash, x.data
           FROM jsonb_to_recordset(p_events) AS x("streamVersion" integer, "eventId" text, type text, "schemaVersion" integer,
                "occurredAt" text, actor jsonb, "causationId" text, "correlationId" text, "commandId" text,
                "commandFingerprint" text, "prevHash" text, hash text, data jsonb)
          ORDER BY x."streamVersion";
         RETURN jsonb_build_object('status', 'ok');
       END
       $fn$`,
    ],
  },
  {
    id: 2,
    name: 'append-many',
    statements: (s) => [
      // Group commit: several commits (any streams) in one statement and one transaction, each
      // through strata_append in order, so a later commit sees the earlier ones. Answers in order.
      `CREATE FUNCTION ${s}.strata_append_many(p_commits jsonb)
       RETURNS jsonb LANGUAGE plpgsql AS $fn$
       DECLARE
         c jsonb;
         answers jsonb := '[]'::jsonb;
       BEGIN
         FOR c IN SELECT value FROM jsonb_array_elements(p_commits) LOOP
           answers := answers || jsonb_build_array(${s}.strata_append(c->>'stream', (c->>'version')::integer, c->>'hash', c->>'commandId', c->'events'));
         END LOOP;
         RETURN answers;
       END
       $fn$`,
    ],
  },
  {
    id: 3,
    name: 'append-conditions',
    statements: (s) => [
      // An append conditional on other streams' versions (decision 0007): the command id lookup
      // first (a retry answers its first outcome even when a condition no longer holds), then each
      // condition, then strata_append — all in the caller's transaction. Read committed: each
      // check sees every commit made before it ran, so the order is serialized before any
      // product commit it did not see (never after one it missed).
      `CREATE FUNCTION ${s}.strata_append_checked(p_stream text, p_version integer, p_hash text, p_command_id text, p_events jsonb, p_conditions jsonb)
       RETURNS jsonb LANGUAGE plpgsql AS $fn$
       DECLARE
         c jsonb;
         v_actual integer;
       BEGIN
         IF p_conditions IS NOT NULL AND jsonb_array_length(p_conditions) > 0
            AND NOT EXISTS (SELECT 1 FROM ${s}.strata_events WHERE stream_id = p_stream AND command_id = p_command_id AND commit_start) THEN
           FOR c IN SELECT value FROM jsonb_array_elements(p_conditions) LOOP
             SELECT coalesce(max(version), 0) INTO v_actual FROM ${s}.strata_events WHERE stream_id = c->>'stream';
             IF v_actual <> (c->>'version')::integer THEN
               RETURN jsonb_build_object('status', 'condition', 'stream', c->>'stream', 'version', v_actual);
             END IF;
           END LOOP;
         END IF;
         RETURN ${s}.strata_append(p_stream, p_version, p_hash, p_command_id, p_events);
       END
       $fn$`,
      // Group commit now passes each commit's conditions (absent: a plain strata_append).
      `CREATE OR REPLACE FUNCTION ${s}.strata_append_many(p_commits jsonb)
       RETURNS jsonb LANGUAGE plpgsql AS $fn$
       DECLARE
         c jsonb;
         answers jsonb := '[]'::jsonb;
       BEGIN
         FOR c IN SELECT value FROM jsonb_array_elements(p_commits) LOOP
           answers := answers || jsonb_build_array(${s}.strata_append_checked(c->>'stream', (c->>'version')::integer, c->>'hash', c->>'commandId', c->'events', c->'conditions'));
         END LOOP;
         RETURN answers;
       END
       $fn$`,
    ],
  },
  {
    id: 4,
    name: 'traceparent',
    statements: (s) => [
      // The W3C trace context of the commit (decision 0011): nullable, outside the hash, so rows
      // written before it and with tracing off are unchanged. Adding a nullable column rewrites nothing.
      `ALTER TABLE ${s}.strata_events ADD COLUMN IF NOT EXISTS traceparent text`,
      `CREATE OR REPLACE FUNCTION ${s}.strata_envelope(e ${s}.strata_events) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $fn$
         SELECT jsonb_build_object('eventId', e.event_id, 'streamId', e.stream_id, 'streamVersion', e.version, 'type', e.type,
           'schemaVersion', e.schema_version, 'occurredAt', e.occurred_at, 'actor', e.actor, 'causationId', e.causation_id,
           'correlationId', e.correlation_id, 'commandId', e.command_id, 'commandFingerprint', e.command_fingerprint,
           'prevHash', e.prev_hash, 'hash', e.hash, 'data', e.data)
           || CASE WHEN e.traceparent IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('traceparent', e.traceparent) END
       $fn$`,
      // strata_append of migration 1, plus the traceparent column.
      `CREATE OR REPLACE FUNCTION ${s}.strata_append(p_stream text, p_version integer, p_hash text, p_command_id text, p_events jsonb)
       RETURNS jsonb LANGUAGE plpgsql AS $fn$
       DECLARE
         v_start integer;
         v_count integer;
         v_tail integer;
         v_tail_hash text;
       BEGIN
         SELECT version, commit_events INTO v_start, v_count FROM ${s}.strata_events
          WHERE stream_id = p_stream AND command_id = p_command_id AND commit_start;
         IF FOUND THEN
           RETURN jsonb_build_object('status', 'duplicate', 'events',
             (SELECT jsonb_agg(${s}.strata_envelope(e) ORDER BY e.version) FROM ${s}.strata_events e
               WHERE e.stream_id = p_stream AND e.version >= v_start AND e.version < v_start + v_count));
         END IF;
         SELECT version, hash INTO v_tail, v_tail_hash FROM ${s}.strata_events
          WHERE stream_id = p_stream ORDER BY version DESC LIMIT 1;
         IF coalesce(v_tail, 0) <> p_version OR (v_tail IS NOT NULL AND v_tail_hash <> p_hash) THEN
           RETURN jsonb_build_object('status', 'conflict', 'version', coalesce(v_tail, 0));
         END IF;
         INSERT INTO ${s}.strata_events (stream_id, version, event_id, type, schema_version, occurred_at, actor, causation_id,
                correlation_id, command_id, command_fingerprint, commit_start, commit_events, prev_hash, hash, data, traceparent)
         SELECT p_stream, x."streamVersion", x."eventId", x.type, x."schemaVersion", x."occurredAt", x.actor, x."causationId",
                x."correlationId", x."commandId", x."commandFingerprint", x."streamVersion" = p_version + 1,
                jsonb_array_length(p_events), x."prevHash", x.hash, x.data, x.traceparent
           FROM jsonb_to_recordset(p_events) AS x("streamVersion" integer, "eventId" text, type text, "schemaVersion" integer,
                "occurredAt" text, actor jsonb, "causationId" text, "correlationId" text, "commandId" text,
                "commandFingerprint" text, "prevHash" text, hash text, data jsonb, traceparent text)
          ORDER BY x."streamVersion";
         RETURN jsonb_build_object('status', 'ok');
       END
       $fn$`,
    ],
  },
];

/**
 * Applies the pending migrations to `schema` (created when missing) and records them. Safe when
 * several processes start at once: a transaction-scoped advisory lock per schema serializes them,
 * and each waits for the first one's commit before it reads what is applied.
 */
export const migrate = async (sql: SqlExecutor, schema: string): Promise<void> => {
  const s = quoteSchema(schema);
  await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`strata.event_store.migrate.${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${s}.strata_event_store_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const applied = new Set((await tx.query<{ id: number }>(`SELECT id FROM ${s}.strata_event_store_migrations`)).map((r) => r.id));
    for (const migration of migrations) {
      if (applied.has(migration.id)) continue;
      for (const statement of migration.statements(s)) await tx.query(statement);
      await tx.query(`INSERT INTO ${s}.strata_event_store_migrations (id, name) VALUES ($1, $2)`, [migration.id, migration.name]);
    }
  });
};
