/**
 * EventBridge event-pattern matching, honouring the documented content-filtering semantics for
 * the operators Strata uses: exact values (string, number, boolean, null), `prefix`, `suffix`,
 * `equals-ignore-case`, `anything-but` (a value, a list of values, `prefix` or `suffix`),
 * `numeric` ranges, `exists`, and `$or`. Pure: the same patterns feed CDK `events.Rule`s.
 *
 * Semantics (as EventBridge documents them):
 * - every key of the pattern must match (AND); the values of a leaf list are alternatives (OR);
 * - an object in the pattern descends into the event's object at that key;
 * - when the event's value is an array, the leaf matches if any element matches;
 * - a field missing from the event matches nothing but `{"exists": false}`.
 */
export type Scalar = string | number | boolean | null;

export type Matcher =
  | Scalar
  | { readonly prefix: string | { readonly 'equals-ignore-case': string } }
  | { readonly suffix: string | { readonly 'equals-ignore-case': string } }
  | { readonly 'equals-ignore-case': string }
  | { readonly 'anything-but': Scalar | readonly Scalar[] | { readonly prefix: string } | { readonly suffix: string } }
  | { readonly numeric: readonly (string | number)[] }
  | { readonly exists: boolean };

export interface EventPattern {
  readonly [field: string]: readonly Matcher[] | EventPattern | readonly EventPattern[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const ignoreCase = (s: string | { readonly 'equals-ignore-case': string }): { text: string; fold: boolean } =>
  typeof s === 'string' ? { text: s, fold: false } : { text: s['equals-ignore-case'], fold: true };

const fold = (s: string, on: boolean): string => (on ? s.toLowerCase() : s);

const numericOk = (conditions: readonly (string | number)[], n: number): boolean => {
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = conditions[i + 1];
    if (typeof bound !== 'number') return false;
    const ok =
      op === '=' ? n === bound : op === '<' ? n < bound : op === '<=' ? n <= bound : op === '>' ? n > bound : op === '>=' ? n >= bound : false;
    if (!ok) return false;
  }
  return true;
};

/** Matches one present scalar value against one matcher (no `exists`: that is about presence). */
const matchValue = (m: Matcher, v: Scalar): boolean => {
  if (m === null || typeof m !== 'object') return m === v;
  if ('prefix' in m) {
    const { text, fold: f } = ignoreCase(m.prefix);
    return typeof v === 'string' && fold(v, f).startsWith(fold(text, f));
  }
  if ('suffix' in m) {
    const { text, fold: f } = ignoreCase(m.suffix);
    return typeof v === 'string' && fold(v, f).endsWith(fold(text, f));
  }
  if ('equals-ignore-case' in m) return typeof v === 'string' && v.toLowerCase() === m['equals-ignore-case'].toLowerCase();
  if ('numeric' in m) return typeof v === 'number' && numericOk(m.numeric, v);
  if ('anything-but' in m) {
    const but = m['anything-but'];
    if (Array.isArray(but)) return !but.some((b) => b === v);
    if (isPlainObject(but)) {
      if ('prefix' in but) return typeof v === 'string' && !v.startsWith(but.prefix as string);
      if ('suffix' in but) return typeof v === 'string' && !v.endsWith(but.suffix as string);
      return false;
    }
    return but !== v;
  }
  return false;
};

const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);

const matchLeaf = (matchers: readonly Matcher[], present: boolean, value: unknown): boolean =>
  matchers.some((m) => {
    if (isPlainObject(m) && 'exists' in m) {
      // `exists` applies to leaves only: an object is not a leaf value.
      const isLeaf = present && (isScalar(value) || (Array.isArray(value) && value.length > 0));
      return m.exists === isLeaf;
    }
    if (!present) return false;
    if (Array.isArray(value)) return value.some((el) => isScalar(el) && matchValue(m, el));
    return isScalar(value) && matchValue(m, value);
  });

/** True when `event` matches `pattern` under EventBridge semantics. */
export const matchesPattern = (pattern: EventPattern, event: unknown): boolean => {
  if (!isPlainObject(event)) return false;
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or') return (sub as readonly EventPattern[]).some((alt) => matchesPattern(alt, event));
    const present = Object.hasOwn(event, key);
    const value = event[key];
    if (Array.isArray(sub)) return matchLeaf(sub as readonly Matcher[], present, value);
    // A nested pattern: descend. A missing object still satisfies a nested pattern made only of
    // `exists: false` leaves, as on EventBridge.
    const inner = present && isPlainObject(value) ? value : {};
    if (Array.isArray(value)) return value.some((el) => matchesPattern(sub as EventPattern, el));
    return matchesPattern(sub as EventPattern, inner);
  });
};
