import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { TokenVerifier } from '@strata/api';
import { createCognitoVerifier } from '@strata/api/identity/cognito';
import { createAuthorizerHandler, stageWide, UNAUTHORIZED } from './authorizer.js';

// The handler with a stand-in verifier (which tokens are good is the verifier's business, tested
// in the api package), and once with the real Cognito verifier on a pool whose JWKS it cannot
// fetch. Not proven here: API Gateway's caching of the answer and its mapping of the thrown
// `Unauthorized` to the UNAUTHORIZED gateway response (the infra test asserts the response shape).
const GOOD = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1LTEifQ.c2ln';
const verifier: TokenVerifier = {
  verify: async (token) => (token === GOOD ? E.right({ sub: 'u-1', roles: ['customer', 'analyst'] }) : E.left({ _tag: 'InvalidToken', reason: 'bad signature' })),
};
const handler = createAuthorizerHandler(async () => verifier);
const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/showcase/GET/orders/o-1';

describe('Lambda TOKEN authorizer', () => {
  it.each([
    ['the seed’s bare token', GOOD],
    ['a Bearer token', `Bearer ${GOOD}`],
    ['a bearer token, any case', `bearer  ${GOOD}`],
  ])('accepts %s and allows the whole stage, with the principal as context', async (_, header) => {
    await expect(handler({ type: 'TOKEN', authorizationToken: header, methodArn })).resolves.toEqual({
      principalId: 'u-1',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/showcase/*' }] },
      context: { sub: 'u-1', roles: 'customer,analyst' },
    });
  });

  it.each([
    ['a token the verifier rejects', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1LTIifQ.c2ln'],
    ['a bare Bearer', 'Bearer'],
    ['not a JWT', 'Basic dXNlcjpwYXNz'],
    ['an empty header', ''],
  ])('answers Unauthorized (API Gateway: 401) for %s', async (_, header) => {
    await expect(handler({ type: 'TOKEN', authorizationToken: header, methodArn })).rejects.toThrow(new Error(UNAUTHORIZED));
  });

  it('rejects through the real Cognito verifier when the token is not the pool’s', async () => {
    const cognito = createAuthorizerHandler(async () => createCognitoVerifier({ userPoolId: 'eu-west-1_AbCdEfGhI', clientId: 'client' }));
    await expect(cognito({ type: 'TOKEN', authorizationToken: `Bearer ${GOOD}`, methodArn })).rejects.toThrow(new Error(UNAUTHORIZED));
  });

  it('widens a method ARN to its stage', () => {
    expect(stageWide('arn:aws:execute-api:us-east-1:1:abc/prod/POST/orders/o-1/cancel')).toBe('arn:aws:execute-api:us-east-1:1:abc/prod/*');
  });
});
