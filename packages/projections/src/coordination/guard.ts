import type { ProjectionSink } from '../sink.js';
import { LeaseLostError, type HeldLease } from './lease.js';

/** A sink that writes only while `lease()` is held and valid: the check runs right before each write. */
export const guardedSink = (sink: ProjectionSink, lease: () => HeldLease | undefined): ProjectionSink => ({
  name: sink.name,
  async apply(events, checkpoint) {
    const held = lease();
    if (held === undefined) throw new LeaseLostError(sink.name);
    held.assertValid();
    await sink.apply(events, checkpoint);
  },
  checkpoint: () => sink.checkpoint(),
});
