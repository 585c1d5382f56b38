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
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

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
  const doFetch = options.fetch ?? fetch;

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
        const res = await doFetch(new URL(path, options.baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
          signal: controller.signal,
        });
        const text = await res.text();
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
