import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, Metric, type MetricKey } from '../names.js';
import { statusClass, streamCategory, type Recorder } from './recorder.js';

export interface EmfRecorder extends Recorder {
  /** Writes what this invocation counted as CloudWatch embedded-metric-format lines (stdout). */
  flush(): void;
}

/**
 * The Lambda side of `Recorder`: the same counters as `/metrics`, as CloudWatch EMF log lines
 * through Powertools Metrics, named by `Metric` in `METRICS_NAMESPACE` (so the CDK dashboard and
 * alarms read what the code writes). One Powertools `Metrics` per dimension set, since EMF puts
 * one dimension set on a line; `flush` at the end of every invocation writes them.
 */
export const createEmfRecorder = (options: { readonly serviceName?: string } = {}): EmfRecorder => {
  const sets = new Map<string, Metrics>();
  const add = (key: MetricKey, values: readonly string[], unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): void => {
    const metric = Metric[key];
    const dimensions = Object.fromEntries(metric.dimensions.map((d, i) => [d, values[i] ?? 'unknown']));
    const id = `${key}|${JSON.stringify(dimensions)}`;
    let set = sets.get(id);
    if (set === undefined) {
      set = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: options.serviceName ?? 'strata' });
      set.addDimensions(dimensions);
      sets.set(id, set);
    }
    set.addMetric(metric.cloudwatch, unit, value);
  };
  return {
    httpRequest: (_method, route, status, seconds) => {
      add('httpRequests', [route, statusClass(status)], MetricUnit.Count, 1);
      add('httpDuration', [route], MetricUnit.Seconds, seconds);
    },
    command: (command, outcome) => add('commands', [command, outcome], MetricUnit.Count, 1),
    eventsAppended: (stream, count) => add('eventsAppended', [streamCategory(stream)], MetricUnit.Count, count),
    projectionPage: (projection, events) => {
      add('projectionPages', [projection], MetricUnit.Count, 1);
      add('projectionEvents', [projection], MetricUnit.Count, events);
    },
    routedEvent: (type) => add('routedEvents', [type], MetricUnit.Count, 1),
    sagaExecution: (workflow, outcome, seconds) => {
      add('sagaExecutions', [workflow, outcome], MetricUnit.Count, 1);
      add('sagaDuration', [workflow], MetricUnit.Seconds, seconds);
    },
    sagaStep: (step, outcome) => add('sagaSteps', [step, outcome], MetricUnit.Count, 1),
    providerCall: (operation, outcome) => add('providerCalls', [operation, outcome], MetricUnit.Count, 1),
    deadLetters: (source, count) => add('deadLetters', [source], MetricUnit.Count, count),
    flush: () => {
      for (const set of sets.values()) set.publishStoredMetrics();
      sets.clear();
    },
  };
};
