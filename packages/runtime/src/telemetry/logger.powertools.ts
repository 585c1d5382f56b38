import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '../config.js';
import type { Logger } from '../logger.js';
import { activeTraceFields } from './traceFields.js';

/**
 * The runtime's `Logger` on Lambda, through Powertools Logger (issue 17): the same structured
 * fields, plus what Powertools adds there (function name, cold start, `xray_trace_id`), and the
 * active span's `traceId`/`spanId` when the OpenTelemetry tracing is on.
 */
export const createPowertoolsLogger = (level: LogLevel, base: Record<string, unknown> = {}): Logger => {
  const logger = new PowertoolsLogger({
    serviceName: 'strata',
    logLevel: level === 'silent' ? 'SILENT' : (level.toUpperCase() as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'),
    persistentKeys: base,
  });
  return adapt(logger);
};

const adapt = (logger: PowertoolsLogger): Logger => ({
  debug: (message, fields = {}) => logger.debug(message, { ...activeTraceFields(), ...fields }),
  info: (message, fields = {}) => logger.info(message, { ...activeTraceFields(), ...fields }),
  warn: (message, fields = {}) => logger.warn(message, { ...activeTraceFields(), ...fields }),
  error: (message, fields = {}) => logger.error(message, { ...activeTraceFields(), ...fields }),
  child: (fields) => adapt(logger.createChild({ persistentKeys: fields })),
});
