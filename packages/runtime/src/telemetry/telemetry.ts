import type { ProjectionLag } from '@strata/projections';
import { createInstruments, type Instruments } from './instrument.js';
import { createPrometheusRecorder } from './recorder.prometheus.js';
import type { Recorder } from './recorder.js';
import { startTracing, type Tracing } from './tracing.js';

/** One engine's signals: tracing (process-wide), its counters, and the wrappers that feed both. */
export interface Telemetry {
  readonly tracing: Tracing;
  readonly recorder: Recorder;
  readonly instruments: Instruments;
  /** `GET /metrics` text (absent when the counters go elsewhere: EMF on Lambda). */
  readonly metrics?: (lags: readonly ProjectionLag[]) => Promise<string>;
  /** Exports buffered spans (and metrics, on Lambda). */
  flush(): Promise<void>;
}

/**
 * The default: prom-client counters (a registry per engine) and tracing as the environment says.
 * `recorder` replaces the counters (Lambda: `createEmfRecorder`).
 */
export const startTelemetry = async (
  options: { readonly env?: Readonly<Record<string, string | undefined>>; readonly recorder?: Recorder & { flush?(): void } } = {},
): Promise<Telemetry> => {
  const tracing = await startTracing(options.env ?? process.env);
  if (options.recorder !== undefined) {
    const recorder = options.recorder;
    return {
      tracing,
      recorder,
      instruments: createInstruments(recorder, tracing.enabled),
      flush: async () => {
        recorder.flush?.();
        await tracing.forceFlush();
      },
    };
  }
  const prometheus = createPrometheusRecorder();
  return { tracing, recorder: prometheus, instruments: createInstruments(prometheus, tracing.enabled), metrics: (lags) => prometheus.render(lags), flush: () => tracing.forceFlush() };
};
