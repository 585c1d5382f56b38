import type { LogLevel } from './config.js';
import { activeTraceFields } from './telemetry/traceFields.js';

/** Structured JSON logs, one object per line on stdout (CloudWatch-friendly, like Powertools Logger). */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export const createLogger = (
  level: LogLevel,
  base: Record<string, unknown> = { service: 'strata' },
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger => {
  const log = (lvl: Exclude<LogLevel, 'silent'>) => (message: string, fields: Record<string, unknown> = {}) => {
    if (RANK[lvl] < RANK[level]) return;
    // Inside a span (a request, a projection page, a routed event, a saga step) the line carries
    // its trace and span ids, so logs and traces join (issue 17); none when tracing is off.
    write(JSON.stringify({ level: lvl, time: new Date().toISOString(), message, ...base, ...activeTraceFields(), ...serialise(fields) }));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
};

const serialise = (fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, v instanceof Error ? { name: v.name, message: v.message, code: (v as { code?: unknown }).code, stack: v.stack } : v]),
  );
