import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProjectionLag } from '@strata/projections';
import { LagGauge, Metric } from '../names.js';
import { streamCategory, type Recorder } from './recorder.js';

export interface PrometheusRecorder extends Recorder {
  /** The text exposition of every metric, with the projection lag gauges measured now. */
  render(lags: readonly ProjectionLag[]): Promise<string>;
  readonly registry: Registry;
}

/** Seconds: from a fast query to the read-your-writes wait (2 s) and beyond. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SAGA_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * prom-client metrics for `GET /metrics`, in a registry of their own (never the global one, so
 * two engines in one process — tests — do not share counters). Node process and event-loop
 * metrics come from `collectDefaultMetrics`.
 */
export const createPrometheusRecorder = (options: { readonly processMetrics?: boolean } = {}): PrometheusRecorder => {
  const registry = new Registry();
  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
    // Gauges named `_total` fail `promtool check metrics`; the same counts stay as
    // nodejs_active_handles / _requests / _resources (by type).
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  }
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers: [registry] });
  const httpRequests = counter(Metric.httpRequests.prometheus, 'HTTP requests answered, by route and status.', ['method', 'route', 'status']);
  const httpDuration = new Histogram({
    name: Metric.httpDuration.prometheus,
    help: 'HTTP request latency, by route.',
    labelNames: ['method', 'route'],
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const commands = counter(Metric.commands.prometheus, 'Commands handled, by command and outcome (accepted, retried, duplicate, rejected, conflict, error).', ['command', 'outcome']);
  const appended = counter(Metric.eventsAppended.prometheus, 'Events appended to the event store, by stream category.', ['stream']);
  const pages = counter(Metric.projectionPages.prometheus, 'Change-feed pages applied, by projection.', ['projection']);
  const applied = counter(Metric.projectionEvents.prometheus, 'Change-feed events applied, by projection.', ['projection']);
  const routed = counter(Metric.routedEvents.prometheus, 'Events routed on the bus, by type.', ['type']);
  const sagas = counter(Metric.sagaExecutions.prometheus, 'Saga executions ended, by workflow and outcome.', ['workflow', 'outcome']);
  const sagaDuration = new Histogram({
    name: Metric.sagaDuration.prometheus,
    help: 'Saga execution duration, by workflow and outcome.',
    labelNames: ['workflow', 'outcome'],
    buckets: SAGA_BUCKETS,
    registers: [registry],
  });
  const steps = counter(Metric.sagaSteps.prometheus, 'Saga step attempts, by step and outcome.', ['step', 'outcome']);
  const provider = counter(Metric.providerCalls.prometheus, 'Payment provider calls, by operation and outcome.', ['operation', 'outcome']);
  const dead = counter(Metric.deadLetters.prometheus, 'Events or deliveries dead-lettered, by source (projection, bus, notification).', ['source']);

  const escape = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
  // The lag gauges are measured at scrape time (they read the feed), so they are rendered here
  // with the names and help texts `lagToPrometheus` has always used.
  const lagText = (lags: readonly ProjectionLag[]): string =>
    [
      `# HELP ${LagGauge.events} Change-feed events not yet applied by the projection.`,
      `# TYPE ${LagGauge.events} gauge`,
      ...lags.map((l) => `${LagGauge.events}{projection="${escape(l.projection)}"} ${l.eventsBehind}`),
      `# HELP ${LagGauge.seconds} Age of the oldest change-feed event not yet applied by the projection.`,
      `# TYPE ${LagGauge.seconds} gauge`,
      ...lags.map((l) => `${LagGauge.seconds}{projection="${escape(l.projection)}"} ${l.msBehind / 1000}`),
      '',
    ].join('\n');

  return {
    registry,
    httpRequest: (method, route, status, seconds) => {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
    command: (command, outcome) => commands.inc({ command, outcome }),
    eventsAppended: (stream, count) => appended.inc({ stream: streamCategory(stream) }, count),
    projectionPage: (projection, events) => {
      pages.inc({ projection });
      applied.inc({ projection }, events);
    },
    routedEvent: (type) => routed.inc({ type }),
    sagaExecution: (workflow, outcome, seconds) => {
      sagas.inc({ workflow, outcome });
      sagaDuration.observe({ workflow, outcome }, seconds);
    },
    sagaStep: (step, outcome) => steps.inc({ step, outcome }),
    providerCall: (operation, outcome) => provider.inc({ operation, outcome }),
    deadLetters: (source, count) => dead.inc({ source }, count),
    render: async (lags) => `${(await registry.metrics()).trimEnd()}\n${lagText(lags)}`,
  };
};
