/**
 * The Step Functions Task handler ("Payment Request" / "Payment Release"): every Task of the ASL
 * documents invokes it with `{ step, input, …arguments }`. Errors are rethrown untouched: Lambda
 * reports `error.name` as the `errorType` that the documents' Retry/Catch match
 * (`ProviderUnavailable`, `EventStoreUnavailableError`, `SagaStepFailed`).
 */
import { createHttpPaymentProvider, handlePaymentStep, type StepDeps, type StepPayload } from '@strata/workflows';
import { dynamoWriteModel } from '../aws/writeModel.js';
import { ConfigError, loadConfig } from '../config.js';
import { EnvKey } from '../names.js';
import { once } from './once.js';

export const createPaymentStepHandler = (deps: () => Promise<StepDeps>) => async (payload: StepPayload): Promise<unknown> => handlePaymentStep(payload, await deps());

/** Lambda entry point (`handler` export, see infra's `LambdaEntry.paymentStep`). */
export const handler = createPaymentStepHandler(
  once(async () => {
    const config = loadConfig();
    if (config.providerUrl === undefined) throw new ConfigError([`${EnvKey.providerUrl} is not set: the payment provider's base URL`]);
    return { writeModel: dynamoWriteModel(config), provider: createHttpPaymentProvider({ baseUrl: config.providerUrl }) };
  }),
);
