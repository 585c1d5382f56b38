/**
 * The REST API behind API Gateway (REST API, Lambda proxy integration): the same Hono app as
 * `strata start`, through Hono's AWS Lambda adapter. The engine is built on the cold start.
 */
import { lambdaHandler } from '@strata/api';
import type { Engine } from '../engine.js';
import { lambdaEngine } from './coldStart.js';
import { once } from './once.js';

type Handle = ReturnType<typeof lambdaHandler>;

export const createApiHandler = (engine: () => Promise<Engine>): Handle => {
  const built = once(engine);
  const handle = once(async () => lambdaHandler((await built()).app));
  return async (event, context) => {
    try {
      return await (await handle())(event, context);
    } finally {
      // The invocation's EMF metrics and spans leave before the environment may freeze.
      await (await built().catch(() => undefined))?.telemetry.flush();
    }
  };
};

/** Lambda entry point (`handler` export, see infra's `LambdaEntry.api`). */
export const handler = createApiHandler(lambdaEngine);
