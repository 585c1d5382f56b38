/** Admission control per client. Adapters: in-memory token bucket (one process); a shared one (Redis) fits the same port. */
export interface RateLimiter {
  /** Takes one token for `client`; when refused, `retryAfterSeconds` says when one is back. */
  take(client: string): Promise<{ readonly allowed: boolean; readonly retryAfterSeconds: number }>;
}

export interface TokenBucketOptions {
  /** Burst size: requests a client may send at once. */
  readonly capacity: number;
  /** Sustained rate: tokens added per second. */
  readonly refillPerSecond: number;
  readonly clock: () => Date;
  /** Buckets tracked at most; full (idle) buckets are forgotten first. @default 10000 */
  readonly maxClients?: number;
}

/** Token bucket per client, in memory. */
export const createMemoryRateLimiter = (options: TokenBucketOptions): RateLimiter => {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const maxClients = options.maxClients ?? 10_000;
  const refill = (b: { tokens: number; at: number }, now: number) => {
    b.tokens = Math.min(options.capacity, b.tokens + ((now - b.at) / 1000) * options.refillPerSecond);
    b.at = now;
  };
  return {
    take: async (client) => {
      const now = options.clock().getTime();
      let bucket = buckets.get(client);
      if (!bucket) {
        if (buckets.size >= maxClients) {
          for (const [k, b] of buckets) {
            refill(b, now);
            if (b.tokens >= options.capacity) buckets.delete(k);
          }
          // Everyone is busy: drop the oldest entry rather than grow without bound.
          if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value as string);
        }
        bucket = { tokens: options.capacity, at: now };
        buckets.set(client, bucket);
      }
      refill(bucket, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, retryAfterSeconds: 0 };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / options.refillPerSecond)) };
    },
  };
};
