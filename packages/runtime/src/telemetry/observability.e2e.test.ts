import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { httpSend, runSeedFlow, type SeedFlowResult } from '../e2e/seedFlow.js';
import { startTestRuntime, type TestRuntime } from '../e2e/harness.js';
import { startTracing, stopTracing } from './tracing.js';

jest.setTimeout(120_000);

/** An in-memory exporter that also resolves a promise once a span matching `until` has ended. */
const waitingExporter = () => {
  const exporter = new InMemorySpanExporter();
  const waiters: Array<{ until: (s: ReadableSpan) => boolean; resolve: (s: ReadableSpan) => void }> = [];
  const exportSpans = exporter.export.bind(exporter);
  exporter.export = (spans, done) => {
    exportSpans(spans, done);
    for (const span of spans)
      for (const w of [...waiters])
        if (w.until(span)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(span);
        }
  };
  const spanWhere = (until: (s: ReadableSpan) => boolean): Promise<ReadableSpan> => {
    const done = exporter.getFinishedSpans().find(until);
    return done !== undefined ? Promise.resolve(done) : new Promise((resolve) => waiters.push({ until, resolve }));
  };
  return { exporter, spanWhere };
};

const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

describe('observability: one trace per order, counters on /metrics (PGlite, tracing on with an in-memory exporter)', () => {
  const { exporter, spanWhere } = waitingExporter();
  let runtime: TestRuntime;
  let flow: SeedFlowResult;
  let orderTrace: ReadableSpan[];

  beforeAll(async () => {
    await startTracing({}, { exporter, instrumentations: false });
    runtime = await startTestRuntime('pglite');
    flow = await runSeedFlow(httpSend(runtime.url), `${Date.now()}obs`);
    const post = await spanWhere((s) => s.name === 'POST /orders');
    // The saga's execution span ends after its last step: then the whole trace has been exported.
    await spanWhere((s) => s.name === 'saga PaymentRequest' && s.spanContext().traceId === post.spanContext().traceId);
    orderTrace = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === post.spanContext().traceId);
  });
  afterAll(async () => {
    await runtime?.stop();
    await stopTracing();
  });

  const one = (name: string): ReadableSpan => {
    const found = orderTrace.filter((s) => s.name === name);
    expect(found.map((s) => s.name)).toContain(name);
    return found[0]!;
  };

  it('POST /orders is one trace: request → command (load, decide, append) → projection page, routed event → saga → step → provider call', () => {
    expect(flow.createOrder.status).toBe(201);
    const post = one('POST /orders');
    const command = one('command placeOrder');
    const append = orderTrace.find((s) => s.name === 'append' && parentOf(s) === command.spanContext().spanId)!;
    expect(append).toBeDefined();
    expect(parentOf(command)).toBe(post.spanContext().spanId);
    expect(orderTrace.some((s) => s.name === 'decide' && parentOf(s) === command.spanContext().spanId)).toBe(true);
    // Across the change feed: the consumers continue the append's span from the event's traceparent.
    const page = orderTrace.find((s) => s.name === 'project relational' && parentOf(s) === append.spanContext().spanId);
    expect(page).toBeDefined();
    expect(page!.links.map((l) => l.context.spanId)).toContain(append.spanContext().spanId);
    const routed = orderTrace.find((s) => s.name === 'route OrderPlaced' && parentOf(s) === append.spanContext().spanId)!;
    expect(routed).toBeDefined();
    const saga = one('saga PaymentRequest');
    expect(parentOf(saga)).toBe(routed.spanContext().spanId);
    const step = orderTrace.find((s) => s.name === 'step authorize' && parentOf(s) === saga.spanContext().spanId)!;
    expect(step).toBeDefined();
    const provider = one('provider authorize');
    expect(parentOf(provider)).toBe(step.spanContext().spanId);
    expect(provider.attributes['strata.outcome']).toBe('ok');
    // The saga's own commands (the payment authorized, the order confirmed) stay in the trace.
    expect(orderTrace.filter((s) => s.name.startsWith('command ') && parentOf(s) === step.spanContext().spanId).length).toBeGreaterThan(0);
    // Nothing of the order escaped into another trace: one root, the request.
    expect(orderTrace.filter((s) => parentOf(s) === undefined).map((s) => s.name)).toEqual(['POST /orders']);
  });

  it('stores the trace context in the events, outside the audit hash', async () => {
    const history = await runtime.running.engine.writeModel.readHistory(`Order-${flow.orderId}`);
    expect(history.chain.ok).toBe(true);
    expect(history.events[0]!.traceparent).toMatch(new RegExp(`^00-${one('POST /orders').spanContext().traceId}-[0-9a-f]{16}-01$`));
  });

  it('/metrics shows the seed flow: requests by route and status, commands by outcome, the saga, and passes promtool', async () => {
    await runtime.running.engine.workflows.settled();
    const res = await fetch(`${runtime.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const value = (series: string): number | undefined => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    expect(value('strata_http_requests_total{method="POST",route="/orders",status="201"}')).toBe(1);
    expect(value('strata_http_requests_total{method="GET",route="/orders/:id",status="200"}')).toBe(1);
    expect(value('strata_http_request_duration_seconds_count{method="POST",route="/orders"}')).toBe(1);
    expect(value('strata_commands_total{command="placeOrder",outcome="accepted"}')).toBe(1);
    expect(value('strata_commands_total{command="submitFeedback",outcome="accepted"}')).toBe(1);
    expect(value('strata_saga_executions_total{workflow="PaymentRequest",outcome="succeeded"}')).toBe(1);
    expect(value('strata_saga_execution_duration_seconds_count{workflow="PaymentRequest",outcome="succeeded"}')).toBe(1);
    expect(value('strata_provider_calls_total{operation="authorize",outcome="ok"}')).toBe(1);
    expect(value('strata_events_appended_total{stream="Order"}')).toBeGreaterThanOrEqual(2);
    expect(value('strata_projection_pages_total{projection="relational"}')).toBeGreaterThanOrEqual(1);
    // The lag gauges keep their names; Node's process and event-loop metrics are there.
    expect(value('strata_projection_lag_events{projection="relational"}')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);

    const promtool = await promtoolCheck(text);
    if (promtool === 'missing') {
      console.warn('promtool is not installed (Debian package `prometheus`): `promtool check metrics` not run');
      expect(process.env.STRATA_REQUIRE_SERVERS).not.toBe('1');
      return;
    }
    expect(promtool).toEqual({ code: 0, output: '' });
  });
});

/** `promtool check metrics` on the text: its exit code and complaints, or 'missing'. */
const promtoolCheck = async (text: string): Promise<{ code: number; output: string } | 'missing'> => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-metrics-'));
  const file = join(dir, 'metrics.txt');
  await writeFile(file, text);
  try {
    return await new Promise((resolve, reject) => {
      const child = execFile('sh', ['-c', 'command -v promtool >/dev/null || exit 127; promtool check metrics < "$1"', 'sh', file], (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        if (code === 127) resolve('missing');
        else if (code === -1) reject(error);
        else resolve({ code, output: `${stdout}${stderr}`.trim() });
      });
      child.stdin?.end();
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
