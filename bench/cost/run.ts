/**
 * Cost model of one order through the happy path and the main failure paths: counts of the
 * billable units each path consumes, multiplied by the on-demand prices in `prices.json` (dated,
 * us-east-1). Prints one JSON line per path and layout:
 *   {"bench":"cost","layout":…,"path":…,"usd_per_million_orders":…,"breakdown":{…},"units":{…}}
 * Run: `npx tsx bench/cost/run.ts`. The counts follow the code: one commit (one conditional write)
 * per command, the saga's Task states per path, the routing rules' matches.
 */
import { readFileSync } from 'node:fs';

const prices = JSON.parse(readFileSync(new URL('./prices.json', import.meta.url), 'utf8')) as {
  asOf: string;
  dynamodb: { onDemandWriteUnitPerMillion: number; onDemandReadUnitPerMillion: number };
  lambda: { requestPerMillion: number; gbSecondArm64: number };
  eventbridge: { customEventPerMillion: number; schedulerInvocationPerMillion: number };
  stepfunctions: { standardTransitionPerThousand: number; expressRequestPerMillion: number; expressGbSecond: number; expressMemoryGb: number };
  firehose: { ingestPerGb: number; recordRoundingKb: number; parquetConversionPerGb: number };
};

/** Billable units one order consumes on a path. */
interface Units {
  writeUnits: number;
  readUnits: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  eventBridgeEvents: number;
  schedulerInvocations: number;
  standardTransitions: number;
  expressRequests: number;
  expressSeconds: number;
  firehoseKb: number;
}

// ── What one order does, per path (commands are commits; each commit ≤ 1 KB → 1 WCU) ────────
interface PathShape {
  /** Commands committed (API and saga). */
  commits: number;
  /** Events those commits hold. */
  events: number;
  /** Stream loads (one per command + the saga's state reads + notification lookups). */
  loads: number;
  /** API calls (Lambda behind API Gateway). */
  apiCalls: number;
  /** Saga Task states run, and their seconds (provider calls dominate). */
  tasks: number;
  taskSeconds: number;
  /** Workflow executions (request, release, expiry) and their states entered. */
  executions: number;
  statesEntered: number;
  executionSeconds: number;
  /** Routed events (those a rule matches) and the notifications among them. */
  routedEvents: number;
  notifications: number;
}

const paths: Record<string, PathShape> = {
  // place, request, authorized, confirm, ship, deliver, capture
  happy: { commits: 7, events: 7, loads: 13, apiCalls: 3, tasks: 6, taskSeconds: 0.9, executions: 3, statesEntered: 11, executionSeconds: 1.2, routedEvents: 5, notifications: 3 },
  // place, request, declined, cancel
  decline: { commits: 4, events: 4, loads: 6, apiCalls: 1, tasks: 3, taskSeconds: 0.5, executions: 2, statesEntered: 8, executionSeconds: 0.7, routedEvents: 3, notifications: 2 },
  // place, request, authorized, confirm, cancel (customer), void
  cancelled: { commits: 6, events: 6, loads: 10, apiCalls: 2, tasks: 5, taskSeconds: 0.8, executions: 3, statesEntered: 11, executionSeconds: 1.1, routedEvents: 4, notifications: 2 },
  // happy path whose authorization needed 2 ASL retries (provider 5xx) before success
  transient: { commits: 7, events: 7, loads: 13, apiCalls: 3, tasks: 8, taskSeconds: 1.5, executions: 3, statesEntered: 13, executionSeconds: 7.5, routedEvents: 5, notifications: 3 },
};

interface Layout {
  /** Write units per commit (transactions cost 2×; event-per-item adds items). */
  wcuPerCommit: (p: PathShape) => number;
  /** Read units per load (strongly consistent 1, eventually consistent 0.5, ≤ 4 KB). */
  rcuPerLoad: number;
  /** Events published to EventBridge. */
  published: (p: PathShape) => number;
  workflow: 'EXPRESS' | 'STANDARD';
  /** Firehose bytes per event after record rounding. */
  firehoseKbPerEvent: number;
}

const layouts: Record<string, Layout> = {
  // What this repository builds: one conditional write per commit, eventually consistent loads
  // (the conditional write catches staleness), only routed events published, Express workflows,
  // Firehose records batched (one record per stream batch, so no 5 KB rounding per event).
  strata: { wcuPerCommit: () => 1, rcuPerLoad: 0.5, published: (p) => p.routedEvents, workflow: 'EXPRESS', firehoseKbPerEvent: 1 },
  // The naive layout: an item per event and per order line, TransactWriteItems (2× WCU), every
  // event to EventBridge, Standard workflows, one Firehose record per event (5 KB rounding).
  naive: { wcuPerCommit: (p) => 2 * (1 + 3 * (p.events / p.commits)), rcuPerLoad: 1, published: (p) => p.events, workflow: 'STANDARD', firehoseKbPerEvent: prices.firehose.recordRoundingKb },
};

const STEP_LAMBDA_GB = 0.125;
const API_LAMBDA_GB = 0.25;
const API_SECONDS = 0.05;
const NOTIFY_SECONDS = 0.05;
const STREAM_BATCH = 100;
const STREAM_CONSUMERS = 2; // projections and the EventBridge publisher
const STREAM_BATCH_SECONDS = 0.5;

const unitsOf = (p: PathShape, l: Layout): Units => {
  // Hold expiry on the paths that authorize: a one-time Scheduler schedule starts the Express
  // HoldExpiry workflow at expiresAt (decision 0003); on Standard the Wait itself holds it.
  const expiry = p.executions >= 3 ? 1 : 0;
  const streamInvocations = (STREAM_CONSUMERS * p.commits) / STREAM_BATCH;
  return {
    writeUnits: p.commits * l.wcuPerCommit(p),
    readUnits: p.loads * l.rcuPerLoad,
    lambdaInvocations: p.apiCalls + p.tasks + p.notifications + streamInvocations,
    lambdaGbSeconds:
      p.apiCalls * API_SECONDS * API_LAMBDA_GB + p.taskSeconds * STEP_LAMBDA_GB + p.notifications * NOTIFY_SECONDS * STEP_LAMBDA_GB + streamInvocations * STREAM_BATCH_SECONDS * API_LAMBDA_GB,
    eventBridgeEvents: l.published(p),
    schedulerInvocations: l.workflow === 'EXPRESS' ? expiry : 0,
    standardTransitions: l.workflow === 'STANDARD' ? p.statesEntered : 0,
    expressRequests: l.workflow === 'EXPRESS' ? p.executions : 0,
    expressSeconds: l.workflow === 'EXPRESS' ? p.executionSeconds : 0,
    firehoseKb: p.events * l.firehoseKbPerEvent,
  };
};

const MILLION = 1e6;
const usdPerMillionOrders = (u: Units) => {
  const kbToGb = (kb: number) => kb / (1024 * 1024);
  const breakdown = {
    dynamodb_writes: u.writeUnits * prices.dynamodb.onDemandWriteUnitPerMillion,
    dynamodb_reads: u.readUnits * prices.dynamodb.onDemandReadUnitPerMillion,
    lambda_requests: u.lambdaInvocations * prices.lambda.requestPerMillion,
    lambda_compute: u.lambdaGbSeconds * prices.lambda.gbSecondArm64 * MILLION,
    eventbridge_events: u.eventBridgeEvents * prices.eventbridge.customEventPerMillion,
    scheduler: u.schedulerInvocations * prices.eventbridge.schedulerInvocationPerMillion,
    stepfunctions_standard: (u.standardTransitions / 1000) * prices.stepfunctions.standardTransitionPerThousand * MILLION,
    stepfunctions_express:
      u.expressRequests * prices.stepfunctions.expressRequestPerMillion +
      u.expressSeconds * prices.stepfunctions.expressMemoryGb * prices.stepfunctions.expressGbSecond * MILLION,
    firehose: kbToGb(u.firehoseKb) * (prices.firehose.ingestPerGb + prices.firehose.parquetConversionPerGb) * MILLION,
  };
  const round = (n: number) => Math.round(n * 100) / 100;
  const total = Object.values(breakdown).reduce((a, b) => a + b, 0);
  return { total: round(total), breakdown: Object.fromEntries(Object.entries(breakdown).map(([k, v]) => [k, round(v)])) };
};

for (const [layout, l] of Object.entries(layouts)) {
  for (const [path, p] of Object.entries(paths)) {
    const units = unitsOf(p, l);
    const { total, breakdown } = usdPerMillionOrders(units);
    console.log(JSON.stringify({ bench: 'cost', layout, path, usd_per_million_orders: total, target_usd: path === 'happy' ? 12 : undefined, prices_as_of: prices.asOf, breakdown, units }));
  }
}
