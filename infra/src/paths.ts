import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Raised when the CDK app cannot synthesise from what it is given: the workspace, an ASL document, a setting. */
export class SynthError extends Error {
  readonly code = 'SYNTH_INPUT_INVALID';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SynthError';
  }
}

/**
 * The workspace root (the folder holding `pnpm-workspace.yaml`). `cdk synth` runs from `infra/`
 * and jest from the root, so paths to Lambda entries and shared documents are resolved from here
 * rather than from the process's working directory.
 */
export const findRepoRoot = (from: string = process.cwd()): string => {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new SynthError(`no pnpm-workspace.yaml above ${from}`);
  }
};

/** The runtime's Lambda entry points (each exports `handler`), relative to the workspace root. */
export const LambdaEntry = {
  api: 'packages/runtime/src/lambda/api.ts',
  projector: 'packages/runtime/src/lambda/projector.ts',
  paymentStep: 'packages/runtime/src/lambda/paymentStep.ts',
  notification: 'packages/runtime/src/lambda/notification.ts',
  publisher: 'packages/runtime/src/lambda/publisher.ts',
  /** API Gateway's TOKEN authorizer (the API's verifier). */
  authorizer: 'packages/runtime/src/lambda/authorizer.ts',
  /** The sandbox stage's simulated card provider, behind a function URL. */
  simulatedProvider: 'packages/runtime/src/lambda/simulatedProvider.ts',
} as const;
export type LambdaEntry = keyof typeof LambdaEntry;

/**
 * Memory of each entry's function, in MB (Lambda bills GB-seconds, so this is half the price of a
 * slow function): the smallest size that runs each comfortably. The cost model (bench/cost) reads
 * these very numbers. The step handler and the publisher only wait on I/O (the provider,
 * DynamoDB, PutEvents); the API and the projector run the engine (HTTP app, SQL, Redis).
 */
export const LAMBDA_MEMORY_MB: { readonly [E in LambdaEntry]: number } = {
  api: 256,
  projector: 512,
  paymentStep: 128,
  notification: 256,
  publisher: 128,
  simulatedProvider: 128,
  authorizer: 256,
};

/**
 * What the Express state machines log to CloudWatch Logs (with the execution data): ERROR keeps
 * every failure — the failed task, its retries, the Fail state entered with the execution's input,
 * so an operator can re-run it — and nothing of the runs that succeed (billed per GB ingested; the
 * cost model estimates it under `not_counted`). X-Ray traces sampled runs of both.
 */
export const EXPRESS_LOG_LEVEL = 'ERROR' as const;
