/**
 * `strata replay` with `STRATA_STORE=dynamodb`: the full history comes from a parallel Scan of the
 * event table (`createTableScanFeed`), not from DynamoDB Streams (24 hours), into the same replay
 * code as locally (`rebuildRelational`, `rebuildLake`). Tuned by the environment:
 * `STRATA_REPLAY_SEGMENTS` (parallel segments, default 4) and `STRATA_REPLAY_RCU` (read request
 * units per second at most, default unlimited: an on-demand table serves what it is asked).
 * Progress goes to stderr. Handover to the Streams consumer: docs/how-to/replay.md.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ChangeFeed } from '@strata/events';
import { createTableScanFeed } from '@strata/write-model/dynamodb';
import { ConfigError, type Config } from './config.js';

export const REPLAY_ENV = { segments: 'STRATA_REPLAY_SEGMENTS', readUnits: 'STRATA_REPLAY_RCU' } as const;

const positive = (env: NodeJS.ProcessEnv, key: string): number | undefined => {
  const text = env[key];
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError([`${key}=${text}: expected a positive number`]);
  return n;
};

export const tableReplayFeed = (config: Config, env: NodeJS.ProcessEnv = process.env, write: (line: string) => void = (l) => process.stderr.write(l)): ChangeFeed => {
  const c = config.store;
  if (c.kind !== 'dynamodb') throw new ConfigError(['the table scan replays the DynamoDB event store (STRATA_STORE=dynamodb)']);
  const segments = Math.floor(positive(env, REPLAY_ENV.segments) ?? 4);
  const readUnits = positive(env, REPLAY_ENV.readUnits);
  const client = new DynamoDBClient({ region: c.region, ...(c.endpoint ? { endpoint: c.endpoint } : {}) });
  return createTableScanFeed({
    client,
    tableName: c.tableName,
    segments,
    ...(readUnits === undefined ? {} : { readUnitsPerSecond: readUnits }),
    onProgress: (p) => write(`scan: ${p.items} commits, ${p.events} events, ${p.readUnits.toFixed(1)} read units, ${p.segmentsDone}/${p.segments} segments done\n`),
  });
};
