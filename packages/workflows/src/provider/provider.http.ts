import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { describeErrors, Money } from '@strata/events';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  type AuthorizeOutcome,
  type PaymentProvider,
  type ProviderReceipt,
} from './port.js';

export interface HttpPaymentProviderOptions {
  /** Base URL of the provider API, e.g. the simulated provider's `url`. */
  readonly baseUrl: string;
  /** Per-attempt timeout (AbortController). @default 5000 */
  readonly timeoutMs?: number;
  /** Attempts per call, first included; only 5xx, timeouts and network errors are retried. @default 3 */
  readonly maxAttempts?: number;
  /** Base of the exponential backoff between attempts (equal jitter). @default 100 */
  readonly backoffMs?: number;
  /** A fetch to send requests with (tests). @default node:http(s) over keep-alive connections */
  readonly fetch?: typeof fetch;
}

/** One POST: status and body text. */
type Post = (url: URL, headers: Record<string, string>, body: string, signal: AbortSignal) => Promise<{ status: number; text: string }>;

/** Largest provider answer read; a bigger one is a fault of the provider, not a payment outcome. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

// Connections to the provider are kept open between calls (the saga calls it for every order).
const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }) };

/** node:http(s) directly: a fraction of fetch's cost per call, which the saga pays for every order. */
const nodePost: Post = (url, headers, body, signal) =>
  new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const req = (secure ? httpsRequest : httpRequest)(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: secure ? agents.https : agents.http, signal },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) req.destroy(new Error(`provider answer larger than ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const fetchPost =
  (f: typeof fetch): Post =>
  async (url, headers, body, signal) => {
    const res = await f(url, { method: 'POST', headers, body, signal });
    return { status: res.status, text: await res.text() };
  };

const Authorized = t.type({ status: t.literal('authorized'), providerRef: t.string, amount: Money, expiresAt: t.string });
const Declined = t.type({ status: t.literal('declined'), reason: t.string });
const Receipt = t.type({ providerRef: t.string, amount: Money });

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const decode = <A>(codec: t.Decoder<unknown, A>, body: unknown, what: string): A => {
  const result = codec.decode(body);
  if (E.isLeft(result)) throw new ProviderRejectedError(`unexpected ${what} from the provider: ${describeErrors(result.left)}`, 200);
  return result.right;
};

/**
 * The HTTP adapter of the payment-provider port. The same idempotency key goes out on every
 * attempt, so retrying after a timeout whose request did reach the provider is harmless.
 * 4xx answers are final (`ProviderRejectedError`); exhausted retries raise `ProviderUnavailableError`.
 */
/** The client's defaults (the cost model prices a provider retry with them). */
export const HTTP_PROVIDER_DEFAULTS = { timeoutMs: 5000, maxAttempts: 3, backoffMs: 100 } as const;

export const createHttpPaymentProvider = (options: HttpPaymentProviderOptions): PaymentProvider => {
  const timeoutMs = options.timeoutMs ?? HTTP_PROVIDER_DEFAULTS.timeoutMs;
  const maxAttempts = options.maxAttempts ?? HTTP_PROVIDER_DEFAULTS.maxAttempts;
  const backoffMs = options.backoffMs ?? HTTP_PROVIDER_DEFAULTS.backoffMs;
  const send = options.fetch ? fetchPost(options.fetch) : nodePost;

  const post = async (path: string, key: string, body: unknown): Promise<{ status: number; body: unknown }> => {
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        const delay = backoffMs * 2 ** (attempt - 2);
        await sleep(delay / 2 + Math.random() * (delay / 2));
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const res = await send(new URL(path, options.baseUrl), { 'content-type': 'application/json', 'idempotency-key': key }, JSON.stringify(body), controller.signal);
        const text = res.text;
        if (res.status >= 500) {
          lastError = new Error(`provider answered ${res.status}: ${text.slice(0, 200)}`);
          continue;
        }
        return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as unknown) };
      } catch (error) {
        // Network error or our own timeout: the request may or may not have been processed; the
        // idempotency key makes the retry safe either way.
        lastError = error;
      } finally {
        clearTimeout(timer);
      }
    }
    throw new ProviderUnavailableError(`payment provider unavailable after ${maxAttempts} attempts (${path})`, { cause: lastError });
  };

  const receipt = async (path: string, key: string, body: unknown): Promise<ProviderReceipt> => {
    const res = await post(path, key, body);
    if (res.status !== 200) throw new ProviderRejectedError(`provider refused ${path}: ${JSON.stringify(res.body).slice(0, 200)}`, res.status);
    return decode(Receipt, res.body, 'receipt');
  };

  return {
    async authorize({ idempotencyKey, paymentId, amount }): Promise<AuthorizeOutcome> {
      const res = await post('/v1/authorizations', idempotencyKey, { paymentId, amount });
      if (res.status === 402) return { outcome: 'declined', reason: decode(Declined, res.body, 'decline').reason };
      if (res.status !== 201 && res.status !== 200)
        throw new ProviderRejectedError(`provider refused the authorization: ${JSON.stringify(res.body).slice(0, 200)}`, res.status);
      const { providerRef, amount: held, expiresAt } = decode(Authorized, res.body, 'authorization');
      return { outcome: 'authorized', providerRef, amount: held, expiresAt };
    },
    capture: ({ idempotencyKey, providerRef, amount }) =>
      receipt(`/v1/authorizations/${encodeURIComponent(providerRef)}/capture`, idempotencyKey, { amount }),
    void: ({ idempotencyKey, providerRef }) => receipt(`/v1/authorizations/${encodeURIComponent(providerRef)}/void`, idempotencyKey, {}),
    refund: ({ idempotencyKey, providerRef, amount }) =>
      receipt(`/v1/authorizations/${encodeURIComponent(providerRef)}/refund`, idempotencyKey, { amount }),
  };
};
