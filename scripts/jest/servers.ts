/**
 * Which real servers the integration tier may use. `int.global-setup.cjs` probes them and
 * records why one is missing; suites call `describeWith('POSTGRES', …)` so a missing server
 * is a visible, explained skip — and, with STRATA_REQUIRE_SERVERS=1 (CI), never a silent one.
 */
import { describe } from '@jest/globals';

export type Server = 'POSTGRES' | 'REDIS' | 'DYNAMODB';

export const skipReason = (server: Server): string | undefined => process.env[`STRATA_SKIP_${server}`];

export const databaseUrl = (): string => process.env.DATABASE_URL ?? '';
export const redisUrl = (): string => process.env.REDIS_URL ?? '';
export const dynamoEndpoint = (): string => process.env.DYNAMODB_ENDPOINT ?? '';

export const describeWith = (server: Server, name: string, body: () => void): void => {
  const reason = skipReason(server);
  if (reason === undefined) {
    describe(name, body);
  } else {
    // eslint-disable-next-line jest/no-disabled-tests -- an explained skip when the server is absent (never in CI)
    describe.skip(`${name} [skipped: ${reason}]`, body);
  }
};
