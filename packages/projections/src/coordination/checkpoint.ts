import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { FEED_START, type DomainEnvelope } from '@strata/events';
import type { ProjectionSink } from '../sink.js';
import type { CheckpointStore } from './schema.js';

/** A checkpoint in this process's memory (a one-process engine on the memory store). */
export const memoryCheckpoint = (): CheckpointStore => {
  let position: string | undefined;
  return {
    get: async () => position,
    set: async (p) => void (position = p),
  };
};

/** A checkpoint in a small file, written atomically (embedded engine without a shared database). */
export const fileCheckpoint = (file: string): CheckpointStore => ({
  async get() {
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch {
      return undefined;
    }
  },
  async set(position) {
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, position);
    await rename(tmp, file);
  },
});

/**
 * A sink for side effects (the bus, notifications): runs `effect` on each page, then stores the
 * checkpoint. At least once: a crash between the two repeats the page, so effects are idempotent.
 */
export const sideEffectSink = (name: string, effect: (events: readonly DomainEnvelope[]) => Promise<void>, checkpoint: CheckpointStore): ProjectionSink => ({
  name,
  async apply(events, position) {
    await effect(events);
    if (position !== undefined) await checkpoint.set(position);
  },
  async checkpoint() {
    return (await checkpoint.get()) ?? FEED_START;
  },
});
