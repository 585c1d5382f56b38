/**
 * The CRUD baseline of the pipeline benchmark (issue 10): what a plain order service does per
 * order — verify the JWT (the same RS256 verifier and verified-token cache Strata uses), validate
 * the same body with the same codec, and one transaction inserting the order and its lines, 201.
 * Run as its own process (`node --import tsx bench/http/crud.ts`) so its CPU is counted alone.
 * Env: DATABASE_URL, PORT. `POST /token` issues a token for a bench user.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { createCachedVerifier, createLocalIdentity, createMemoryUserStore, generateSigningKeys } from '@strata/api';
import { PlaceOrderBody } from '@strata/api/http/routes.orders';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 8 });
await pool.query(`create schema if not exists crud`);
await pool.query(`create table if not exists crud.orders (order_id uuid primary key, customer_id text not null, status text not null, currency text not null, total bigint not null, street text, city text, zip text, country text, created_at timestamptz not null default now())`);
await pool.query(`create table if not exists crud.order_lines (order_id uuid not null, line_no int not null, product_id text not null, product_name text not null, quantity int not null, unit_price bigint not null, primary key (order_id, line_no))`);

const identity = createLocalIdentity({ users: createMemoryUserStore(), keys: await generateSigningKeys(), issuer: 'http://crud.bench', audience: 'strata', clock: () => new Date(), newId: () => crypto.randomUUID() });
const verifier = createCachedVerifier(identity.verifier, { clock: () => new Date() });

const app = new Hono();
app.post('/token', async (c) => {
  const email = `crud-${crypto.randomUUID()}@example.com`;
  const password = 'ComplexP@ss1234';
  const up = await identity.provider.signUp({ email, password, firstName: 'Crud', lastName: 'Bench', phoneNumber: '+11234567890' });
  const tokens = await identity.provider.signIn({ email, password });
  if (E.isLeft(up) || E.isLeft(tokens)) return c.json({ error: 'sign-up failed' }, 500);
  return c.json({ token: tokens.right.idToken, userId: up.right.userSub });
});
app.post('/orders', async (c) => {
  const token = (c.req.header('authorization') ?? '').replace(/^Bearer\s+/i, '');
  const principal = await verifier.verify(token);
  if (E.isLeft(principal)) return c.json({ error: 'unauthorized' }, 401);
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return c.json({ error: 'malformed JSON' }, 400);
  }
  const body = PlaceOrderBody.decode(raw);
  if (E.isLeft(body)) return c.json({ error: 'invalid' }, 400);
  const order = body.right;
  const minor = (p: number | string | undefined) => Math.round(Number(p ?? 0) * 100);
  const lines = order.items.map((i, n) => [n + 1, i.productId, i.productName, i.quantity, minor(i.price)] as const);
  const total = lines.reduce((s, l) => s + l[3] * l[4], 0);
  const orderId = crypto.randomUUID();
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`insert into crud.orders (order_id, customer_id, status, currency, total, street, city, zip, country) values ($1, $2, 'placed', 'USD', $3, $4, $5, $6, $7)`, [
      orderId, principal.right.sub, total, order.shippingAddress.street, order.shippingAddress.city, order.shippingAddress.zipCode, order.shippingAddress.country,
    ]);
    await client.query(
      `insert into crud.order_lines (order_id, line_no, product_id, product_name, quantity, unit_price) select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::bigint[])`,
      [orderId, lines.map((l) => l[0]), lines.map((l) => l[1]), lines.map((l) => l[2]), lines.map((l) => l[3]), lines.map((l) => l[4])],
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return c.json({ orderId, status: 'placed', total: total / 100 }, 201);
});
app.get('/health', (c) => c.json({ status: 'ok' }));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' });
process.on('SIGTERM', () => void pool.end().finally(() => process.exit(0)));
