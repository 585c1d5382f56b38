import { afterEach, describe, expect, it } from '@jest/globals';
import { createSagaHarness, orderPaymentPair, type SagaHarness } from '@strata/workflows/testing/sagaHarness';
import { runSagaDlqCommand } from './command.js';
import { runnerSagaDeadLetters } from './sagaDeadLetters.runner.js';

// The local meaning of the port, on the real saga runner, ASL documents and simulated provider:
// a failed execution is a dead letter with its input; a redrive runs it again to the end.
let h: SagaHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('saga dead letters on the local runner', () => {
  it('lists a failed execution with its error and redrives it to completion once the provider is back', async () => {
    h = await createSagaHarness();
    const letters = runnerSagaDeadLetters(h.runner);
    h.sim.setOutage(true);
    await h.placeOrder('o-dl', 100);
    await h.settle();
    expect(await letters.list()).toEqual([expect.objectContaining({ id: 'PaymentRequest:o-dl', workflow: 'PaymentRequest', error: expect.objectContaining({ name: 'ProviderUnavailable' }) })]);
    h.sim.setOutage(false);
    const result = await letters.redrive({ workflow: 'PaymentRequest' });
    expect(result).toEqual({ redriven: [{ id: 'PaymentRequest:o-dl', workflow: 'PaymentRequest', execution: 'PaymentRequest:o-dl' }], failed: [] });
    await h.runner.settled();
    await h.settle();
    expect((await orderPaymentPair(h.writeModel, 'o-dl')).order.status).toBe('confirmed');
    expect(await letters.list()).toEqual([]);
  }, 30_000);

  it('the dlq command prints each dead letter and refuses a projection filter on AWS', async () => {
    h = await createSagaHarness();
    const letters = runnerSagaDeadLetters(h.runner);
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => out.push(chunk) > 0) as typeof process.stdout.write;
    const err = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await runSagaDlqCommand('list', undefined, letters)).toBe(0);
      expect(await runSagaDlqCommand('list', 'relational', letters)).toBe(64);
    } finally {
      process.stdout.write = write;
      process.stderr.write = err;
    }
    expect(out).toEqual(['no saga dead letters\n']);
  });
});
