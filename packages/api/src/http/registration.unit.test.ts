import { afterEach, describe, expect, it, jest } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { EventStoreUnavailableError, FEED_START, InvalidAppendError, customerStream, type AppendRequest, type ChangeFeed, type EventStore } from '@strata/events';
import { createMemoryEventStore } from '@strata/write-model';
import type { ProjectionSink } from '@strata/projections';
import { createTestApi, type TestApi, type TestApiOptions } from '../testing.js';
import type { ApiDeps, Logger } from './deps.js';

// A bound for a loaded machine only: the cases wait on hooks, not on time.
jest.setTimeout(30_000);

/*
 * Registration is atomic (issue 11, docs/decisions/0005): after a failure injected at any step —
 * the identity provider, the event store, the read model — either the account and the
 * `CustomerRegistered` event both exist, or neither does and the same e-mail registers again.
 */

const person = (email: string) => ({ email, password: 'ComplexP@ss1234', firstName: 'Ada', lastName: 'Lovelace', phoneNumber: '+15550100000' });
let t: TestApi | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A memory store whose appends to customer streams fail while `fault` is set. */
const faultyStore = () => {
  const inner = createMemoryEventStore();
  let fault: (() => Error) | undefined;
  const store: EventStore & ChangeFeed = {
    append: (request: AppendRequest) => (fault && request.streamId.startsWith(customerStream('')) ? Promise.reject(fault()) : inner.append(request)),
    readStream: (id, o) => inner.readStream(id, o),
    readFeed: (after, limit) => inner.readFeed(after, limit),
    close: () => inner.close(),
  };
  return { store, fail: (f: (() => Error) | undefined) => (fault = f) };
};

const recordingLogger = () => {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const logger: Logger = {
    info: (message, fields) => lines.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
    warn: (message, fields) => lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
    error: (message, fields) => lines.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
  };
  return { logger, lines };
};

const start = async (o: TestApiOptions = {}) => {
  t = await createTestApi(o);
  return t;
};
const register = (api: TestApi, email: string) =>
  api.app.request('/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(person(email)) });

/** What exists for `email`: the identity account (can it log in?) and CustomerRegistered events for it. */
const stateOf = async (api: TestApi, email: string) => {
  const login = await api.identity.provider.signIn({ email, password: person(email).password });
  const events = (await (api.store as ChangeFeed).readFeed(FEED_START, 100_000)).events.filter(
    (e) => e.type === 'CustomerRegistered' && (e.data as { email?: string }).email === email,
  );
  return { account: E.isRight(login), registered: events.length };
};

describe('atomic registration', () => {
  it('identity step fails (the provider throws): 503, no account, no event; the e-mail registers afterwards', async () => {
    let failing = true;
    const api = await start({
      decorate: {
        deps: (d: ApiDeps) => ({
          ...d,
          identity: { ...d.identity, signUp: (req) => (failing ? Promise.reject(new Error('connection reset')) : d.identity.signUp(req)) },
        }),
      },
    });
    const res = await register(api, 'ada1@example.com');
    expect(res.status).toBe(503);
    expect(await stateOf(api, 'ada1@example.com')).toEqual({ account: false, registered: 0 });
    failing = false;
    expect((await register(api, 'ada1@example.com')).status).toBe(201);
    expect(await stateOf(api, 'ada1@example.com')).toEqual({ account: true, registered: 1 });
  });

  it.each([
    ['unavailable (503)', () => new EventStoreUnavailableError('store down'), 503],
    ['refusing the data (422)', () => new InvalidAppendError('the database refused the data'), 422],
  ] as const)('store step fails, %s: the new account is deleted again; the e-mail registers afterwards', async (_label, error, status) => {
    const faulty = faultyStore();
    const { logger, lines } = recordingLogger();
    const api = await start({ eventStore: faulty.store, decorate: { deps: (d) => ({ ...d, logger }) } });
    faulty.fail(error);
    const res = await register(api, 'ada2@example.com');
    expect(res.status).toBe(status);
    expect(await stateOf(api, 'ada2@example.com')).toEqual({ account: false, registered: 0 });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('registration undone') }));
    faulty.fail(undefined);
    expect((await register(api, 'ada2@example.com')).status).toBe(201);
    expect(await stateOf(api, 'ada2@example.com')).toEqual({ account: true, registered: 1 });
  });

  it('store step rejected by the decider (a Left): the account is deleted too', async () => {
    const api = await start({
      decorate: {
        deps: (d) => ({
          ...d,
          writeModel: { ...d.writeModel, registerCustomer: async () => E.left({ _tag: 'CustomerAlreadyRegistered', kind: 'conflict', message: 'injected' } as never) },
        }),
      },
    });
    expect((await register(api, 'ada3@example.com')).status).toBe(409);
    expect(await stateOf(api, 'ada3@example.com')).toEqual({ account: false, registered: 0 });
  });

  it('read model step fails: the registration stands whole (account and event); registering again is a 409, not a half account', async () => {
    let sawRegistration: () => void = () => undefined;
    const projectionFailed = new Promise<void>((resolve) => (sawRegistration = resolve));
    const failing = (sink: ProjectionSink): ProjectionSink => ({
      ...sink,
      apply: async (events, position) => {
        if (events.some((e) => e.type === 'CustomerRegistered')) {
          sawRegistration();
          throw new Error('read model down');
        }
        return sink.apply(events, position);
      },
    });
    const api = await start({ decorate: { sink: failing } });
    expect((await register(api, 'ada4@example.com')).status).toBe(201);
    // The read model really saw the event and failed on it.
    await projectionFailed;
    expect(await stateOf(api, 'ada4@example.com')).toEqual({ account: true, registered: 1 });
    const again = await register(api, 'ada4@example.com');
    expect(again.status).toBe(409);
    expect(await stateOf(api, 'ada4@example.com')).toEqual({ account: true, registered: 1 });
  });

  it('the compensation failing too: 503, and an error log naming the account an operator must delete', async () => {
    const faulty = faultyStore();
    const { logger, lines } = recordingLogger();
    const api = await start({
      eventStore: faulty.store,
      decorate: { deps: (d) => ({ ...d, logger, identity: { ...d.identity, deleteUser: () => Promise.reject(new Error('identity down')) } }) },
    });
    faulty.fail(() => new EventStoreUnavailableError('store down'));
    const res = await register(api, 'ada5@example.com');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { userSub?: string };
    expect(body.userSub).toBeUndefined();
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringContaining('registration half-done'), fields: expect.objectContaining({ userSub: expect.any(String) }) }));
  });
});
