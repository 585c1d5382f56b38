/**
 * DynamoDB Streams → read models: the relational read model (RDS PostgreSQL) and the order-status
 * cache (Redis) of the engine, plus the data lake through Firehose. Partial batch failures go
 * back to Lambda as `batchItemFailures`; poison events go to the read model's dead-letter table.
 */
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { createStreamBatchHandler, type BatchResponse, type DeadLetterStore, type ProjectionSink } from '@strata/projections';
import { decodeStreamRecord, type DynamoDBStreamEvent } from '@strata/write-model/dynamodb';
import { createFirehoseLakeSink } from '@strata/projections/lake.firehose';
import type { Logger } from '../logger.js';
import { EnvKey } from '../names.js';
import { lambdaConfig, lambdaEngine } from './coldStart.js';
import { once } from './once.js';

export interface ProjectorParts {
  readonly sinks: readonly ProjectionSink[];
  readonly deadLetters: DeadLetterStore;
  readonly logger: Logger;
  /** Writes the batch's EMF metrics (and exports its spans) before the environment may freeze. */
  readonly flush?: () => Promise<void>;
}

export const createProjectorHandler = (parts: () => Promise<ProjectorParts>): ((event: DynamoDBStreamEvent) => Promise<BatchResponse>) => {
  const composed = once(parts);
  const handle = once(async () => {
    const { sinks, deadLetters, logger } = await composed();
    return createStreamBatchHandler({
      decode: decodeStreamRecord,
      sinks,
      deadLetters,
      // Not a commit item at all (the table holds nothing else): reported, not retried forever.
      onUndecodableRecord: (record, err) => logger.error('stream record is not an event commit; skipped', { sequenceNumber: record.dynamodb?.SequenceNumber, err }),
    });
  });
  return async (event) => {
    try {
      return await (await handle())(event);
    } finally {
      await (await composed().catch(() => undefined))?.flush?.();
    }
  };
};

/** Lambda entry point (`handler` export, see infra's `LambdaEntry.projector`). */
export const handler = createProjectorHandler(async () => {
  const [engine, { logger }] = await Promise.all([lambdaEngine(), lambdaConfig()]);
  const stream = process.env[EnvKey.lakeStream];
  const lake = stream ? [createFirehoseLakeSink({ client: new FirehoseClient({}), deliveryStreamName: stream })] : [];
  // With workflows and the local lake off, the engine's consumers are the read models only.
  return { sinks: [...engine.consumers.map((c) => c.sink), ...lake], deadLetters: engine.telemetry.instruments.deadLetters(engine.readModel.deadLetters), logger, flush: () => engine.telemetry.flush() };
});
