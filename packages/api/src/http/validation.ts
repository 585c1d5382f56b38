import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { isIdentifier } from '@strata/events';
import type { FieldError } from './problem.js';

/*
 * Request decoding at the edge. Every object codec is closed: unknown fields are an error, not
 * silently dropped, so a misspelt field never turns into a default.
 */

const isPlainObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** Like `t.type` (required `req`, optional `opt`), but refuses any other key. */
export const closed = <R extends t.Props, O extends t.Props = Record<never, never>>(name: string, req: R, opt?: O) => {
  type A = t.TypeOf<t.TypeC<R>> & Partial<t.TypeOf<t.TypeC<O>>>;
  const optional: t.Props = opt ?? {};
  const known = new Set([...Object.keys(req), ...Object.keys(optional)]);
  return new t.Type<A, unknown, unknown>(
    name,
    (u): u is A => isPlainObject(u) && Object.keys(u).every((k) => known.has(k)) && Object.entries(req).every(([k, codec]) => codec.is(u[k])),
    (u, c) => {
      if (!isPlainObject(u)) return t.failure(u, c, 'must be a JSON object');
      const errors: t.ValidationError[] = [];
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(u)) {
        if (!known.has(k)) errors.push({ value: u[k], context: t.appendContext(c, k, t.never, u[k]), message: 'unknown field' });
      }
      for (const [k, codec] of [...Object.entries(req), ...Object.entries(optional)]) {
        if (u[k] === undefined && !(k in req)) continue;
        const r = codec.validate(u[k], t.appendContext(c, k, codec, u[k]));
        if (E.isLeft(r)) errors.push(...r.left);
        else out[k] = r.right;
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as A);
    },
    (a) => a,
  );
};

/*
 * What text fields refuse (docs/reference/api.md, "Text fields"). Every string that reaches the
 * event store passes one of these classes; PostgreSQL's jsonb refuses NUL and lone surrogates
 * outright, DynamoDB would store a lone surrogate as U+FFFD (breaking the hash chain), and a
 * password with one would hash the same as another — so those two are refused everywhere.
 *
 * - `line`  (names, address lines, product names, categories, carriers …): also every C0/C1
 *   control character (tab and newlines included), DEL, U+2028/U+2029, and the bidi embedding,
 *   override and isolate controls U+202A–U+202E, U+2066–U+2069, which let a name display as
 *   something else (“Trojan Source”). The marks U+200E/U+200F stay allowed for right-to-left names.
 * - `prose` (cancellation reasons, feedback comments): tab, LF and CR allowed; other C0/C1 and DEL
 *   refused. Bidi controls are allowed: mixed-direction paragraphs use them legitimately.
 * - `secret` (passwords, refresh tokens): NUL and lone surrogates only; never displayed.
 */
export type TextClass = 'line' | 'prose' | 'secret';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_IN_LINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_IN_PROSE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

const codePoint = (ch: string): string => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `s` is not acceptable text of class `kind`, or undefined when it is. */
export const textProblem = (s: string, kind: TextClass): string | undefined => {
  if (s.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone UTF-16 surrogate (not valid Unicode text)';
  if (kind === 'secret') return undefined;
  const control = (kind === 'line' ? CONTROL_IN_LINE : CONTROL_IN_PROSE).exec(s);
  if (control) return `must not contain the control character ${codePoint(control[0])}${kind === 'line' ? ' (line breaks and tabs included)' : ''}`;
  const bidi = kind === 'line' ? BIDI_CONTROL.exec(s) : null;
  if (bidi) return `must not contain the bidirectional formatting character ${codePoint(bidi[0])}`;
  return undefined;
};

/**
 * A string of `min`..`max` UTF-16 code units (`min` counts non-blank ones) that passes
 * `textProblem(kind)`. The default class is the strictest, so a new field is safe unless it asks otherwise.
 */
export const text = (min: number, max: number, kind: TextClass = 'line') =>
  new t.Type<string, string, unknown>(
    kind === 'line' ? `text(${min}..${max})` : `${kind}(${min}..${max})`,
    (u): u is string => typeof u === 'string',
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, 'must be a string');
      const refused = textProblem(u, kind);
      if (refused !== undefined) return t.failure(u, c, refused);
      const length = u.trim().length;
      if (length < min) return t.failure(u, c, min === 1 ? 'must not be empty' : `must have at least ${min} characters`);
      if (u.length > max) return t.failure(u, c, `must have at most ${max} characters`);
      return t.success(u);
    },
    (a) => a,
  );

/** Free text of several lines (reasons, comments): see `TextClass`. */
export const prose = (min: number, max: number) => text(min, max, 'prose');
/** Passwords and tokens: see `TextClass`. */
export const secret = (min: number, max: number) => text(min, max, 'secret');

export const identifier = new t.Type<string, string, unknown>(
  'identifier',
  isIdentifier,
  (u, c) => (isIdentifier(u) ? t.success(u) : t.failure(u, c, 'must be 1-128 letters, digits or _ . : -')),
  (a) => a,
);

export const integer = (min: number, max: number) =>
  new t.Type<number, number, unknown>(
    `integer(${min}..${max})`,
    (u): u is number => typeof u === 'number' && Number.isInteger(u),
    (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max ? t.success(u) : t.failure(u, c, `must be an integer from ${min} to ${max}`)),
    (a) => a,
  );

export const arrayOf = <C extends t.Mixed>(item: C, min: number, max: number) =>
  new t.Type<Array<t.TypeOf<C>>, unknown, unknown>(
    `array(${min}..${max})`,
    (u): u is Array<t.TypeOf<C>> => Array.isArray(u) && u.every(item.is),
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c, 'must be an array');
      if (u.length < min || u.length > max) return t.failure(u, c, `must have ${min} to ${max} entries`);
      return t.array(item).validate(u, c) as t.Validation<Array<t.TypeOf<C>>>;
    },
    (a) => a,
  );

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const email = new t.Type<string, string, unknown>(
  'email',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'must be an e-mail address');
    const refused = textProblem(u, 'line');
    if (refused !== undefined) return t.failure(u, c, refused);
    return u.length <= 254 && EMAIL.test(u) ? t.success(u) : t.failure(u, c, 'must be an e-mail address');
  },
  (a) => a,
);

/** The OpenAPI pattern of a decimal string: digits, optionally a point and digits; nothing around them. */
export const DECIMAL_STRING = /^\d+(\.\d+)?$/;

/**
 * A price as the seed sends it: a JSON number (25.00) or a decimal string ("25.00") matching
 * `DECIMAL_STRING` exactly (" 25.00" is refused, as the OpenAPI document says). Range and
 * minor-unit digits are checked by `toMinorUnits` with the currency.
 */
export const decimal = new t.Type<number | string, number | string, unknown>(
  'decimal',
  (u): u is number | string => typeof u === 'number' || typeof u === 'string',
  (u, c) => {
    if (typeof u === 'number') return t.success(u);
    if (typeof u === 'string' && u.length <= 32 && DECIMAL_STRING.test(u)) return t.success(u);
    return t.failure(u, c, typeof u === 'string' ? 'must be a decimal such as "25.00" (digits, an optional point and digits; no spaces or signs)' : 'must be a decimal number');
  },
  (a) => a,
);

/** `items.3.quantity` style io-ts context → `items[3].quantity`. */
const fieldOf = (context: t.Context): string =>
  context
    .map((c) => c.key)
    .filter((k) => k !== '')
    .reduce((path, k) => (/^\d+$/.test(k) ? `${path}[${k}]` : path === '' ? k : `${path}.${k}`), '');

/** Field errors, one per offending field (a union's alternatives collapse to the first message). */
export const fieldErrors = (errors: t.Errors): FieldError[] => {
  const seen = new Map<string, string>();
  for (const e of errors) {
    const field = fieldOf(e.context) || '(body)';
    if (seen.has(field)) continue;
    const message = e.message ?? (e.value === undefined ? 'is required' : `must be ${e.context[e.context.length - 1]?.type.name ?? 'valid'}`);
    seen.set(field, message);
    if (seen.size >= 20) break;
  }
  return [...seen].map(([field, message]) => ({ field, message }));
};

export const decode = <A>(codec: t.Type<A, unknown, unknown>, u: unknown): E.Either<FieldError[], A> =>
  E.mapLeft(fieldErrors)(codec.decode(u));
