import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createBatcher, type BatchOutcome } from './batch.js';

/** A runner that records each batch and answers per item: odd items fail alone, `boom` fails the batch. */
const recordingRunner = () => {
  const batches: number[][] = [];
  let inFlight = 0;
  let maxSeen = 0;
  const run = async (items: readonly number[]): Promise<BatchOutcome<string>[]> => {
    batches.push([...items]);
    inFlight++;
    maxSeen = Math.max(maxSeen, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    if (items.includes(-1)) throw new Error('boom');
    return items.map((i) => (i % 2 === 0 ? { ok: `done ${i}` } : { error: new Error(`odd ${i}`) }));
  };
  return { run, batches, maxInFlight: () => maxSeen };
};

describe('createBatcher (group commit)', () => {
  it('answers every caller with its own outcome, never more than maxBatch per batch or maxInFlight at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.nat({ max: 1000 }), { maxLength: 20 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 8 }),
        async (waves, maxInFlight, maxBatch) => {
          const r = recordingRunner();
          const call = createBatcher(r.run, { maxInFlight, maxBatch });
          const settled: Promise<PromiseSettledResult<string>[]>[] = [];
          for (const wave of waves) {
            settled.push(Promise.allSettled(wave.map(call)));
            await new Promise((res) => setImmediate(res));
          }
          const results = (await Promise.all(settled)).flat();
          const items = waves.flat();
          expect(results).toHaveLength(items.length);
          results.forEach((res, i) => {
            const item = items[i]!;
            if (item % 2 === 0) expect(res).toEqual({ status: 'fulfilled', value: `done ${item}` });
            else expect(res).toMatchObject({ status: 'rejected', reason: { message: `odd ${item}` } });
          });
          expect(r.batches.flat().sort((a, b) => a - b)).toEqual([...items].sort((a, b) => a - b));
          for (const b of r.batches) expect(b.length).toBeLessThanOrEqual(maxBatch);
          expect(r.maxInFlight()).toBeLessThanOrEqual(maxInFlight);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('joins calls made while a batch is on the wire into the next batch', async () => {
    const r = recordingRunner();
    const call = createBatcher(r.run, { maxInFlight: 1, maxBatch: 100 });
    const first = call(0);
    await new Promise((res) => setImmediate(res)); // the first batch is now on the wire
    const rest = [2, 4, 6, 8].map(call);
    await Promise.all([first, ...rest]);
    expect(r.batches).toEqual([[0], [2, 4, 6, 8]]);
  });

  it('fails every item of a batch whose runner throws, and only that batch', async () => {
    const r = recordingRunner();
    const call = createBatcher(r.run, { maxInFlight: 1, maxBatch: 2 });
    const results = await Promise.allSettled([call(-1), call(2), call(4)]);
    expect(results.map((x) => x.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(r.batches).toEqual([[-1, 2], [4]]);
  });

  it('refuses nonsense limits', () => {
    expect(() => createBatcher(async () => [], { maxInFlight: 0, maxBatch: 1 })).toThrow(RangeError);
  });
});
