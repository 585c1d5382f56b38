import * as E from 'fp-ts/lib/Either.js';
import { SignJWT, jwtVerify, createLocalJWKSet, type JSONWebKeySet, type JWK } from 'jose';
import type { SigningKeys } from './keys.js';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword, type ScryptParams } from './password.scrypt.js';
import type { IdentityError, IdentityProvider, Role, Tokens, TokenVerifier, UserRecord, UserStore } from './ports.js';
import { createJwksVerifier } from './verifier.jwks.js';

export interface LocalIdentityOptions {
  readonly users: UserStore;
  readonly keys: SigningKeys;
  /** Earlier public keys still accepted and published (a rotation's previous key). */
  readonly previousPublicKeys?: readonly JWK[];
  /** `iss` of every token, e.g. `http://127.0.0.1:3000`; its JWKS is served at `/.well-known/jwks.json`. */
  readonly issuer: string;
  /** `aud` of every token (plays the part of Cognito's app client id). */
  readonly audience: string;
  readonly clock: () => Date;
  readonly newId: () => string;
  /** Lifetime of id and access tokens (default 3600 s, Cognito's default). */
  readonly tokenTtlSeconds?: number;
  /** Lifetime of refresh tokens (default 30 days). */
  readonly refreshTtlSeconds?: number;
  readonly scrypt?: ScryptParams;
}

export interface LocalIdentity {
  readonly provider: IdentityProvider;
  readonly verifier: TokenVerifier;
  readonly jwks: JSONWebKeySet;
}

/** Cognito's default password policy, so a password that works locally works in AWS too. */
const passwordProblem = (password: string): string | undefined => {
  if (password.length < 8) return 'password must have at least 8 characters';
  if (!/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/[0-9]/.test(password) || !/[^A-Za-z0-9]/.test(password))
    return 'password must contain a lower-case letter, an upper-case letter, a digit and a symbol';
  return undefined;
};

const invalidCredentials: IdentityError = { _tag: 'InvalidCredentials', kind: 'unauthorized', message: 'incorrect e-mail or password' };
const invalidRefresh: IdentityError = { _tag: 'InvalidRefreshToken', kind: 'unauthorized', message: 'the refresh token is invalid or expired' };

/**
 * The local issuer: users in a `UserStore` with scrypt password hashes, RS256 JWTs shaped like
 * Cognito's (`token_use`, `cognito:groups`, `email`), refresh tokens, and the JWKS the verifier
 * (the same JWKS verifier any issuer uses) checks them against.
 */
export const createLocalIdentity = (options: LocalIdentityOptions): LocalIdentity => {
  const ttl = options.tokenTtlSeconds ?? 3600;
  const refreshTtl = options.refreshTtlSeconds ?? 30 * 24 * 3600;
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  const jwks: JSONWebKeySet = { keys: [options.keys.publicJwk, ...(options.previousPublicKeys ?? []).filter((k) => k.kid !== options.keys.kid)] };
  // Unknown e-mails still cost one hash comparison, so response time does not reveal who has an account.
  let decoy: Promise<string> | undefined;

  const sign = (user: UserRecord, use: 'id' | 'access' | 'refresh', lifetime: number): Promise<string> => {
    const now = Math.floor(options.clock().getTime() / 1000);
    const claims: Record<string, unknown> =
      use === 'id'
        ? { token_use: use, email: user.email, given_name: user.firstName, family_name: user.lastName, 'cognito:groups': user.roles }
        : { token_use: use, 'cognito:groups': user.roles };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: options.keys.kid, typ: 'JWT' })
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setSubject(user.sub)
      .setJti(options.newId())
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .sign(options.keys.privateKey);
  };

  const tokensFor = async (user: UserRecord, withRefresh: boolean): Promise<Tokens> => {
    const [idToken, accessToken] = await Promise.all([sign(user, 'id', ttl), sign(user, 'access', ttl)]);
    const base = { idToken, accessToken, expiresIn: ttl, tokenType: 'Bearer' as const };
    return withRefresh ? { ...base, refreshToken: await sign(user, 'refresh', refreshTtl) } : base;
  };

  const keySet = createLocalJWKSet(jwks);

  const provider: IdentityProvider = {
    signUp: async (req) => {
      const weak = passwordProblem(req.password);
      if (weak !== undefined) return E.left({ _tag: 'WeakPassword', kind: 'invalid', message: weak, field: 'password' });
      const user: UserRecord = {
        sub: options.newId(),
        email: req.email.toLowerCase(),
        passwordHash: await hashPassword(req.password, params),
        firstName: req.firstName,
        lastName: req.lastName,
        phoneNumber: req.phoneNumber,
        roles: ['customer'],
        createdAt: options.clock().toISOString(),
      };
      const created = await options.users.create(user);
      if (created === 'exists') return E.left({ _tag: 'UserExists', kind: 'conflict', message: 'an account with this e-mail already exists', field: 'email' });
      return E.right({ userSub: user.sub, userConfirmed: true });
    },
    signIn: async ({ email, password }) => {
      const user = await options.users.findByEmail(email.toLowerCase());
      if (!user) {
        decoy ??= hashPassword('decoy-password', params);
        await verifyPassword(password, await decoy);
        return E.left(invalidCredentials);
      }
      if (!(await verifyPassword(password, user.passwordHash))) return E.left(invalidCredentials);
      return E.right(await tokensFor(user, true));
    },
    refresh: async (refreshToken) => {
      try {
        const { payload } = await jwtVerify(refreshToken, keySet, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['RS256'],
          currentDate: options.clock(),
        });
        const user = payload['token_use'] === 'refresh' && typeof payload.sub === 'string' ? await options.users.findBySub(payload.sub) : undefined;
        return user ? E.right(await tokensFor(user, false)) : E.left(invalidRefresh);
      } catch {
        return E.left(invalidRefresh);
      }
    },
    assignRole: async (userSub: string, role: Role) => {
      const user = await options.users.findBySub(userSub);
      if (!user) return E.left({ _tag: 'UserNotFound', kind: 'not-found', message: `no user ${userSub}` });
      if (!user.roles.includes(role)) await options.users.setRoles(userSub, [...user.roles, role]);
      return E.right(undefined);
    },
    deleteUser: async ({ userSub }) => {
      await options.users.delete(userSub);
    },
  };

  const verifier = createJwksVerifier({ jwks, issuer: options.issuer, audience: options.audience, clock: options.clock });
  return { provider, verifier, jwks };
};
