/**
 * Leases: exactly one process applies a leased consumer at a time (DESIGN.md decision 8).
 *
 * A lease is a row (`name`, `holder`, `token`, `expires_at`) in the shared database, taken when
 * free or expired, renewed by its holder well before it lapses. Every take increments `token`,
 * the fencing token. A holder writes only while its lease is valid by its own monotonic clock
 * (measured from before the renewal was sent, minus a margin, so it always lapses locally before
 * it lapses in the database), and transactional sinks also check the token inside their write
 * transaction (`fence`), so a process that was paused past its lease cannot apply a stale page.
 * Decision 0006 records the choice of a leases table over advisory locks.
 */

export interface LeaseGrant {
  readonly name: string;
  readonly holder: string;
  /** The fencing token: strictly greater than every earlier grant of the same lease. */
  readonly token: number;
}

export interface LeaseRow {
  readonly name: string;
  readonly holder: string;
  readonly token: number;
  readonly expiresAt: string;
}

/** The storage port of leases. Adapters: `memoryLeaseStore` (one process) and `sqlLeaseStore`; one contract suite. */
export interface LeaseStore {
  /** Takes the lease if it is free, expired or already this holder's: a grant with a new token; undefined when another holds it. */
  acquire(name: string, holder: string, ttlMs: number): Promise<LeaseGrant | undefined>;
  /** Extends a grant; false when it was taken by another holder since (the grant is dead). */
  renew(grant: LeaseGrant, ttlMs: number): Promise<boolean>;
  /** Lets the lease go now (a clean stop), so another process takes it without waiting for expiry. */
  release(grant: LeaseGrant): Promise<void>;
  /** Every lease and its holder (for `/ready` and operators). */
  list(): Promise<LeaseRow[]>;
}

/** A write attempted under a lease that is no longer held: the writer must stop. */
export class LeaseLostError extends Error {
  readonly code = 'LEASE_LOST';
  constructor(readonly lease: string) {
    super(`lease ${lease} is no longer held by this process; it stops before writing`);
    this.name = 'LeaseLostError';
  }
}

/** In-process leases (the embedded engine is one process) with an injectable clock for model tests. */
export const memoryLeaseStore = (clock: () => number = () => Date.now()): LeaseStore => {
  const rows = new Map<string, { holder: string; token: number; expiresAt: number }>();
  return {
    async acquire(name, holder, ttlMs) {
      const row = rows.get(name);
      if (row !== undefined && row.expiresAt > clock() && row.holder !== holder) return undefined;
      const token = (row?.token ?? 0) + 1;
      rows.set(name, { holder, token, expiresAt: clock() + ttlMs });
      return { name, holder, token };
    },
    async renew(grant, ttlMs) {
      const row = rows.get(grant.name);
      if (row === undefined || row.holder !== grant.holder || row.token !== grant.token) return false;
      row.expiresAt = clock() + ttlMs;
      return true;
    },
    async release(grant) {
      const row = rows.get(grant.name);
      if (row !== undefined && row.holder === grant.holder && row.token === grant.token) row.expiresAt = clock();
    },
    async list() {
      return [...rows].map(([name, r]) => ({ name, holder: r.holder, token: r.token, expiresAt: new Date(r.expiresAt).toISOString() }));
    },
  };
};

/** A lease this process holds now: valid until its local deadline, renewed in the background. */
export interface HeldLease {
  readonly grant: LeaseGrant;
  /** True while the lease is certainly still held (the local deadline has not passed). */
  valid(): boolean;
  /** Throws `LeaseLostError` unless `valid()`: call it right before every write. */
  assertValid(): void;
}

export interface LeaseKeeperOptions {
  readonly store: LeaseStore;
  readonly name: string;
  readonly holder: string;
  /** How long a grant lives without renewal. @default 5000 */
  readonly ttlMs?: number;
  /** Between two renewals (or two attempts to take a free lease). @default ttlMs / 4 */
  readonly intervalMs?: number;
  /** Monotonic milliseconds (tests inject a clock). */
  readonly now?: () => number;
  /** The lease was taken: start the work it guards. */
  readonly onAcquired: (lease: HeldLease) => Promise<void> | void;
  /** The lease was lost or released: stop the work (it is already refused by `assertValid`). */
  readonly onLost: (lease: HeldLease) => Promise<void> | void;
  readonly onError?: (error: unknown) => void;
}

export interface LeaseKeeper {
  /** One step: take the lease if free, renew it if held, give up the work if lost. */
  tick(): Promise<void>;
  start(): void;
  /** Stops the work, then releases the lease. */
  stop(): Promise<void>;
  held(): HeldLease | undefined;
}

/**
 * Keeps one lease: tries to take it every `intervalMs`, renews it while held, and calls
 * `onAcquired`/`onLost` around the work it guards. The local deadline is counted from before each
 * renewal is sent and ends a fifth of the TTL early, so it passes before the database's expiry.
 */
export const createLeaseKeeper = (o: LeaseKeeperOptions): LeaseKeeper => {
  const ttlMs = o.ttlMs ?? 5000;
  const intervalMs = o.intervalMs ?? Math.max(1, Math.floor(ttlMs / 4));
  const now = o.now ?? (() => performance.now());
  const margin = ttlMs / 5;
  let current: { lease: HeldLease; deadline: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();
  let stopped = false;

  const heldLease = (grant: LeaseGrant, deadline: number): { lease: HeldLease; deadline: number } => {
    const state = { deadline };
    const lease: HeldLease = {
      grant,
      valid: () => current?.lease === lease && now() < state.deadline,
      assertValid: () => {
        if (!lease.valid()) throw new LeaseLostError(grant.name);
      },
    };
    return Object.assign(state, { lease });
  };

  const lose = async () => {
    const held = current;
    current = undefined;
    if (held !== undefined) await o.onLost(held.lease);
  };

  const step = async () => {
    if (stopped) return;
    const sentAt = now();
    try {
      if (current === undefined) {
        const grant = await o.store.acquire(o.name, o.holder, ttlMs);
        if (grant === undefined || stopped) return;
        current = heldLease(grant, sentAt + ttlMs - margin);
        await o.onAcquired(current.lease);
        return;
      }
      const renewed = await o.store.renew(current.lease.grant, ttlMs);
      if (renewed) current.deadline = sentAt + ttlMs - margin;
      else await lose();
    } catch (error) {
      o.onError?.(error);
      // The database did not answer: keep the work only while the lease is certainly ours.
      if (current !== undefined && now() >= current.deadline) await lose();
    }
  };

  const tick = () => {
    ticking = ticking.then(step);
    return ticking;
  };

  return {
    tick,
    start() {
      if (timer !== undefined) return;
      stopped = false;
      void tick();
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await ticking;
      const held = current;
      await lose();
      if (held !== undefined) await o.store.release(held.lease.grant).catch((e: unknown) => o.onError?.(e));
    },
    held: () => current?.lease,
  };
};
