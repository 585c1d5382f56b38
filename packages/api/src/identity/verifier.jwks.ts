import * as E from 'fp-ts/lib/Either.js';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { isIdentifier } from '@strata/events';
import { isRole, type Principal, type TokenRejection, type TokenVerifier } from './ports.js';

export interface JwksVerifierOptions {
  /** The key set itself (local issuer) or its URL (any other issuer). */
  readonly jwks: JSONWebKeySet | URL;
  readonly issuer: string;
  readonly audience: string;
  readonly clock: () => Date;
  /** Tolerated clock skew in seconds (default 5). */
  readonly clockToleranceSeconds?: number;
}

/** Reads the roles a token carries: Cognito's `cognito:groups`, unknown groups ignored. */
export const rolesOf = (payload: Record<string, unknown>): Principal['roles'] => {
  const groups = payload['cognito:groups'];
  return Array.isArray(groups) ? groups.filter(isRole) : [];
};

export const principalOf = (payload: JWTPayload & Record<string, unknown>): E.Either<TokenRejection, Principal> => {
  if (!isIdentifier(payload.sub)) return E.left({ _tag: 'InvalidToken', reason: 'the token has no usable subject' });
  const email = payload['email'];
  return E.right(typeof email === 'string' ? { sub: payload.sub, email, roles: rolesOf(payload) } : { sub: payload.sub, roles: rolesOf(payload) });
};

/**
 * RS256 JWT verification against a JWKS: signature, `alg` (RS256 only, so `none` and HS256
 * key-confusion tokens fail), issuer, audience, expiry and `token_use` (id or access; refresh
 * tokens are not credentials).
 */
export const createJwksVerifier = (options: JwksVerifierOptions): TokenVerifier => {
  const keys = options.jwks instanceof URL ? createRemoteJWKSet(options.jwks) : createLocalJWKSet(options.jwks);
  return {
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['RS256'],
          currentDate: options.clock(),
          clockTolerance: options.clockToleranceSeconds ?? 5,
          requiredClaims: ['exp', 'iat', 'sub'],
        });
        const use = payload['token_use'];
        if (use !== 'id' && use !== 'access') return E.left({ _tag: 'InvalidToken', reason: `token_use ${String(use)} is not accepted` });
        return principalOf(payload);
      } catch (err) {
        return E.left({ _tag: 'InvalidToken', reason: (err as { code?: string }).code ?? 'unverifiable' });
      }
    },
  };
};
