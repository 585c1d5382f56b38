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

export const text = (min: number, max: number) =>
  new t.Type<string, string, unknown>(
    `text(${min}..${max})`,
    (u): u is string => typeof u === 'string',
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, 'must be a string');
      const length = u.trim().length;
      if (length < min) return t.failure(u, c, min === 1 ? 'must not be empty' : `must have at least ${min} characters`);
      if (u.length > max) return t.failure(u, c, `must have at most ${max} characters`);
      return t.success(u);
    },
    (a) => a,
  );

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
  (u, c) => (typeof u === 'string' && u.length <= 254 && EMAIL.test(u) ? t.success(u) : t.failure(u, c, 'must be an e-mail address')),
  (a) => a,
);

/** A price as the seed sends it: a JSON number (25.00) or a decimal string ("25.00"). */
export const decimal = new t.Type<number | string, number | string, unknown>(
  'decimal',
  (u): u is number | string => typeof u === 'number' || typeof u === 'string',
  (u, c) => (typeof u === 'number' || (typeof u === 'string' && u.length <= 32) ? t.success(u) : t.failure(u, c, 'must be a decimal number')),
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
