import { InvalidAppendError, type AppendRequest } from '@strata/events';

/*
 * Text no store keeps faithfully, refused by every adapter before any I/O so that all of them
 * answer the same (the contract suite checks it): PostgreSQL's jsonb refuses `\u0000` and lone
 * UTF-16 surrogates outright (SQLSTATE 22P05 / 22P02); DynamoDB stores strings as UTF-8, where a
 * lone surrogate has no encoding (it would come back as U+FFFD and break the stream's hash
 * chain). The memory store would keep both, which is how a test on it once hid a 500.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const unstorable = (s: string): string | undefined =>
  s.includes('\u0000') ? 'the NUL character (U+0000)' : LONE_SURROGATE.test(s) ? 'a lone UTF-16 surrogate' : undefined;

/** The JSON path of the first unstorable string (object keys included), with what is wrong, or undefined. */
const findUnstorable = (value: unknown, path: string): string | undefined => {
  if (typeof value === 'string') {
    const why = unstorable(value);
    return why === undefined ? undefined : `${path} contains ${why}`;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const why = unstorable(k);
      if (why !== undefined) return `a key in ${path} contains ${why}`;
      const found = findUnstorable(v, `${path}.${k}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
};

/** Throws `InvalidAppendError` when any string of the commit (events or metadata) holds text no store can keep. */
export const refuseUnstorableText = (request: AppendRequest): void => {
  const found = findUnstorable(request.streamId, 'streamId') ?? findUnstorable(request.events, 'events') ?? findUnstorable(request.meta, 'meta');
  if (found !== undefined) throw new InvalidAppendError(`commit to ${JSON.stringify(request.streamId.replace(/[^\x20-\x7e]/g, '?'))} refused: ${found}`);
};
