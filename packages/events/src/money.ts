import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';

/** ISO 4217 code → number of minor-unit digits. Unlisted codes are refused, not guessed. */
export const MINOR_DIGITS = {
  USD: 2, EUR: 2, GBP: 2, CHF: 2, CAD: 2, AUD: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2, CZK: 2,
  JPY: 0, KRW: 0, ISK: 0, KWD: 3, BHD: 3, TND: 3,
} as const;
export type Currency = keyof typeof MINOR_DIGITS;
export const isCurrency = (s: unknown): s is Currency => typeof s === 'string' && Object.hasOwn(MINOR_DIGITS, s);
export const Currency = new t.Type<Currency, string, unknown>(
  'Currency',
  isCurrency,
  (u, c) => (isCurrency(u) ? t.success(u) : t.failure(u, c, 'an ISO 4217 currency code Strata supports')),
  (a) => a,
);

/** A non-negative integer amount in minor units (cents). Money is never a float in the core. */
export interface MinorUnitsBrand { readonly MinorUnits: unique symbol }
export const MinorUnits = t.brand(
  t.number,
  (n): n is t.Branded<number, MinorUnitsBrand> => Number.isSafeInteger(n) && n >= 0,
  'MinorUnits',
);
export type MinorUnits = t.TypeOf<typeof MinorUnits>;

export const Money = t.readonly(t.strict({ amount: MinorUnits, currency: Currency }), 'Money');
export type Money = t.TypeOf<typeof Money>;

export interface MoneyParseError {
  readonly _tag: 'MoneyParseError';
  readonly message: string;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
/** Largest amount accepted at the edge: keeps every sum of 100 lines × 10^6 quantity a safe integer. */
export const MAX_MINOR_UNITS = 10 ** 12;

/**
 * Converts a decimal price as the seed's clients send it (a JSON number such as 25.00 or 0.1,
 * or a decimal string) into integer minor units, exactly. It works on the decimal text, never on
 * float arithmetic, so `0.1 + 0.2`-style drift cannot happen. More fraction digits than the
 * currency has, negatives, exponents and non-finite values are refused.
 */
export const toMinorUnits = (value: number | string, currency: Currency): E.Either<MoneyParseError, MinorUnits> => {
  const fail = (message: string) => E.left<MoneyParseError>({ _tag: 'MoneyParseError', message });
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail('amount must be a finite number');
    // Shortest round-trip form: 25.5 → "25.5", 0.30000000000000004 stays visibly inexact and is refused.
    text = String(value);
  } else {
    text = value.trim();
  }
  if (text.length > 32) return fail('amount has too many digits');
  const m = DECIMAL.exec(text);
  if (!m) return fail(`amount must be a non-negative decimal number, got ${JSON.stringify(text.slice(0, 40))}`);
  const digits = MINOR_DIGITS[currency];
  const whole = m[1] ?? '0';
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return fail(`amount has more than ${digits} decimal places for ${currency}`);
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR_UNITS) return fail('amount is too large');
  return E.right(minor as MinorUnits);
};

/** Formats minor units back to the decimal the seed's clients expect (2500 USD → 25). */
export const toDecimal = (amount: number, currency: Currency): number => {
  const digits = MINOR_DIGITS[currency];
  return Number((amount / 10 ** digits).toFixed(digits));
};

/** Decimal text with all the currency's digits: 2500 USD → "25.00". Exact for every safe integer. */
export const formatMinorUnits = (amount: number, currency: Currency): string => {
  const digits = MINOR_DIGITS[currency];
  if (digits === 0) return String(amount);
  const s = String(amount).padStart(digits + 1, '0');
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
};
