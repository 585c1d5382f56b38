import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalJson, type Money } from '@strata/events';

/**
 * A simulated card provider served over HTTP (node:http), so every failure path of the saga runs
 * for real: latency, declines, transient 5xx, outage windows, slow answers that trip client
 * timeouts. It remembers idempotency keys: a repeated call gets the first answer and the ledger
 * never holds, captures or refunds twice. Every knob is deterministic (a seed or an explicit rule).
 *
 * API (JSON; `Idempotency-Key` header on every POST):
 * - `POST /v1/authorizations {paymentId, amount}` → 201 `{status:'authorized', providerRef, amount, expiresAt}` | 402 `{status:'declined', reason}`
 * - `POST /v1/authorizations/{ref}/capture {amount}` · `/void {}` · `/refund {amount}` → 200 `{providerRef, amount}`; 409/422 when not allowed
 * - `GET /v1/authorizations/{ref}` → the ledger entry; 503 while failing or in an outage.
 */
export interface SimulatedProviderConfig {
  /** Port to listen on (0 = any free port). @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Added to every answer. @default 0 */
  readonly latencyMs?: number;
  /** Share of authorizations declined, decided by a hash of (seed, idempotency key). @default 0 */
  readonly declineRate?: number;
  /** Share of attempts answered 503 before doing anything, from a seeded generator. @default 0 */
  readonly transientFailureRate?: number;
  /** @default 1 */
  readonly seed?: number;
  /** Outage windows in epoch milliseconds: every request in one answers 503. */
  readonly outages?: ReadonlyArray<{ readonly from: number; readonly to: number }>;
  /** Explicit per-payment behaviour; the first rule whose prefix matches the payment id wins. */
  readonly rules?: readonly SimulatedRule[];
  /** How long an authorization hold lasts. @default 7 days */
  readonly holdSeconds?: number;
  /** @default Date.now */
  readonly clock?: () => number;
}

export interface SimulatedRule {
  readonly paymentIdPrefix: string;
  /** Decline every authorization with this reason. */
  readonly decline?: string;
  /** The first N attempts of each idempotency key answer 503. */
  readonly failFirstAttempts?: number;
  /** The first N attempts of each idempotency key take `slowMs` longer (and still succeed). */
  readonly slowFirstAttempts?: number;
  readonly slowMs?: number;
  /** The operations `failFirstAttempts` and `slowFirstAttempts` apply to. @default all four */
  readonly operations?: ReadonlyArray<'authorize' | 'capture' | 'void' | 'refund'>;
}

export interface LedgerEntry {
  readonly providerRef: string;
  readonly paymentId: string;
  readonly authorized: Money;
  readonly captured: number;
  readonly refunded: number;
  readonly voided: boolean;
  readonly expiresAt: string;
}

export interface SimulatedProvider {
  readonly url: string;
  /** Turns a manual outage on or off (every request answers 503 while on). */
  setOutage(on: boolean): void;
  /** Every hold the provider ever placed, by payment id: a payment charged twice shows up here. */
  ledger(): readonly LedgerEntry[];
  /** Requests received per operation, including the ones answered from the idempotency cache. */
  readonly requests: { authorize: number; capture: number; void: number; refund: number };
  /** Resolves once `count` requests for `op` have been received (as counted in `requests`). */
  whenReceived(op: Operation, count: number): Promise<void>;
  /**
   * Resolves once `count` requests for `op` have been handled to the end — answered, or finished
   * after their client gave up — so an abandoned slow attempt has done all it ever will. Tests
   * wait on this instead of sleeping past `slowMs`.
   */
  whenHandled(op: Operation, count: number): Promise<void>;
  close(): Promise<void>;
}

export type Operation = 'authorize' | 'capture' | 'void' | 'refund';

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const mulberry32 = (seed: number) => () => {
  let t = (seed = (seed + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** FNV-1a → [0, 1): the same key always lands on the same side of the decline rate. */
const unitHash = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 4294967296;
};

const readJson = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : JSON.parse(text);
};

const isMoney = (v: unknown): v is Money =>
  typeof v === 'object' && v !== null && Number.isSafeInteger((v as Money).amount) && (v as Money).amount >= 0 && typeof (v as Money).currency === 'string';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts the simulated provider; resolves once it listens. */
export const startSimulatedProvider = async (config: SimulatedProviderConfig = {}): Promise<SimulatedProvider> => {
  const clock = config.clock ?? Date.now;
  const random = mulberry32(config.seed ?? 1);
  const holdMs = (config.holdSeconds ?? 7 * 24 * 3600) * 1000;
  const answers = new Map<string, { fingerprint: string; answer: Answer }>();
  const attempts = new Map<string, number>();
  const holds = new Map<string, LedgerEntry>();
  const requests = { authorize: 0, capture: 0, void: 0, refund: 0 };
  const handled = { authorize: 0, capture: 0, void: 0, refund: 0 };
  // Waiters of whenReceived / whenHandled, checked after every count changes.
  let waiters: Array<{ readonly ready: () => boolean; readonly resolve: () => void }> = [];
  const wake = () => {
    const ready = waiters.filter((w) => w.ready());
    waiters = waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  };
  const when = (ready: () => boolean): Promise<void> =>
    ready() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ ready, resolve }));
  let manualOutage = false;
  let nextRef = 1;

  const ruleFor = (paymentId: string) => config.rules?.find((r) => paymentId.startsWith(r.paymentIdPrefix));
  const inOutage = () => manualOutage || (config.outages ?? []).some((w) => clock() >= w.from && clock() < w.to);

  const authorize = (key: string, body: Record<string, unknown>): Answer => {
    const { paymentId, amount } = body;
    if (typeof paymentId !== 'string' || !isMoney(amount)) return { status: 400, body: { error: 'paymentId and amount required' } };
    const ruleDecline = ruleFor(paymentId)?.decline;
    if (ruleDecline !== undefined) return { status: 402, body: { status: 'declined', reason: ruleDecline } };
    if (unitHash(`${config.seed ?? 1}:${key}`) < (config.declineRate ?? 0)) return { status: 402, body: { status: 'declined', reason: 'insufficient funds' } };
    const providerRef = `sim_${nextRef++}`;
    const entry: LedgerEntry = { providerRef, paymentId, authorized: amount, captured: 0, refunded: 0, voided: false, expiresAt: new Date(clock() + holdMs).toISOString() };
    holds.set(providerRef, entry);
    return { status: 201, body: { status: 'authorized', providerRef, amount, expiresAt: entry.expiresAt } };
  };

  const onHold = (ref: string, op: 'capture' | 'void' | 'refund', body: Record<string, unknown>): Answer => {
    const hold = holds.get(ref);
    if (hold === undefined) return { status: 404, body: { error: `no authorization ${ref}` } };
    const amount = body.amount;
    if (op !== 'void' && (!isMoney(amount) || amount.currency !== hold.authorized.currency)) return { status: 400, body: { error: 'amount in the hold currency required' } };
    const value = isMoney(amount) ? amount.amount : 0;
    const receipt = (n: number): Answer => ({ status: 200, body: { providerRef: ref, amount: { amount: n, currency: hold.authorized.currency } } });
    switch (op) {
      case 'capture':
        if (hold.voided || hold.captured > 0) return { status: 409, body: { error: 'hold is no longer capturable' } };
        if (value > hold.authorized.amount) return { status: 422, body: { error: 'capture exceeds the authorized amount' } };
        if (clock() >= Date.parse(hold.expiresAt)) return { status: 409, body: { error: 'hold expired' } };
        holds.set(ref, { ...hold, captured: value });
        return receipt(value);
      case 'void':
        if (hold.captured > 0) return { status: 409, body: { error: 'captured funds are refunded, not voided' } };
        holds.set(ref, { ...hold, voided: true });
        return receipt(hold.authorized.amount);
      case 'refund':
        if (value > hold.captured - hold.refunded) return { status: 422, body: { error: 'refund exceeds the captured amount' } };
        holds.set(ref, { ...hold, refunded: hold.refunded + value });
        return receipt(value);
    }
  };

  /** `counted.op` is set once the request is counted under an operation. */
  const route = async (req: IncomingMessage, counted: { op?: Operation }): Promise<Answer> => {
    const url = new URL(req.url ?? '/', 'http://simulated');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    if (req.method === 'GET' && parts.length === 1 && parts[0] === 'health') return { status: 200, body: { ok: true } };
    if (parts[0] !== 'v1' || parts[1] !== 'authorizations') return { status: 404, body: { error: 'not found' } };
    if (inOutage()) return { status: 503, body: { error: 'provider outage' } };
    if (req.method === 'GET' && parts.length === 3) {
      const hold = holds.get(parts[2] ?? '');
      return hold === undefined ? { status: 404, body: { error: 'not found' } } : { status: 200, body: hold };
    }
    const op = parts.length === 2 ? 'authorize' : parts[3];
    if (req.method !== 'POST' || (op !== 'authorize' && op !== 'capture' && op !== 'void' && op !== 'refund')) return { status: 404, body: { error: 'not found' } };
    requests[op]++;
    counted.op = op;
    wake();
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return { status: 400, body: { error: 'Idempotency-Key header required' } };
    let body: Record<string, unknown>;
    try {
      body = (await readJson(req)) as Record<string, unknown>;
    } catch {
      return { status: 400, body: { error: 'invalid JSON' } };
    }

    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const paymentId = op === 'authorize' ? String(body.paymentId) : (holds.get(parts[2] ?? '')?.paymentId ?? '');
    const found = ruleFor(paymentId);
    const rule = found?.operations === undefined || found.operations.includes(op) ? found : undefined;
    if (attempt <= (rule?.failFirstAttempts ?? 0) || random() < (config.transientFailureRate ?? 0))
      return { status: 503, body: { error: 'transient failure' } };
    if (attempt <= (rule?.slowFirstAttempts ?? 0)) await sleep(rule?.slowMs ?? 0);

    // The idempotency cache: the first answer for a key is the answer for that key, forever.
    const fingerprint = canonicalJson({ op, ref: parts[2] ?? null, body });
    const seen = answers.get(key);
    if (seen !== undefined)
      return seen.fingerprint === fingerprint ? seen.answer : { status: 422, body: { error: 'idempotency key reused with another request' } };
    const answer = op === 'authorize' ? authorize(key, body) : onHold(parts[2] ?? '', op, body);
    if (answer.status < 500 && answer.status !== 400) answers.set(key, { fingerprint, answer });
    return answer;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const counted: { op?: Operation } = {};
    let answer: Answer;
    try {
      answer = await route(req, counted);
    } catch (error) {
      answer = { status: 500, body: { error: String(error) } };
    }
    if ((config.latencyMs ?? 0) > 0) await sleep(config.latencyMs ?? 0);
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    if (counted.op !== undefined) {
      handled[counted.op]++;
      wake();
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, config.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    setOutage: (on) => {
      manualOutage = on;
    },
    ledger: () => [...holds.values()],
    requests,
    whenReceived: (op, count) => when(() => requests[op] >= count),
    whenHandled: (op, count) => when(() => handled[op] >= count),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
};
