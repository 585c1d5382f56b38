/**
 * The engine-backed Lambda entries (API, projector): what they compose once per execution
 * environment (the cold start) and reuse on every warm invocation. The other entries do not import
 * this module, so the engine (and its optional embedded parts) stays out of their bundles.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { withDatabaseUrl } from '../aws/databaseSecret.js';
import { loadConfig, type Config } from '../config.js';
import { buildEngine, type Engine } from '../engine.js';
import type { Logger } from '../logger.js';
import { createPowertoolsLogger } from '../telemetry/logger.powertools.js';
import { createEmfRecorder } from '../telemetry/recorder.emf.js';
import { startTelemetry } from '../telemetry/telemetry.js';
import { once } from './once.js';


/** The configuration from the environment, with `DATABASE_URL` from the RDS secret when needed. */
export const lambdaConfig = once(async (): Promise<{ config: Config; logger: Logger }> => {
  const config = loadConfig(await withDatabaseUrl(process.env, () => new SecretsManagerClient({})));
  return { config, logger: createPowertoolsLogger(config.logLevel) };
});

/**
 * The engine as the API and the projector use it on AWS: no local bus or saga (EventBridge and
 * Step Functions do that) and no Parquet lake (Firehose writes S3).
 */
export const lambdaEngine = once(async (): Promise<Engine> => {
  const { config, logger } = await lambdaConfig();
  // Counters as CloudWatch EMF lines (Powertools Metrics); the entries flush them per invocation.
  const telemetry = await startTelemetry({ recorder: createEmfRecorder() });
  return buildEngine(config, logger, { workflows: false, lake: false, telemetry });
});
