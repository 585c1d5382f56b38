import * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope, type ChangeFeed, type DomainEnvelope, type EventEnvelope } from '@strata/events';
import type { DeadLetterStore, NewDeadLetter, ProjectionSink } from './sink.js';

export interface BatchReport {
  readonly applied: number;
  readonly deadLettered: number;
  readonly caughtUp: boolean;
  readonly position: string;
}

/**
 * Splits envelopes into the decodable ones and dead letters. A poison event (unknown type, bad
 * payload, no upcaster) is recorded with its error and the batch moves on without it.
 */
export const decodeBatch = (
  projection: string,
  envelopes: ReadonlyArray<EventEnvelope & { position?: string }>,
  now: string,
): { events: DomainEnvelope[]; poison: NewDeadLetter[] } => {
  const events: DomainEnvelope[] = [];
  const poison: NewDeadLetter[] = [];
  for (const env of envelopes) {
    const { position, ...envelope } = env;
    const d = decodeEnvelope(envelope);
    if (E.isRight(d)) events.push(d.right);
    else poison.push({ projection, envelope, error: `${d.left._tag}: ${d.left.message}`, failedAt: now, ...(position === undefined ? {} : { position }) });
  }
  return { events, poison };
};

export interface CatchUpConsumerOptions {
  readonly feed: ChangeFeed;
  readonly sink: ProjectionSink;
  readonly deadLetters: DeadLetterStore;
  /** Events per feed read (default 500). */
  readonly batchSize?: number;
  /** Pause between reads once caught up (default 50 ms). */
  readonly idleMs?: number;
  readonly now?: () => Date;
  /** Called after every applied batch (metrics, lag sampling). */
  readonly onBatch?: (report: BatchReport, events: readonly DomainEnvelope[]) => void;
  /** Called when a batch fails (the consumer backs off and retries from its checkpoint). */
  readonly onError?: (error: unknown) => void;
  /**
   * Failed attempts at the same page before the consumer looks for events the projector cannot
   * apply and dead-letters them (default 3). Fewer failures are retried as transient faults.
   */
  readonly maxPageAttempts?: number;
}

export interface CatchUpConsumer {
  /** Reads one page after the stored checkpoint, applies it and stores the new checkpoint. */
  runOnce(): Promise<BatchReport>;
  /** Runs pages until the feed reports it is caught up. */
  runUntilCaughtUp(): Promise<{ applied: number; deadLettered: number }>;
  /** Polls in the background until `stop()`. */
  start(): void;
  /** Ends the idle pause now: new events were just committed in this process. */
  poke(): void;
  stop(): Promise<void>;
}

/**
 * A catch-up consumer over the change feed. At least once: the checkpoint is read from the sink
 * before every page (so a crash, a restart or a rebuild's swap resumes from what the read model
 * holds) and stored with — or right after — the page's writes.
 */
export const createCatchUpConsumer = (o: CatchUpConsumerOptions): CatchUpConsumer => {
  const batchSize = o.batchSize ?? 500;
  const idleMs = o.idleMs ?? 50;
  const now = o.now ?? (() => new Date());
  let running: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;
  let poked = false;
  const maxPageAttempts = o.maxPageAttempts ?? 3;
  let failed = { at: '', attempts: 0 };

  /**
   * A page that keeps failing while the sink's store answers (its checkpoint reads fine) holds
   * events the projector cannot apply: each event is tried alone; those that fail go to the dead
   * letters with their error, the rest are applied, and the checkpoint moves past the page.
   */
  const isolatePoison = async (events: readonly DomainEnvelope[], positions: ReadonlyMap<string, string>, next: string): Promise<NewDeadLetter[]> => {
    await o.sink.checkpoint(); // throws while the store is down: then it is not the events' fault
    const rejected: NewDeadLetter[] = [];
    for (const event of events) {
      try {
        await o.sink.apply([event]);
      } catch (error) {
        const position = positions.get(event.eventId);
        rejected.push({
          projection: o.sink.name,
          envelope: event,
          error: `ProjectionFailed: ${error instanceof Error ? error.message : String(error)}`,
          failedAt: now().toISOString(),
          ...(position === undefined ? {} : { position }),
        });
      }
    }
    // Every event of a page failing alone looks like the store refusing writes, not like events.
    if (events.length > 1 && rejected.length === events.length) throw new Error(`projection ${o.sink.name}: every event of the page failed`, { cause: rejected[0]?.error });
    if (rejected.length > 0) await o.deadLetters.add(rejected);
    await o.sink.apply([], next);
    return rejected;
  };

  const runOnce = async (): Promise<BatchReport> => {
    const after = await o.sink.checkpoint();
    const page = await o.feed.readFeed(after, batchSize);
    const { events, poison } = decodeBatch(o.sink.name, page.events, now().toISOString());
    if (poison.length > 0) await o.deadLetters.add(poison);
    let rejected = 0;
    if (page.events.length > 0 || page.next !== after) {
      try {
        await o.sink.apply(events, page.next);
        failed = { at: '', attempts: 0 };
      } catch (error) {
        failed = { at: after, attempts: failed.at === after ? failed.attempts + 1 : 1 };
        if (failed.attempts < maxPageAttempts) throw error;
        const positions = new Map(page.events.map((e) => [e.eventId, e.position]));
        rejected = (await isolatePoison(events, positions, page.next)).length;
        failed = { at: '', attempts: 0 };
      }
    }
    const report = { applied: events.length - rejected, deadLettered: poison.length + rejected, caughtUp: page.caughtUp, position: page.next };
    o.onBatch?.(report, events);
    return report;
  };

  const runUntilCaughtUp = async () => {
    let applied = 0;
    let deadLettered = 0;
    for (;;) {
      const r = await runOnce();
      applied += r.applied;
      deadLettered += r.deadLettered;
      if (r.caughtUp) return { applied, deadLettered };
    }
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const loop = async () => {
    let backoff = idleMs;
    while (!stopping) {
      try {
        poked = false;
        const r = await runOnce();
        backoff = idleMs;
        // A poke during the page means more events may be waiting: read again at once.
        if (r.caughtUp && !stopping && !poked) await sleep(idleMs);
      } catch (error) {
        o.onError?.(error);
        backoff = Math.min(backoff * 2, 5_000);
        if (!stopping) await sleep(backoff);
      }
    }
  };

  return {
    runOnce,
    runUntilCaughtUp,
    poke() {
      poked = true;
      wake?.();
    },
    start() {
      if (running !== undefined) return;
      stopping = false;
      running = loop();
    },
    async stop() {
      stopping = true;
      wake?.();
      await running;
      running = undefined;
    },
  };
};

/**
 * `strata dlq redrive`: decodes each open letter again (a fix or a new upcaster may have landed)
 * and applies it; letters that still fail keep their latest error. Returns the counts.
 */
export const redriveDeadLetters = async (
  store: DeadLetterStore,
  sinks: readonly ProjectionSink[],
  options: { projection?: string; now?: () => Date } = {},
): Promise<{ redriven: number; failed: number }> => {
  const now = options.now ?? (() => new Date());
  let redriven = 0;
  let failed = 0;
  for (const letter of await store.list(options.projection)) {
    const sink = sinks.find((s) => s.name === letter.projection);
    if (sink === undefined) continue;
    const at = now().toISOString();
    const { events, poison } = decodeBatch(letter.projection, [letter.envelope], at);
    try {
      if (poison[0] !== undefined) throw new Error(poison[0].error);
      await sink.apply(events);
      await store.settle(letter.id, { redrivenAt: at });
      redriven++;
    } catch (error) {
      await store.settle(letter.id, { error: error instanceof Error ? error.message : String(error), failedAt: at });
      failed++;
    }
  }
  return { redriven, failed };
};
