/**
 * The OpenTelemetry SDK set-up, imported only when tracing is on (see `tracing.ts`): a tracer
 * provider with a parent-based ratio sampler, the AsyncLocalStorage context manager (spans follow
 * `await`), W3C trace-context propagation (plus X-Ray's on AWS), an exporter, and the kept
 * instrumentations of pg, ioredis, http and the AWS SDK.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { TraceExport, Tracing, TracingOptions } from './tracing.js';

export const startSdk = async (mode: Exclude<TraceExport, 'off'>, env: Readonly<Record<string, string | undefined>>, options: TracingOptions): Promise<Tracing> => {
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1');
  const processor = async (): Promise<SpanProcessor> => {
    if (options.exporter !== undefined) return new SimpleSpanProcessor({ exporter: options.exporter });
    if (mode === 'console') return new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() });
    // OTLP over HTTP (protobuf); the exporter reads OTEL_EXPORTER_OTLP_* itself. On AWS the ADOT
    // collector layer listens on localhost:4318 and forwards to X-Ray.
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    return new BatchSpanProcessor({ exporter: new OTLPTraceExporter() });
  };
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'strata', 'service.version': '0.1.0' }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 1) }),
    spanProcessors: [await processor()],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  const propagators = [new W3CTraceContextPropagator()];
  if (mode === 'xray') {
    const { AWSXRayPropagator } = await import('@opentelemetry/propagator-aws-xray');
    propagation.setGlobalPropagator(new CompositePropagator({ propagators: [...propagators, new AWSXRayPropagator()] }));
  } else propagation.setGlobalPropagator(new CompositePropagator({ propagators }));

  let unregister = (): void => undefined;
  if (options.instrumentations ?? true) {
    const [{ registerInstrumentations }, { PgInstrumentation }, { IORedisInstrumentation }, { HttpInstrumentation }, { AwsInstrumentation }] = await Promise.all([
      import('@opentelemetry/instrumentation'),
      import('@opentelemetry/instrumentation-pg'),
      import('@opentelemetry/instrumentation-ioredis'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-aws-sdk'),
    ]);
    unregister = registerInstrumentations({
      tracerProvider: provider,
      instrumentations: [
        new PgInstrumentation({ requireParentSpan: true }),
        new IORedisInstrumentation({ requireParentSpan: true }),
        // Incoming requests get the engine's own route-named span (`instrument.ts`); http traces the
        // outgoing calls (the payment provider over HTTP, the OTLP exporter excluded by its own guard).
        new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
        new AwsInstrumentation({ suppressInternalInstrumentation: true }),
      ],
    });
  }
  return {
    enabled: true,
    export: options.exporter !== undefined ? 'otlp' : mode,
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      unregister();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
};
