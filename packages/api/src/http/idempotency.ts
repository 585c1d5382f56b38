/** A response remembered for an `Idempotency-Key`. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type IdempotencyRecord =
  | { readonly state: 'in-flight'; readonly fingerprint: string }
  | { readonly state: 'done'; readonly fingerprint: string; readonly response: StoredResponse };

/**
 * Remembers the outcome of POSTs by client-scoped idempotency key, so a retry gets the first
 * response. It is a fast path only: commands stay idempotent without it because the key is
 * also the command id (and fixes the new order's id), so another instance or a restart still
 * appends nothing twice.
 */
export interface IdempotencyStore {
  /** Claims the key; returns the existing record instead when there is one. */
  begin(key: string, fingerprint: string): Promise<IdempotencyRecord | undefined>;
  complete(key: string, fingerprint: string, response: StoredResponse): Promise<void>;
  /** Forgets the key (the request failed; the client may retry it). */
  release(key: string): Promise<void>;
}

/** In-memory `IdempotencyStore`, bounded and with a time to live. */
export const createMemoryIdempotencyStore = (options: { readonly clock: () => Date; readonly ttlSeconds?: number; readonly maxEntries?: number }): IdempotencyStore => {
  const ttlMs = (options.ttlSeconds ?? 24 * 3600) * 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, { record: IdempotencyRecord; expires: number }>();
  return {
    begin: async (key, fingerprint) => {
      const now = options.clock().getTime();
      const found = entries.get(key);
      if (found && found.expires > now) return found.record;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { record: { state: 'in-flight', fingerprint }, expires: now + ttlMs });
      return undefined;
    },
    complete: async (key, fingerprint, response) => {
      entries.set(key, { record: { state: 'done', fingerprint, response }, expires: options.clock().getTime() + ttlMs });
    },
    release: async (key) => {
      entries.delete(key);
    },
  };
};
