/**
 * What the engine counts (issue 17): one small interface, two adapters — prom-client for
 * `GET /metrics` (`recorder.prometheus.ts`) and CloudWatch embedded-metric-format lines through
 * Powertools Metrics on Lambda (`recorder.emf.ts`). Names are `Metric` in `../names.ts`.
 */

/** How a command ended: accepted, accepted after reloading on a version conflict, … */
export type CommandOutcome = 'accepted' | 'retried' | 'duplicate' | 'rejected' | 'conflict' | 'error';
export type SagaOutcome = 'succeeded' | 'failed' | 'aborted';
export type StepOutcome = 'ok' | 'error';
/** A decline is an outcome of the provider, not a failure of the call. */
export type ProviderOutcome = 'ok' | 'declined' | 'unavailable' | 'rejected' | 'error';
export type DeadLetterSource = 'projection' | 'bus' | 'notification';

export interface Recorder {
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  command(command: string, outcome: CommandOutcome): void;
  eventsAppended(streamCategory: string, count: number): void;
  projectionPage(projection: string, events: number): void;
  routedEvent(type: string): void;
  sagaExecution(workflow: string, outcome: SagaOutcome, seconds: number): void;
  sagaStep(step: string, outcome: StepOutcome): void;
  providerCall(operation: string, outcome: ProviderOutcome): void;
  deadLetters(source: DeadLetterSource, count: number): void;
}

export const noopRecorder: Recorder = {
  httpRequest: () => undefined,
  command: () => undefined,
  eventsAppended: () => undefined,
  projectionPage: () => undefined,
  routedEvent: () => undefined,
  sagaExecution: () => undefined,
  sagaStep: () => undefined,
  providerCall: () => undefined,
  deadLetters: () => undefined,
};

/** The category of a stream id (`Order-42` → `Order`): a bounded label, never the id itself. */
export const streamCategory = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : streamId;
};

/** `2xx`, `4xx`, `5xx`: the CloudWatch dimension (Prometheus keeps the exact status). */
export const statusClass = (status: number): string => `${Math.floor(status / 100)}xx`;
