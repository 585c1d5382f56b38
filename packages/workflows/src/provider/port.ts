import type { Money } from '@strata/events';

/**
 * The payment-provider port (the seed's "External 3rd Party Services"). Every call carries an
 * idempotency key derived from the payment id and the step, so a retried step, a re-run saga or
 * a duplicated event gets the provider's first answer and never charges twice.
 * Adapters: `createHttpPaymentProvider` (any HTTP provider speaking this API; the simulated
 * provider is one) — a card network SDK would be another.
 */
export interface PaymentProvider {
  /** Holds `amount`. A decline is an outcome, not an error. */
  authorize(request: AuthorizeRequest): Promise<AuthorizeOutcome>;
  /** Captures held funds (at most the authorized amount). */
  capture(request: { readonly idempotencyKey: string; readonly providerRef: string; readonly amount: Money }): Promise<ProviderReceipt>;
  /** Releases a hold without capture. */
  void(request: { readonly idempotencyKey: string; readonly providerRef: string }): Promise<ProviderReceipt>;
  /** Returns captured funds. */
  refund(request: { readonly idempotencyKey: string; readonly providerRef: string; readonly amount: Money }): Promise<ProviderReceipt>;
}

export interface AuthorizeRequest {
  readonly idempotencyKey: string;
  readonly paymentId: string;
  readonly amount: Money;
}

export type AuthorizeOutcome =
  | { readonly outcome: 'authorized'; readonly providerRef: string; readonly amount: Money; readonly expiresAt: string }
  | { readonly outcome: 'declined'; readonly reason: string };

export interface ProviderReceipt {
  readonly providerRef: string;
  readonly amount: Money;
}

export type PaymentStep = 'authorize' | 'capture' | 'void' | 'refund';

/** The idempotency key of one step of one payment: stable across retries, re-runs and restarts. */
export const idempotencyKey = (paymentId: string, step: PaymentStep): string => `strata:${paymentId}:${step}`;

/**
 * Infrastructure faults of the provider. `name` is what a Step Functions `Retry`/`Catch`
 * matches (a Lambda's `errorType`), so it is fixed per class and never derived from text.
 */
export abstract class PaymentProviderError extends Error {
  abstract readonly code: string;
}

/** Transient: 5xx, timeout, network failure, outage. Safe to retry with the same key. */
export class ProviderUnavailableError extends PaymentProviderError {
  override readonly name = 'ProviderUnavailable';
  readonly code = 'PROVIDER_UNAVAILABLE';
}

/** Permanent: the provider refused the request (4xx). Retrying will not help. */
export class ProviderRejectedError extends PaymentProviderError {
  override readonly name = 'ProviderRejected';
  readonly code = 'PROVIDER_REJECTED';
  constructor(
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
