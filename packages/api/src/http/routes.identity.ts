import type { Hono } from 'hono';
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import type { ApiDeps } from './deps.js';
import { commandContext, readBody, type ApiEnv } from './context.js';
import { rejection } from './problem.js';
import { closed, email, text } from './validation.js';

const PHONE = /^\+[1-9][0-9]{6,14}$/;
const phoneNumber = new t.Type<string, string, unknown>(
  'phoneNumber',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && PHONE.test(u) ? t.success(u) : t.failure(u, c, 'must be an E.164 phone number such as +15550100000')),
  (a) => a,
);

export const RegisterBody = closed('RegisterBody', {
  email,
  password: text(1, 256),
  firstName: text(1, 100),
  lastName: text(1, 100),
  phoneNumber,
});
export const LoginBody = closed('LoginBody', { email, password: text(1, 256) });
export const RefreshBody = closed('RefreshBody', { refreshToken: text(1, 8192) });

/** POST /register, /login, /token/refresh. */
export const identityRoutes = (app: Hono<ApiEnv>, deps: Pick<ApiDeps, 'identity' | 'writeModel' | 'clock' | 'newId'>): void => {
  app.post('/register', async (c) => {
    const body = await readBody(c, RegisterBody);
    if (E.isLeft(body)) return body.left;
    const signedUp = await deps.identity.signUp(body.right);
    if (E.isLeft(signedUp)) return rejection(c, signedUp.left);
    const { userSub, userConfirmed } = signedUp.right;
    // The customer aggregate is keyed by the identity's subject, so tokens and orders line up.
    const registered = await deps.writeModel.registerCustomer(
      { customerId: userSub, email: body.right.email, firstName: body.right.firstName, lastName: body.right.lastName, phoneNumber: body.right.phoneNumber },
      commandContext(c, { sub: userSub, roles: ['customer'] }, deps),
    );
    if (E.isLeft(registered)) return rejection(c, registered.left);
    return c.json({ message: 'registered', userSub, email: body.right.email, userConfirmed }, 201);
  });

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
