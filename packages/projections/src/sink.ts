import type { DomainEnvelope, EventEnvelope } from '@strata/events';

/**
 * A read model's writer, driven by a consumer. Writers apply an event only when it is newer than
 * the stream version the read model already reflects, so at-least-once delivery is harmless.
 */
export interface ProjectionSink {
  /** The projection's name: its checkpoint and dead letters are recorded under it. */
  readonly name: string;
  /**
   * Applies decoded events (any batch split, any cross-stream order, duplicates allowed) and, when
   * given, stores `checkpoint` as the feed position to resume after — atomically with the writes
   * where the store allows it (relational), otherwise after them (at least once).
   */
  apply(events: readonly DomainEnvelope[], checkpoint?: string): Promise<void>;
  /** The stored feed position to resume after (`FEED_START` when none). */
  checkpoint(): Promise<string>;
}

/** An event a projection could not apply, kept with its error until redriven. */
export interface DeadLetter {
  readonly id: string;
  readonly projection: string;
  readonly position?: string;
  readonly envelope: EventEnvelope;
  readonly error: string;
  readonly failedAt: string;
  readonly redrivenAt?: string;
}

export type NewDeadLetter = Omit<DeadLetter, 'id' | 'redrivenAt'>;

/** Where poison events go. Adding the same (projection, event id) twice keeps one letter. */
export interface DeadLetterStore {
  add(letters: readonly NewDeadLetter[]): Promise<void>;
  /** Letters not yet redriven, oldest first (all projections when `projection` is absent). */
  list(projection?: string): Promise<DeadLetter[]>;
  /** Marks a letter redriven (`error` absent) or records the error of a failed redrive. */
  settle(id: string, outcome: { redrivenAt: string } | { error: string; failedAt: string }): Promise<void>;
}

export const memoryDeadLetters = (): DeadLetterStore => {
  const letters = new Map<string, DeadLetter>();
  let n = 0;
  return {
    async add(batch) {
      for (const l of batch) {
        if ([...letters.values()].some((x) => x.projection === l.projection && x.envelope.eventId === l.envelope.eventId)) continue;
        n++;
        letters.set(String(n), { ...l, id: String(n) });
      }
    },
    async list(projection) {
      return [...letters.values()].filter((l) => l.redrivenAt === undefined && (projection === undefined || l.projection === projection));
    },
    async settle(id, outcome) {
      const l = letters.get(id);
      if (l !== undefined) letters.set(id, { ...l, ...outcome });
    },
  };
};
