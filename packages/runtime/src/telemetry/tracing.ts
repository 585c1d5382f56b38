/**
 * Whether this process traces, and how it exports (issue 17, decision 0011). Off by default: then
 * nothing of the OpenTelemetry SDK is loaded, the engine wraps nothing, and the API's calls (none
 * are made) would be no-ops. On when `STRATA_TRACE=console` (spans printed), when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (OTLP over HTTP,
 * batched; the standard `OTEL_*` variables apply), or with `STRATA_TRACE=xray` (AWS: X-Ray's
 * propagator and the OTLP endpoint of the ADOT collector layer). `OTEL_TRACES_SAMPLER_ARG` is the
 * sampling ratio (default 1.0), parent-based.
 */
import type { SpanExporter } from '@opentelemetry/sdk-trace';

export type TraceExport = 'off' | 'console' | 'otlp' | 'xray';

export interface Tracing {
  readonly enabled: boolean;
  readonly export: TraceExport;
  /** Exports what is buffered (the batch processor), e.g. before a Lambda freezes. */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Tests: export here, synchronously per span (an `InMemorySpanExporter`), whatever the environment says. */
  readonly exporter?: SpanExporter;
  /** Register the pg, ioredis, http and AWS SDK instrumentations. @default true */
  readonly instrumentations?: boolean;
}

export const traceExportOf = (env: Readonly<Record<string, string | undefined>>): TraceExport => {
  const mode = env.STRATA_TRACE?.trim().toLowerCase();
  if (mode === 'console' || mode === 'xray') return mode;
  if (mode === 'off') return 'off';
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || mode === 'otlp') return 'otlp';
  return 'off';
};

const OFF: Tracing = { enabled: false, export: 'off', forceFlush: async () => undefined, shutdown: async () => undefined };
let current: Promise<Tracing> | undefined;

/**
 * Starts tracing once per process (the provider is global): later calls return the first one's
 * result, so a preload (`--import …/telemetry/preload.js`), the CLI and tests agree.
 */
export const startTracing = (env: Readonly<Record<string, string | undefined>> = process.env, options: TracingOptions = {}): Promise<Tracing> => {
  if (current !== undefined) return current;
  const mode = options.exporter !== undefined ? 'otlp' : traceExportOf(env);
  current = mode === 'off' ? Promise.resolve(OFF) : import('./tracing.sdk.js').then((sdk) => sdk.startSdk(mode, env, options));
  return current;
};

/** The tracing this process started, or off (without starting anything). */
export const currentTracing = (): Promise<Tracing> => current ?? Promise.resolve(OFF);

/** Tests: shuts the SDK down and forgets it, so the next `startTracing` starts afresh. */
export const stopTracing = async (): Promise<void> => {
  const was = current;
  current = undefined;
  await (await was)?.shutdown();
};
