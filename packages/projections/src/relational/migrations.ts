import { quoteSchema, type SqlExecutor } from './executor.js';

/**
 * Versioned migrations of the relational read model, applied in order on start. STORAGE FORMAT:
 * a released migration is never edited; a change is a new migration. `s` is the quoted schema.
 */
export const migrations: ReadonlyArray<{ readonly version: number; readonly name: string; readonly sql: (s: string) => string }> = [
  {
    version: 1,
    name: 'read model tables',
    sql: (s) => `
      create table ${s}.customers (
        customer_id text primary key, email text not null, first_name text not null, last_name text not null,
        phone_number text not null, registered_at text not null, version integer not null);
      create table ${s}.orders (
        order_id text primary key, customer_id text not null, status text not null, currency text not null,
        total bigint not null, items jsonb not null, shipping_address jsonb not null, payment_id text,
        carrier text, tracking_number text, cancel_reason text,
        created_at text not null, updated_at text not null, version integer not null);
      -- GET /orders: a customer's orders, newest first, keyset-paginated on (created_at, order_id).
      create index orders_by_customer on ${s}.orders (customer_id, created_at desc, order_id desc);
      create index orders_by_status on ${s}.orders (status);
      create table ${s}.order_lines (
        order_id text not null, line_no integer not null, product_id text not null, product_name text not null,
        quantity integer not null, unit_price bigint not null, primary key (order_id, line_no));
      create index order_lines_by_product on ${s}.order_lines (product_id);
      create table ${s}.payments (
        payment_id text primary key, order_id text not null, customer_id text not null, status text not null,
        currency text not null, requested bigint not null, authorized bigint not null, captured bigint not null,
        refunded bigint not null, reason text, created_at text not null, updated_at text not null, version integer not null);
      create index payments_by_order on ${s}.payments (order_id);
      create index payments_by_customer on ${s}.payments (customer_id);
      create table ${s}.feedback (
        order_id text primary key, feedback_id text not null, customer_id text not null, rating integer not null,
        comment text not null, category text not null, submitted_at text not null, version integer not null);
      create index feedback_by_customer on ${s}.feedback (customer_id);
      create table ${s}.projection_checkpoints (projection text primary key, position text not null, updated_at text not null);
      create table ${s}.dead_letters (
        id bigserial primary key, projection text not null, event_id text not null, stream_id text not null,
        stream_version integer not null, position text, envelope jsonb not null, error text not null,
        failed_at text not null, redriven_at text, unique (projection, event_id));`,
  },
  {
    version: 2,
    name: 'payments.expires_at for the hold-expiry sweep',
    // Rows authorized before this migration have no expiry until a rebuild; the sweep then misses
    // them (`strata replay` rebuilds the read model from the event store).
    sql: (s) => `
      alter table ${s}.payments add column expires_at text;
      create index payments_authorized_by_expiry on ${s}.payments (expires_at) where status = 'authorized';`,
  },
  {
    version: 3,
    name: 'products: the catalogue (GET /products)',
    // Browsing only: orders are priced from the product streams in the event store (decision 0007).
    // `name_key` is lower(name): the page order and keyset cursor of GET /products.
    sql: (s) => `
      create table ${s}.products (
        product_id text primary key, name text not null, name_key text collate "C" not null, description text not null, status text not null,
        price bigint not null, currency text not null, listed_at text not null, updated_at text not null, version integer not null);
      create index products_listed_by_name on ${s}.products (name_key, product_id) where status = 'listed';`,
  },
];

/** Creates the schema and applies the migrations it lacks, serialised by an advisory lock. */
export const migrate = async (db: SqlExecutor, schema: string): Promise<void> => {
  const s = quoteSchema(schema);
  await db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext($1))`, [`strata-read-model:${schema}`]);
    await tx.query(`create schema if not exists ${s}`);
    await tx.query(`create table if not exists ${s}.schema_migrations (version integer primary key, name text not null, applied_at text not null)`);
    const applied = new Set((await tx.query<{ version: number }>(`select version from ${s}.schema_migrations`)).map((r) => Number(r.version)));
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      for (const statement of m.sql(s).split(';').map((x) => x.trim()).filter((x) => x !== '')) await tx.query(statement);
      await tx.query(`insert into ${s}.schema_migrations (version, name, applied_at) values ($1, $2, $3)`, [m.version, m.name, new Date().toISOString()]);
    }
  });
};
