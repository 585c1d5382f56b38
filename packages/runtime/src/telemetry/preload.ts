/**
 * `node --import <this file>`: starts tracing before the engine's modules load, so the pg,
 * ioredis, http and AWS SDK instrumentations can patch them (ESM imports go through
 * import-in-the-middle's loader hook, registered here). `./strata` adds it when tracing is on.
 */
import { register } from 'node:module';
import { startTracing, traceExportOf } from './tracing.js';

if (traceExportOf(process.env) !== 'off') {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  await startTracing(process.env);
}
