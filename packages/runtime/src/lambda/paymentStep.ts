/**
 * The Step Functions Task handler ("Payment Request" / "Payment Release"): every Task of the ASL
 * documents invokes it with `{ step, input, …arguments }`. Errors are rethrown untouched: Lambda
 * reports `error.name` as the `errorType` that the documents' Retry/Catch match
 * (`ProviderUnavailable`, `EventStoreUnavailableError`, `ReadModelUnavailableError`, `SagaStepFailed`).
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSqlReadModel } from '@strata/projections';
import { pgExecutor } from '@strata/projections/postgres';
import { createHttpPaymentProvider, handlePaymentStep, type StepDeps, type StepPayload } from '@strata/workflows';
import { withDatabaseUrl } from '../aws/databaseSecret.js';
import { dynamoWriteModel } from '../aws/writeModel.js';
import { ConfigError, loadConfig } from '../config.js';
import { EnvKey } from '../names.js';
import { createInstruments } from '../telemetry/instrument.js';
import { createEmfRecorder, type EmfRecorder } from '../telemetry/recorder.emf.js';
import { once } from './once.js';

export const createPaymentStepHandler = (deps: () => Promise<StepDeps>, metrics?: EmfRecorder) => async (payload: StepPayload): Promise<unknown> => {
  if (metrics === undefined) return handlePaymentStep(payload, await deps());
  // One invocation is one Task attempt: counted as a saga step, flushed as EMF before returning.
  try {
    const output = await handlePaymentStep(payload, await deps());
    metrics.sagaStep(payload.step, 'ok');
    return output;
  } catch (error) {
    metrics.sagaStep(payload.step, 'error');
    throw error;
  } finally {
    metrics.flush();
  }
};

/**
 * The read model's expired holds, for the hold-expiry sweep only: the database secret is read and
 * the connection opened the first time the sweep runs in an execution environment, never for the
 * saga's other steps.
 */
const sweepSource = once(async () => {
  const config = loadConfig(await withDatabaseUrl(process.env, () => new SecretsManagerClient({})));
  if (config.readModel.kind !== 'postgres') throw new ConfigError([`${EnvKey.databaseSecretArn} (or ${EnvKey.databaseUrl}) is not set: the sweep reads the read model`]);
  return createSqlReadModel({ db: pgExecutor(config.readModel.url, { max: 1 }) });
});

const emf = createEmfRecorder();

/** Lambda entry point (`handler` export, see infra's `LambdaEntry.paymentStep`). */
export const handler = createPaymentStepHandler(
  once(async () => {
    const config = loadConfig();
    if (config.providerUrl === undefined) throw new ConfigError([`${EnvKey.providerUrl} is not set: the payment provider's base URL`]);
    // Counters only (commands, provider calls): Step Functions' X-Ray tracing covers the Task itself.
    const obs = createInstruments(emf, false);
    return {
      writeModel: obs.writeModel(dynamoWriteModel(config)),
      provider: obs.provider(createHttpPaymentProvider({ baseUrl: config.providerUrl })),
      expiredHolds: async (now, limit) => (await sweepSource()).expiredHolds(now, limit),
    };
  }),
  emf,
);
