import type { Hono } from 'hono';
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import type { ApiDeps } from './deps.js';
import type { CommandResult } from '@strata/write-model';
import { IdentityUnavailableError } from '../identity/ports.js';
import { commandContext, readBody, type ApiContext, type ApiEnv } from './context.js';
import { rejection } from './problem.js';
import { closed, email, secret, text } from './validation.js';

const PHONE = /^\+[1-9][0-9]{6,14}$/;
const phoneNumber = new t.Type<string, string, unknown>(
  'phoneNumber',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && PHONE.test(u) ? t.success(u) : t.failure(u, c, 'must be an E.164 phone number such as +15550100000')),
  (a) => a,
);

export const RegisterBody = closed('RegisterBody', {
  email,
  password: secret(1, 256),
  firstName: text(1, 100),
  lastName: text(1, 100),
  phoneNumber,
});
export const LoginBody = closed('LoginBody', { email, password: secret(1, 256) });
export const RefreshBody = closed('RefreshBody', { refreshToken: secret(1, 8192) });

/**
 * Registration is two steps in two systems: the identity account (which owns the e-mail's
 * uniqueness and issues the subject that keys the customer stream), then `RegisterCustomer`.
 * Either both exist or neither: when the second step is refused or fails, the account is deleted
 * again before answering (docs/decisions/0005-atomic-registration.md), so the e-mail can be
 * registered again at once.
 */
const register = (deps: Pick<ApiDeps, 'identity' | 'writeModel' | 'clock' | 'newId' | 'logger'>) => async (c: ApiContext): Promise<Response> => {
  const body = await readBody(c, RegisterBody);
  if (E.isLeft(body)) return body.left;
  const request = body.right;
  const signedUp = await deps.identity.signUp(request).catch((err: unknown) => {
    throw err instanceof IdentityUnavailableError ? err : new IdentityUnavailableError('identity sign-up failed', { cause: err });
  });
  if (E.isLeft(signedUp)) return rejection(c, signedUp.left);
  const { userSub, userConfirmed } = signedUp.right;
  const undo = async (why: unknown): Promise<void> => {
    try {
      await deps.identity.deleteUser({ userSub, email: request.email });
      deps.logger?.warn('registration undone: the customer could not be registered, so the new account was deleted', { requestId: c.get('requestId'), userSub, why: describe(why) });
    } catch (err) {
      // The one case left half-done: an operator must delete the account (the log names it).
      deps.logger?.error('registration half-done: the customer was not registered and deleting the new account failed', { requestId: c.get('requestId'), userSub, why: describe(why), cause: describe(err) });
      throw new IdentityUnavailableError(`registration of ${userSub} failed and its account could not be deleted`, { cause: err });
    }
  };
  let registered: CommandResult;
  try {
    // The customer aggregate is keyed by the identity's subject, so tokens and orders line up.
    registered = await deps.writeModel.registerCustomer(
      { customerId: userSub, email: request.email, firstName: request.firstName, lastName: request.lastName, phoneNumber: request.phoneNumber },
      commandContext(c, { sub: userSub, roles: ['customer'] }, deps),
    );
  } catch (err) {
    await undo(err);
    throw err;
  }
  if (E.isLeft(registered)) {
    await undo(registered.left);
    return rejection(c, registered.left);
  }
  return c.json({ message: 'registered', userSub, email: request.email, userConfirmed }, 201);
};

const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : typeof e === 'object' && e !== null && '_tag' in e ? String((e as { _tag: unknown })._tag) : String(e));

/** POST /register, /login, /token/refresh. */
export const identityRoutes = (app: Hono<ApiEnv>, deps: Pick<ApiDeps, 'identity' | 'writeModel' | 'clock' | 'newId' | 'logger'>): void => {
  app.post('/register', register(deps));

  app.post('/login', async (c) => {
    const body = await readBody(c, LoginBody);
    if (E.isLeft(body)) return body.left;
    const tokens = await deps.identity.signIn(body.right);
    if (E.isLeft(tokens)) return rejection(c, tokens.left);
    c.header('cache-control', 'no-store');
    return c.json(tokens.right, 200);
  });

  app.post('/token/refresh', async (c) => {
    const body = await readBody(c, RefreshBody);
    if (E.isLeft(body)) return body.left;
    const tokens = await deps.identity.refresh(body.right.refreshToken);
    if (E.isLeft(tokens)) return rejection(c, tokens.left);
    c.header('cache-control', 'no-store');
    return c.json(tokens.right, 200);
  });
};
