import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { Principal, TokenRejection, TokenVerifier } from './ports.js';
import { createCachedVerifier } from './verifier.cached.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
/** An unsigned token whose payload carries `exp`: the inner verifier below decides validity. */
const token = (sub: string, expSeconds: number): string =>
  `h.${Buffer.from(JSON.stringify({ sub, exp: expSeconds })).toString('base64url')}.s`;

/** A verifier that accepts the subjects in `valid` and counts its calls. */
const countingVerifier = (valid: Set<string>) => {
  const calls: string[] = [];
  const verifier: TokenVerifier = {
    async verify(t) {
      calls.push(t);
      const { sub } = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as { sub: string };
      return valid.has(sub) ? E.right<TokenRejection, Principal>({ sub, roles: ['customer'] }) : E.left({ _tag: 'InvalidToken', reason: 'revoked' });
    },
  };
  return { verifier, calls };
};

describe('cached token verifier', () => {
  it('verifies a token once and answers repeats from memory until the token expires', async () => {
    let now = T0;
    const inner = countingVerifier(new Set(['ada']));
    const cached = createCachedVerifier(inner.verifier, { clock: () => new Date(now) });
    const t = token('ada', T0 / 1000 + 60);
    for (let i = 0; i < 5; i++) expect(await cached.verify(t)).toEqual(E.right({ sub: 'ada', roles: ['customer'] }));
    expect(inner.calls).toHaveLength(1);
    now = T0 + 60_000; // at exp: the inner verifier decides again
    inner.calls.length = 0;
    await cached.verify(t);
    expect(inner.calls).toHaveLength(1);
  });

  it('never remembers a rejection, and forgets an answer after ttlMs', async () => {
    let now = T0;
    const valid = new Set(['bob']);
    const inner = countingVerifier(valid);
    const cached = createCachedVerifier(inner.verifier, { clock: () => new Date(now), ttlMs: 1000 });
    const bad = token('eve', T0 / 1000 + 3600);
    expect(E.isLeft(await cached.verify(bad))).toBe(true);
    expect(E.isLeft(await cached.verify(bad))).toBe(true);
    expect(inner.calls).toEqual([bad, bad]);

    const t = token('bob', T0 / 1000 + 3600);
    expect(E.isRight(await cached.verify(t))).toBe(true);
    valid.delete('bob'); // e.g. its key was removed from the key set
    now = T0 + 999;
    expect(E.isRight(await cached.verify(t))).toBe(true);
    now = T0 + 1000;
    expect(await cached.verify(t)).toEqual(E.left({ _tag: 'InvalidToken', reason: 'revoked' }));
  });

  it('does not cache tokens without a usable exp, and keeps at most maxEntries', async () => {
    const inner = countingVerifier(new Set(['a', 'b', 'c']));
    const cached = createCachedVerifier(inner.verifier, { clock: () => new Date(T0), maxEntries: 2 });
    const noExp = `h.${Buffer.from(JSON.stringify({ sub: 'a' })).toString('base64url')}.s`;
    await cached.verify(noExp);
    await cached.verify(noExp);
    expect(inner.calls).toHaveLength(2);

    const [a, b, c] = ['a', 'b', 'c'].map((s) => token(s, T0 / 1000 + 60)) as [string, string, string];
    inner.calls.length = 0;
    for (const t of [a, b, c, c, b, a]) await cached.verify(t);
    // a was the oldest when c arrived: forgotten, verified again; b and c answered from memory
    expect(inner.calls).toEqual([a, b, c, a]);
  });
});
