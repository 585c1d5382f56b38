import * as E from 'fp-ts/lib/Either.js';
import type { Principal, TokenVerifier } from './ports.js';

export interface CachedVerifierOptions {
  readonly clock: () => Date;
  /** How long one verification is trusted, at most (default 5 minutes; never past the token's `exp`). */
  readonly ttlMs?: number;
  /** Tokens remembered at once (default 10,000; the oldest is forgotten first). */
  readonly maxEntries?: number;
}

/** The `exp` claim (seconds) of a token that has just been verified, or `undefined`. */
const expiryOf = (token: string): number | undefined => {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Remembers successful verifications, keyed by the whole token, until the earlier of the token's
 * `exp` and `ttlMs` after the verification (as API Gateway caches an authorizer's answer). A client
 * sends the same token with every request, and the signature check costs more than the rest of a
 * `GET /orders/{id}`. Rejections are never remembered: a token is checked again each time until it
 * verifies. Trade-off: a key removed from the key set still admits the tokens it signed for up to
 * `ttlMs` — the same window a JWT's own lifetime already gives them.
 */
export const createCachedVerifier = (inner: TokenVerifier, options: CachedVerifierOptions): TokenVerifier => {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const maxEntries = Math.max(1, options.maxEntries ?? 10_000);
  const cache = new Map<string, { readonly principal: Principal; readonly until: number }>();
  return {
    async verify(token) {
      const now = options.clock().getTime();
      const hit = cache.get(token);
      if (hit !== undefined) {
        if (now < hit.until) return E.right(hit.principal);
        cache.delete(token);
      }
      const verified = await inner.verify(token);
      const exp = E.isRight(verified) ? expiryOf(token) : undefined;
      if (E.isRight(verified) && exp !== undefined && exp * 1000 > now) {
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
        cache.set(token, { principal: verified.right, until: Math.min(exp * 1000, now + ttlMs) });
      }
      return verified;
    },
  };
};
