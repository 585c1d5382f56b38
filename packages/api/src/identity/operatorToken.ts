import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKeys } from './keys.js';

/**
 * A short-lived admin access token for the operator CLI on the engine's own machine: whoever can
 * read the local issuer's signing key (the data folder, or the database) is an operator already.
 * It lets `strata replay`/`dlq`/`grant` ask a running engine through its admin endpoint
 * (DESIGN.md decision 9) instead of opening its store a second time.
 */
export const issueOperatorToken = (keys: SigningKeys, o: { issuer: string; audience?: string; ttlSeconds?: number; now?: () => Date }): Promise<string> => {
  const now = Math.floor((o.now?.() ?? new Date()).getTime() / 1000);
  return new SignJWT({ token_use: 'access', 'cognito:groups': ['admin'] })
    .setProtectedHeader({ alg: 'RS256', kid: keys.kid, typ: 'JWT' })
    .setIssuer(o.issuer)
    .setAudience(o.audience ?? 'strata')
    .setSubject('operator:cli')
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (o.ttlSeconds ?? 300))
    .sign(keys.privateKey);
};
