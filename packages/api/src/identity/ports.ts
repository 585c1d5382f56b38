import type { Either } from 'fp-ts/lib/Either.js';

/** The roles Strata knows; on Cognito they are user-pool groups (`cognito:groups`). */
export const ROLES = ['customer', 'admin', 'analyst', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
export const isRole = (s: unknown): s is Role => typeof s === 'string' && (ROLES as readonly string[]).includes(s);

/** Who is calling, as proven by a verified token. */
export interface Principal {
  readonly sub: string;
  readonly email?: string;
  readonly roles: readonly Role[];
}

export interface SignUpRequest {
  readonly email: string;
  readonly password: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly phoneNumber: string;
}

export interface Tokens {
  readonly idToken: string;
  readonly accessToken: string;
  /** Absent on a refresh: the caller keeps using the refresh token it has. */
  readonly refreshToken?: string;
  /** Lifetime of the id and access tokens, in seconds. */
  readonly expiresIn: number;
  readonly tokenType: 'Bearer';
}

/** A rejected identity request; `kind` maps to the HTTP status like a `DomainError`'s. */
export type IdentityError =
  | { readonly _tag: 'UserExists'; readonly kind: 'conflict'; readonly message: string; readonly field: 'email' }
  | { readonly _tag: 'WeakPassword'; readonly kind: 'invalid'; readonly message: string; readonly field: 'password' }
  | { readonly _tag: 'InvalidCredentials'; readonly kind: 'unauthorized'; readonly message: string }
  | { readonly _tag: 'InvalidRefreshToken'; readonly kind: 'unauthorized'; readonly message: string }
  | { readonly _tag: 'UserNotFound'; readonly kind: 'not-found'; readonly message: string };

/**
 * Sign-up, sign-in and refresh. Adapters: the local issuer (`createLocalIdentity`) and Cognito
 * (`@strata/api/identity/cognito`). Rejections are `Left`s; infrastructure faults throw.
 */
export interface IdentityProvider {
  signUp(request: SignUpRequest): Promise<Either<IdentityError, { readonly userSub: string; readonly userConfirmed: boolean }>>;
  signIn(request: { readonly email: string; readonly password: string }): Promise<Either<IdentityError, Tokens>>;
  refresh(refreshToken: string): Promise<Either<IdentityError, Tokens>>;
  /** Grants a role (Cognito: AdminAddUserToGroup). For operators and tests; no HTTP route. */
  assignRole(userSub: string, role: Role): Promise<Either<IdentityError, void>>;
  /**
   * Deletes the account `signUp` created (Cognito: AdminDeleteUser): the compensation of a
   * registration whose later step failed (docs/decisions/0005). Deleting an account that is
   * already gone succeeds, so the compensation can be retried.
   */
  deleteUser(user: { readonly userSub: string; readonly email: string }): Promise<void>;
}

/** The identity provider could not be reached or failed (a thrown fault, not a rejection); `cause` holds why. */
export class IdentityUnavailableError extends Error {
  readonly code = 'IDENTITY_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdentityUnavailableError';
  }
}

/** Why a token was refused. Every kind is a 401 at the edge; the kind is logged, not returned. */
export type TokenRejection = { readonly _tag: 'InvalidToken'; readonly reason: string };

/**
 * Verifies an id or access token (signature against a JWKS, algorithm, issuer, audience,
 * expiry, token use) and returns who it names. One code path for the local issuer and Cognito.
 */
export interface TokenVerifier {
  verify(token: string): Promise<Either<TokenRejection, Principal>>;
}

/** A user of the local issuer. */
export interface UserRecord {
  readonly sub: string;
  /** Lower-cased: e-mail addresses are matched case-insensitively. */
  readonly email: string;
  readonly passwordHash: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly phoneNumber: string;
  readonly roles: readonly Role[];
  readonly createdAt: string;
}

/** Where the local issuer keeps its users. Adapters: memory, JSON file. */
export interface UserStore {
  findByEmail(email: string): Promise<UserRecord | undefined>;
  findBySub(sub: string): Promise<UserRecord | undefined>;
  /** 'exists' when the e-mail is taken (the check and the insert are atomic). */
  create(user: UserRecord): Promise<'created' | 'exists'>;
  setRoles(sub: string, roles: readonly Role[]): Promise<void>;
  /** Removes the user (and frees the e-mail); no-op when there is none. */
  delete(sub: string): Promise<void>;
}
