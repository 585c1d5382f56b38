/**
 * The cost model: the units one order consumes on a path (counted by `measure.ts` on the code)
 * priced with `prices.json`. Counts come from the measurement; durations, which this machine
 * cannot measure, from the assumptions below — every one stated and printed with the figures.
 * Memory sizes are the CDK app's own (`LAMBDA_MEMORY_MB`), the retry backoff the documents' own
 * (`TASK_RETRY`), the provider client's retries its defaults (`HTTP_PROVIDER_DEFAULTS`).
 */
import { readFileSync } from 'node:fs';
import { HTTP_PROVIDER_DEFAULTS, TASK_RETRY } from '@strata/workflows';
import { EXPRESS_LOG_LEVEL, LAMBDA_MEMORY_MB } from '../../infra/src/paths.js';
import type { PathMeasure, TaskAttempt } from './measure.js';

export const prices = JSON.parse(readFileSync(new URL('./prices.json', import.meta.url), 'utf8')) as {
  asOf: string;
  source: string;
  dynamodb: { onDemandWriteUnitPerMillion: number; onDemandReadUnitPerMillion: number };
  lambda: { requestPerMillion: number; gbSecondArm64: number };
  eventbridge: { customEventPerMillion: number; schedulerInvocationPerMillion: number };
  stepfunctions: { standardTransitionPerThousand: number; expressRequestPerMillion: number; expressGbSecond: number; expressMemoryGb: number; expressBillingIncrementSeconds: number };
  firehose: { ingestPerGb: number; recordRoundingKb: number; parquetConversionPerGb: number; dynamicPartitioningPerGb: number };
  notCounted: { apiGatewayRestPerMillion: number; snsPublishPerMillion: number; cloudwatchLogsIngestPerGb: number };
};

/** What the model cannot measure here, stated. Sensitivities to the large ones are printed too. */
export const ASSUMPTIONS = {
  /** Provider answer time per HTTP request (a 5xx answers as fast): an issuer round trip to authorize; the others are recorded at the gateway. */
  providerSeconds: { authorize: 0.3, capture: 0.15, void: 0.15, refund: 0.15 },
  /** One DynamoDB request from a Lambda in the region (single-digit milliseconds). */
  dynamoRequestSeconds: 0.005,
  /** The step handler's own work per invocation at its memory size (JSON, hashing, SDK marshalling). */
  stepHandlerOwnSeconds: 0.02,
  /** Step Functions invoking the step Lambda and getting its answer: in the execution's duration, not the Lambda's. */
  taskInvokeOverheadSeconds: 0.02,
  /** One API command in the API Lambda, answering from the command's result (STRATA_READ_YOUR_WRITES_MS=0, as the CDK app sets it). */
  apiSecondsPerCommand: 0.05,
  /**
   * Stream consumers (projector, publisher, notifications) get full batches of 100 records: a
   * sustained load of at least 100 commits per shard within a batching window (1 s). Below that
   * they run once per window with fewer records (see the `low_traffic` sensitivity).
   */
  streamBatchRecords: 100,
  streamBatchingWindowSeconds: 1,
  /** Seconds per stream batch: fixed + per record (projector: one SQL transaction, Redis, one Firehose call; notifications: 10 at once). */
  streamBatchSeconds: {
    projector: { fixed: 0.05, perRecord: 0.0045 },
    publisher: { fixed: 0.02, perRecord: 0.0008 },
    notification: { fixed: 0.02, perRecord: 0.0028 },
  },
  /** The notification Lambda finds the customer in the read model (a fixed-cost database); the order stream only when the projector lags. */
  notificationLookupReadUnits: 0,
  /** CloudWatch Logs (not counted): per Lambda invocation (START, END, REPORT, one log line). */
  lambdaLogBytesPerInvocation: 400,
} as const;

/** The sensitivities printed beside the happy path. */
export const SENSITIVITIES = {
  /** A slow provider: authorize answered in 1 s. */
  providerAuthorizeSeconds: 1,
  /** A small shop: 1 M orders a month on one stream shard (batches hold what one window brings). */
  lowTrafficOrdersPerMonth: 1_000_000,
  /** The API waiting for the projector before answering (STRATA_READ_YOUR_WRITES_MS > 0): the stream's delay, about 1 s. */
  readYourWritesWaitSeconds: 1,
} as const;

export type Layout = 'strata' | 'naive';
type Assumptions = { -readonly [K in keyof typeof ASSUMPTIONS]: (typeof ASSUMPTIONS)[K] } & { providerSeconds: { authorize: number; capture: number; void: number; refund: number }; apiSecondsPerCommand: number; streamBatchRecords: number };

export interface Units {
  writeUnits: number;
  readUnits: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  eventBridgeEvents: number;
  standardTransitions: number;
  expressRequests: number;
  /** Billed seconds (each execution rounded up to 100 ms), at 64 MB. */
  expressBilledSeconds: number;
  firehoseBytes: number;
}

const GB = 1024 ** 3;
const MILLION = 1e6;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const memGb = (entry: keyof typeof LAMBDA_MEMORY_MB): number => LAMBDA_MEMORY_MB[entry] / 1024;
const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** The HTTP client's mean backoff before its k-th request (k ≥ 2): equal jitter, half to all of base × 2^(k-2). */
const clientBackoffSeconds = (requests: number): number => {
  let total = 0;
  for (let k = 2; k <= requests; k++) total += 0.75 * HTTP_PROVIDER_DEFAULTS.backoffMs * 2 ** (k - 2);
  return total / 1000;
};

/** One step Lambda invocation: its own work, its DynamoDB requests, its provider requests and the client's waits between them. */
export const taskSeconds = (t: TaskAttempt, a: Assumptions = ASSUMPTIONS): number => {
  const provider = (['authorize', 'capture', 'void', 'refund'] as const).reduce((s, k) => s + t.providerRequests[k] * a.providerSeconds[k] + clientBackoffSeconds(t.providerRequests[k]), 0);
  return a.stepHandlerOwnSeconds + t.dynamoRequests * a.dynamoRequestSeconds + provider;
};

/** The documents' Retry: the n-th retry waits IntervalSeconds × BackoffRate^(n-1), FULL jitter: half that on average. */
const retryWaitSeconds = (retry: number): number => (TASK_RETRY.IntervalSeconds * TASK_RETRY.BackoffRate ** (retry - 1)) / (TASK_RETRY.JitterStrategy === 'FULL' ? 2 : 1);

/** Stream-consumer Lambda time per order: invocations × (fixed + records × per record), at each consumer's memory. */
const streamConsumers = (commits: number, a: Assumptions) => {
  const invocations = commits / a.streamBatchRecords;
  const seconds = (c: keyof typeof ASSUMPTIONS.streamBatchSeconds) => invocations * (a.streamBatchSeconds[c].fixed + a.streamBatchSeconds[c].perRecord * a.streamBatchRecords);
  return {
    invocations: 3 * invocations,
    gbSeconds: seconds('projector') * memGb('projector') + seconds('publisher') * memGb('publisher') + seconds('notification') * memGb('notification'),
  };
};

/** The units one order consumes on a measured path, in a layout. */
export const unitsOf = (m: PathMeasure, layout: Layout, a: Assumptions = ASSUMPTIONS): Units => {
  const puts = m.dynamo.filter((r) => r.op === 'put');
  const queries = m.dynamo.filter((r) => r.op === 'query');
  // Loads by the API and the steps; the notification consumer's lookups go to the read model.
  const readUnits = sum(queries.filter((q) => q.by !== 'stream').map((q) => q.units)) + queries.filter((q) => q.by === 'stream').length * a.notificationLookupReadUnits;
  const api = { invocations: m.apiCommands.length, gbSeconds: m.apiCommands.length * a.apiSecondsPerCommand * memGb('api') };
  const steps = { invocations: m.tasks.length, gbSeconds: sum(m.tasks.map((t) => taskSeconds(t, a))) * memGb('paymentStep') };
  const stream = streamConsumers(m.commits.length, a);
  const executionSeconds = (name: string) =>
    sum(m.tasks.filter((t) => t.execution === name).map((t) => a.taskInvokeOverheadSeconds + taskSeconds(t, a))) +
    sum((m.executions.find((e) => e.name === name)?.retries ?? []).map((r) => retryWaitSeconds(r.retry)));
  const increment = prices.stepfunctions.expressBillingIncrementSeconds;
  const billed = sum(m.executions.map((e) => Math.ceil(round(executionSeconds(e.name), 6) / increment) * increment));
  const rowsPerRecord = 500;
  const batches = m.commits.length / a.streamBatchRecords;
  if (layout === 'strata') {
    return {
      writeUnits: sum(puts.map((p) => p.units)),
      readUnits,
      lambdaInvocations: api.invocations + steps.invocations + stream.invocations,
      lambdaGbSeconds: api.gbSeconds + steps.gbSeconds + stream.gbSeconds,
      eventBridgeEvents: m.routedEventBytes.length,
      standardTransitions: 0,
      expressRequests: m.executions.length,
      expressBilledSeconds: billed,
      // Rows packed up to 500 per record; each batch's records round up to 5 KB (half of it on average).
      firehoseBytes: sum(m.lakeRowBytes) + batches * Math.ceil(((m.lakeRowBytes.length / m.commits.length) * a.streamBatchRecords) / rowsPerRecord) * ((prices.firehose.recordRoundingKb * 1024) / 2),
    };
  }
  // The naive layout: an item per event and per order line written with TransactWriteItems (2 units
  // per started KB), every event on the bus, Standard workflows (a transition per state entered
  // and per retry), a Firehose record per event (rounded up to 5 KB).
  const transactionItems = m.commits.flatMap((c) => [...c.eventBytes, ...Array.from({ length: c.lines }, () => 200)]);
  return {
    writeUnits: sum(transactionItems.map((b) => 2 * Math.ceil(b / 1024))),
    readUnits,
    lambdaInvocations: api.invocations + steps.invocations + stream.invocations,
    lambdaGbSeconds: api.gbSeconds + steps.gbSeconds + stream.gbSeconds,
    eventBridgeEvents: m.allEventBytes.length,
    standardTransitions: sum(m.executions.map((e) => e.statesEntered + e.retries.length)),
    expressRequests: 0,
    expressBilledSeconds: 0,
    firehoseBytes: sum(m.lakeRowBytes.map((b) => Math.ceil(b / (prices.firehose.recordRoundingKb * 1024)) * prices.firehose.recordRoundingKb * 1024)),
  };
};

/** US dollars per million orders, by counted service. */
export const breakdownOf = (u: Units) => {
  const p = prices;
  const breakdown = {
    dynamodb_writes: u.writeUnits * p.dynamodb.onDemandWriteUnitPerMillion,
    dynamodb_reads: u.readUnits * p.dynamodb.onDemandReadUnitPerMillion,
    lambda_requests: u.lambdaInvocations * p.lambda.requestPerMillion,
    lambda_compute: u.lambdaGbSeconds * p.lambda.gbSecondArm64 * MILLION,
    eventbridge_events: u.eventBridgeEvents * p.eventbridge.customEventPerMillion,
    stepfunctions_standard: (u.standardTransitions / 1000) * p.stepfunctions.standardTransitionPerThousand * MILLION,
    stepfunctions_express: u.expressRequests * p.stepfunctions.expressRequestPerMillion + u.expressBilledSeconds * p.stepfunctions.expressMemoryGb * p.stepfunctions.expressGbSecond * MILLION,
    firehose: (u.firehoseBytes / GB) * (p.firehose.ingestPerGb + p.firehose.parquetConversionPerGb + p.firehose.dynamicPartitioningPerGb) * MILLION,
  };
  return { total: round(sum(Object.values(breakdown))), breakdown: Object.fromEntries(Object.entries(breakdown).map(([k, v]) => [k, round(v)])) as Record<keyof typeof breakdown, number> };
};

/**
 * What one order also costs in services outside the issue's list, per million orders — printed
 * apart so nobody mistakes the total for the whole bill. Cognito bills per monthly active user,
 * not per order.
 */
export const notCountedOf = (m: PathMeasure, u: Units) => {
  const p = prices.notCounted;
  // The state machines log at EXPRESS_LOG_LEVEL (the CDK app's): failures only, or every state.
  const executionLogBytes = sum(m.executions.map((e) => (EXPRESS_LOG_LEVEL === 'ERROR' ? e.errorLogBytes : e.logBytes)));
  const logBytes = executionLogBytes + u.lambdaInvocations * ASSUMPTIONS.lambdaLogBytesPerInvocation;
  const items = {
    api_gateway_rest: m.apiCommands.length * p.apiGatewayRestPerMillion,
    sns_publish: m.notifications * p.snsPublishPerMillion,
    // Estimated from the local runner's state events (as Express logs them with their data) and the Lambda log lines.
    cloudwatch_logs: (logBytes / GB) * p.cloudwatchLogsIngestPerGb * MILLION,
  };
  return { total: round(sum(Object.values(items))), ...Object.fromEntries(Object.entries(items).map(([k, v]) => [k, round(v)])), cognito: 'per monthly active user, not per order' };
};

/** The happy path again under each sensitivity (strata layout). */
export const sensitivitiesOf = (m: PathMeasure) => {
  const slow = { ...ASSUMPTIONS, providerSeconds: { ...ASSUMPTIONS.providerSeconds, authorize: SENSITIVITIES.providerAuthorizeSeconds } } as Assumptions;
  // 1 M orders a month: commits per second on one shard × the window = the records a batch holds.
  const perSecond = (SENSITIVITIES.lowTrafficOrdersPerMonth * m.commits.length) / (30 * 24 * 3600);
  const lowTraffic = { ...ASSUMPTIONS, streamBatchRecords: Math.max(1, perSecond * ASSUMPTIONS.streamBatchingWindowSeconds) } as Assumptions;
  const waiting = { ...ASSUMPTIONS, apiSecondsPerCommand: ASSUMPTIONS.apiSecondsPerCommand + SENSITIVITIES.readYourWritesWaitSeconds } as Assumptions;
  return {
    provider_authorize_1s: breakdownOf(unitsOf(m, 'strata', slow)).total,
    low_traffic_1M_orders_per_month: breakdownOf(unitsOf(m, 'strata', lowTraffic)).total,
    api_waits_1s_for_the_read_model: breakdownOf(unitsOf(m, 'strata', waiting)).total,
  };
};

/** Costs that do not grow with orders: the hourly hold-expiry sweep (one schedule start, one execution, one step invocation). */
export const fixedPerMonth = () => {
  const sweeps = 30 * 24;
  const stepSeconds = ASSUMPTIONS.stepHandlerOwnSeconds + 0.01; // one read-model query
  const usd =
    sweeps * (prices.eventbridge.schedulerInvocationPerMillion / MILLION) +
    sweeps * (prices.stepfunctions.expressRequestPerMillion / MILLION) +
    sweeps * prices.stepfunctions.expressBillingIncrementSeconds * prices.stepfunctions.expressMemoryGb * prices.stepfunctions.expressGbSecond +
    sweeps * (prices.lambda.requestPerMillion / MILLION + stepSeconds * memGb('paymentStep') * prices.lambda.gbSecondArm64);
  return { hold_expiry_sweep_usd_per_month: round(usd, 4), sweeps_per_month: sweeps };
};

/** The counts a path consumed, for the reader (what the code did). */
export const countsOf = (m: PathMeasure) => ({
  api_commands: m.apiCommands,
  commits: m.commits.map((c) => `${c.streamId.split('-')[0]}: ${c.types.join('+')} (${c.itemBytes} B, ${c.writeUnits} WCU)`),
  dynamodb_queries: m.dynamo.filter((r) => r.op === 'query').map((q) => `${q.by}: ${q.units} RCU`),
  executions: m.executions.map((e) => `${e.workflow}: ${e.statesEntered} states${e.retries.length > 0 ? `, ${e.retries.length} retries` : ''}`),
  step_invocations: m.tasks.map((t) => `${t.state}${t.failed ? ' (failed)' : ''}: ${t.dynamoRequests} DynamoDB, ${Object.entries(t.providerRequests).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'no provider'}`),
  routed_events: m.routedEventBytes.length,
  notifications: m.notifications,
  lake_rows: m.lakeRowBytes.length,
  outcome: m.outcome,
});
