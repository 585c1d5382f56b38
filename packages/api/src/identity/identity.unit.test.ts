import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { SignJWT } from 'jose';
import { InternalErrorException, NotAuthorizedException, UserNotFoundException, UsernameExistsException } from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoIdentityProvider, createCognitoVerifier } from './cognito.js';
import { generateSigningKeys, loadOrCreateSigningKeys, type SigningKeys } from './keys.js';
import { createLocalIdentity } from './local.js';
import { hashPassword, verifyPassword } from './password.scrypt.js';
import { createFileUserStore } from './userStore.file.js';
import { createMemoryUserStore } from './userStore.memory.js';

const cheap = { N: 1024, r: 8, p: 1 };
const person = { email: 'Ada@Example.com', password: 'ComplexP@ss1234', firstName: 'Ada', lastName: 'L', phoneNumber: '+15550100000' };
const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};

let keys: SigningKeys;
beforeAll(async () => {
  keys = await generateSigningKeys();
});

describe('scrypt password hashes', () => {
  it('verify the right password only; salts differ', async () => {
    const a = await hashPassword('correct horse', cheap);
    const b = await hashPassword('correct horse', cheap);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
    expect(await verifyPassword('correct horse', 'md5$abc')).toBe(false);
  });
});

describe('local issuer', () => {
  let now = new Date('2026-03-01T10:00:00Z');
  const local = () => createLocalIdentity({ users: createMemoryUserStore(), keys, issuer: 'http://local', audience: 'strata', clock: () => now, newId: randomUUID, scrypt: cheap });

  it('signs up, signs in (e-mail case-insensitive), and its tokens verify with customer role', async () => {
    const id = local();
    const { userSub } = right(await id.provider.signUp(person));
    const tokens = right(await id.provider.signIn({ email: 'ada@example.COM', password: person.password }));
    expect(right(await id.verifier.verify(tokens.idToken))).toEqual({ sub: userSub, email: 'ada@example.com', roles: ['customer'] });
    expect(right(await id.verifier.verify(tokens.accessToken))).toEqual({ sub: userSub, roles: ['customer'] });
    expect(await id.provider.signUp(person)).toEqual(E.left(expect.objectContaining({ _tag: 'UserExists' })));
  });

  it('refuses wrong passwords, unknown users and weak passwords', async () => {
    const id = local();
    right(await id.provider.signUp(person));
    expect(await id.provider.signIn({ email: person.email, password: 'Wrong-P@ss1' })).toEqual(E.left(expect.objectContaining({ _tag: 'InvalidCredentials' })));
    expect(await id.provider.signIn({ email: 'nobody@example.com', password: 'Wrong-P@ss1' })).toEqual(E.left(expect.objectContaining({ _tag: 'InvalidCredentials' })));
    for (const weak of ['short1!', 'alllowercase1!', 'NoDigits!!', 'NoSymbols123'])
      expect(await id.provider.signUp({ ...person, email: `${weak}@example.com`, password: weak })).toEqual(E.left(expect.objectContaining({ _tag: 'WeakPassword', field: 'password' })));
  });

  it('refreshes with a refresh token only; tokens expire', async () => {
    const id = local();
    right(await id.provider.signUp(person));
    const tokens = right(await id.provider.signIn(person));
    const refreshed = right(await id.provider.refresh(tokens.refreshToken!));
    expect(refreshed.refreshToken).toBeUndefined();
    expect(E.isRight(await id.verifier.verify(refreshed.idToken))).toBe(true);
    expect(await id.provider.refresh(tokens.idToken)).toEqual(E.left(expect.objectContaining({ _tag: 'InvalidRefreshToken' })));
    expect(E.isLeft(await id.verifier.verify(tokens.refreshToken!))).toBe(true);
    now = new Date(now.getTime() + 3600_000 + 6_000); // past expiry plus the 5 s clock tolerance
    expect(E.isLeft(await id.verifier.verify(tokens.idToken))).toBe(true);
    expect(E.isRight(await id.provider.refresh(tokens.refreshToken!))).toBe(true);
  });

  it('assignRole adds a role that later tokens carry', async () => {
    const id = local();
    const { userSub } = right(await id.provider.signUp(person));
    right(await id.provider.assignRole(userSub, 'auditor'));
    const tokens = right(await id.provider.signIn(person));
    expect(right(await id.verifier.verify(tokens.idToken)).roles).toEqual(['customer', 'auditor']);
    expect(await id.provider.assignRole('nobody', 'admin')).toEqual(E.left(expect.objectContaining({ _tag: 'UserNotFound' })));
  });
});

describe('durable local identity (data folder)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-identity-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('users and the signing key survive a restart: old tokens still verify, old passwords still work', async () => {
    const start = async () =>
      createLocalIdentity({ users: await createFileUserStore(join(dir, 'users.json')), keys: await loadOrCreateSigningKeys(dir), issuer: 'http://local', audience: 'strata', clock: () => new Date(), newId: randomUUID, scrypt: cheap });
    const first = await start();
    const { userSub } = right(await first.provider.signUp(person));
    const token = right(await first.provider.signIn(person)).idToken;
    const second = await start();
    expect(right(await second.verifier.verify(token)).sub).toBe(userSub);
    expect(E.isRight(await second.provider.signIn(person))).toBe(true);
    expect(second.jwks).toEqual(first.jwks);
    expect((await stat(join(dir, 'identity-signing-key.json'))).mode & 0o077).toBe(0);
  });
});

describe('Cognito adapters', () => {
  const userPoolId = 'eu-west-1_AbCdEf123';
  const clientId = 'client123';
  const issuer = `https://cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`;
  const cognitoToken = (o: { aud?: string; iss?: string; exp?: number; use?: string } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ token_use: o.use ?? 'id', 'cognito:groups': ['analyst', 'some-other-group'], email: 'a@example.com', auth_time: now })
      .setProtectedHeader({ alg: 'RS256', kid: keys.kid })
      .setIssuer(o.iss ?? issuer)
      .setAudience(o.aud ?? clientId)
      .setSubject('11111111-2222-3333-4444-555555555555')
      .setIssuedAt(now)
      .setExpirationTime(o.exp ?? now + 3600)
      .sign(keys.privateKey);
  };

  it('the verifier checks signature, issuer, client and expiry with aws-jwt-verify; groups become roles', async () => {
    const verifier = createCognitoVerifier({ userPoolId, clientId });
    verifier.cacheJwks({ keys: [keys.publicJwk as never] });
    expect(right(await verifier.verify(await cognitoToken()))).toEqual({ sub: '11111111-2222-3333-4444-555555555555', email: 'a@example.com', roles: ['analyst'] });
    expect(E.isLeft(await verifier.verify(await cognitoToken({ aud: 'other-client' })))).toBe(true);
    expect(E.isLeft(await verifier.verify(await cognitoToken({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' })))).toBe(true);
    expect(E.isLeft(await verifier.verify(await cognitoToken({ exp: Math.floor(Date.now() / 1000) - 10 })))).toBe(true);
    expect(E.isLeft(await verifier.verify(await cognitoToken({ use: 'refresh' })))).toBe(true);
  });

  it('the provider signs up, confirms and groups the user; maps Cognito errors to identity errors', async () => {
    const sent: Array<{ name: string; input: unknown }> = [];
    let fail: Error | undefined;
    const client = {
      send: async (command: { constructor: { name: string }; input: unknown }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        if (fail) throw fail;
        if (command.constructor.name === 'SignUpCommand') return { UserSub: 'sub-1', UserConfirmed: false };
        if (command.constructor.name === 'InitiateAuthCommand') return { AuthenticationResult: { IdToken: 'id', AccessToken: 'acc', RefreshToken: 'ref', ExpiresIn: 3600 } };
        return {};
      },
    };
    const provider = createCognitoIdentityProvider({ client: client as never, userPoolId, clientId });
    expect(right(await provider.signUp(person))).toEqual({ userSub: 'sub-1', userConfirmed: true });
    expect(sent.map((s) => s.name)).toEqual(['SignUpCommand', 'AdminConfirmSignUpCommand', 'AdminAddUserToGroupCommand']);
    expect(sent[2]!.input).toMatchObject({ UserPoolId: userPoolId, GroupName: 'customer' });
    expect(right(await provider.signIn(person))).toEqual({ idToken: 'id', accessToken: 'acc', refreshToken: 'ref', expiresIn: 3600, tokenType: 'Bearer' });
    expect(sent[3]!.input).toMatchObject({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId });
    expect(right(await provider.refresh('ref')).refreshToken).toBe('ref');
    fail = new UsernameExistsException({ message: 'exists', $metadata: {} });
    expect(await provider.signUp(person)).toEqual(E.left(expect.objectContaining({ _tag: 'UserExists' })));
    fail = new NotAuthorizedException({ message: 'no', $metadata: {} });
    expect(await provider.signIn(person)).toEqual(E.left(expect.objectContaining({ _tag: 'InvalidCredentials' })));
    fail = new Error('network down');
    await expect(provider.signIn(person)).rejects.toMatchObject({ code: 'IDENTITY_UNAVAILABLE', cause: expect.objectContaining({ message: 'network down' }) });
  });

  /*
   * Compensation inside sign-up (docs/decisions/0005). Tested against the SDK's request and
   * response shapes (SignUp's UserSub/UserConfirmed, the modelled exception classes), not a live
   * pool: it does NOT prove that Cognito accepts the e-mail as AdminDeleteUser's Username (true for
   * a pool whose username attribute is the e-mail, as infra's `signInAliases: { email: true }`
   * makes it), nor Cognito's timing or IAM permissions (infra grants cognito-idp:AdminDeleteUser).
   */
  describe('a sign-up that fails half-way deletes the user it created', () => {
    const recordingClient = (failOn: Partial<Record<string, Error>>) => {
      const sent: Array<{ name: string; input: Record<string, unknown> }> = [];
      const client = {
        send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
          sent.push({ name: command.constructor.name, input: command.input });
          const failure = failOn[command.constructor.name];
          if (failure) throw failure;
          if (command.constructor.name === 'SignUpCommand') return { UserSub: 'sub-2', UserConfirmed: false, $metadata: { httpStatusCode: 200 } };
          return { $metadata: { httpStatusCode: 200 } };
        },
      };
      return { sent, provider: createCognitoIdentityProvider({ client: client as never, userPoolId, clientId }) };
    };

    it('AdminAddUserToGroup fails → AdminDeleteUser by the e-mail, then an IdentityUnavailableError', async () => {
      const { sent, provider } = recordingClient({ AdminAddUserToGroupCommand: new InternalErrorException({ message: 'boom', $metadata: {} }) });
      await expect(provider.signUp(person)).rejects.toMatchObject({ code: 'IDENTITY_UNAVAILABLE' });
      expect(sent.map((s) => s.name)).toEqual(['SignUpCommand', 'AdminConfirmSignUpCommand', 'AdminAddUserToGroupCommand', 'AdminDeleteUserCommand']);
      expect(sent[3]!.input).toEqual({ UserPoolId: userPoolId, Username: person.email });
    });

    it('AdminConfirmSignUp fails → the same compensation', async () => {
      const { sent, provider } = recordingClient({ AdminConfirmSignUpCommand: new InternalErrorException({ message: 'boom', $metadata: {} }) });
      await expect(provider.signUp(person)).rejects.toMatchObject({ code: 'IDENTITY_UNAVAILABLE' });
      expect(sent.map((s) => s.name)).toEqual(['SignUpCommand', 'AdminConfirmSignUpCommand', 'AdminDeleteUserCommand']);
    });

    it('the compensation failing too is reported as such (an operator must delete the user)', async () => {
      const boom = new InternalErrorException({ message: 'boom', $metadata: {} });
      const { provider } = recordingClient({ AdminAddUserToGroupCommand: boom, AdminDeleteUserCommand: boom });
      await expect(provider.signUp(person)).rejects.toThrow(/AdminDeleteUser failed too/);
    });

    it('deleteUser deletes by the e-mail and treats a user already gone as done', async () => {
      const { sent, provider } = recordingClient({ AdminDeleteUserCommand: new UserNotFoundException({ message: 'gone', $metadata: {} }) });
      await expect(provider.deleteUser({ userSub: 'sub-2', email: person.email })).resolves.toBeUndefined();
      expect(sent).toEqual([{ name: 'AdminDeleteUserCommand', input: { UserPoolId: userPoolId, Username: person.email } }]);
      const failing = recordingClient({ AdminDeleteUserCommand: new InternalErrorException({ message: 'boom', $metadata: {} }) });
      await expect(failing.provider.deleteUser({ userSub: 'sub-2', email: person.email })).rejects.toMatchObject({ code: 'IDENTITY_UNAVAILABLE' });
    });
  });
});
