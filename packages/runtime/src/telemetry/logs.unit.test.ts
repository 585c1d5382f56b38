import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createLogger } from '../logger.js';
import { createPowertoolsLogger } from './logger.powertools.js';
import { startTracing, stopTracing } from './tracing.js';

describe('log lines carry the active trace (tracing on)', () => {
  beforeAll(async () => {
    await startTracing({}, { exporter: new InMemorySpanExporter(), instrumentations: false });
  });
  afterAll(async () => {
    await stopTracing();
  });

  it('a line written inside a span names its traceId and spanId; one outside names none', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', { service: 'strata' }, (l) => lines.push(JSON.parse(l) as Record<string, unknown>)).child({ component: 'test' });
    const ids = await trace.getTracer('test').startActiveSpan('request', async (span) => {
      await Promise.resolve(); // across an await, as in a handler
      logger.info('inside', { requestId: 'r1' });
      span.end();
      return span.spanContext();
    });
    logger.info('outside');
    expect(lines[0]).toMatchObject({ message: 'inside', traceId: ids.traceId, spanId: ids.spanId, requestId: 'r1', component: 'test' });
    expect(lines[1]).not.toHaveProperty('traceId');
  });

  it('Powertools Logger (Lambda) lines carry it too', () => {
    const out: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      const logger = createPowertoolsLogger('info').child({ component: 'projector' });
      const traceId = trace.getTracer('test').startActiveSpan('page', (span) => {
        logger.info('applied');
        span.end();
        return span.spanContext().traceId;
      });
      const line = out.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'applied');
      expect(line).toMatchObject({ traceId, component: 'projector', service: 'strata' });
    } finally {
      jest.restoreAllMocks();
    }
  });
});
