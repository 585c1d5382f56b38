/**
 * The leased consumers of a workers process (DESIGN.md decision 8): each read model, the lake and
 * every partition of the saga routing run under a lease in the shared database, so any number of
 * workers processes apply each page exactly once at a time; a dead holder's lease is taken over
 * after `leaseTtlMs`. Consumers that belong to one process (its in-memory cache) run unleased.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ChangeFeed } from '@strata/events';
import {
  createCatchUpConsumer,
  createLeaseKeeper,
  guardedSink,
  type CatchUpConsumer,
  type DeadLetterStore,
  type HeldLease,
  type LeaseKeeper,
  type LeaseRow,
  type LeaseStore,
  type ProjectionSink,
} from '@strata/projections';
import type { Logger } from './logger.js';

export interface ConsumerSpec {
  readonly name: string;
  readonly sink: ProjectionSink;
  readonly feed: ChangeFeed;
  /** Run under a lease (shared state); false for state that belongs to this process. */
  readonly leased: boolean;
  /** Extra work started with the lease and stopped when it is lost (the lake's flush timer). */
  readonly onAcquired?: (lease: HeldLease) => void;
  readonly onLost?: () => void;
}

export interface RunningConsumers {
  readonly holder: string;
  /** Names of the leases this process holds now. */
  held(): string[];
  leases(): Promise<LeaseRow[]>;
  /** Wakes every consumer this process runs (a commit was just made here). */
  poke(): void;
  stop(): Promise<void>;
}

export const newHolderId = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export const runConsumers = (
  specs: readonly ConsumerSpec[],
  o: {
    readonly store: LeaseStore;
    readonly holder: string;
    readonly ttlMs: number;
    /** Pause between polls once caught up (short when nothing else wakes the consumers). */
    readonly idleMs: number;
    readonly deadLetters: DeadLetterStore;
    readonly logger: Logger;
    /** Leased work without a feed consumer (saga recovery and the hold-expiry sweep). */
    readonly tasks?: ReadonlyArray<{ readonly name: string; readonly start: () => Promise<void>; readonly stop: () => void }>;
  },
): RunningConsumers => {
  const consumers: CatchUpConsumer[] = [];
  const keepers: LeaseKeeper[] = [];
  const log = o.logger.child({ component: 'consumers' });
  const keeper = (name: string, onAcquired: (lease: HeldLease) => Promise<void> | void, onLost: () => Promise<void> | void): LeaseKeeper =>
    createLeaseKeeper({
      store: o.store,
      name,
      holder: o.holder,
      ttlMs: o.ttlMs,
      onAcquired: async (lease) => {
        log.info('lease acquired', { lease: name, token: lease.grant.token });
        await onAcquired(lease);
      },
      onLost: async () => {
        log.info('lease released or lost', { lease: name });
        await onLost();
      },
      onError: (err) => log.warn('lease renewal failed', { lease: name, err }),
    });

  for (const spec of specs) {
    const ref: { keeper?: LeaseKeeper } = {};
    const sink = spec.leased ? guardedSink(spec.sink, () => ref.keeper?.held()) : spec.sink;
    const consumer = createCatchUpConsumer({
      feed: spec.feed,
      sink,
      deadLetters: o.deadLetters,
      idleMs: o.idleMs,
      onError: (err) =>
        (err as { code?: string }).code === 'LEASE_LOST'
          ? log.info('stopped before writing: the lease moved to another process', { projection: spec.name })
          : log.error('projection batch failed; retrying from its checkpoint', { projection: spec.name, err }),
      onBatch: (r) => {
        if (r.deadLettered > 0) log.warn('events dead-lettered', { projection: spec.name, count: r.deadLettered });
      },
    });
    consumers.push(consumer);
    if (!spec.leased) {
      consumer.start();
      continue;
    }
    const k = keeper(
      spec.name,
      (lease) => {
        spec.onAcquired?.(lease);
        consumer.start();
      },
      async () => {
        spec.onLost?.();
        await consumer.stop();
      },
    );
    ref.keeper = k;
    keepers.push(k);
  }
  for (const t of o.tasks ?? []) keepers.push(keeper(t.name, () => t.start(), () => t.stop()));
  for (const k of keepers) k.start();

  return {
    holder: o.holder,
    held: () => keepers.flatMap((k) => {
      const h = k.held();
      return h !== undefined && h.valid() ? [h.grant.name] : [];
    }),
    leases: () => o.store.list(),
    poke: () => {
      for (const c of consumers) c.poke();
    },
    async stop() {
      await Promise.all(keepers.map((k) => k.stop()));
      await Promise.all(consumers.map((c) => c.stop()));
    },
  };
};
