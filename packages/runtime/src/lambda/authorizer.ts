/**
 * API Gateway's Lambda TOKEN authorizer, on the verifier the API itself uses (Cognito's JWKS
 * through `createCognitoVerifier`, remembered by `createCachedVerifier`). A Cognito user-pool
 * authorizer would be cheaper but takes only the bare token in `Authorization`; the API accepts
 * both the seed's bare token and `Bearer <token>` (docs/decisions/0008). A rejected token throws
 * `Unauthorized`, which API Gateway answers with its UNAUTHORIZED gateway response (401, shaped as
 * the API's problem document by the CDK app). The allow policy covers the whole stage, so API
 * Gateway's cache of this answer (keyed by the header) serves every route.
 */
import * as E from 'fp-ts/lib/Either.js';
import { createCachedVerifier, type TokenVerifier } from '@strata/api';
import { createCognitoVerifier } from '@strata/api/identity/cognito';
import { loadConfig } from '../config.js';
import { once } from './once.js';

/** The event API Gateway sends a TOKEN authorizer. */
export interface TokenAuthorizerEvent {
  readonly type: 'TOKEN';
  /** The `Authorization` header as sent: `<jwt>` or `Bearer <jwt>`. */
  readonly authorizationToken: string;
  /** `arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<method>/<path>` */
  readonly methodArn: string;
}

export interface AuthorizerResult {
  readonly principalId: string;
  readonly policyDocument: { readonly Version: '2012-10-17'; readonly Statement: ReadonlyArray<{ readonly Action: 'execute-api:Invoke'; readonly Effect: 'Allow'; readonly Resource: string }> };
  /** Handed to the integration as `requestContext.authorizer` (strings only). */
  readonly context: { readonly sub: string; readonly roles: string };
}

/** The exact error message API Gateway turns into a 401 (any other error is a 500). */
export const UNAUTHORIZED = 'Unauthorized';

const MAX_TOKEN_CHARS = 8192;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** `…:<api id>/<stage>/GET/orders/1` → `…:<api id>/<stage>/*`: the answer holds for every route. */
export const stageWide = (methodArn: string): string => {
  const [prefix = '', path = ''] = methodArn.split(/:(?=[^:]*$)/);
  const [apiId, stage] = path.split('/');
  return `${prefix}:${apiId}/${stage}/*`;
};

export const createAuthorizerHandler =
  (verifier: () => Promise<TokenVerifier>) =>
  async (event: TokenAuthorizerEvent): Promise<AuthorizerResult> => {
    // The same two forms the API accepts: the seed's raw token, and `Bearer <token>`.
    const token = (event.authorizationToken ?? '').replace(/^Bearer\s+/i, '').trim();
    if (token.length > MAX_TOKEN_CHARS || !JWT_SHAPE.test(token)) throw new Error(UNAUTHORIZED);
    const verified = await (await verifier()).verify(token);
    if (E.isLeft(verified)) throw new Error(UNAUTHORIZED);
    const principal = verified.right;
    return {
      principalId: principal.sub,
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageWide(event.methodArn) }] },
      context: { sub: principal.sub, roles: principal.roles.join(',') },
    };
  };

/** Lambda entry point (`handler` export, see infra's `LambdaEntry.authorizer`). */
export const handler = createAuthorizerHandler(
  once(async () => {
    const config = loadConfig();
    if (config.identity.kind !== 'cognito') throw new Error('the authorizer needs STRATA_IDENTITY=cognito with the user pool and client ids');
    const cognito = createCognitoVerifier({ userPoolId: config.identity.userPoolId, clientId: config.identity.clientId });
    return createCachedVerifier(cognito, { clock: () => new Date() });
  }),
);
