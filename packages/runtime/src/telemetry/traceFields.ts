import { trace } from '@opentelemetry/api';

/**
 * The trace and span ids of the active span: what every log line carries (`logger.ts`). Only the
 * API is imported: with tracing off there is no context manager and this returns undefined at once.
 */
export const activeTraceFields = (): { traceId: string; spanId: string } | undefined => {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc === undefined || !trace.isSpanContextValid(sc) ? undefined : { traceId: sc.traceId, spanId: sc.spanId };
};
