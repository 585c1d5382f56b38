import * as E from 'fp-ts/lib/Either.js';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  InitiateAuthCommand,
  InvalidPasswordException,
  NotAuthorizedException,
  SignUpCommand,
  UserNotFoundException,
  UsernameExistsException,
  type AdminAddUserToGroupCommandOutput,
  type InitiateAuthCommandOutput,
  type SignUpCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { IdentityUnavailableError, type IdentityError, type IdentityProvider, type Role, type Tokens, type TokenVerifier } from './ports.js';
import { principalOf } from './verifier.jwks.js';

type CognitoCommand = SignUpCommand | AdminConfirmSignUpCommand | AdminAddUserToGroupCommand | AdminDeleteUserCommand | InitiateAuthCommand;

export interface CognitoIdentityOptions {
  /** A `CognitoIdentityProviderClient` (or anything with its `send`). */
  readonly client: { send(command: CognitoCommand): Promise<unknown> };
  readonly userPoolId: string;
  readonly clientId: string;
  /**
   * Confirm new users at once (AdminConfirmSignUp), as the seed's flow logs in right after
   * registering. Default true; set false when the pool verifies e-mail addresses itself.
   */
  readonly autoConfirm?: boolean;
}

const invalidCredentials: IdentityError = { _tag: 'InvalidCredentials', kind: 'unauthorized', message: 'incorrect e-mail or password' };

const tokensOf = (out: InitiateAuthCommandOutput, refreshToken?: string): E.Either<IdentityError, Tokens> => {
  const r = out.AuthenticationResult;
  // A challenge (new password, MFA) instead of tokens: this API does not drive challenges.
  if (!r?.IdToken || !r.AccessToken) return E.left(invalidCredentials);
  const base = { idToken: r.IdToken, accessToken: r.AccessToken, expiresIn: r.ExpiresIn ?? 3600, tokenType: 'Bearer' as const };
  const refresh = r.RefreshToken ?? refreshToken;
  return E.right(refresh === undefined ? base : { ...base, refreshToken: refresh });
};

/** Amazon Cognito user pool as the `IdentityProvider` (SignUp, InitiateAuth, AdminAddUserToGroup). */
export const createCognitoIdentityProvider = (options: CognitoIdentityOptions): IdentityProvider => {
  const { client, userPoolId, clientId } = options;
  const addToGroup = (username: string, role: Role) =>
    client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: role })) as Promise<AdminAddUserToGroupCommandOutput>;
  // The pool signs in by e-mail (infra: signInAliases email), so the e-mail is the Username every Admin* call takes.
  const deleteUser = async (username: string): Promise<void> => {
    try {
      await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
    } catch (err) {
      // Already gone: the compensation has nothing left to do (it may be a retry).
      if (!(err instanceof UserNotFoundException)) throw err;
    }
  };
  return {
    signUp: async (req) => {
      try {
        const out = (await client.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: req.email,
            Password: req.password,
            UserAttributes: [
              { Name: 'email', Value: req.email },
              { Name: 'given_name', Value: req.firstName },
              { Name: 'family_name', Value: req.lastName },
              { Name: 'phone_number', Value: req.phoneNumber },
            ],
          }),
        )) as SignUpCommandOutput;
        if (!out.UserSub) throw new Error('Cognito SignUp returned no UserSub');
        // The user exists from here on: if confirming or the group fails, delete it again, so a
        // failed sign-up leaves no account behind (docs/decisions/0005).
        try {
          let confirmed = out.UserConfirmed ?? false;
          if (!confirmed && (options.autoConfirm ?? true)) {
            await client.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: req.email }));
            confirmed = true;
          }
          await addToGroup(req.email, 'customer');
          return E.right({ userSub: out.UserSub, userConfirmed: confirmed });
        } catch (err) {
          await deleteUser(req.email).catch((undo: unknown) => {
            throw new IdentityUnavailableError(`Cognito sign-up of ${out.UserSub} failed half-way and its AdminDeleteUser failed too: delete the user by hand`, { cause: new AggregateError([err, undo]) });
          });
          throw new IdentityUnavailableError('Cognito sign-up failed after SignUp; the user was deleted again', { cause: err });
        }
      } catch (err) {
        if (err instanceof UsernameExistsException) return E.left({ _tag: 'UserExists', kind: 'conflict', message: 'an account with this e-mail already exists', field: 'email' });
        if (err instanceof InvalidPasswordException) return E.left({ _tag: 'WeakPassword', kind: 'invalid', message: 'the password does not meet the user pool policy', field: 'password' });
        throw err instanceof IdentityUnavailableError ? err : new IdentityUnavailableError('Cognito SignUp failed', { cause: err });
      }
    },
    signIn: async ({ email, password }) => {
      try {
        const out = (await client.send(
          new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }),
        )) as InitiateAuthCommandOutput;
        return tokensOf(out);
      } catch (err) {
        if (err instanceof NotAuthorizedException || err instanceof UserNotFoundException) return E.left(invalidCredentials);
        throw new IdentityUnavailableError('Cognito InitiateAuth failed', { cause: err });
      }
    },
    refresh: async (refreshToken) => {
      try {
        const out = (await client.send(
          new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } }),
        )) as InitiateAuthCommandOutput;
        return tokensOf(out, refreshToken);
      } catch (err) {
        if (err instanceof NotAuthorizedException) return E.left({ _tag: 'InvalidRefreshToken', kind: 'unauthorized', message: 'the refresh token is invalid or expired' });
        throw new IdentityUnavailableError('Cognito InitiateAuth (refresh) failed', { cause: err });
      }
    },
    deleteUser: async ({ email }) => {
      try {
        await deleteUser(email);
      } catch (err) {
        throw new IdentityUnavailableError('Cognito AdminDeleteUser failed', { cause: err });
      }
    },
    assignRole: async (userSub, role) => {
      try {
        await addToGroup(userSub, role);
        return E.right(undefined);
      } catch (err) {
        if (err instanceof UserNotFoundException) return E.left({ _tag: 'UserNotFound', kind: 'not-found', message: `no user ${userSub}` });
        throw err;
      }
    },
  };
};

/**
 * Cognito tokens verified with aws-jwt-verify (JWKS of the user pool, RS256, issuer, `aud` /
 * `client_id`, expiry, token use id or access). Same `TokenVerifier` port as the local issuer.
 */
export const createCognitoVerifier = (options: { readonly userPoolId: string; readonly clientId: string }): TokenVerifier & {
  /** Preloads the pool's JWKS (tests, offline warm-up). */
  cacheJwks(jwks: Parameters<ReturnType<typeof CognitoJwtVerifier.create>['cacheJwks']>[0]): void;
} => {
  const verifier = CognitoJwtVerifier.create({ userPoolId: options.userPoolId, clientId: options.clientId, tokenUse: null });
  return {
    cacheJwks: (jwks) => verifier.cacheJwks(jwks),
    verify: async (token) => {
      try {
        return principalOf((await verifier.verify(token)) as unknown as Record<string, unknown>);
      } catch (err) {
        return E.left({ _tag: 'InvalidToken', reason: err instanceof Error ? err.name : 'unverifiable' });
      }
    },
  };
};
