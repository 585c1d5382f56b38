/**
 * Group commit for the SQL event store: calls that arrive while earlier ones are on the wire wait
 * and then go together, as one statement. A lone call goes out on the next turn of the event loop;
 * under load the queue fills while `maxInFlight` statements run, so the number of round trips per
 * call falls as concurrency rises (the same idea as PostgreSQL's own group commit of WAL flushes).
 */
export interface BatchOptions {
  /** Statements of this kind on the wire at once. PGlite runs one at a time: 1. */
  readonly maxInFlight: number;
  /** Largest batch sent as one statement. */
  readonly maxBatch: number;
}

/** One outcome per item, in the items' order: a value, or the error of that item alone. */
export type BatchOutcome<O> = { readonly ok: O } | { readonly error: unknown };

/** Runs a whole batch; throwing fails every item of the batch with that error. */
export type BatchRunner<I, O> = (items: readonly I[]) => Promise<readonly BatchOutcome<O>[]>;

export const createBatcher = <I, O>(run: BatchRunner<I, O>, options: BatchOptions): ((item: I) => Promise<O>) => {
  if (!(options.maxInFlight >= 1 && options.maxBatch >= 1)) throw new RangeError('maxInFlight and maxBatch must be at least 1');
  const queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight++;
      void run(batch.map((b) => b.item))
        .then(
          (outcomes) => {
            batch.forEach((b, i) => {
              const outcome = outcomes[i];
              if (outcome === undefined) b.reject(new Error(`batch runner returned ${outcomes.length} outcomes for ${batch.length} items`));
              else if ('ok' in outcome) b.resolve(outcome.ok);
              else b.reject(outcome.error);
            });
          },
          (error: unknown) => {
            for (const b of batch) b.reject(error);
          },
        )
        .finally(() => {
          inFlight--;
          flush();
        });
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      // Calls made in the same turn of the event loop join one batch.
      if (!scheduled && inFlight < options.maxInFlight) {
        scheduled = true;
        setImmediate(flush);
      }
    });
};
