// Fails (exit 1) when the PostgreSQL or Redis that CI points the tests at cannot be reached.
import { createRequire } from 'node:module';
const require = createRequire(new URL('../packages/write-model/package.json', import.meta.url));
const requireP = createRequire(new URL('../packages/projections/package.json', import.meta.url));
const { Client } = require('pg');
const Redis = requireP('ioredis');

const problems = [];
try {
  const c = new Client({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  await c.query('select 1');
  await c.end();
  console.log(`PostgreSQL reachable at ${process.env.DATABASE_URL}`);
} catch (e) {
  problems.push(`PostgreSQL at ${process.env.DATABASE_URL}: ${e.message}`);
}
try {
  const r = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000, retryStrategy: () => null });
  await r.connect();
  await r.ping();
  r.disconnect();
  console.log(`Redis reachable at ${process.env.REDIS_URL}`);
} catch (e) {
  problems.push(`Redis at ${process.env.REDIS_URL}: ${e.message}`);
}
if (problems.length) {
  console.error(`Integration servers unreachable:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
